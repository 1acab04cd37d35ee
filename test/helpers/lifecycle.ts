/** Helpers for driving incidents through the API with a simulated clock. */
import { expect } from "vitest";
import { startServer, type Gql, type TestServer } from "./harness.js";

export const CLOCK_FIELDS =
  "kind cycle level state startedAt originalDueAt dueAt stoppedAt breachedAt breachedByChange targetSeconds elapsedSeconds remainingSeconds pausedSeconds atRisk marginSeconds";
export const INCIDENT_SLA = `id number status level severity channelMismatch nextDueAt overdue breached firstRespondedAt resolvedAt closedAt clocks { ${CLOCK_FIELDS} }`;

/** The worked examples' office calendar: America/New_York, Monday–Friday 08:00–17:00, holiday 2025-07-04. */
export const NY_CALENDAR = {
  name: "NY office",
  timeZone: "America/New_York",
  spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "08:00", end: "17:00" })),
  holidays: ["2025-07-04"],
};

export async function simulatedServer(start: string): Promise<TestServer> {
  const s = await startServer({ env: { CLOCK_MODE: "simulated", CLOCK_START: start } });
  await s.admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
  return s;
}

export async function useCalendar(gql: Gql, severities: string[], calendar = NY_CALENDAR): Promise<string> {
  const c = await gql.ok(`mutation($i: CalendarInput!) { createCalendar(input: $i) { id } }`, { i: calendar });
  for (const severity of severities) {
    await gql.ok(`mutation($i: SlaTargetInput!) { setSlaTarget(input: $i) { severity } }`, { i: { severity, calendarId: c.createCalendar.id } });
  }
  return c.createCalendar.id;
}

export async function setClock(gql: Gql, to: string): Promise<void> {
  const d = await gql.ok(`mutation($t: DateTime!) { setClock(to: $t) }`, { t: to });
  expect(d.setClock).toBe(new Date(to).toISOString());
}

export async function open(gql: Gql, severity: string, extra: Record<string, unknown> = {}): Promise<any> {
  const d = await gql.ok(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { ${INCIDENT_SLA} } } }`, {
    i: { title: "Worked example", description: "SLA.md", productCode: "ERP", channel: "PHONE", severity, requester: { name: "Cliente", email: "cliente@example.com" }, ...extra },
  });
  return d.openIncident.incident;
}

export async function get(gql: Gql, id: string): Promise<any> {
  return (await gql.ok(`query($id: ID!) { incident(id: $id) { ${INCIDENT_SLA} } }`, { id })).incident;
}

export async function reply(gql: Gql, id: string, body = "We are on it", visibility = "PUBLIC"): Promise<any> {
  return (await gql.ok(`mutation($i: AddCommentInput!) { addComment(input: $i) { ${INCIDENT_SLA} } }`, { i: { incidentId: id, body, visibility, channel: "EMAIL" } })).addComment;
}

export function clock(incident: any, kind: string, cycle = 1, level: string | null = null): any {
  const c = incident.clocks.find((x: any) => x.kind === kind && x.cycle === cycle && (level === null || x.level === level));
  if (!c) throw new Error(`no ${kind} cycle ${cycle}${level ? ` at ${level}` : ""} in ${JSON.stringify(incident.clocks.map((x: any) => [x.kind, x.cycle, x.level]))}`);
  return c;
}
