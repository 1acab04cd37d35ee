import { describeError, isUnauthenticated } from "../../graphql/errors";
import type { ResumeVariables } from "../../graphql/resumable";
import type { ReadableStore } from "../../lib/store";
import type { BoardAction } from "./boardState";
import { BOARD_QUERY, EVENTS_SUBSCRIPTION } from "./documents";
import { SequenceWindow } from "./sequenceWindow";
import type { BoardData, EventsData, EventsVariables, IncidentSummary } from "./types";

/**
 * Feeds the open-incidents list: the Events subscription (deduplicated by sequence,
 * resumed after the last sequence) and the Board snapshot (retried, refreshed). It turns
 * both into BoardActions; it holds no React and no list, so it is tested with fakes.
 *
 * When the snapshot is (re)loaded:
 * - at start, at once (first paint);
 * - SNAPSHOT_AFTER_CONNECT_MS after the first WebSocket acknowledgement: an event committed
 *   after the first snapshot was read but published before the subscription was in place
 *   would otherwise be missed (the Board query carries no sequence to resume from);
 * - after any reconnect while no event has been seen (nothing to resume after);
 * - after a failure, with backoff; and every `resyncEveryMs` as a safety net.
 */

export interface FeedResult {
  data?: unknown;
  error?: unknown;
}

/** The part of the urql Client the feed uses. */
export interface FeedClient {
  query(query: string, variables: Record<string, unknown>, context?: Record<string, unknown>): { toPromise(): Promise<FeedResult> };
  subscription(
    query: string,
    variables: Record<string, unknown>,
    context?: Record<string, unknown>,
  ): { subscribe(onResult: (result: FeedResult) => void): { unsubscribe(): void } };
}

export interface IncidentFeedOptions {
  client: FeedClient;
  dispatch(action: BoardAction): void;
  /** Called as each Board answer arrives, with the server's `now`. */
  onServerTime?(serverIso: string): void;
  onKeyRejected?(): void;
  onKeyAccepted?(): void;
  /** The WebSocket's status: each rise of `connects` is an acknowledged (re)connection. */
  connection?: ReadableStore<{ connects: number }>;
  retryDelayMs(attempt: number): number;
  /** Reload the snapshot this often (0: never). Default 15 minutes. */
  resyncEveryMs?: number;
  window?: SequenceWindow;
}

export interface IncidentFeed {
  /** The sequence to resume after, null before the first event. */
  lastSequence(): string | null;
  reload(): void;
  stop(): void;
}

export const SNAPSHOT_AFTER_CONNECT_MS = 1_000;
export const DEFAULT_RESYNC_MS = 15 * 60_000;

/** The Events subscription resumes after the sequence of the last event it delivered. */
export const resumeAfterLastEvent: ResumeVariables = (variables, data) => {
  const sequence = (data as Partial<EventsData> | null)?.incidentEvents?.sequence;
  return typeof sequence === "string" ? { ...variables, after: sequence } : variables;
};

export function startIncidentFeed(options: IncidentFeedOptions): IncidentFeed {
  const { client, dispatch } = options;
  const window = options.window ?? new SequenceWindow();
  const resyncEveryMs = options.resyncEveryMs ?? DEFAULT_RESYNC_MS;

  let stopped = false;
  let loading = false;
  let loadAgain = false;
  let loadAttempt = 0;
  let loadTimer: ReturnType<typeof setTimeout> | undefined;

  const scheduleLoad = (ms: number) => {
    if (stopped) return;
    if (loadTimer !== undefined) clearTimeout(loadTimer);
    loadTimer = setTimeout(() => {
      loadTimer = undefined;
      void load();
    }, ms);
  };

  async function load(): Promise<void> {
    if (stopped) return;
    if (loading) {
      loadAgain = true;
      return;
    }
    if (loadTimer !== undefined) clearTimeout(loadTimer);
    loadTimer = undefined;
    loading = true;
    dispatch({ type: "snapshotRequested" });
    let result: FeedResult;
    try {
      result = await client.query(BOARD_QUERY, {}, { requestPolicy: "network-only" }).toPromise();
    } catch (error) {
      result = { error };
    }
    loading = false;
    if (stopped) return;

    const data = result.data as BoardData | null | undefined;
    if (data?.incidents && Array.isArray(data.incidents.edges)) {
      loadAttempt = 0;
      if (typeof data.now === "string") options.onServerTime?.(data.now);
      options.onKeyAccepted?.();
      dispatch({
        type: "snapshotLoaded",
        incidents: data.incidents.edges.map((edge) => edge?.node).filter((node): node is IncidentSummary => !!node),
        totalCount: typeof data.incidents.totalCount === "number" ? data.incidents.totalCount : data.incidents.edges.length,
      });
      if (loadAgain) {
        loadAgain = false;
        void load();
      } else if (resyncEveryMs > 0) {
        scheduleLoad(resyncEveryMs);
      }
    } else {
      if (isUnauthenticated(result.error)) options.onKeyRejected?.();
      dispatch({ type: "snapshotFailed", message: describeError(result.error) || "the server answered without data" });
      loadAgain = false;
      scheduleLoad(options.retryDelayMs(loadAttempt++));
    }
  }

  // 1. Live events first, so that nothing falls between snapshot and subscription.
  const variables: EventsVariables = { after: window.last };
  const subscription = client
    .subscription(EVENTS_SUBSCRIPTION, { ...variables }, { resumeVariables: resumeAfterLastEvent })
    .subscribe((result) => {
      if (stopped) return;
      if (result.error && isUnauthenticated(result.error)) options.onKeyRejected?.();
      const event = (result.data as Partial<EventsData> | null | undefined)?.incidentEvents;
      if (!event || typeof event.sequence !== "string") return;
      // urql repeats the previous data with a later error-only result: dropped here too.
      if (!window.add(event.sequence)) return;
      options.onKeyAccepted?.();
      dispatch({ type: "eventReceived", event });
    });

  // 2. Reload the snapshot after acknowledged (re)connections that need it.
  let connects = options.connection?.get().connects ?? 0;
  let firstConnectSeen = connects > 0;
  const unlisten = options.connection?.subscribe(() => {
    const now = options.connection!.get().connects;
    if (now <= connects) return;
    connects = now;
    if (!firstConnectSeen || window.last === null) scheduleLoad(SNAPSHOT_AFTER_CONNECT_MS);
    firstConnectSeen = true;
  });

  // 3. The snapshot, at once.
  void load();

  return {
    lastSequence: () => window.last,
    reload: () => void load(),
    stop() {
      stopped = true;
      if (loadTimer !== undefined) clearTimeout(loadTimer);
      unlisten?.();
      subscription.unsubscribe();
    },
  };
}
