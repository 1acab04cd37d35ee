import { boardListFromSnapshot, mergeIncident } from "./incidentList";
import type { IncidentEvent, IncidentSummary } from "./types";

/**
 * The open-incidents list: a snapshot (the Board query) plus live events merged into it.
 *
 * The subscription starts before the snapshot is asked for, so no event falls between the
 * two. Events that arrive while a snapshot is in flight are applied at once *and* kept;
 * when the snapshot lands it replaces the list and those events are applied again on top
 * (merging an incident's state is idempotent), so the list converges to the latest event
 * whichever of the two the server produced first.
 *
 * Duplicates are dropped before this reducer (SequenceWindow): a reducer must stay pure.
 */
export interface BoardState {
  incidents: readonly IncidentSummary[];
  /** A snapshot has been applied at least once. */
  loaded: boolean;
  /** The server's count of open incidents in the last snapshot. */
  totalCount: number | null;
  /** Open incidents the last snapshot did not include (beyond the first page). */
  notLoaded: number;
  /** Why the last snapshot failed; null once one succeeds. */
  loadError: string | null;
  /** Events received since the snapshot in flight was requested; null when none is in flight. */
  pending: readonly IncidentEvent[] | null;
  /** The last event applied (for "last update" displays). */
  lastEvent: { sequence: string; type: string; at: string; number: string } | null;
}

export type BoardAction =
  | { type: "snapshotRequested" }
  | { type: "snapshotLoaded"; incidents: readonly IncidentSummary[]; totalCount: number }
  | { type: "snapshotFailed"; message: string }
  | { type: "eventReceived"; event: IncidentEvent };

/** Events kept while a snapshot is in flight; beyond this the oldest are dropped. */
export const MAX_PENDING_EVENTS = 5_000;

export const initialBoardState: BoardState = {
  incidents: [],
  loaded: false,
  totalCount: null,
  notLoaded: 0,
  loadError: null,
  pending: null,
  lastEvent: null,
};

export function boardReducer(state: BoardState, action: BoardAction): BoardState {
  switch (action.type) {
    case "snapshotRequested":
      // A retry of a failed request keeps buffering from the first request on.
      return state.pending ? state : { ...state, pending: [] };

    case "snapshotLoaded": {
      let incidents: readonly IncidentSummary[] = boardListFromSnapshot(action.incidents);
      for (const event of state.pending ?? []) incidents = mergeIncident(incidents, event.incident);
      return {
        ...state,
        incidents,
        loaded: true,
        totalCount: action.totalCount,
        notLoaded: Math.max(0, action.totalCount - action.incidents.length),
        loadError: null,
        pending: null,
      };
    }

    case "snapshotFailed":
      return { ...state, loadError: action.message };

    case "eventReceived": {
      const { event } = action;
      if (!event?.incident) return state;
      let pending = state.pending;
      if (pending) {
        pending = pending.length >= MAX_PENDING_EVENTS ? [...pending.slice(1), event] : [...pending, event];
      }
      return {
        ...state,
        incidents: mergeIncident(state.incidents, event.incident),
        pending,
        lastEvent: { sequence: event.sequence, type: event.type, at: event.at, number: event.incident.number },
      };
    }
  }
}
