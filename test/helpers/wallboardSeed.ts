/** A day and a half of service-desk history through the API, on a simulated clock, for wallboard tests. */
import type { Gql } from "./harness.js";

const TITLES = [
  "Core switch drops packets in building B",
  "Invoices stuck in the approval queue",
  "VPN refuses new tokens",
  "Warehouse scanners cannot sync",
  "Payroll export times out",
  "CRM search returns nothing",
  "E-mail to customers bounces",
  "Label printer offline at dock 4",
  "SSO loop on the partner portal",
  "Nightly backup failed on db-02",
  "Quotes show the wrong currency",
  "Order import rejects CSV files",
];
const PEOPLE: Array<[string, string | null]> = [
  ["María García", "Transportes Norte"],
  ["John Smith", "ACME Corp"],
  ["Aiko Tanaka", "Kobe Logistics"],
  ["Lars Eriksson", null],
  ["Fatima Zahra", "Atlas Retail"],
  ["Pierre Martin", "Boulangerie SA"],
];

let n = 0;

export async function setClockTo(gql: Gql, to: string): Promise<void> {
  await gql.ok(`mutation($t: DateTime!) { setClock(to: $t) }`, { t: to });
}

export async function openIncident(gql: Gql, severity: string, productCode: string, title?: string): Promise<{ id: string; number: string }> {
  const i = n++;
  const [name, organization] = PEOPLE[i % PEOPLE.length];
  const d = await gql.ok(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id number } } }`, {
    i: {
      title: title ?? TITLES[i % TITLES.length],
      description: "Reported by phone.",
      productCode,
      channel: "PHONE",
      severity,
      requester: { name, email: `user${i}@example.com`, organization },
    },
  });
  return d.openIncident.incident;
}

export async function replyTo(gql: Gql, id: string): Promise<void> {
  await gql.ok(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { incidentId: id, body: "We are on it.", visibility: "PUBLIC", channel: "EMAIL" } });
}

export async function resolve(gql: Gql, id: string): Promise<void> {
  await gql.ok(`mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { id } }`, { i: { incidentId: id, summary: "Fixed." } });
}

const iso = (ms: number) => new Date(ms).toISOString();
const MIN = 60_000;

/**
 * From 2025-05-30T08:00Z: a good day (answered in 5 min, resolved in 20), then
 * 2025-06-02 06:00–12:00Z three incidents an hour (two answered, one not; one resolved),
 * then 13:00Z two more. Ends with the clock at `end` (default 2025-06-02T13:25:00Z).
 * The server must run CLOCK_MODE=simulated with CLOCK_START=2025-05-30T08:00:00Z.
 */
export async function seedHistory(gql: Gql, end = "2025-06-02T13:25:00Z"): Promise<void> {
  for (const code of ["ERP", "CRM", "NET"]) await gql.ok(`mutation($c: String!) { createProduct(code: $c, name: $c) { id } }`, { c: code });
  const sev = ["HIGH", "NORMAL", "CRITICAL"];
  let t = Date.parse("2025-05-30T08:00:00Z");
  for (let i = 0; i < 12; i++) {
    await setClockTo(gql, iso(t));
    const inc = await openIncident(gql, sev[i % 3], i % 2 ? "CRM" : "ERP");
    await setClockTo(gql, iso(t + 5 * MIN));
    await replyTo(gql, inc.id);
    await setClockTo(gql, iso(t + 20 * MIN));
    await resolve(gql, inc.id);
    t += 40 * MIN;
  }
  t = Date.parse("2025-06-02T06:00:00Z");
  for (let h = 0; h < 7; h++) {
    await setClockTo(gql, iso(t));
    const a = await openIncident(gql, "CRITICAL", "ERP");
    const b = await openIncident(gql, "HIGH", "CRM");
    await openIncident(gql, h % 2 ? "NORMAL" : "CRITICAL", "ERP");
    await setClockTo(gql, iso(t + 10 * MIN));
    await replyTo(gql, a.id);
    await replyTo(gql, b.id);
    if (h % 3 === 0) {
      await setClockTo(gql, iso(t + 40 * MIN));
      await resolve(gql, a.id);
    }
    t += 60 * MIN;
  }
  await setClockTo(gql, "2025-06-02T13:00:00Z");
  await openIncident(gql, "CRITICAL", "ERP", "Checkout API returns 502");
  await openIncident(gql, "HIGH", "CRM", "Sales dashboards are blank");
  await setClockTo(gql, "2025-06-02T13:20:00Z");
  await openIncident(gql, "NORMAL", "CRM", "Typo in the renewal e-mail");
  await setClockTo(gql, end);
}
