import type { IncidentStatus, IncidentSummary, Severity } from "./types";

/** CRITICAL first, then HIGH, then NORMAL; anything unknown after them. */
export const SEVERITY_ORDER: readonly Severity[] = ["CRITICAL", "HIGH", "NORMAL"];

export function severityRank(severity: string): number {
  const i = (SEVERITY_ORDER as readonly string[]).indexOf(severity);
  return i < 0 ? SEVERITY_ORDER.length : i;
}

const CLOSED_STATUSES: ReadonlySet<IncidentStatus> = new Set(["RESOLVED", "CLOSED"]);

/** Open = on the board: anything but RESOLVED and CLOSED. */
export function isOpen(status: string): boolean {
  return !CLOSED_STATUSES.has(status as IncidentStatus);
}

function openedAtMs(incident: IncidentSummary): number {
  const ms = Date.parse(incident.openedAt);
  return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
}

/** Board order: severity (CRITICAL first), then oldest openedAt first; number and id break ties. */
export function compareIncidents(a: IncidentSummary, b: IncidentSummary): number {
  const bySeverity = severityRank(a.severity) - severityRank(b.severity);
  if (bySeverity !== 0) return bySeverity;
  const ta = openedAtMs(a);
  const tb = openedAtMs(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.number !== b.number) return a.number < b.number ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export function sortIncidents(incidents: readonly IncidentSummary[]): IncidentSummary[] {
  return [...incidents].sort(compareIncidents);
}

/** The open incidents of a snapshot, one per id (the last wins), in board order. */
export function boardListFromSnapshot(incidents: readonly IncidentSummary[]): IncidentSummary[] {
  const byId = new Map<string, IncidentSummary>();
  for (const incident of incidents) if (incident) byId.set(incident.id, incident);
  return sortIncidents([...byId.values()].filter((i) => isOpen(i.status)));
}

/**
 * Merges the latest state of one incident into a list kept in board order: updates it in
 * place of the old one (re-sorting, its severity may have changed), inserts it when new,
 * removes it when RESOLVED or CLOSED. Returns the same array when nothing changes.
 */
export function mergeIncident(list: readonly IncidentSummary[], incident: IncidentSummary): readonly IncidentSummary[] {
  const index = list.findIndex((i) => i.id === incident.id);
  if (!isOpen(incident.status)) {
    return index < 0 ? list : [...list.slice(0, index), ...list.slice(index + 1)];
  }
  const rest = index < 0 ? list : [...list.slice(0, index), ...list.slice(index + 1)];
  // Binary search for the insertion point: the list is already sorted.
  let lo = 0;
  let hi = rest.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareIncidents(rest[mid], incident) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return [...rest.slice(0, lo), incident, ...rest.slice(lo)];
}

/** How many incidents of each severity (for the header). */
export function countBySeverity(list: readonly IncidentSummary[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { CRITICAL: 0, HIGH: 0, NORMAL: 0 };
  for (const incident of list) if (incident.severity in counts) counts[incident.severity]++;
  return counts;
}
