/**
 * The seed's support model end to end: a customer's problem the knowledge base knows is
 * answered from it (deflection, resolve with an article); one it does not know reaches the
 * next level with the search attached; five similar incidents become one problem whose
 * resolution closes the loop for every customer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type Gql, type TestServer } from "./helpers/harness.js";
import { agent, customer, roleKey, type CustomerKey, type StaffAgent } from "./helpers/desk.js";

let s: TestServer;
let l1: StaffAgent;
let lead: StaffAgent;
let ana: CustomerKey;

const OPEN = `mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id number status } suggestedArticles { score highlight article { id title } } } }`;
const TIMELINE = `query($id: ID!) { incident(id: $id) { timeline(first: 200) { edges { node { type actorKind data } } } } }`;

async function publish(title: string, body: string, productCodes: string[] = []): Promise<string> {
  const d = await s.admin.ok(`mutation($i: ArticleInput!) { createArticle(input: $i) { id } }`, { i: { title, body, productCodes } });
  await s.admin.ok(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id: d.createArticle.id });
  return d.createArticle.id;
}

function openAs(gql: Gql, title: string, description: string, productCode = "ERP", extra: Record<string, unknown> = {}) {
  return gql.ok(OPEN, { i: { title, description, productCode, channel: "WEB", severity: "NORMAL", ...extra } });
}

async function events(id: string, gql: Gql = s.admin): Promise<Array<{ type: string; actorKind: string; data: any }>> {
  const d = await gql.ok(TIMELINE, { id });
  return d.incident.timeline.edges.map((e: any) => ({ ...e.node, data: e.node.data ? JSON.parse(e.node.data) : null }));
}

beforeAll(async () => {
  s = await startServer();
  for (const code of ["ERP", "OFFICE"]) await s.admin.ok(`mutation($c: String!) { createProduct(code: $c, name: $c) { id } }`, { c: code });
  l1 = await agent(s.admin, "L1");
  lead = await agent(s.admin, "L2", undefined, "LEAD");
  ana = await customer(s.admin, "Ana Pérez");
});
afterAll(async () => s?.close());

describe("a problem the knowledge base knows is answered from it", () => {
  let articleId: string;
  let incidentId: string;

  it("openIncident suggests the best published articles and records the search on the timeline", async () => {
    articleId = await publish("Factura duplicada al contabilizar", "Cuando una factura aparece dos veces, anule la segunda desde Contabilidad > Facturas.", ["ERP"]);
    await publish("Printer offline", "Power-cycle the printer.", ["OFFICE"]);
    const d = await openAs(ana.gql, "Tengo una factura duplicada", "Al contabilizar, la factura 2025-17 aparece dos veces.");
    incidentId = d.openIncident.incident.id;
    const suggested = d.openIncident.suggestedArticles;
    expect(suggested[0].article.id).toBe(articleId);
    expect(suggested.map((m: any) => m.article.title)).not.toContain("Printer offline"); // another product
    expect(suggested[0].highlight).toContain("<b>");

    const again = await ana.gql.ok(`query($id: ID!) { incident(id: $id) { suggestedArticles { article { id } } } }`, { id: incidentId });
    expect(again.incident.suggestedArticles.map((m: any) => m.article.id)).toEqual(suggested.map((m: any) => m.article.id));

    const searched = (await events(incidentId)).filter((e) => e.type === "KNOWLEDGE_SEARCHED");
    expect(searched).toHaveLength(1);
    expect(searched[0].data).toMatchObject({ source: "OPEN", productCode: "ERP", resultCount: suggested.length });
    expect(searched[0].data.query).toContain("Tengo una factura duplicada");
    expect(searched[0].data.suggested[0].id).toBe(articleId);
    // internal: the customer's own timeline does not show it
    expect((await events(incidentId, ana.gql)).map((e) => e.type)).not.toContain("KNOWLEDGE_SEARCHED");
  });

  it("resolveIncident with the article records it, counts it and sends the summary to the customer", async () => {
    const r = await l1.gql.ok(
      `mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { status firstRespondedAt resolvedAt resolutionArticle { id timesUsed } comments { body visibility } } }`,
      { i: { incidentId, summary: "Anule la segunda factura desde Contabilidad > Facturas.", articleId } },
    );
    expect(r.resolveIncident.status).toBe("RESOLVED");
    expect(r.resolveIncident.resolutionArticle).toEqual({ id: articleId, timesUsed: 1 });
    // the summary is a public communication: it was the first response too
    expect(r.resolveIncident.firstRespondedAt).toBe(r.resolveIncident.resolvedAt);
    expect(r.resolveIncident.comments).toEqual([{ body: "Anule la segunda factura desde Contabilidad > Facturas.", visibility: "PUBLIC" }]);
    const resolved = (await events(incidentId)).find((e) => e.type === "RESOLVED")!;
    expect(resolved.data).toMatchObject({ articleId, articleTitle: "Factura duplicada al contabilizar" });

    const article = await s.admin.ok(`query($id: ID!) { knowledgeArticle(id: $id) { timesUsed solvedIncidents(first: 10) { totalCount edges { node { id } } } } }`, { id: articleId });
    expect(article.knowledgeArticle.timesUsed).toBe(1);
    expect(article.knowledgeArticle.solvedIncidents.edges.map((e: any) => e.node.id)).toEqual([incidentId]);
    // the customer reads the article it was answered with
    const mine = await ana.gql.ok(`query($id: ID!) { incident(id: $id) { resolutionArticle { title } } }`, { id: incidentId });
    expect(mine.incident.resolutionArticle.title).toBe("Factura duplicada al contabilizar");
  });

  it("refuses an unknown, draft or malformed article without resolving", async () => {
    const d = await openAs(s.admin, "Otra factura", "dup", "ERP", { requester: { name: "Luis", email: "luis@example.com" } });
    const id = d.openIncident.incident.id;
    const draft = await s.admin.ok(`mutation { createArticle(input: { title: "Borrador", body: "x", productCodes: [] }) { id } }`);
    const M = `mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { status } }`;
    expect((await l1.gql.request(M, { i: { incidentId: id, summary: "x", articleId: draft.createArticle.id } })).errors?.[0].extensions?.code).toBe("CONFLICT");
    expect((await l1.gql.request(M, { i: { incidentId: id, summary: "x", articleId: id } })).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    const gone = Buffer.from("KnowledgeArticle:00000000-0000-4000-8000-000000000000").toString("base64url");
    expect((await l1.gql.request(M, { i: { incidentId: id, summary: "x", articleId: gone } })).errors?.[0].extensions?.code).toBe("NOT_FOUND");
    expect((await s.admin.ok(`query($id: ID!) { incident(id: $id) { status } }`, { id })).incident.status).toBe("NEW");
  });
});

describe("one it does not know reaches the next level with the search attached", () => {
  it("escalation carries what was searched and suggested to L2's view and the timeline", async () => {
    const d = await openAs(ana.gql, "El módulo de nóminas se cuelga", "Al calcular la nómina de marzo la pantalla se queda en blanco.");
    const id = d.openIncident.incident.id;
    expect(d.openIncident.suggestedArticles).toEqual([]);
    // the agent searches too, for this incident
    const hits = await l1.gql.ok(`query($id: ID!) { searchKnowledge(query: "nómina pantalla blanco", incidentId: $id) { article { id } } }`, { id });
    expect(hits.searchKnowledge).toEqual([]);
    await l1.gql.ok(`mutation($i: EscalateIncidentInput!) { escalateIncident(input: $i) { level } }`, { i: { incidentId: id, reason: "No known solution" } });
    const escalated = (await events(id)).find((e) => e.type === "ESCALATED")!;
    expect(escalated.data.reason).toBe("No known solution");
    expect(escalated.data.knowledge.searches.map((x: any) => [x.source, x.resultCount])).toEqual([
      ["OPEN", 0],
      ["AGENT", 0],
    ]);
    expect(escalated.data.knowledge.searches[1].query).toBe("nómina pantalla blanco");

    const view = await lead.gql.ok(`query($id: ID!) { incident(id: $id) { level knowledgeSearches { source query resultCount actorName suggested { id } } } }`, { id });
    expect(view.incident.level).toBe("L2");
    expect(view.incident.knowledgeSearches.map((x: any) => x.source)).toEqual(["OPEN", "AGENT"]);
    expect(view.incident.knowledgeSearches[1].actorName).toBe(l1.name);
    expect((await ana.gql.ok(`query($id: ID!) { incident(id: $id) { knowledgeSearches { query } } }`, { id })).incident.knowledgeSearches).toEqual([]);
    // customers may not attach searches to incidents
    const r = await ana.gql.request(`query($id: ID!) { searchKnowledge(query: "nómina", incidentId: $id) { score } }`, { id });
    expect(r.errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });
});

describe("five similar incidents become one problem whose resolution closes the loop", () => {
  const customers: CustomerKey[] = [];
  const incidentIds: string[] = [];
  let problemId: string;

  it("recurringIncidents groups them with a suggested title", async () => {
    const titles = ["La VPN se desconecta", "VPN desconecta cada hora", "se desconecta la vpn", "VPN: se desconecta al rato", "La vpn se desconecta sola"];
    for (const [i, title] of titles.entries()) {
      const c = await customer(s.admin, `Cliente ${i}`);
      customers.push(c);
      const d = await openAs(c.gql, title, "Desde casa la conexión VPN se corta.", "OFFICE");
      incidentIds.push(d.openIncident.incident.id);
    }
    await openAs(ana.gql, "Pedido de material", "Necesito un ratón", "OFFICE");
    const groups = (await l1.gql.ok(`{ recurringIncidents(minCount: 3) { suggestedTitle product { code } incidents { id } } }`)).recurringIncidents;
    const vpn = groups.find((g: any) => g.incidents.some((i: any) => i.id === incidentIds[0]));
    expect(vpn.product.code).toBe("OFFICE");
    expect(vpn.incidents.map((i: any) => i.id)).toEqual(incidentIds);
    expect(vpn.suggestedTitle.toLowerCase()).toContain("vpn");
    expect(vpn.suggestedTitle.toLowerCase()).toContain("desconecta");
    for (const gql of [ana.gql, await roleKey(s.admin, "INTEGRATOR")]) {
      expect((await gql.request(`{ recurringIncidents { suggestedTitle } }`)).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
    expect((await l1.gql.request(`{ recurringIncidents(windowSeconds: 10) { suggestedTitle } }`)).errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("openProblem links them; they leave the recurring list; events on every timeline", async () => {
    const d = await l1.gql.ok(
      `mutation($i: OpenProblemInput!) { openProblem(input: $i) { id number status product { code } owner { id } incidents(first: 10) { totalCount edges { node { id problem { number } } } } } }`,
      { i: { title: "VPN se desconecta", description: "Cortes de VPN cada hora", incidentIds: incidentIds.slice(0, 4), ownerId: lead.id } },
    );
    const p = d.openProblem;
    problemId = p.id;
    expect(p.number).toMatch(/^PRB-\d{6}$/);
    expect(p).toMatchObject({ status: "OPEN", product: { code: "OFFICE" }, owner: { id: lead.id } });
    expect(p.incidents.totalCount).toBe(4);
    expect(p.incidents.edges.every((e: any) => e.node.problem.number === p.number)).toBe(true);
    const linked = await l1.gql.ok(`mutation($i: ID!, $p: ID!) { linkIncidentToProblem(incidentId: $i, problemId: $p) { id problem { id } } }`, { i: incidentIds[4], p: problemId });
    expect(linked.linkIncidentToProblem.problem.id).toBe(problemId);
    // idempotent for the same problem
    await l1.gql.ok(`mutation($i: ID!, $p: ID!) { linkIncidentToProblem(incidentId: $i, problemId: $p) { id } }`, { i: incidentIds[4], p: problemId });
    for (const id of incidentIds) expect((await events(id)).filter((e) => e.type === "LINKED_TO_PROBLEM")).toHaveLength(1);
    const groups = (await l1.gql.ok(`{ recurringIncidents(minCount: 2) { incidents { id } } }`)).recurringIncidents;
    expect(groups.flatMap((g: any) => g.incidents.map((i: any) => i.id))).not.toContain(incidentIds[0]);
    // customers never see problems
    expect((await customers[0].gql.ok(`query($id: ID!) { incident(id: $id) { problem { id } } }`, { id: incidentIds[0] })).incident.problem).toBeNull();
    expect((await customers[0].gql.request(`query($id: ID!) { problem(id: $id) { id } }`, { id: problemId })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    const display = await roleKey(s.admin, "DISPLAY");
    expect((await display.ok(`query($id: ID!) { node(id: $id) { ... on Problem { number } } }`, { id: problemId })).node.number).toBe(p.number);
  });

  it("refuses illegal moves with CONFLICT naming the allowed ones", async () => {
    const r = await l1.gql.request(`mutation($p: ID!) { resolveProblem(problemId: $p, summary: "x") { id } }`, { p: problemId });
    expect(r.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(r.errors?.[0].message).toContain("Allowed now: linkIncident, assign, startInvestigation, recordRootCause");
    const ke = await l1.gql.request(`mutation($p: ID!) { markKnownError(problemId: $p) { id } }`, { p: problemId });
    expect(ke.errors?.[0].extensions?.code).toBe("CONFLICT");
  });

  it("root cause, then known error: the workaround becomes a published article suggested from then on", async () => {
    const rc = await l1.gql.ok(`mutation($p: ID!) { recordRootCause(problemId: $p, rootCause: "El concentrador VPN corta sesiones inactivas a los 60 minutos") { status rootCause } }`, { p: problemId });
    expect(rc.recordRootCause.status).toBe("INVESTIGATING");
    const missing = await l1.gql.request(`mutation($p: ID!) { markKnownError(problemId: $p) { id } }`, { p: problemId });
    expect(missing.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(missing.errors?.[0].message).toContain("a workaround");
    await l1.gql.ok(`mutation($p: ID!) { recordRootCause(problemId: $p, rootCause: "El concentrador VPN corta sesiones inactivas a los 60 minutos", workaround: "Active el keep-alive en el cliente VPN (Ajustes > Conexión)") { status } }`, { p: problemId });
    const ke = await l1.gql.ok(`mutation($p: ID!) { markKnownError(problemId: $p) { status knownErrorArticle { id status title body products { code } } } }`, { p: problemId });
    expect(ke.markKnownError.status).toBe("KNOWN_ERROR");
    const article = ke.markKnownError.knownErrorArticle;
    expect(article).toMatchObject({ status: "PUBLISHED", products: [{ code: "OFFICE" }] });
    expect(article.body).toContain("keep-alive");
    expect(article.body).not.toContain("concentrador"); // the root cause stays internal
    expect((await events(incidentIds[0])).map((e) => e.type)).toEqual(expect.arrayContaining(["PROBLEM_ROOT_CAUSE", "PROBLEM_KNOWN_ERROR"]));

    // a new customer with the same fault is answered from the known error
    const d = await openAs(ana.gql, "Se me desconecta la VPN", "La VPN se corta cada hora", "OFFICE");
    expect(d.openIncident.suggestedArticles[0].article.id).toBe(article.id);
    // a linked incident gets it first whatever its words
    const linked = await l1.gql.ok(`query($id: ID!) { incident(id: $id) { suggestedArticles(first: 3) { score article { id } } } }`, { id: incidentIds[1] });
    expect(linked.incident.suggestedArticles[0]).toEqual({ score: 1, article: { id: article.id } });
  });

  it("resolveProblem resolves every open incident and tells every customer; closeProblem ends it", async () => {
    // one incident was already resolved by hand: it is told, not resolved twice
    await l1.gql.ok(`mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { status } }`, { i: { incidentId: incidentIds[4], summary: "Reinicie el cliente" } });
    const summary = "Hemos ampliado el tiempo de sesión del concentrador VPN: ya no se cortará.";
    const r = await lead.gql.ok(`mutation($p: ID!, $s: String!) { resolveProblem(problemId: $p, summary: $s) { status resolvedAt resolution timeline { type } } }`, { p: problemId, s: summary });
    expect(r.resolveProblem).toMatchObject({ status: "RESOLVED", resolution: summary });
    expect(r.resolveProblem.timeline.map((e: any) => e.type)).toEqual([
      "OPENED",
      "INCIDENT_LINKED",
      "INCIDENT_LINKED",
      "INCIDENT_LINKED",
      "INCIDENT_LINKED",
      "INCIDENT_LINKED",
      "ROOT_CAUSE_RECORDED",
      "ROOT_CAUSE_RECORDED",
      "KNOWN_ERROR",
      "RESOLVED",
    ]);
    for (const [i, id] of incidentIds.entries()) {
      const mine = await customers[i].gql.ok(`query($id: ID!) { incident(id: $id) { status firstRespondedAt comments { body visibility } } }`, { id });
      expect(mine.incident.status).toBe("RESOLVED");
      expect(mine.incident.firstRespondedAt).not.toBeNull(); // a public communication
      if (i < 4) {
        expect(mine.incident.comments).toEqual([{ body: summary, visibility: "PUBLIC" }]);
        const resolved = (await events(id)).find((e) => e.type === "RESOLVED")!;
        expect(resolved.data).toMatchObject({ by: "PROBLEM", summary });
        expect((await events(id, customers[i].gql)).map((e) => e.type)).toContain("RESOLVED");
      } else {
        expect((await events(id)).map((e) => e.type)).toContain("PROBLEM_RESOLVED");
      }
    }
    const closed = await lead.gql.ok(`mutation($p: ID!) { closeProblem(problemId: $p) { status closedAt } }`, { p: problemId });
    expect(closed.closeProblem.status).toBe("CLOSED");
    const again = await lead.gql.request(`mutation($p: ID!) { closeProblem(problemId: $p) { status } }`, { p: problemId });
    expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(again.errors?.[0].message).toContain("Allowed now: none");
    const list = await s.admin.ok(`{ problems(status: [CLOSED], first: 5) { totalCount edges { node { id } } } }`);
    expect(list.problems.edges.map((e: any) => e.node.id)).toContain(problemId);
  });

  it("roles: CUSTOMER and INTEGRATOR keys may not open or change problems; a closed incident cannot be linked", async () => {
    const integrator = await roleKey(s.admin, "INTEGRATOR");
    for (const gql of [ana.gql, integrator]) {
      const r = await gql.request(`mutation { openProblem(input: { title: "x", description: "y" }) { id } }`);
      expect(r.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
    expect((await integrator.ok(`{ problems(first: 1) { totalCount } }`)).problems.totalCount).toBeGreaterThan(0);
    const p = await l1.gql.ok(`mutation { openProblem(input: { title: "Vacío", description: "sin incidentes" }) { id number incidents { totalCount } product { code } } }`);
    expect(p.openProblem.incidents.totalCount).toBe(0);
    expect(p.openProblem.product).toBeNull();
    await l1.gql.ok(`mutation($id: ID!) { closeIncident(incidentId: $id) { status } }`, { id: incidentIds[0] });
    const r = await l1.gql.request(`mutation($i: ID!, $p: ID!) { linkIncidentToProblem(incidentId: $i, problemId: $p) { id } }`, { i: incidentIds[1], p: p.openProblem.id });
    expect(r.errors?.[0].extensions?.code).toBe("CONFLICT"); // linked to the other problem
    const o = await openAs(ana.gql, "Algo", "algo", "ERP");
    await l1.gql.ok(`mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { status } }`, { i: { incidentId: o.openIncident.incident.id, summary: "hecho" } });
    await l1.gql.ok(`mutation($id: ID!) { closeIncident(incidentId: $id) { status } }`, { id: o.openIncident.incident.id });
    const closed = await l1.gql.request(`mutation($i: ID!, $p: ID!) { linkIncidentToProblem(incidentId: $i, problemId: $p) { id } }`, { i: o.openIncident.incident.id, p: p.openProblem.id });
    expect(closed.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(closed.errors?.[0].message).toContain("CLOSED");
  });
});
