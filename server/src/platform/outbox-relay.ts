/**
 * Publishes committed outbox rows in one order that never changes.
 *
 * Sequences are taken at insert, not at commit, so publishing by sequence alone could
 * deliver 102 before 101 and a subscriber resuming after 102 would never see 101. Each
 * row records its transaction id; the relay publishes only rows of transactions older
 * than every transaction still running (`pg_snapshot_xmin`), ordered by (tx_id, id).
 * Whatever becomes publishable later sorts after what was already published, so the
 * published stream is append-only, and one cursor row (`relay_cursor`) says how far it got:
 * "published" is "at or before the cursor". One relay publishes at a time (a transaction-
 * level advisory lock); if the transport refuses, the transaction rolls back and the cursor
 * stays.
 */
import type { Db } from "./data-source.js";
import type { BusMessage, EventBus } from "./event-bus.js";
import type { Logger } from "./logger.js";

import { LOCKS } from "./locks.js";

const RELAY_LOCK = LOCKS.relay;
const BATCH = 500;
// A commit is published POKE_DELAY_MS after it (a screen sees the change within
// milliseconds); commits within that delay share one run.
const POKE_DELAY_MS = 2;
// Every run is a transaction of its own and wakes every listener on every replica (the
// notification planner runs a round per published batch): while commits keep coming, runs
// are spaced MIN_GAP_MS apart, so a busy second costs ten runs, not forty. The spacing is a
// token bucket of RUN_BURST runs, one back every MIN_GAP_MS: a few runs close together (a
// commit and the watcher's decision after it) still go at once. A fixed gap since the last
// run held one event in ten back ~100 ms on a quiet board (api bench: the first subscriber's
// p90 was 98 ms against a p50 of 8 ms).
const MIN_GAP_MS = 100;
const RUN_BURST = 4;

// A committed row waiting behind an older transaction still in progress (on any database of
// the cluster: transaction ids are cluster-wide) is retried this soon, doubling up to the
// interval: the older transaction's own commit pokes only if it is ours and pokes at all.
const BLOCKED_RETRY_MS = 5;

/**
 * The next batch after the cursor, each row marked publishable or not; the publishable rows
 * come first (the order is by transaction id). The cursor comes in as two scalar subqueries
 * so that the index scan starts at it: joined to relay_cursor, the planner read the outbox
 * from its first row on every run and filtered, so each publish cost as much as every row
 * ever written.
 */
export const READ_BATCH = `SELECT o.id::text AS id, o.tx_id::text AS tx_id, o.topic, o.event_sequence::text AS event_sequence, o.payload,
       o.tx_id < pg_snapshot_xmin(pg_current_snapshot()) AS ready
  FROM outbox o
 WHERE (o.tx_id, o.id) > ((SELECT tx_id FROM relay_cursor), (SELECT outbox_id FROM relay_cursor))
 ORDER BY o.tx_id, o.id
 LIMIT ${BATCH}`;

interface OutboxRow {
  id: string;
  tx_id: string;
  topic: string;
  event_sequence: string | null;
  payload: unknown;
  ready: boolean;
}

export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private soon = false;
  private stopped = false;
  private failing = false;
  /** Runs that may start without waiting (the token bucket above). */
  private tokens = RUN_BURST;
  private refilledAt = 0;
  /** Committed rows were left waiting for an older transaction on the last run. */
  private blocked = false;
  private blockedRetries = 0;
  published = 0;

  constructor(
    private readonly db: Db,
    private readonly bus: EventBus,
    private readonly log: Logger,
    private readonly intervalMs: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Asks for a run soon (after a local commit); runs coalesce. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // a few milliseconds let the commits of a burst share one relay transaction
    if (this.soon) return;
    this.schedule(this.soonDelay());
    this.soon = true;
  }

  private soonDelay(): number {
    this.refill();
    return this.tokens >= 1 ? POKE_DELAY_MS : Math.max(POKE_DELAY_MS, Math.ceil((1 - this.tokens) * MIN_GAP_MS));
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(RUN_BURST, this.tokens + (now - this.refilledAt) / MIN_GAP_MS);
    this.refilledAt = now;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.soon = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delay);
  }

  private async tick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.refill();
    this.tokens = Math.max(0, this.tokens - 1);
    this.running = this.drain()
      .then(() => {
        if (this.failing) this.log.info("outbox relay publishing again");
        this.failing = false;
      })
      .catch((err: unknown) => {
        if (!this.failing) this.log.warn({ err: err instanceof Error ? err.message : err }, "outbox relay cannot publish; rows kept");
        this.failing = true;
      })
      .finally(() => {
        this.running = undefined;
        const more = this.again && !this.failing;
        this.again = false;
        if (this.blocked && !this.failing) {
          const retry = Math.min(this.intervalMs, BLOCKED_RETRY_MS * 2 ** Math.min(this.blockedRetries++, 16));
          // a commit that poked during the run is not kept waiting for the retry's doubling
          this.schedule(more ? Math.min(retry, this.soonDelay()) : retry);
          return;
        }
        this.blockedRetries = 0;
        this.schedule(more ? this.soonDelay() : this.intervalMs);
      });
    await this.running;
  }

  /** Publishes everything publishable now; resolves when nothing is left (or another relay holds the lock). */
  async drain(): Promise<void> {
    for (;;) {
      const count = await this.db.transaction(async (tx) => {
        const [lock] = await tx.query<{ ok: boolean }>("SELECT pg_try_advisory_xact_lock($1) AS ok", [RELAY_LOCK]);
        if (!lock.ok) return 0;
        const read = await tx.query<OutboxRow>(READ_BATCH);
        const ready = read.findIndex((r) => !r.ready);
        this.blocked = ready >= 0;
        const rows = ready >= 0 ? read.slice(0, ready) : read;
        if (rows.length === 0) return 0;
        const messages: BusMessage[] = rows.map((r) => ({ topic: r.topic, id: r.id, txId: r.tx_id, sequence: r.event_sequence, payload: r.payload }));
        await this.bus.publish(messages);
        const last = rows[rows.length - 1];
        await tx.execute("UPDATE relay_cursor SET tx_id = $1::text::xid8, outbox_id = $2::bigint, moved_at = now()", [last.tx_id, last.id]);
        return rows.length;
      });
      this.published += count;
      if (count < BATCH || this.blocked) return;
    }
  }

  /** Rows committed but not yet published, and the age of the oldest (for /readyz and metrics). */
  async backlog(): Promise<{ count: number; oldestSeconds: number | null }> {
    const [row] = await this.db.query<{ count: string; oldest: number | null }>(
      `SELECT count(*) AS count, EXTRACT(EPOCH FROM now() - min(o.created_at))::float8 AS oldest
         FROM outbox o WHERE (o.tx_id, o.id) > ((SELECT tx_id FROM relay_cursor), (SELECT outbox_id FROM relay_cursor))`,
    );
    return { count: Number(row.count), oldestSeconds: row.oldest };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    // flush what is left so a graceful stop publishes everything it committed
    await this.drain().catch(() => undefined);
  }
}
