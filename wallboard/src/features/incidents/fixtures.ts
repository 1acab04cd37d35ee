import type { IncidentEvent, IncidentSummary } from "./types";

/** Test data builders (used by the *.test.ts files only). */
export function incident(overrides: Partial<IncidentSummary> & { id: string }): IncidentSummary {
  return {
    number: `INC-${overrides.id.padStart(6, "0")}`,
    title: `Incident ${overrides.id}`,
    severity: "NORMAL",
    status: "NEW",
    level: "L1",
    openedAt: "2025-03-04T10:00:00.000Z",
    product: { code: "MAIL", name: "Mail" },
    requester: { name: "Ana Pérez", organization: "ACME" },
    ...overrides,
  };
}

export function event(sequence: string, inc: IncidentSummary, type = "OPENED"): IncidentEvent {
  return { id: `ev-${sequence}`, sequence, type, at: inc.openedAt, incident: inc };
}
