import { describeError, isUnauthenticated } from "../../graphql/errors";
import type { ReadableStore } from "../../lib/store";
import { SequenceWindow } from "../incidents/sequenceWindow";
import type { BoardAction } from "./boardState";
import {
  ALERT_LIMIT,
  ALERTS_SUBSCRIPTION,
  CLOCK_SUBSCRIPTION,
  COMPLIANCE_SUBSCRIPTION,
  DAY_SECONDS,
  EVENTS_SUBSCRIPTION,
  filterVariables,
  QUEUES_SUBSCRIPTION,
  TREND_BUCKET_SECONDS,
  TREND_QUERY,
  URGENT_LIMIT,
  WALLBOARD_QUERY,
  WEEK_SECONDS,
} from "./documents";
import type { BoardFilter, ClockTick, Compliance, CompliancePoint, IncidentEvent, QueueStats, SlaAlert, WallboardSnapshot } from "./types";

/**
 * Feeds the board: one snapshot, then pushes; never polling.
 *
 * - The Wallboard snapshot carries `sequence`, the last event it includes; the Events
 *   subscription then starts right after it (`afterSequence`), so nothing falls between
 *   the two and nothing is applied twice. Each event moves the subscription's
 *   `afterSequence` forward (graphql-ws re-sends the same payload object when it
 *   reconnects), so after a reconnect the stream resumes after the last event seen.
 * - When resuming is impossible (the server no longer knows the sequence: BAD_USER_INPUT),
 *   the snapshot is reloaded and the stream restarts after the new snapshot's sequence.
 *   On an empty database the snapshot's sequence is "0", which cannot be resumed after:
 *   the stream starts "from now" and the first event triggers one snapshot reload to
 *   close the gap.
 * - Queues, compliance and the server clock push their current value as soon as they are
 *   (re)subscribed. Alerts cannot be resumed: after a reconnect the recent alerts are read
 *   again (merged by id). The trend chart is re-read when the 24 h figures change.
 * - Sequences are deduplicated in a bounded window (replays after a reconnect).
 */

export interface FeedResult {
  data?: unknown;
  error?: unknown;
}

export interface Sink {
  next(value: { data?: unknown; errors?: unknown }): void;
  error(error: unknown): void;
  complete(): void;
}

export interface SubscriptionPayload {
  query: string;
  variables: Record<string, unknown>;
}

/** HTTP queries and WebSocket subscriptions (urql + graphql-ws in the app, fakes in tests). */
export interface FeedTransport {
  query(query: string, variables: Record<string, unknown>): Promise<FeedResult>;
  /** graphql-ws semantics: the transport re-sends `payload` (the same object) after each reconnect. */
  subscribe(payload: SubscriptionPayload, sink: Sink): () => void;
}

export interface BoardFeedOptions {
  transport: FeedTransport;
  filter: BoardFilter;
  dispatch(action: BoardAction): void;
  /** A sample of the server's clock, as it arrives. */
  onServerTime(iso: string, rate: number): void;
  onKeyRejected?(): void;
  onKeyAccepted?(): void;
  /** The WebSocket's status: each rise of `connects` above the first is a reconnection. */
  connection?: ReadableStore<{ connects: number }>;
  retryDelayMs(attempt: number): number;
  /** Local monotonic clock (ms). */
  localNow(): number;
  /** Delay before re-reading the trend after the 24 h figures changed. */
  trendDelayMs?: number;
}

export interface BoardFeed {
  lastSequence(): string | null;
  reload(): void;
  stop(): void;
}

/** The trend is hourly: after the 24 h figures change, it is re-read at most this often. */
export const TREND_DELAY_MS = 10_000;

function firstErrorCode(error: unknown): string | null {
  const list = Array.isArray(error) ? error : (error as { graphQLErrors?: unknown[] } | null)?.graphQLErrors;
  if (!Array.isArray(list)) return null;
  for (const e of list) {
    const code = (e as { extensions?: { code?: unknown } } | null)?.extensions?.code;
    if (typeof code === "string") return code;
  }
  return null;
}

