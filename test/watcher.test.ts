/** The breach watcher: decisions at the rules' instants, exactly once (SLA.md "Alerts", worked example 5). */
import { afterEach, describe, expect, it } from "vitest";
import { collect, freshPostgres, hasPostgres, settle, startServer, wsClient, type TestServer } from "./helpers/harness.js";
import { clock, get, open, reply, setClock, simulatedServer } from "./helpers/lifecycle.js";

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0).reverse()) await s.close();
});

const ALERTS = `alerts { kind clock level cycle at dueAt }`;

async function alertsOf(s: TestServer, id: string) {
  return (await s.admin.ok(`query($id: ID!) { incident(id: $id) { level status ${ALERTS} timeline(first: 100) { edges { node { type at actorKind data } } } } }`, { id })).incident;
}

describe("breach watcher with the simulated clock", () => {
  it("example 5: update cycle BREACHED at 11:05Z; escalation L1 BREACHED at 13:00Z and the product moves the incident to L2 stamped 13:00Z", async () => {
    const s = await simulatedServer("2025-06-02T09:00:00Z");
    servers.push(s);
    const inc = await open(s.admin, "CRITICAL");
    await setClock(s.admin, "2025-06-02T09:05:00Z");
    await reply(s.admin, inc.id);
    await setClock(s.admin, "2025-06-02T14:00:00Z");
    const after = await get(s.admin, inc.id);
    expect(after.level).toBe("L2");
    expect(clock(after, "CUSTOMER_UPDATE")).toMatchObject({ state: "BREACHED", dueAt: "2025-06-02T11:05:00.000Z", breachedAt: "2025-06-02T11:05:00.000Z", stoppedAt: null });
    expect(clock(after, "ESCALATION", 1, "L1")).toMatchObject({
      state: "BREACHED",
      breachedAt: "2025-06-02T13:00:00.000Z",
      stoppedAt: "2025-06-02T13:00:00.000Z",
      marginSeconds: 0,
    });
    expect(clock(after, "ESCALATION", 1, "L2")).toMatchObject({ state: "RUNNING", startedAt: "2025-06-02T13:00:00.000Z", dueAt: "2025-06-02T17:00:00.000Z" });
    const detail = await alertsOf(s, inc.id);
    expect(detail.alerts).toEqual([
      { kind: "AT_RISK", clock: "CUSTOMER_UPDATE", level: null, cycle: 1, at: "2025-06-02T10:35:00.000Z", dueAt: "2025-06-02T11:05:00.000Z" },
      { kind: "BREACHED", clock: "CUSTOMER_UPDATE", level: null, cycle: 1, at: "2025-06-02T11:05:00.000Z", dueAt: "2025-06-02T11:05:00.000Z" },
      { kind: "AT_RISK", clock: "ESCALATION", level: "L1", cycle: 1, at: "2025-06-02T12:00:00.000Z", dueAt: "2025-06-02T13:00:00.000Z" },
      { kind: "BREACHED", clock: "ESCALATION", level: "L1", cycle: 1, at: "2025-06-02T13:00:00.000Z", dueAt: "2025-06-02T13:00:00.000Z" },
      { kind: "ESCALATED", clock: "ESCALATION", level: "L1", cycle: 1, at: "2025-06-02T13:00:00.000Z", dueAt: "2025-06-02T13:00:00.000Z" },
    ]);
    const escalated = detail.timeline.edges.map((e: any) => e.node).find((n: any) => n.type === "ESCALATED");
    expect(escalated).toMatchObject({ at: "2025-06-02T13:00:00.000Z", actorKind: "SYSTEM" });
    // moving on raises nothing twice
    await setClock(s.admin, "2025-06-02T14:30:00Z");
    expect((await alertsOf(s, inc.id)).alerts).toHaveLength(5);
  });

  it("runs chains across a long advance: L1 → L2 → L3, then the top-level breach re-cycles L3", async () => {
    const s = await simulatedServer("2025-06-02T00:00:00Z");
    servers.push(s);
    const inc = await open(s.admin, "CRITICAL");
    await s.admin.ok(`mutation { advanceClock(seconds: 61200) }`); // 17 h: L1 due 04:00, L2 08:00, L3 12:00, L3#2 16:00
    const after = await get(s.admin, inc.id);
    expect(after.level).toBe("L3");
    const esc = after.clocks.filter((c: any) => c.kind === "ESCALATION").map((c: any) => [c.level, c.cycle, c.state, c.startedAt, c.breachedAt]);
    expect(esc).toEqual([
      ["L1", 1, "BREACHED", "2025-06-02T00:00:00.000Z", "2025-06-02T04:00:00.000Z"],
      ["L2", 1, "BREACHED", "2025-06-02T04:00:00.000Z", "2025-06-02T08:00:00.000Z"],
      ["L3", 1, "BREACHED", "2025-06-02T08:00:00.000Z", "2025-06-02T12:00:00.000Z"],
      ["L3", 2, "BREACHED", "2025-06-02T12:00:00.000Z", "2025-06-02T16:00:00.000Z"],
      ["L3", 3, "RUNNING", "2025-06-02T16:00:00.000Z", null],
    ]);
    const alerts = (await alertsOf(s, inc.id)).alerts;
    const breaches = alerts.filter((a: any) => a.kind === "BREACHED").map((a: any) => [a.clock, a.level, a.cycle, a.at]);
    expect(breaches).toContainEqual(["ESCALATION", "L3", 2, "2025-06-02T16:00:00.000Z"]);
    expect(alerts.filter((a: any) => a.kind === "ESCALATED")).toHaveLength(2);
    // alerts are stamped at the rules' instants, in order
    const ats = alerts.map((a: any) => a.at);
    expect([...ats].sort()).toEqual(ats);
  });

  it("auto-resolves after the longest customer wait and auto-closes after the auto-close interval, both by the product", async () => {
    const s = await simulatedServer("2025-06-02T09:00:00Z");
    servers.push(s);
    const inc = await open(s.admin, "NORMAL", { channel: "EMAIL" });
    await setClock(s.admin, "2025-06-02T09:10:00Z");
    await reply(s.admin, inc.id);
    await s.admin.ok(`mutation($id: ID!) { waitForCustomer(incidentId: $id) { status } }`, { id: inc.id });
    await setClock(s.admin, "2025-06-09T09:10:00Z"); // exactly 7 days: not yet
    expect((await get(s.admin, inc.id)).status).toBe("PENDING_CUSTOMER");
    await setClock(s.admin, "2025-06-09T09:10:01Z");
    const resolved = await get(s.admin, inc.id);
    expect(resolved).toMatchObject({ status: "RESOLVED", resolvedAt: "2025-06-09T09:10:00.000Z" });
    await setClock(s.admin, "2025-06-12T09:10:01Z"); // 72 h later
    const closed = await get(s.admin, inc.id);
    expect(closed).toMatchObject({ status: "CLOSED", closedAt: "2025-06-12T09:10:00.000Z" });
    const types = (await alertsOf(s, inc.id)).timeline.edges.map((e: any) => [e.node.type, e.node.actorKind]);
    expect(types).toContainEqual(["RESOLVED", "SYSTEM"]);
    expect(types).toContainEqual(["CLOSED", "SYSTEM"]);
  });

  it("re-arms an alert when a pause moves the due: AT_RISK once per arming", async () => {
    const s = await simulatedServer("2025-06-02T09:00:00Z");
    servers.push(s);
    const inc = await open(s.admin, "CRITICAL");
    await setClock(s.admin, "2025-06-02T09:05:00Z");
    await reply(s.admin, inc.id); // update due 11:05, at risk 10:35
    await setClock(s.admin, "2025-06-02T10:40:00Z"); // AT_RISK (armed for 11:05)
    await s.admin.ok(`mutation($id: ID!) { waitForCustomer(incidentId: $id) { status } }`, { id: inc.id });
    await setClock(s.admin, "2025-06-02T11:40:00Z");
    await s.admin.ok(`mutation($id: ID!) { resumeIncident(incidentId: $id) { status } }`, { id: inc.id }); // due moves to 12:05
    await setClock(s.admin, "2025-06-02T11:50:00Z");
    const alerts = (await alertsOf(s, inc.id)).alerts.filter((a: any) => a.clock === "CUSTOMER_UPDATE");
    expect(alerts).toEqual([
      { kind: "AT_RISK", clock: "CUSTOMER_UPDATE", level: null, cycle: 1, at: "2025-06-02T10:35:00.000Z", dueAt: "2025-06-02T11:05:00.000Z" },
      { kind: "AT_RISK", clock: "CUSTOMER_UPDATE", level: null, cycle: 1, at: "2025-06-02T11:40:00.000Z", dueAt: "2025-06-02T12:05:00.000Z" },
    ]);
  });

  it("an import with a past openedAt records its decisions but raises no alert", async () => {
    const s = await simulatedServer("2025-06-02T18:00:00Z");
    servers.push(s);
    const inc = await open(s.admin, "CRITICAL", { openedAt: "2025-06-02T09:00:00Z" });
    const detail = await alertsOf(s, inc.id);
    expect(detail.alerts).toEqual([]);
    expect(detail.level).toBe("L3");
    const types = detail.timeline.edges.map((e: any) => e.node.type);
    expect(types).toContain("BREACHED");
    expect(types.filter((t: string) => t === "ESCALATED")).toHaveLength(2);
  });
});

