import type { IncidentStatus, Severity } from "../board/types";

/** Words shown next to the icons: severity is never told by colour alone. */
export const SEVERITY_WORD: Record<Severity, string> = {
  CRITICAL: "Critical",
  HIGH: "High",
  NORMAL: "Normal",
};

export const STATUS_WORD: Record<IncidentStatus, string> = {
  NEW: "New",
  IN_PROGRESS: "In progress",
  PENDING_CUSTOMER: "Waiting on customer",
  RESOLVED: "Resolved",
  CLOSED: "Closed",
};

export function severityWord(severity: string): string {
  return SEVERITY_WORD[severity as Severity] ?? severity;
}

export function statusWord(status: string): string {
  return STATUS_WORD[status as IncidentStatus] ?? status;
}

/**
 * How long an incident has been open, compact for a wall: "<1m", "42m", "3h 07m", "2d 04h".
 * Null when either instant is unknown. Never negative (clock skew shows "<1m").
 */
export function formatAge(openedAtIso: string, nowMs: number | null): string | null {
  if (nowMs === null) return null;
  const opened = Date.parse(openedAtIso);
  if (Number.isNaN(opened) || !Number.isFinite(nowMs)) return null;
  const minutes = Math.floor(Math.max(0, nowMs - opened) / 60_000);
  if (minutes < 1) return "<1m";
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, "0")}m`;
  const days = Math.floor(hours / 24);
  return `${days}d ${String(hours % 24).padStart(2, "0")}h`;
}