export function startBoardFeed(options: BoardFeedOptions): BoardFeed {
  const { transport, dispatch } = options;
  const filterVars = filterVariables(options.filter);
  const products = options.filter.productCodes?.length ? [...options.filter.productCodes] : null;
  const window = new SequenceWindow();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let stopped = false;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      if (!stopped) fn();
    }, ms);
    timers.add(t);
    return t;
  };
  const cancel = (t: ReturnType<typeof setTimeout> | undefined) => {
    if (t === undefined) return;
    clearTimeout(t);
    timers.delete(t);
  };

  /**
   * A subscription that restarts itself (after a backoff) when the server ends it for good;
   * `onEnd` may take over instead (answer true).
   */
  function stream(payload: SubscriptionPayload, onData: (data: any) => void, onEnd?: (error: unknown) => boolean) {
    let dispose: (() => void) | null = null;
    let attempt = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let ended = false;
    const start = () => {
      timer = undefined;
      if (stopped || ended) return;
      let done = false;
      const end = (error: unknown) => {
        if (done) return;
        done = true;
        dispose = null;
        if (stopped || ended) return;
        if (isUnauthenticated(error)) options.onKeyRejected?.();
        if (onEnd?.(error)) return;
        timer = later(options.retryDelayMs(attempt++), start);
      };
      dispose = transport.subscribe(payload, {
        next(value) {
          if (done || stopped || ended) return;
          if (value?.errors && isUnauthenticated(value.errors)) options.onKeyRejected?.();
          if (value?.data == null) return;
          attempt = 0;
          onData(value.data);
        },
        error: end,
        complete: () => end(undefined),
      });
    };
    start();
    return {
      payload,
      stop() {
        ended = true;
        cancel(timer);
        const d = dispose;
        dispose = null;
        d?.();
      },
    };
  }

  // ---- aggregates and the clock: pushed, current value first ----
  // The 24 h outcome counts the trend was last read for: a push of the same figures (each
  // (re)subscription pushes the current value) does not re-read the trend and redraw the chart.
  let dayFigures: string | null = null;
  const dayFiguresChanged = (c: Compliance): boolean => {
    const key = JSON.stringify([c.firstResponse, c.updatesAndEscalations]);
    if (key === dayFigures) return false;
    dayFigures = key;
    return true;
  };
  let tickSinceRequest = false;
  let queuesSinceRequest = false;
  let complianceSinceRequest = false;

  const streams = [
    stream({ query: CLOCK_SUBSCRIPTION, variables: {} }, (data: { serverClock?: ClockTick }) => {
      const tick = data.serverClock;
      if (!tick || typeof tick.now !== "string") return;
      tickSinceRequest = true;
      options.onServerTime(tick.now, typeof tick.rate === "number" ? tick.rate : 1);
      dispatch({ type: "tick", receivedAt: options.localNow() });
    }),
    stream({ query: QUEUES_SUBSCRIPTION, variables: { filter: filterVars } }, (data: { queuesChanged?: QueueStats[] }) => {
      if (!Array.isArray(data.queuesChanged)) return;
      queuesSinceRequest = true;
      options.onKeyAccepted?.();
      dispatch({ type: "queuesChanged", queues: data.queuesChanged });
    }),
    ...[DAY_SECONDS, WEEK_SECONDS].map((window) =>
      stream({ query: COMPLIANCE_SUBSCRIPTION, variables: { filter: filterVars, window } }, (data: { complianceChanged?: Compliance }) => {
        const c = data.complianceChanged;
        if (!c) return;
        complianceSinceRequest = true;
        dispatch({ type: "complianceChanged", compliance: c });
        if (c.windowSeconds === DAY_SECONDS && dayFiguresChanged(c)) scheduleTrend();
      }),
    ),
    stream({ query: ALERTS_SUBSCRIPTION, variables: { filter: filterVars } }, (data: { slaAlerts?: SlaAlert }) => {
      if (!data.slaAlerts?.id) return;
      dispatch({ type: "alertReceived", alert: data.slaAlerts, receivedAt: options.localNow() });
    }),
  ];

  // ---- incident events: after the snapshot's sequence, resumed after the last one ----
  let events: ReturnType<typeof stream> | null = null;
  let reloadOnFirstEvent = false;

  function startEvents(after: string | null) {
    events?.stop();
    reloadOnFirstEvent = after === null;
    const payload: SubscriptionPayload = { query: EVENTS_SUBSCRIPTION, variables: { products, after } };
    events = stream(
      payload,
      (data: { incidentEvents?: IncidentEvent }) => {
        const event = data.incidentEvents;
        if (!event || typeof event.sequence !== "string") return;
        if (!window.add(event.sequence)) return;
        // The next (re)subscription resumes right after this event.
        payload.variables = { ...payload.variables, after: event.sequence };
        dispatch({ type: "eventReceived", event, receivedAt: options.localNow() });
        if (reloadOnFirstEvent) {
          reloadOnFirstEvent = false;
          void load();
        }
      },
      (error) => {
        const code = firstErrorCode(error);
        if (code === "BAD_USER_INPUT") {
          // The server cannot resume after our sequence: start again from a snapshot.
          events = null;
          void load();
          return true;
        }
        return false;
      },
    );
  }

  // ---- the snapshot ----
  let loading = false;
  let loadAgain = false;
  let loadAttempt = 0;
  let loadTimer: ReturnType<typeof setTimeout> | undefined;

  async function load(): Promise<void> {
    if (stopped) return;
    if (loading) {
      loadAgain = true;
      return;
    }
    cancel(loadTimer);
    loadTimer = undefined;
    loading = true;
    // No events while the snapshot is read: the new stream starts after its sequence.
    events?.stop();
    events = null;
    tickSinceRequest = queuesSinceRequest = complianceSinceRequest = false;
    let result: FeedResult;
    try {
      result = await transport.query(WALLBOARD_QUERY, { filter: filterVars, urgent: URGENT_LIMIT, alerts: ALERT_LIMIT });
    } catch (error) {
      result = { error };
    }
    loading = false;
    if (stopped) return;
    const snapshot = (result.data as { wallboard?: WallboardSnapshot } | null | undefined)?.wallboard;
    if (snapshot && typeof snapshot.sequence === "string" && Array.isArray(snapshot.urgent)) {
      loadAttempt = 0;
      options.onKeyAccepted?.();
      if (!tickSinceRequest) options.onServerTime(snapshot.serverTime, snapshot.clockRate);
      dispatch({
        type: "snapshotLoaded",
        snapshot,
        limit: URGENT_LIMIT,
        keepQueues: queuesSinceRequest,
        keepCompliance: complianceSinceRequest,
        receivedAt: options.localNow(),
      });
      startEvents(/^\d+$/.test(snapshot.sequence) && snapshot.sequence !== "0" ? snapshot.sequence : null);
      const day = snapshot.compliance?.find((c) => c?.windowSeconds === DAY_SECONDS);
      if (day) dayFiguresChanged(day);
      void loadTrend();
      if (loadAgain) {
        loadAgain = false;
        void load();
      }
    } else {
      if (isUnauthenticated(result.error)) options.onKeyRejected?.();
      dispatch({ type: "snapshotFailed", message: describeError(result.error) || "the server answered without data" });
      loadAgain = false;
      loadTimer = later(options.retryDelayMs(loadAttempt++), () => void load());
    }
  }

  // ---- the trend: re-read when the 24 h figures change ----
  let trendTimer: ReturnType<typeof setTimeout> | undefined;
  let trendLoading = false;
  let trendAgain = false;
  let lastTrend: string | null = null;
  function scheduleTrend() {
    if (trendTimer !== undefined) return;
    trendTimer = later(options.trendDelayMs ?? TREND_DELAY_MS, () => {
      trendTimer = undefined;
      void loadTrend();
    });
  }
  async function loadTrend(): Promise<void> {
    if (stopped) return;
    if (trendLoading) {
      trendAgain = true;
      return;
    }
    trendLoading = true;
    let result: FeedResult;
    try {
      result = await transport.query(TREND_QUERY, { filter: filterVars, window: DAY_SECONDS, bucket: TREND_BUCKET_SECONDS });
    } catch (error) {
      result = { error };
    }
    trendLoading = false;
    if (stopped) return;
    const trend = (result.data as { complianceTrend?: CompliancePoint[] } | null | undefined)?.complianceTrend;
    if (Array.isArray(trend)) {
      const text = JSON.stringify(trend);
      if (text !== lastTrend) dispatch({ type: "trendLoaded", trend });
      lastTrend = text;
    } else scheduleTrend();
    if (trendAgain) {
      trendAgain = false;
      void loadTrend();
    }
  }

  // ---- after a reconnect: what cannot be resumed is read again ----
  async function reloadAlerts(): Promise<void> {
    let result: FeedResult;
    try {
      result = await transport.query(WALLBOARD_QUERY, { filter: filterVars, urgent: 1, alerts: ALERT_LIMIT });
    } catch (error) {
      result = { error };
    }
    if (stopped) return;
    const snapshot = (result.data as { wallboard?: WallboardSnapshot } | null | undefined)?.wallboard;
    if (snapshot && Array.isArray(snapshot.recentAlerts)) dispatch({ type: "alertsLoaded", alerts: snapshot.recentAlerts });
  }

  let connects = options.connection?.get().connects ?? 0;
  const unlisten = options.connection?.subscribe(() => {
    const now = options.connection!.get().connects;
    if (now <= connects) return;
    const reconnected = connects > 0;
    connects = now;
    if (!reconnected) return;
    if (!events && !loading) void load(); // never had a stream: nothing to resume
    void reloadAlerts();
    void loadTrend();
  });

  void load();

  return {
    lastSequence: () => window.last,
    reload: () => void load(),
    stop() {
      stopped = true;
      unlisten?.();
      for (const s of streams) s.stop();
      events?.stop();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
