/**
 * The product acting on its own: at-risk and breach alerts, automatic escalation,
 * auto-resolve and auto-close, each stamped at the instant the rules give.
 *
 * One replica polls: on PostgreSQL it holds a session-level advisory lock on a dedicated
 * connection (if it dies, the lock goes with its session and another replica takes over);
 * the embedded default is always its own poller and takes no such lock. It sleeps until
 * the earliest `next_decision_at` (floor ~100 ms, cap 1 s), wakes early when an earlier one
 * is written, and decides what is due. Every batch of decisions, whoever runs it, holds the
 * transaction-level decision lock, so a simulated-clock move on any replica can run the
 * decisions itself without waiting for the poller.
 */
import type { QueryRunner } from "typeorm";
import type { Clock } from "./clock.js";
import type { Db, Sql } from "./data-source.js";
import type { EventBus } from "./event-bus.js";
import { LOCKS } from "./locks.js";
import type { Logger } from "./logger.js";

// small batches commit sooner: a decision's lag includes the rest of its batch
const BATCH = 50;
const WAKE_TOPIC = "watcher-wake";

/** Decides one incident; `wait`: wait for a person's change to it instead of skipping it. */
export type DecideFn = (tx: Sql, incidentId: string, until: Date, wait: boolean) => Promise<boolean>;

export interface WatcherOptions {
  floorMs: number;
  capMs: number;
  /** Called after a batch committed decisions (the relay publishes them). */
  afterCommit: () => void;
}

