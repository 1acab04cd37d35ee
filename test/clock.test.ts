import { afterAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, Gql, collect, freshPostgres, hasPostgres, settle, startServer, wsClient, type TestServer } from "./helpers/harness.js";

const START = "2025-06-02T09:00:00.000Z";
const servers: TestServer[] = [];
afterAll(async () => {
  for (const s of servers.reverse()) await s.close();
});

describe("simulated clock (CLOCK_MODE=simulated)", () => {
  it("is FORBIDDEN to move in system mode", async () => {
    const s = await startServer();
    servers.push(s);
    const r = await s.admin.request(`mutation { advanceClock(seconds: 60) }`);
    expect(r.errors![0].extensions!.code).toBe("FORBIDDEN");
    const r2 = await s.admin.request(`mutation { setClock(to: "2030-01-01T00:00:00Z") }`);
    expect(r2.errors![0].extensions!.code).toBe("FORBIDDEN");
  });

  it("starts at CLOCK_START, stands still, moves forward only, ADMIN only", async () => {
    const s = await startServer({ env: { CLOCK_MODE: "simulated", CLOCK_START: START } });
    servers.push(s);
    expect((await s.admin.ok(`{ now }`)).now).toBe(START);
    await new Promise((r) => setTimeout(r, 50));
    expect((await s.admin.ok(`{ now }`)).now).toBe(START);
    expect((await s.admin.ok(`mutation { advanceClock(seconds: 90) }`)).advanceClock).toBe("2025-06-02T09:01:30.000Z");
    expect((await s.admin.ok(`{ now }`)).now).toBe("2025-06-02T09:01:30.000Z");
    expect((await s.admin.ok(`mutation { setClock(to: "2025-06-02T11:00:00.000Z") }`)).setClock).toBe("2025-06-02T11:00:00.000Z");
    const back = await s.admin.request(`mutation { setClock(to: "2025-06-02T10:00:00.000Z") }`);
    expect(back.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    expect(back.errors![0].message).toMatch(/forward only/);
    const negative = await s.admin.request(`mutation { advanceClock(seconds: -5) }`);
    expect(negative.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
    const secret = (await s.admin.ok(`mutation { createApiKey(input: { name: "i", role: INTEGRATOR }) { secret } }`)).createApiKey.secret;
    const integrator = new Gql(s.url, secret);
    expect((await integrator.request(`mutation { advanceClock(seconds: 1) }`)).errors![0].extensions!.code).toBe("FORBIDDEN");
    // an incident opened now is stamped with the simulated instant
    await s.admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
    const inc = await s.admin.ok(
      `mutation { openIncident(input: { title: "t", description: "d", productCode: "ERP", channel: WEB, severity: HIGH, requester: { name: "a" } }) { incident { openedAt } } }`,
    );
    expect(inc.openIncident.incident.openedAt).toBe("2025-06-02T11:00:00.000Z");
    const future = await s.admin.request(
      `mutation { openIncident(input: { title: "t", description: "d", productCode: "ERP", channel: WEB, severity: HIGH, requester: { name: "a" }, openedAt: "2025-06-02T11:00:01Z" }) { incident { openedAt } } }`,
    );
    expect(future.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it.runIf(hasPostgres)("is shared by every replica", async () => {
    const db = await freshPostgres();
    try {
      const a = await startServer({ databaseUrl: db.url, env: { CLOCK_MODE: "simulated", CLOCK_START: START } });
      const b = await startServer({ databaseUrl: db.url, env: { CLOCK_MODE: "simulated", CLOCK_START: "2030-01-01T00:00:00Z" } });
      try {
        expect((await b.admin.ok(`{ now }`)).now).toBe(START);
        await a.admin.ok(`mutation { advanceClock(seconds: 3600) }`);
        expect((await b.admin.ok(`{ now }`)).now).toBe("2025-06-02T10:00:00.000Z");
        expect(b.admin.key).toBe(ADMIN_KEY);
      } finally {
        await b.close();
        await a.close();
      }
    } finally {
      await db.drop();
    }
  });

  it("computes a pushed event's SLA fields at the push, not when the subscription started; screens share the answer, roles keep their own", async () => {
    const s = await startServer({ env: { CLOCK_MODE: "simulated", CLOCK_START: START } });
    servers.push(s);
    await s.admin.ok(`mutation { createProduct(code: "ERP", name: "ERP") { id } }`);
    const display = new Gql(s.url, (await s.admin.ok(`mutation { createApiKey(input: { name: "noc", role: DISPLAY }) { secret } }`)).createApiKey.secret);
    const inc = (
      await s.admin.ok(
        `mutation { openIncident(input: { title: "t", description: "d", productCode: "ERP", channel: PHONE, severity: CRITICAL, requester: { name: "Ana", email: "ana@example.com" } }) { incident { id } } }`,
      )
    ).openIncident.incident;
    const q = `subscription($id: ID!) { incidentEvents(incidentId: $id, types: ["BREACHED"]) { type at incident { requester { email } clocks { kind state remainingSeconds } } } }`;
    const clients = [wsClient(s.url, ADMIN_KEY), wsClient(s.url, ADMIN_KEY), wsClient(s.url, (display as any).key)];
    const subs = clients.map((c) => collect(c, q, { id: inc.id }));
    try {
      await settle(300);
      // the subscriptions started at 09:00; at 11:00 the watcher records the first response's
      // breach, stamped at its due (09:30), and pushes it
      await s.admin.ok(`mutation { advanceClock(seconds: 7200) }`);
      const [a, b, d] = await Promise.all(subs.map((x) => x.until(1, 5_000)));
      expect(a[0].incidentEvents.at).toBe("2025-06-02T09:30:00.000Z");
      const escalation = (p: any) => p.incidentEvents.incident.clocks.find((c: any) => c.kind === "ESCALATION" && c.state === "RUNNING");
      // CRITICAL escalates every 4 h: due 13:00, two hours left at the push (11:00), not 3.5 (09:30) nor 4 (09:00)
      expect(escalation(a[0]).remainingSeconds).toBe(2 * 3600);
      expect(b[0]).toEqual(a[0]);
      expect(a[0].incidentEvents.incident.requester.email).toBe("ana@example.com");
      // the DISPLAY key's view of the same event hides the requester's contact details (ACCESS.md)
      expect(escalation(d[0]).remainingSeconds).toBe(2 * 3600);
      expect(d[0].incidentEvents.incident.requester.email).toBeNull();
    } finally {
      for (const x of subs) x.dispose();
      for (const c of clients) await c.dispose();
    }
  });
});
