/**
 * The composition root: database, event bus, relay, services, GraphQL over HTTP and
 * WebSocket on one port, the wallboard, health endpoints. `startApp` is what `main.ts`
 * runs and what the integration tests start on free ports.
 */
import "reflect-metadata";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { ApolloServer, HeaderMap } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { GraphQLError, type DocumentNode, type ExecutionResult, type FormattedExecutionResult } from "graphql";
import { LIMITS } from "./graphql/limits.js";
import { OperationCache, checkLimits } from "./graphql/operations.js";
import { Executor, type DirectSink } from "./graphql/executor.js";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import { classify, createFormatError } from "./graphql/errors.js";
import { unwrapResolverError } from "@apollo/server/errors";
import { Metrics } from "./platform/metrics.js";
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from "./platform/rate-limiter.js";
import type { Ctx } from "./graphql/context.js";
import { createLoaders } from "./graphql/loaders.js";
import { createSchema } from "./graphql/schema.js";
import { ApiKeyService } from "./modules/access/api-key.service.js";
import type { Principal } from "./modules/access/principal.js";
import { CatalogService } from "./modules/catalog/catalog.service.js";
import { INCIDENT_EVENTS_TOPIC, type IncidentEventMessage } from "./modules/incident/incident.rows.js";
import { IncidentService } from "./modules/incident/incident.service.js";
import { SLA_ALERTS_TOPIC, type AlertMessage } from "./modules/incident/alert.repo.js";
import { SimulatedClock, SystemClock, type Clock } from "./platform/clock.js";
import { ClockService } from "./modules/clock/clock.service.js";
import { SlaPolicyService } from "./modules/sla-policy/sla-policy.service.js";
import { ComplianceService } from "./modules/compliance/compliance.service.js";
import { LiveService } from "./modules/live/live.service.js";
import { NotificationService } from "./modules/notification/notification.service.js";
import { KnowledgeService } from "./modules/knowledge/knowledge.service.js";
import { ProblemService } from "./modules/problem/problem.service.js";
import type { Config } from "./platform/config.js";
import { Db } from "./platform/data-source.js";
import { createEventBus } from "./platform/event-bus.js";
import { BodyTooLarge, readBody, sendJson, serveStatic } from "./platform/http.js";
import type { Logger } from "./platform/logger.js";
import { OrderedStream } from "./platform/ordered-stream.js";
import { OutboxRelay } from "./platform/outbox-relay.js";
import { BreachWatcher } from "./platform/breach-watcher.js";
import type { Services } from "./services.js";

export interface App {
  url: string;
  port: number;
  services: Services;
  /** Secrets created on first start (shown once). */
  firstStartKeys: { admin?: string; display?: string };
  close(): Promise<void>;
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });
}

