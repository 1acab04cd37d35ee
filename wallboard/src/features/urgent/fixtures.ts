import type { SlaClock, UrgentIncident } from "../board/types";

/** Test data builders (used by *.test.ts files only). */
export function slaClock(overrides: Partial<SlaClock> = {}): SlaClock {
  return {
    kind: "FIRST_RESPONSE",
    cycle: 1,
    level: null,
    state: "RUNNING",
    dueAt: "2025-06-02T14:30:00.000Z",
    remainingSeconds: 1800,
    breachedAt: null,
    stoppedAt: null,
    pausedSeconds: 0,
    atRisk: false,
    ...overrides,
  };
}

export function urgentIncident(id: string, overrides: Partial<UrgentIncident> = {}): UrgentIncident {
  return {
    id,
    number: `INC-${id.padStart(6, "0")}`,
    title: `Incident ${id}`,
    severity: "CRITICAL",
    status: "NEW",
    level: "L1",
    nextDueAt: null,
    overdue: false,
    clocks: [slaClock()],
    product: { code: "ERP" },
    requester: { name: "Ana Pérez", organization: "ACME" },
    ...overrides,
  };
}
