/**
 * A staffed service desk for lifecycle tests: agents at each level with their own AGENT
 * keys, customers with CUSTOMER keys, and thin wrappers around every incident mutation
 * that return the raw GraphQL result (so a test can assert a refusal as easily as a success).
 */
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import type { Gql, GqlResult } from "./harness.js";

export const EVENT_FIELDS = "sequence type at actorKind actorName actor { id name level } data";
export const COMMENT_FIELDS = "id body visibility channel byCustomer createdAt author { id name level }";
export const STATE_FIELDS = "id number status level severity firstRespondedAt resolvedAt closedAt assignee { id }";

export interface StaffAgent {
  id: string;
  name: string;
  level: "L1" | "L2" | "L3";
  gql: Gql;
}

export interface CustomerKey {
  contactId: string;
  name: string;
  gql: Gql;
}

const tag = () => randomBytes(3).toString("hex");

/** A new agent at `level` and an AGENT (or LEAD) key acting as it. */
export async function agent(admin: Gql, level: "L1" | "L2" | "L3", name = `Agent ${level} ${tag()}`, role: "AGENT" | "LEAD" = "AGENT"): Promise<StaffAgent> {
  const a = await admin.ok(`mutation($i: AgentInput!) { createAgent(input: $i) { id name level } }`, {
    i: { name, email: `${name.toLowerCase().replace(/\W+/g, ".")}.${tag()}@desk.example.com`, level, lead: role === "LEAD" },
  });
  const k = await admin.ok(`mutation($i: ApiKeyInput!) { createApiKey(input: $i) { secret } }`, { i: { name: `${name} key`, role, agentId: a.createAgent.id } });
  return { id: a.createAgent.id, name: a.createAgent.name, level, gql: admin.as(k.createApiKey.secret) };
}

/** A new contact and a CUSTOMER key acting as it. */
export async function customer(admin: Gql, name = `Customer ${tag()}`, organization = "ACME"): Promise<CustomerKey> {
  const c = await admin.ok(`mutation($i: ContactInput!) { createContact(input: $i) { id } }`, {
    i: { name, email: `${name.toLowerCase().replace(/\W+/g, ".")}.${tag()}@client.example.com`, phone: "+34 600 111 222", organization },
  });
  const k = await admin.ok(`mutation($i: ApiKeyInput!) { createApiKey(input: $i) { secret } }`, {
    i: { name: `${name} key`, role: "CUSTOMER", contactId: c.createContact.id },
  });
  return { contactId: c.createContact.id, name, gql: admin.as(k.createApiKey.secret) };
}

/** A key of any role without an agent or contact (ADMIN, INTEGRATOR, DISPLAY). */
export async function roleKey(admin: Gql, role: "ADMIN" | "INTEGRATOR" | "DISPLAY", name = `${role} key ${tag()}`): Promise<Gql> {
  const k = await admin.ok(`mutation($i: ApiKeyInput!) { createApiKey(input: $i) { secret } }`, { i: { name, role } });
  return admin.as(k.createApiKey.secret);
}