export class BreachWatcher {
  private stopped = true;
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  /** A wake that came while the poller was awake (its look may predate that commit): shortens the next sleep to the floor. */
  private wokeAwake = false;
  private wakeResolve: (() => void) | undefined;
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private session: QueryRunner | undefined;
  /** Decisions committed by this replica's poller (for /readyz and metrics). */
  decided = 0;
  /** Lag of the last batch: how far behind its due instant the earliest decision was taken. */
  lastLagMs = 0;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly decide: DecideFn,
    private readonly log: Logger,
    private readonly opts: WatcherOptions,
  ) {}

  get isLeader(): boolean {
    return this.leader;
  }

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.bus.on(WAKE_TOPIC, (m) => this.wake(new Date(Number(m.payload))));
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.interrupt();
    await this.loop;
  }

  /**
   * An incident's next decision was written: wake the poller if it is earlier than the
   * poller's next look. Cross-replica only when it matters before the next capped poll.
   */
  notify(nextDecisionAt: Date | null, now: Date): void {
    if (!nextDecisionAt) return;
    if (this.leader) {
      this.wake(nextDecisionAt);
      return;
    }
    if (nextDecisionAt.getTime() - now.getTime() < this.opts.capMs) {
      void this.bus.publish([{ topic: WAKE_TOPIC, id: "0", txId: "0", sequence: null, payload: String(nextDecisionAt.getTime()) }]).catch(() => undefined);
    }
  }

  private wake(at: Date): void {
    if (!this.leader) return;
    if (this.wakeAt === Infinity) {
      this.wokeAwake = true;
      return;
    }
    if (at.getTime() >= this.wakeAt) return;
    this.interrupt();
  }

  private interrupt(): void {
    clearTimeout(this.timer);
    this.wakeResolve?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wakeResolve = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.db.embedded) {
          this.leader = true;
          await this.poll(null);
        } else {
          await this.campaign();
        }
      } catch (err) {
        this.leader = false;
        if (!this.stopped) this.log.error({ err }, "breach watcher failed; retrying");
        await this.sleep(1_000);
      }
    }
  }

  /** Tries to become the poller; polls while leading, else retries every second. */
  private async campaign(): Promise<void> {
    const session = this.db.dataSource.createQueryRunner();
    await session.connect();
    this.session = session;
    try {
      const [row] = (await session.query("SELECT pg_try_advisory_lock($1) AS ok", [LOCKS.watcherLeader])) as Array<{ ok: boolean }>;
      if (!row.ok) {
        await this.sleep(1_000 + Math.floor(Math.random() * 250));
        return;
      }
      this.leader = true;
      this.log.info("breach watcher: this replica polls");
      try {
        await this.poll(session);
      } finally {
        this.leader = false;
        await session.query("SELECT pg_advisory_unlock($1)", [LOCKS.watcherLeader]).catch(() => undefined);
      }
    } finally {
      this.session = undefined;
      await session.release().catch(() => undefined);
    }
  }

  private async poll(session: QueryRunner | null): Promise<void> {
    while (!this.stopped) {
      // the leadership lives as long as this session: check it is still there
      if (session) await session.query("SELECT 1");
      const now = await this.clock.now();
      const changed = await this.runDue(now);
      this.wokeAwake = false; // a wake before this look committed before it: the look sees that decision
      const [row] = await this.db.query<{ next: Date | null }>(
        "SELECT min(next_decision_at) AS next FROM incident WHERE status <> 'CLOSED' AND next_decision_at IS NOT NULL",
      );
      const after = await this.clock.now();
      const until = row?.next ? row.next.getTime() - after.getTime() + 1 : this.opts.capMs;
      // behind (decisions fell due while this batch ran): look again at once, not after the floor
      const behind = changed > 0 && until <= 0 && this.clock.rate !== 0;
      const delay = behind
        ? 0
        : this.wokeAwake
          ? this.opts.floorMs
          : Math.min(this.opts.capMs, Math.max(this.opts.floorMs, this.clock.rate === 0 ? this.opts.capMs : until));
      this.wakeAt = after.getTime() + delay;
      await this.sleep(delay);
      this.wakeAt = Infinity;
    }
  }

  /** Decides everything due before `until`, batch by batch, each under the decision lock. Returns how many incidents changed. */
  async runDue(until: Date): Promise<number> {
    let total = 0;
    for (;;) {
      const changed = await this.db.transaction(async (tx) => {
        await tx.query("SELECT pg_advisory_xact_lock($1)", [LOCKS.decisions]);
        return this.runBatch(tx, until, false);
      });
      total += changed.changed;
      if (changed.changed > 0) this.opts.afterCommit();
      if (changed.taken < BATCH) return total;
    }
  }

  /**
   * Decides everything due before `until` inside the caller's transaction, which must hold
   * the decision lock (a simulated-clock move), chains included.
   */
  async runDueIn(tx: Sql, until: Date): Promise<number> {
    let total = 0;
    // every taken row is decided or has its index entry moved past `until`, so each round
    // makes progress; the bound only guards against a bug turning this into a spin
    for (let round = 0; round < 100_000; round++) {
      const r = await this.runBatch(tx, until, true);
      total += r.changed;
      if (r.taken < BATCH) return total;
    }
    return total;
  }

  /**
   * Locks the whole batch in its first statement: the transaction takes its id there, so
   * a person's change that committed before it sorts before it in the published order and
   * one that waits for these rows sorts after, and one incident's events reach subscribers
   * in the order of its timeline.
   */
  private async runBatch(tx: Sql, until: Date, wait: boolean): Promise<{ taken: number; changed: number }> {
    // NO KEY UPDATE: a row a foreign key merely references (an event, a notification being
    // inserted) is not "being changed" and must not be skipped. A clock move waits for each
    // incident instead (it must decide everything before it returns), locking one at a time
    // in the same order as a person's change, so the two cannot deadlock.
    const due = await tx.query<{ id: string; next_decision_at: Date }>(
      `SELECT id, next_decision_at FROM incident
        WHERE status <> 'CLOSED' AND next_decision_at IS NOT NULL AND next_decision_at < $1
        ORDER BY next_decision_at, id LIMIT ${BATCH}
        ${wait ? "" : "FOR NO KEY UPDATE SKIP LOCKED"}`,
      [until],
    );
    let changed = 0;
    for (const row of due) {
      if (await this.decide(tx, row.id, until, wait)) changed++;
    }
    if (due.length > 0) this.lastLagMs = Date.now() - due[0].next_decision_at.getTime();
    this.decided += changed;
    return { taken: due.length, changed };
  }
}
