/**
 * Prometheus metrics (`/metrics`): requests and latency by operation, errors by code, open
 * subscriptions and WebSockets, outbox backlog and age, watcher lag, alerts by kind. Values
 * that live in the database are read when scraped, so every replica reports the same truth.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

const MAX_OPERATION_LABELS = 200;

export interface MetricSources {
  outboxBacklog(): Promise<{ count: number; oldestSeconds: number | null }>;
  watcherLagMs(): number;
  watcherLeader(): boolean;
  alertsByKind(): Promise<Array<{ kind: string; count: number }>>;
}

export class Metrics {
  readonly registry = new Registry();
  readonly requests: Counter<"operation" | "status">;
  readonly latency: Histogram<"operation">;
  readonly errors: Counter<"code">;
  readonly subscriptions: Gauge;
  readonly sockets: Gauge;
  readonly rateLimited: Counter;
  private readonly operations = new Set<string>();
  /** Set by the WebSocket server: how many subscriptions are open now. */
  countSubscriptions: () => number = () => 0;

  constructor(sources: MetricSources) {
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({ name: "atalaya_graphql_requests_total", help: "GraphQL requests by operation name and outcome", labelNames: ["operation", "status"], registers: [this.registry] });
    this.latency = new Histogram({
      name: "atalaya_graphql_request_duration_seconds",
      help: "GraphQL request latency by operation name",
      labelNames: ["operation"],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [this.registry],
    });
    this.errors = new Counter({ name: "atalaya_graphql_errors_total", help: "GraphQL errors by extensions.code", labelNames: ["code"], registers: [this.registry] });
    const self = this;
    this.subscriptions = new Gauge({
      name: "atalaya_subscriptions_open",
      help: "Open GraphQL subscriptions on this replica",
      registers: [this.registry],
      collect() {
        this.set(self.countSubscriptions());
      },
    });
    this.sockets = new Gauge({ name: "atalaya_websockets_open", help: "Open WebSocket connections on this replica", registers: [this.registry] });
    this.rateLimited = new Counter({ name: "atalaya_rate_limited_total", help: "Requests refused with RATE_LIMITED", registers: [this.registry] });
    new Gauge({
      name: "atalaya_outbox_backlog",
      help: "Committed outbox rows not yet published",
      registers: [this.registry],
      async collect() {
        this.set((await sources.outboxBacklog()).count);
      },
    });
    new Gauge({
      name: "atalaya_outbox_oldest_age_seconds",
      help: "Age of the oldest unpublished outbox row",
      registers: [this.registry],
      async collect() {
        this.set((await sources.outboxBacklog()).oldestSeconds ?? 0);
      },
    });
    new Gauge({
      name: "atalaya_watcher_lag_seconds",
      help: "How far behind its due instant the watcher's last batch took its earliest decision (leader only)",
      registers: [this.registry],
      collect() {
        this.set(sources.watcherLeader() ? Math.max(0, sources.watcherLagMs()) / 1000 : 0);
      },
    });
    new Gauge({
      name: "atalaya_watcher_leader",
      help: "1 when this replica runs the breach watcher",
      registers: [this.registry],
      collect() {
        this.set(sources.watcherLeader() ? 1 : 0);
      },
    });
    new Gauge({
      name: "atalaya_alerts_total",
      help: "SLA alerts raised, by kind",
      labelNames: ["kind"],
      registers: [this.registry],
      async collect() {
        this.reset();
        for (const r of await sources.alertsByKind()) this.set({ kind: r.kind }, r.count);
      },
    });
  }

  /** An operation label with bounded cardinality: client-chosen names beyond the cap count as "other". */
  operationLabel(name: string | null | undefined): string {
    const clean = (name ?? "anonymous").replace(/[^A-Za-z0-9_]/g, "").slice(0, 64) || "anonymous";
    if (this.operations.has(clean)) return clean;
    if (this.operations.size >= MAX_OPERATION_LABELS) return "other";
    this.operations.add(clean);
    return clean;
  }
}