/** Opens an incident for `requesterId` (or, through a CUSTOMER key, for the key's contact). */
export async function openFor(gql: Gql, requesterId: string | null, extra: Record<string, unknown> = {}): Promise<GqlResult> {
  return gql.request(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { ${STATE_FIELDS} openedAt } } }`, {
    i: {
      title: "Invoices cannot be posted",
      description: "Posting an invoice fails with an error since the update.",
      productCode: "ERP",
      channel: "PHONE",
      severity: "CRITICAL",
      ...(requesterId ? { requesterId } : {}),
      ...extra,
    },
  });
}

/** The incident mutations, each returning the raw result (data under the mutation's name). */
export const cmd = {
  comment: (g: Gql, id: string, visibility: "PUBLIC" | "INTERNAL", body = `${visibility.toLowerCase()} comment ${tag()}`, channel: string | null = "EMAIL") =>
    g.request(`mutation($i: AddCommentInput!) { addComment(input: $i) { ${STATE_FIELDS} } }`, { i: { incidentId: id, body, visibility, channel } }),
  assign: (g: Gql, id: string, agentId: string) => g.request(`mutation($id: ID!, $a: ID!) { assignIncident(incidentId: $id, agentId: $a) { ${STATE_FIELDS} } }`, { id, a: agentId }),
  escalate: (g: Gql, id: string, reason = "needs the next level") =>
    g.request(`mutation($i: EscalateIncidentInput!) { escalateIncident(input: $i) { ${STATE_FIELDS} } }`, { i: { incidentId: id, reason } }),
  wait: (g: Gql, id: string) => g.request(`mutation($id: ID!) { waitForCustomer(incidentId: $id) { ${STATE_FIELDS} } }`, { id }),
  resume: (g: Gql, id: string) => g.request(`mutation($id: ID!) { resumeIncident(incidentId: $id) { ${STATE_FIELDS} } }`, { id }),
  severity: (g: Gql, id: string, severity: string, reason = "confirmed by front-line support") =>
    g.request(`mutation($id: ID!, $s: Severity!, $r: String!) { changeSeverity(incidentId: $id, severity: $s, reason: $r) { ${STATE_FIELDS} } }`, { id, s: severity, r: reason }),
  resolve: (g: Gql, id: string, summary = "Fixed: the posting service was restarted") =>
    g.request(`mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { ${STATE_FIELDS} } }`, { i: { incidentId: id, summary } }),
  close: (g: Gql, id: string) => g.request(`mutation($id: ID!) { closeIncident(incidentId: $id) { ${STATE_FIELDS} } }`, { id }),
  reopen: (g: Gql, id: string, reason = "it happens again") =>
    g.request(`mutation($id: ID!, $r: String!) { reopenIncident(incidentId: $id, reason: $r) { ${STATE_FIELDS} } }`, { id, r: reason }),
};

/**
 * The lifecycle's event types (SLA.md, the contract's list). Other features add events of
 * their own to a timeline (a knowledge search at opening, alerts); a test that pins the
 * lifecycle's sequence of events looks at these only.
 */
export const LIFECYCLE_TYPES = new Set([
  "OPENED", "RESPONDED", "COMMENTED", "ASSIGNED", "ESCALATED", "PAUSED", "RESUMED", "SEVERITY_CHANGED", "RESOLVED", "CLOSED", "REOPENED", "POLICY_CHANGED",
]);
export const lifecycle = <T extends { type: string }>(events: T[]): T[] => events.filter((e) => LIFECYCLE_TYPES.has(e.type));

/** The mutation's payload, failing the test on any error. */
export function okData(r: GqlResult): any {
  if (r.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(r.errors)}`);
  const d = r.data as Record<string, unknown>;
  return d[Object.keys(d)[0]];
}

/** Asserts the request was refused with `code` and returns the error. */
export function refused(r: GqlResult, code: string): { message: string; extensions?: Record<string, unknown> } {
  expect(r.errors, `expected ${code}, got data ${JSON.stringify(r.data)}`).toBeDefined();
  expect(r.errors![0].extensions?.code, r.errors![0].message).toBe(code);
  return r.errors![0] as { message: string; extensions?: Record<string, unknown> };
}

/** Every event of an incident's timeline as `gql` sees it, paging with first/after. */
export async function timeline(gql: Gql, id: string, pageSize = 100): Promise<any[]> {
  const all: any[] = [];
  let after: string | null = null;
  for (;;) {
    const d: any = await gql.ok(
      `query($id: ID!, $f: Int, $a: String) { incident(id: $id) { timeline(first: $f, after: $a) { edges { cursor node { ${EVENT_FIELDS} } } pageInfo { hasNextPage endCursor } } } }`,
      { id, f: pageSize, a: after },
    );
    const page = d.incident.timeline;
    all.push(...page.edges.map((e: any) => e.node));
    if (!page.pageInfo.hasNextPage) return all;
    after = page.pageInfo.endCursor;
  }
}

export async function comments(gql: Gql, id: string): Promise<any[]> {
  return (await gql.ok(`query($id: ID!) { incident(id: $id) { comments { ${COMMENT_FIELDS} } } }`, { id })).incident.comments;
}

export async function state(gql: Gql, id: string): Promise<any> {
  return (await gql.ok(`query($id: ID!) { incident(id: $id) { ${STATE_FIELDS} } }`, { id })).incident;
}
