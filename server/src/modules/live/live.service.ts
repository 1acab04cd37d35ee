/**
 * Pushes that stay cheap at 1,000 screens. Aggregates (queues, compliance) are recomputed
 * at most once a second, once per distinct board filter, only when something changed, and
 * pushed only to subscribers whose figures differ from what they last got; every
 * subscriber of a filter shares one computed value. The clock ticks every 5 s and at once
 * when a simulated clock moves.
 */
import type { Clock } from "../../platform/clock.js";
import type { EventBus } from "../../platform/event-bus.js";
import type { Logger } from "../../platform/logger.js";
import { PushQueue } from "../../platform/push-queue.js";
import type { ComplianceFigures, ComplianceService, Dimensions, QueueRow } from "../compliance/compliance.service.js";
import { INCIDENT_EVENTS_TOPIC } from "../incident/incident.rows.js";
import { SLA_ALERTS_TOPIC } from "../incident/alert.repo.js";

export const CLOCK_MOVED_TOPIC = "clock-moved";
const COALESCE_MS = 1_000;
const TICK_MS = 5_000;
/** Windows slide even when nothing happens: outcomes leave them. */
const COMPLIANCE_REFRESH_MS = 60_000;

interface Group<T> {
  key: string;
  compute: () => Promise<T>;
  /** What counts as a change (a compliance window's `to` moves every second; its figures may not). */
  fingerprint: (value: T) => string;
  subscribers: Set<PushQueue<T>>;
  /** Subscribers that have not had a value yet. */
  fresh: Set<PushQueue<T>>;
  last: string | null;
  computedAt: number;
}

function canonicalDims(d: Dimensions | null | undefined): string {
  const norm = (v: string[] | null | undefined) => (v?.length ? [...new Set(v)].sort() : []);
  return JSON.stringify([norm(d?.productCodes), norm(d?.levels), norm(d?.severities)]);
}

export interface ClockTickValue {
  now: Date;
  rate: number;
}

export class LiveService {
  private readonly queueGroups = new Map<string, Group<QueueRow[]>>();
  private readonly complianceGroups = new Map<string, Group<ComplianceFigures>>();
  private readonly tickSubscribers = new Set<PushQueue<ClockTickValue>>();
  private dirty = false;
  private timers: NodeJS.Timeout[] = [];
  private unsubscribe: Array<() => void> = [];
  private running = false;
  /** Aggregate recomputations done (for tests and metrics). */
  recomputations = 0;

  constructor(
    private readonly compliance: ComplianceService,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly log: Logger,
  ) {}

  start(): void {
    const mark = () => {
      this.dirty = true;
    };
    this.unsubscribe.push(this.bus.on(INCIDENT_EVENTS_TOPIC, mark), this.bus.on(SLA_ALERTS_TOPIC, mark));
    this.unsubscribe.push(
      this.bus.on(CLOCK_MOVED_TOPIC, () => {
        this.dirty = true;
        void this.tick();
      }),
    );
    this.timers.push(setInterval(() => void this.flush(), COALESCE_MS), setInterval(() => void this.tick(), TICK_MS));
    for (const t of this.timers) t.unref();
  }

  stop(): void {
    for (const t of this.timers) clearInterval(t);
    for (const u of this.unsubscribe) u();
    for (const g of [...this.queueGroups.values(), ...this.complianceGroups.values()]) for (const q of g.subscribers) (q as PushQueue<unknown>).end();
    for (const q of this.tickSubscribers) q.end();
  }

  /** Tells every replica that the simulated clock moved (ticks at once, aggregates recomputed). */
  clockMoved(): void {
    void this.bus.publish([{ topic: CLOCK_MOVED_TOPIC, id: "0", txId: "0", sequence: null, payload: null }]).catch(() => undefined);
  }

  subscribeQueues(dims: Dimensions | null | undefined): PushQueue<QueueRow[]> {
    const key = canonicalDims(dims);
    return this.join(this.queueGroups, key, async () => this.compliance.queues(await this.clock.now(), dims), (v) => JSON.stringify(v));
  }

  subscribeCompliance(windowSeconds: number, dims: Dimensions | null | undefined): PushQueue<ComplianceFigures> {
    const key = `${windowSeconds}|${canonicalDims(dims)}`;
    return this.join(
      this.complianceGroups,
      key,
      async () => this.compliance.compliance(windowSeconds, await this.clock.now(), dims),
      (v) => JSON.stringify([v.firstResponse, v.updatesAndEscalations, v.atRisk, v.breachedOpen]),
    );
  }

  subscribeClock(): PushQueue<ClockTickValue> {
    const queue = new PushQueue<ClockTickValue>(() => this.tickSubscribers.delete(queue));
    this.tickSubscribers.add(queue);
    void this.clock.now().then((now) => queue.push({ now, rate: this.clock.rate }));
    return queue;
  }

  private join<T>(groups: Map<string, Group<T>>, key: string, compute: () => Promise<T>, fingerprint: (value: T) => string): PushQueue<T> {
    let group = groups.get(key);
    if (!group) {
      group = { key, compute, fingerprint, subscribers: new Set(), fresh: new Set(), last: null, computedAt: 0 };
      groups.set(key, group);
    }
    const g = group;
    const queue = new PushQueue<T>(() => {
      g.subscribers.delete(queue);
      g.fresh.delete(queue);
      if (g.subscribers.size === 0) groups.delete(key);
    });
    g.subscribers.add(queue);
    g.fresh.add(queue);
    return queue;
  }

  private async tick(): Promise<void> {
    if (this.tickSubscribers.size === 0) return;
    const value = { now: await this.clock.now(), rate: this.clock.rate };
    for (const q of this.tickSubscribers) q.push(value);
  }

  /** Once a second: recompute what changed, once per distinct filter, and push what differs. */
  async flush(): Promise<void> {
    if (this.running) return;
    this.running = true;
    const dirty = this.dirty;
    this.dirty = false;
    try {
      const now = Date.now();
      for (const g of this.queueGroups.values()) await this.refresh(g, dirty || g.fresh.size > 0);
      for (const g of this.complianceGroups.values()) await this.refresh(g, dirty || g.fresh.size > 0 || now - g.computedAt >= COMPLIANCE_REFRESH_MS);
    } catch (err) {
      this.dirty = true;
      this.log.error({ err }, "live aggregates failed; retrying next second");
    } finally {
      this.running = false;
    }
  }

  private async refresh<T>(g: Group<T>, needed: boolean): Promise<void> {
    if (!needed || g.subscribers.size === 0) return;
    const value = await g.compute();
    this.recomputations++;
    g.computedAt = Date.now();
    const text = g.fingerprint(value);
    const changed = text !== g.last;
    g.last = text;
    for (const q of g.subscribers) if (changed || g.fresh.has(q)) q.push(value);
    g.fresh.clear();
  }
}
