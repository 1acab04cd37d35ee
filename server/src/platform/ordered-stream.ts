/**
 * One replica's view of a published topic, in the global order (transaction id, then
 * sequence) the relay publishes in. It drops what it has already delivered (two relays may
 * both publish a row), and when the transport reconnects it reads what it missed from the
 * database before going on, so a listener on this replica sees every event once, in order.
 * New subscribers may resume after a sequence: what came after it is replayed from the
 * database, then the live stream continues without a gap or a duplicate.
 */
import type { Db } from "./data-source.js";
import type { BusMessage, EventBus } from "./event-bus.js";
import type { Logger } from "./logger.js";
import { PushQueue } from "./push-queue.js";

/** A place in the published order: (transaction id, outbox row id). */
export interface Position {
  tx: bigint;
  seq: bigint;
}

const after = (a: Position, b: Position) => a.tx > b.tx || (a.tx === b.tx && a.seq > b.seq);
const positionOf = (m: BusMessage): Position => ({ tx: BigInt(m.txId), seq: BigInt(m.id) });

const REPLAY_LIMIT = 10_000;
const SAFETY_NET_MS = 2_000;

export class OrderedStream<T> {
  private cursor: Position | null = null;
  private catchingUp: BusMessage[] | null = null;
  private readAgain = false;
  private readonly reconnects: Array<Promise<unknown>> = [];
  private readonly listeners = new Set<(payload: T, position: Position) => void>();
  private unsubscribe: Array<() => void> = [];

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly topic: string,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    const [last] = await this.db.query<{ tx_id: string; id: string }>(
      `SELECT o.tx_id::text AS tx_id, o.id::text AS id FROM outbox o
        WHERE o.topic = $1 AND (o.tx_id, o.id) <= ((SELECT tx_id FROM relay_cursor), (SELECT outbox_id FROM relay_cursor))
        ORDER BY o.tx_id DESC, o.id DESC LIMIT 1`,
      [this.topic],
    );
    if (last) this.cursor = { tx: BigInt(last.tx_id), seq: BigInt(last.id) };
    this.unsubscribe.push(this.bus.on(this.topic, (m) => this.receive(m)));
    this.unsubscribe.push(this.bus.onReconnect((subscribed) => void this.catchUp(subscribed)));
    if (this.bus.kind === "redis") {
      // Redis pub/sub delivers at most once: a message published while this replica's
      // subscription was not yet back is gone. A cheap look at the database every couple of
      // seconds delivers whatever was published and not received (usually nothing).
      const timer = setInterval(() => void this.catchUp(), SAFETY_NET_MS);
      timer.unref();
      this.unsubscribe.push(() => clearInterval(timer));
    }
  }

  stop(): void {
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private receive(message: BusMessage): void {
    if (this.catchingUp) {
      this.catchingUp.push(message);
      return;
    }
    this.deliver(message);
  }

  private deliver(message: BusMessage): void {
    const position = positionOf(message);
    if (this.cursor && !after(position, this.cursor)) return;
    this.cursor = position;
    for (const listener of this.listeners) listener(message.payload as T, position);
  }

  /**
   * Reads what was published while the transport was away, then lets the buffered live
   * messages through. Buffering starts at once (before the subscription is back), so no live
   * message can move the cursor past what is still to be read.
   */
  private async catchUp(subscribed?: Promise<unknown>): Promise<void> {
    if (subscribed) this.reconnects.push(subscribed);
    if (this.catchingUp) {
      // already reading: read once more (after this reconnect) before letting live messages through
      this.readAgain = true;
      return;
    }
    this.catchingUp = [];
    try {
      do {
        this.readAgain = false;
        await Promise.all(this.reconnects.splice(0).map((p) => p.catch(() => undefined)));
        const rows = await this.readAfter(this.cursor ?? { tx: 0n, seq: 0n }, false);
        for (const r of rows) this.deliver(r);
      } while (this.readAgain);
    } catch (err) {
      this.log.error({ err }, "catch-up from the database failed");
    } finally {
      const buffered = this.catchingUp ?? [];
      this.catchingUp = null;
      for (const m of buffered) this.deliver(m);
    }
  }

  private async readAfter(from: Position, includeUnpublished: boolean): Promise<BusMessage[]> {
    const rows = await this.db.query<{ id: string; tx_id: string; seq: string | null; payload: unknown }>(
      `SELECT o.id::text AS id, o.tx_id::text AS tx_id, o.event_sequence::text AS seq, o.payload FROM outbox o, relay_cursor c
        WHERE o.topic = $1 AND (o.tx_id, o.id) > ($2::text::xid8, $3::bigint)
          AND ${includeUnpublished ? "o.tx_id < pg_snapshot_xmin(pg_current_snapshot())" : "(o.tx_id, o.id) <= (c.tx_id, c.outbox_id)"}
        ORDER BY o.tx_id, o.id LIMIT ${REPLAY_LIMIT}`,
      [this.topic, from.tx.toString(), from.seq.toString()],
    );
    return rows.map((r) => ({ topic: this.topic, id: r.id, txId: r.tx_id, sequence: r.seq, payload: r.payload }));
  }

  /** The position of a published row, looked up by its event sequence; null when unknown. */
  async positionOfSequence(sequence: string): Promise<Position | null> {
    const [row] = await this.db.query<{ tx_id: string; id: string }>(
      "SELECT tx_id::text AS tx_id, id::text AS id FROM outbox WHERE topic = $1 AND event_sequence = $2::bigint",
      [this.topic, sequence],
    );
    return row ? { tx: BigInt(row.tx_id), seq: BigInt(row.id) } : null;
  }

  /**
   * Subscribes from now on, or right after `from` (a position in the published order):
   * live messages are buffered while the replay is read, then passed on past its end.
   */
  subscribe(from: Position | null, accept: (payload: T) => boolean): PushQueue<T> {
    let replayEnd: Position | null = null;
    let buffering: Array<[T, Position]> | null = from ? [] : null;
    const listener = (payload: T, position: Position) => {
      if (!accept(payload)) return;
      if (buffering) buffering.push([payload, position]);
      else if (!replayEnd || after(position, replayEnd)) queue.push(payload);
    };
    const queue = new PushQueue<T>(() => this.listeners.delete(listener));
    this.listeners.add(listener);
    if (from) {
      void this.readAfter(from, true).then(
        (rows) => {
          for (const r of rows) {
            const payload = r.payload as T;
            replayEnd = positionOf(r);
            if (accept(payload)) queue.push(payload);
          }
          const pending = buffering ?? [];
          buffering = null;
          for (const [payload, position] of pending) if (!replayEnd || after(position, replayEnd)) queue.push(payload);
        },
        (err: unknown) => queue.fail(err),
      );
    }
    return queue;
  }
}