function bearer(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

export async function startApp(config: Config, log: Logger): Promise<App> {
  const db = await Db.connect(config);
  const applied = await db.migrate();
  if (applied.length) log.info({ migrations: applied }, "migrations applied");

  const [installation] = await db.query<{ id: string }>("SELECT id FROM installation");
  const bus = createEventBus(config.redisUrl, installation.id, log);
  const relay = new OutboxRelay(db, bus, log, config.relayIntervalMs);
  const stream = new OrderedStream<IncidentEventMessage>(db, bus, INCIDENT_EVENTS_TOPIC, log);
  await stream.start();
  const alertStream = new OrderedStream<AlertMessage>(db, bus, SLA_ALERTS_TOPIC, log);
  await alertStream.start();
  const clock: Clock = config.clockMode === "simulated" ? await SimulatedClock.open(db, config.clockStart!) : new SystemClock();
  const catalog = new CatalogService(db);
  const apiKeys = new ApiKeyService(db, bus, config.apiKeyCacheMs);
  let watcher: BreachWatcher | undefined;
  const incidents = new IncidentService(db, catalog, stream, (row) => {
    relay.poke();
    if (row) void clock.now().then((now) => watcher?.notify(row.next_decision_at, now));
  });
  const policy = new SlaPolicyService(db, async (severities) => incidents.recomputeTargets(severities, await clock.now()));
  incidents.usePolicy(policy);
  const knowledge = new KnowledgeService(db, catalog, incidents);
  incidents.useKnowledge(knowledge);
  const problems = new ProblemService(db, catalog, incidents, knowledge);
  const services: Services = {
    db,
    clock,
    bus,
    relay,
    apiKeys,
    catalog,
    incidents,
    knowledge,
    problems,
    clockControl: new ClockService(db, clock, (tx, until) => watcher!.runDueIn(tx, until), () => {
      relay.poke();
      services.live.clockMoved();
      services.notifications?.poke();
    }),
    policy,
    alerts: alertStream,
  } as Services;
  watcher = new BreachWatcher(db, clock, bus, (tx, id, until, wait) => incidents.decideDue(tx, id, until, wait), log, {
    floorMs: config.watcherFloorMs,
    capMs: config.watcherCapMs,
    afterCommit: () => relay.poke(),
  });
  services.watcher = watcher;
  const compliance = new ComplianceService(db);
  const live = new LiveService(compliance, clock, bus, log);
  services.compliance = compliance;
  services.live = live;
  live.start();
  const notifications = new NotificationService(db, clock, log, config);
  services.notifications = notifications;
  relay.start();
  watcher.start();
  notifications.start(bus);

  const firstStartKeys = await apiKeys.bootstrap(config.adminApiKey);

  const schema = await createSchema(bus.pubSub);
  const formatError = createFormatError(null);
  const formatWsError = createFormatError(log);
  const metrics = new Metrics({
    outboxBacklog: () => relay.backlog(),
    watcherLagMs: () => watcher!.lastLagMs,
    watcherLeader: () => watcher!.isLeader,
    alertsByKind: async () => (await db.query<{ kind: string; n: string }>("SELECT kind, count(*) AS n FROM sla_alert GROUP BY kind")).map((r) => ({ kind: r.kind, count: Number(r.n) })),
  });
  const limiter: RateLimiter = config.redisUrl ? new RedisRateLimiter(config.redisUrl, `atalaya:${installation.id}`, log) : new MemoryRateLimiter();
  // the first requests are counted too (Redis is up: the bus just connected to it), but a slow
  // connection does not hold the start
  await Promise.race([limiter.ready(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  const rateLimit = async (principal: Principal): Promise<GraphQLError | null> => {
    const d = await limiter.hit(principal.keyId, principal.rateLimit ?? config.rateLimit, Date.now());
    if (d.allowed) return null;
    metrics.rateLimited.inc();
    return new GraphQLError(`rate limit reached for this API key; retry in ${d.retryAfterSeconds} s`, {
      extensions: { code: "RATE_LIMITED", retryAfterSeconds: d.retryAfterSeconds, http: { status: 429, headers: new HeaderMap([["retry-after", String(d.retryAfterSeconds)]]) } },
    });
  };
  const operations = new OperationCache(schema);
  // what a subscriber may see depends on its role and on whom its key acts for (ACCESS.md)
  // a pushed result as graphql-ws sends it: codes kept, the unexpected masked and logged
  const nextPayload = (result: ExecutionResult): ExecutionResult | FormattedExecutionResult =>
    result.errors?.length ? { ...result, errors: result.errors.map((e) => formatWsError(e.toJSON(), e)) } : result.errors ? { ...result, errors: undefined } : result;
  const executor = new Executor(
    schema,
    log,
    (ctx) => {
      const p = (ctx as Ctx | undefined)?.principal;
      return p ? `${p.role}|${p.agentId ?? ""}|${p.contactId ?? ""}` : null;
    },
    { sinkOf: (ctx) => (ctx as Ctx | undefined)?.push ?? null, encode: (result) => JSON.stringify(nextPayload(result)) },
  );
  const apollo = new ApolloServer<Ctx>({
    // Apollo Server 5's one hook for another executor is its gateway interface: the schema is
    // ours and fixed, the executor runs compiled operations (graphql/executor.ts)
    gateway: {
      async load() {
        return {
          schema,
          executor: async (rc) =>
            (await executor.execute(
              { schema, document: rc.document, contextValue: rc.context, variableValues: rc.request.variables, operationName: rc.request.operationName },
              // an operation Apollo could not pick (a wrong operationName) is answered by graphql-js
              Boolean(rc.operation),
            )) as never,
        };
      },
      onSchemaLoadOrUpdate(callback) {
        callback({ apiSchema: schema, coreSupergraphSdl: "" });
        return () => undefined;
      },
      async stop() {},
    },
    formatError,
    introspection: true,
    includeStacktraceInErrorResponses: false,
    // Lean: no landing page, no cache-control bookkeeping (+35–41 % throughput measured).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      {
        // depth, aliases and cost, with the request's variables (a page size may be one);
        // metrics by operation; unexpected errors logged with the request id
        async requestDidStart() {
          const started = performance.now();
          return {
            async willSendResponse({ request, response, errors, operationName }) {
              const op = metrics.operationLabel(operationName ?? request.operationName);
              metrics.requests.inc({ operation: op, status: errors?.length || response.body.kind !== "single" || response.body.singleResult.errors ? "error" : "ok" });
              metrics.latency.observe({ operation: op }, (performance.now() - started) / 1000);
            },
            async didEncounterErrors({ errors, contextValue }) {
              for (const e of errors) {
                const c = classify(e);
                metrics.errors.inc({ code: c.code });
                if (!c.expected) ((contextValue as Ctx | undefined)?.log ?? log).error({ err: unwrapResolverError(e), path: e.path }, "unexpected error");
              }
            },
            async didResolveOperation({ document, request, operation }) {
              if (operation?.operation === "subscription") throw new GraphQLError("subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP", { extensions: { code: "BAD_REQUEST", http: { status: 400 } } });
              const errors = checkLimits(schema, document, request.variables);
              if (errors.length) throw new GraphQLError(errors[0].message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", http: { status: 400 } } });
            },
          };
        },
      },
    ],
    parseOptions: { maxTokens: LIMITS.tokens },
  });
  await apollo.start();

  const contextFor = async (principal: Principal, requestId: string): Promise<Ctx> => {
    const now = await clock.now();
    // the request's logger is made when something logs (most requests never do): a child
    // logger per request was a measurable part of a small list's cost
    let child: Logger | undefined;
    return {
      requestId,
      principal,
      now,
      loaders: createLoaders(db),
      services,
      get log() {
        return (child ??= log.child({ requestId, keyId: principal.keyId }));
      },
    };
  };

  const server = http.createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      log.error({ err }, "request failed");
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } }] });
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (url.pathname === "/readyz") {
      const [database, backlog] = await Promise.all([db.ping(), relay.backlog().catch(() => null)]);
      const redis = bus.kind === "memory" ? "in-process" : bus.healthy() ? "up" : "down";
      const ready = database && redis !== "down";
      return sendJson(res, ready ? 200 : 503, {
        status: ready ? "ready" : "not ready",
        database: database ? "up" : "down",
        databaseKind: db.embedded ? "embedded" : "postgresql",
        redis,
        outboxBacklog: backlog?.count ?? null,
      });
    }
    if (url.pathname === "/metrics") {
      const body = await metrics.registry.metrics();
      res.writeHead(200, { "content-type": metrics.registry.contentType });
      res.end(body);
      return;
    }
    if (url.pathname !== "/graphql") {
      if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "method not allowed" });
      return serveStatic(config.wallboardDir, url.pathname, res);
    }
    const requestId = (typeof req.headers["x-request-id"] === "string" && req.headers["x-request-id"].slice(0, 100)) || randomUUID();
    let body: unknown = undefined;
    if (req.method === "POST") {
      let raw: string;
      try {
        raw = await readBody(req);
      } catch (err) {
        if (err instanceof BodyTooLarge) {
          return sendJson(res, 413, { errors: [{ message: "request body is larger than 1 MB", extensions: { code: "BAD_REQUEST" } }] });
        }
        throw err;
      }
      const type = req.headers["content-type"] ?? "";
      if (type.includes("application/json") || type.includes("application/graphql-response+json")) {
        try {
          body = raw === "" ? undefined : JSON.parse(raw);
        } catch {
          return sendJson(res, 400, { errors: [{ message: "request body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
        }
      } else {
        body = raw;
      }
    }
    const headers = new HeaderMap();
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? "GET", headers, search: url.search, body },
      context: async () => {
        const secret = bearer(req.headers.authorization);
        if (!secret) throw unauthenticated("an API key is required: send `Authorization: Bearer <secret>`");
        const principal = await apiKeys.authenticate(secret);
        if (!principal) throw unauthenticated("the API key is unknown or revoked");
        const limited = await rateLimit(principal);
        if (limited) throw limited;
        return contextFor(principal, requestId);
      },
    });
    const out: Record<string, string | number> = { "x-request-id": requestId };
    for (const [k, v] of result.headers) out[k] = v;
    if (result.body.kind === "complete") {
      // a length, not chunked encoding: one write, and less for every client to parse
      out["content-length"] = Buffer.byteLength(result.body.string);
      res.writeHead(result.status ?? 200, out);
      res.end(result.body.string);
    } else {
      res.writeHead(result.status ?? 200, out);
      for await (const chunk of result.body.asyncIterator) res.write(chunk);
      res.end();
    }
  }

  const socketsPerKey = new Map<string, number>();
  const liveSockets = new Set<{ subscriptions: Record<string, unknown> }>();
  metrics.countSubscriptions = () => {
    let n = 0;
    for (const c of liveSockets) n += Object.keys(c.subscriptions).length;
    return n;
  };
  const wss = new WebSocketServer({ server, path: "/graphql", maxPayload: 1_000_000 });
  const wsServer = useServer<Record<string, unknown>, { principal?: Principal }>(
    {
      schema,
      execute: executor.execute,
      subscribe: executor.subscribe,
      connectionInitWaitTimeout: 10_000,
      onConnect: async (ctx) => {
        const header = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
        const secret = bearer(typeof header === "string" ? header : null);
        const principal = secret ? await apiKeys.authenticate(secret) : null;
        if (!principal) return false;
        const open = socketsPerKey.get(principal.keyId) ?? 0;
        if (open >= config.wsConnectionsPerKey) {
          ctx.extra.socket.close(4429, `too many WebSocket connections for this key (at most ${config.wsConnectionsPerKey})`);
          return false;
        }
        socketsPerKey.set(principal.keyId, open + 1);
        metrics.sockets.inc();
        liveSockets.add(ctx as unknown as { subscriptions: Record<string, unknown> });
        ctx.extra.principal = principal;
        return true;
      },
      onClose: (ctx) => {
        liveSockets.delete(ctx as unknown as { subscriptions: Record<string, unknown> });
        const p = ctx.extra.principal;
        if (!p || !ctx.acknowledged) return;
        const n = (socketsPerKey.get(p.keyId) ?? 1) - 1;
        if (n <= 0) socketsPerKey.delete(p.keyId);
        else socketsPerKey.set(p.keyId, n);
        metrics.sockets.dec();
      },

      context: async (ctx, id) => {
        const socket = ctx.extra.socket;
        const push: DirectSink = {
          id,
          send: (text) => {
            if (socket.readyState === socket.OPEN) socket.send(text);
          },
        };
        const context = await contextFor(ctx.extra.principal!, randomUUID());
        context.push = push; // not a spread: that would read the lazy logger
        return context;
      },
      onSubscribe: async (ctx, _id, payload) => {
        const limited = await rateLimit(ctx.extra.principal!);
        if (limited) return [limited];
        const prepared = operations.prepare(payload.query, payload.variables ?? undefined);
        if (Array.isArray(prepared)) return prepared as readonly GraphQLError[];
        return { schema, document: prepared as DocumentNode, variableValues: payload.variables, operationName: payload.operationName };
      },
      // the same error mapping as HTTP: codes kept, the unexpected masked and logged
      onError: (_ctx, _id, _payload, errors) => errors.map((e) => formatWsError(e.toJSON(), e)),
      onNext: (_ctx, _id, _payload, _args, result) => nextPayload(result),
    },
    wss,
  );

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : config.port;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url: `${url}/graphql`, database: db.embedded ? `embedded (${config.dataDir})` : "postgresql", redis: bus.kind }, "atalaya listening");

  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    services,
    firstStartKeys: { admin: firstStartKeys.admin, display: firstStartKeys.display },
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
          for (const client of wss.clients) client.close(1001, "server shutting down");
        });
        await wsServer.dispose();
        await apollo.stop();
        live.stop();
        apiKeys.close();
        await watcher!.stop();
        await notifications.stop();
        stream.stop();
        alertStream.stop();
        await relay.stop();
        await bus.close();
        await limiter.close();
        await db.close();
      })();
      return closing;
    },
  };
}