describe("breach watcher with the real clock", () => {
  it("pushes a BREACHED alert stamped at the due instant, soon after it", async () => {
    const s = await startServer();
    servers.push(s);
    await s.admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
    const client = wsClient(s.url, s.admin.key!);
    const sub = collect(client, `subscription { slaAlerts { kind clock at dueAt incident { number } } }`);
    await settle();
    // an import whose 30-minute first response falls due 1.5 s from now
    const openedAt = new Date(Date.now() - 30 * 60_000 + 1_500).toISOString();
    const inc = await s.admin.ok(
      `mutation($at: DateTime!) { openIncident(input: { title: "t", description: "d", productCode: "ERP", channel: PHONE, severity: CRITICAL, requester: { name: "a" }, openedAt: $at }) { incident { number clocks { kind dueAt } } } }`,
      { at: openedAt },
    );
    const due = inc.openIncident.incident.clocks.find((c: any) => c.kind === "FIRST_RESPONSE").dueAt;
    const [alert] = await sub.until(1, 10_000);
    expect(alert.slaAlerts).toMatchObject({ kind: "BREACHED", clock: "FIRST_RESPONSE", at: due, dueAt: due, incident: { number: inc.openIncident.incident.number } });
    sub.dispose();
    await client.dispose();
  });

  it.runIf(hasPostgres)("raises each alert once with two replicas on one database", async () => {
    const db = await freshPostgres();
    try {
      const a = await startServer({ databaseUrl: db.url, env: { CLOCK_MODE: "simulated", CLOCK_START: "2025-06-02T09:00:00Z" } });
      const b = await startServer({ databaseUrl: db.url, env: { CLOCK_MODE: "simulated", CLOCK_START: "2025-06-02T09:00:00Z" } });
      try {
        await a.admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
        const ids = [];
        for (let i = 0; i < 5; i++) ids.push((await open(a.admin, "CRITICAL")).id);
        await Promise.all([a.admin.ok(`mutation { advanceClock(seconds: 3600) }`), b.admin.ok(`mutation { advanceClock(seconds: 7200) }`)]);
        await b.admin.ok(`mutation { advanceClock(seconds: 60) }`);
        for (const id of ids) {
          const alerts = (await alertsOf(b, id)).alerts.map((x: any) => `${x.kind}|${x.clock}|${x.level}|${x.cycle}|${x.dueAt}`);
          expect(new Set(alerts).size).toBe(alerts.length);
          expect(alerts).toContain("BREACHED|FIRST_RESPONSE|null|1|2025-06-02T09:30:00.000Z");
        }
        const [{ n }] = await a.app.services.db.query<{ n: string }>("SELECT count(*) AS n FROM sla_alert");
        expect(Number(n)).toBe(5 * 3); // FR at risk + breached, escalation L1 at risk (12:00 > 11:01: no)
      } finally {
        await b.close();
        await a.close();
      }
    } finally {
      await db.drop();
    }
  });
});
