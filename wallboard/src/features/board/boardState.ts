import { isOpenClock } from "../urgent/urgency";
import { matchesFilter } from "./boardFilter";
import { ALERT_LIMIT, DAY_SECONDS, WEEK_SECONDS } from "./documents";
import type { BoardFilter, Compliance, CompliancePoint, IncidentEvent, QueueStats, SlaAlert, UrgentIncident, WallboardSnapshot } from "./types";

/**
 * Everything the board shows, as a pure reducer: a snapshot (the Wallboard query) and the
 * pushes that follow it. Duplicated events are dropped before (SequenceWindow): a reducer
 * stays pure. Time-dependent views (countdowns, order) are computed at render time from
 * the server clock, never stored here.
 */
export interface BoardState {
  /** A snapshot has been applied at least once. */
  loaded: boolean;
  loadError: string | null;
  /** The last event sequence the board has (the snapshot's, then each event's). */
  sequence: string | null;
  /** Open incidents of the team, unordered (order depends on the time: see orderUrgent). */
  incidents: readonly UrgentIncident[];
  /** The snapshot hit the server's limit: more open incidents exist than the board holds. */
  truncated: boolean;
  queues: readonly QueueStats[] | null;
  day: Compliance | null;
  week: Compliance | null;
  trend: readonly CompliancePoint[] | null;
  /** Newest first, at most ALERT_LIMIT. */
  alerts: readonly SlaAlert[];
  /** The last incident event or alert: what, and when it arrived (local monotonic ms). */
  lastEvent: { label: string; receivedAt: number } | null;
  /** When the last serverClock tick arrived (local monotonic ms). */
  lastTickAt: number | null;
}

export type BoardAction =
  | { type: "snapshotLoaded"; snapshot: WallboardSnapshot; limit: number; keepQueues?: boolean; keepCompliance?: boolean; receivedAt: number }
  | { type: "snapshotFailed"; message: string }
  | { type: "eventReceived"; event: IncidentEvent; receivedAt: number }
  | { type: "alertReceived"; alert: SlaAlert; receivedAt: number }
  | { type: "alertsLoaded"; alerts: readonly SlaAlert[] }
  | { type: "queuesChanged"; queues: readonly QueueStats[] }
  | { type: "complianceChanged"; compliance: Compliance }
  | { type: "trendLoaded"; trend: readonly CompliancePoint[] }
  | { type: "tick"; receivedAt: number };

export const initialBoardState: BoardState = {
  loaded: false,
  loadError: null,
  sequence: null,
  incidents: [],
  truncated: false,
  queues: null,
  day: null,
  week: null,
  trend: null,
  alerts: [],
  lastEvent: null,
  lastTickAt: null,
};

const CLOSED = new Set(["RESOLVED", "CLOSED"]);

/**
 * Keeps only the open cycles: the server returns every cycle an incident ever ran (each
 * public reply adds a customer-update cycle), and a screen that runs for weeks must not
 * hold the decided ones.
 */
export function slim(incident: UrgentIncident): UrgentIncident {
  const clocks = incident.clocks ?? [];
  const open = clocks.filter(isOpenClock);
  return open.length === clocks.length ? incident : { ...incident, clocks: open };
}

/** Replaces (or inserts, or removes when closed or out of the filter) one incident by id. */
export function mergeIncident(list: readonly UrgentIncident[], incident: UrgentIncident, filter: BoardFilter): readonly UrgentIncident[] {
  const index = list.findIndex((i) => i.id === incident.id);
  const belongs = !CLOSED.has(incident.status) && matchesFilter(filter, incident);
  if (!belongs) return index < 0 ? list : [...list.slice(0, index), ...list.slice(index + 1)];
  if (index < 0) return [...list, slim(incident)];
  const next = list.slice();
  next[index] = slim(incident);
  return next;
}

/** Adds alerts newest first, one per id, at most `limit`. */
export function mergeAlerts(current: readonly SlaAlert[], incoming: readonly SlaAlert[], limit = ALERT_LIMIT): readonly SlaAlert[] {
  const byId = new Map<string, SlaAlert>();
  for (const a of [...incoming, ...current]) if (a && !byId.has(a.id)) byId.set(a.id, a);
  const all = [...byId.values()];
  // Newest first by the instant the rules give; stable for equal instants (arrival order).
  all.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  return all.slice(0, limit);
}

function pickCompliance(list: readonly Compliance[], windowSeconds: number): Compliance | null {
  return list.find((c) => c.windowSeconds === windowSeconds) ?? null;
}

const EVENT_WORD: Record<string, string> = {
  OPENED: "opened",
  RESPONDED: "responded",
  COMMENTED: "comment",
  SEVERITY_CHANGED: "severity changed",
  ASSIGNED: "assigned",
  ESCALATED: "escalated",
  PAUSED: "waiting on customer",
  RESUMED: "resumed",
  RESOLVED: "resolved",
  CLOSED: "closed",
  REOPENED: "reopened",
  AT_RISK: "at risk",
  BREACHED: "breached",
};

export function eventLabel(type: string, number: string): string {
  return `${number} ${EVENT_WORD[type] ?? type.toLowerCase().replaceAll("_", " ")}`;
}

export function createBoardReducer(filter: BoardFilter) {
  return function boardReducer(state: BoardState, action: BoardAction): BoardState {
    switch (action.type) {
      case "snapshotLoaded": {
        const s = action.snapshot;
        const incidents = (s.urgent ?? []).filter((i) => i && !CLOSED.has(i.status) && matchesFilter(filter, i)).map(slim);
        return {
          ...state,
          loaded: true,
          loadError: null,
          sequence: s.sequence,
          incidents,
          truncated: (s.urgent?.length ?? 0) >= action.limit,
          queues: action.keepQueues && state.queues ? state.queues : s.queues,
          day: action.keepCompliance && state.day ? state.day : pickCompliance(s.compliance ?? [], DAY_SECONDS),
          week: action.keepCompliance && state.week ? state.week : pickCompliance(s.compliance ?? [], WEEK_SECONDS),
          alerts: mergeAlerts([], s.recentAlerts ?? []),
          lastTickAt: state.lastTickAt ?? action.receivedAt,
        };
      }
      case "snapshotFailed":
        return { ...state, loadError: action.message };
      case "eventReceived": {
        const { event } = action;
        if (!event?.incident) return state;
        return {
          ...state,
          sequence: event.sequence,
          incidents: mergeIncident(state.incidents, event.incident, filter),
          lastEvent: { label: eventLabel(event.type, event.incident.number), receivedAt: action.receivedAt },
        };
      }
      case "alertReceived": {
        if (state.alerts.some((a) => a.id === action.alert.id)) return state;
        return {
          ...state,
          alerts: mergeAlerts(state.alerts, [action.alert]),
          lastEvent: { label: `${action.alert.incident.number} ${action.alert.kind === "AT_RISK" ? "at risk" : action.alert.kind.toLowerCase()}`, receivedAt: action.receivedAt },
        };
      }
      case "alertsLoaded":
        return { ...state, alerts: mergeAlerts(state.alerts, action.alerts) };
      case "queuesChanged":
        return { ...state, queues: action.queues };
      case "complianceChanged":
        if (action.compliance.windowSeconds === DAY_SECONDS) return { ...state, day: action.compliance };
        if (action.compliance.windowSeconds === WEEK_SECONDS) return { ...state, week: action.compliance };
        return state;
      case "trendLoaded":
        return { ...state, trend: action.trend };
      case "tick":
        return { ...state, lastTickAt: action.receivedAt };
    }
  };
}
