/** Live operations: compliance kept in rollups equal to the oracle, queues, the wallboard snapshot, coalesced pushes. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, settle, wsClient, type TestServer } from "./helpers/harness.js";
import { open, reply, setClock, simulatedServer } from "./helpers/lifecycle.js";
import { recordOutcomes } from "../server/src/modules/compliance/outcome.repo.js";
import type { ComplianceOutcome } from "../server/src/domain/index.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function rng(seed: number) {
  let x = seed >>> 0;
  return () => {
    x = (x * 1664525 + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

describe("compliance over a generated month", () => {
  let s: TestServer;
  const start = Date.parse("2025-05-01T00:00:00Z");
  let end = start;

  beforeAll(async () => {
    s = await simulatedServer(new Date(start).toISOString());
    await s.admin.ok(`mutation { createProduct(code: "CRM", name: "CRM") { id } }`);
    const rand = rng(42);
    const severities = ["CRITICAL", "HIGH", "NORMAL"];
    const openIds: string[] = [];
    let t = start;
    for (let step = 0; step < 120; step++) {
      t += Math.floor(rand() * 6 * HOUR) + 60_000;
      await setClock(s.admin, new Date(t).toISOString());
      const action = rand();
      if (action < 0.45 || openIds.length === 0) {
        const inc = await open(s.admin, severities[Math.floor(rand() * 3)], { productCode: rand() < 0.5 ? "ERP" : "CRM" });
        openIds.push(inc.id);
      } else {
        const id = openIds[Math.floor(rand() * openIds.length)];
        const r = await s.admin.request(
          action < 0.65
            ? `mutation($id: ID!) { addComment(input: { incidentId: $id, body: "update", visibility: PUBLIC }) { id } }`
            : action < 0.8
              ? `mutation($id: ID!) { escalateIncident(input: { incidentId: $id, reason: "needs L2" }) { id } }`
              : `mutation($id: ID!) { resolveIncident(input: { incidentId: $id, summary: "fixed" }) { id } }`,
          { id },
        );
        // refusals (escalating past L3, resolving twice) are part of a real month
        if (r.errors) expect(r.errors[0].extensions!.code).toBe("CONFLICT");
        if (action >= 0.8 && !r.errors) openIds.splice(openIds.indexOf(id), 1);
      }
    }
    end = t;
  }, 300_000);
  afterAll(async () => s?.close());

  it("decided a realistic mix of outcomes", async () => {
    const rows = await s.app.services.db.query<{ measure: string; outcome: string; n: string }>(
      "SELECT measure, outcome, count(*) AS n FROM sla_outcome GROUP BY 1, 2",
    );
    const count = (m: string, o: string) => Number(rows.find((r) => r.measure === m && r.outcome === o)?.n ?? 0);
    expect(count("FIRST_RESPONSE", "MET") + count("FIRST_RESPONSE", "BREACHED")).toBeGreaterThan(20);
    expect(count("UPDATES_AND_ESCALATIONS", "BREACHED")).toBeGreaterThan(0);
  });

  it("the rollup answer equals the oracle for random windows, hour-aligned windows and windows whose edges sit on outcomes", async () => {
    const svc = s.app.services.compliance;
    const rand = rng(7);
    const windows: Array<[number, number]> = [];
    for (let i = 0; i < 40; i++) {
      const a = start + Math.floor(rand() * (end - start));
      const b = a + Math.floor(rand() * (end - a));
      windows.push([a, b]);
    }
    for (let i = 0; i < 10; i++) {
      const a = Math.floor((start + rand() * (end - start)) / HOUR) * HOUR;
      windows.push([a, a + Math.ceil(rand() * 200) * HOUR]);
    }
    const ats = await s.app.services.db.query<{ at: Date }>("SELECT at FROM sla_outcome ORDER BY random() LIMIT 20");
    for (const { at } of ats) {
      windows.push([at.getTime(), at.getTime() + 30 * 24 * HOUR]); // excluded at the start
      windows.push([at.getTime() - 7 * 24 * HOUR, at.getTime()]); // included at the end
      windows.push([at.getTime() - 1, at.getTime()]);
    }
    windows.push([start - 1, end + 1]);
    for (const [a, b] of windows) {
      for (const dims of [null, { severities: ["CRITICAL"] }, { productCodes: ["CRM"], levels: ["L1", "L2"] }]) {
        const fast = await svc.rates(new Date(a), new Date(b), dims);
        const oracle = await svc.ratesDirect(new Date(a), new Date(b), dims);
        expect(fast, `window (${new Date(a).toISOString()}, ${new Date(b).toISOString()}] ${JSON.stringify(dims)}`).toEqual(oracle);
      }
    }
  });

  it("slaCompliance answers the window ending now, per dimension, with null rates when nothing was decided", async () => {
    const q = `query($w: Int!, $s: Severity, $l: SupportLevel, $p: String) { slaCompliance(windowSeconds: $w, severity: $s, level: $l, productCode: $p) {
      windowSeconds from to severity level productCode atRisk breachedOpen
      firstResponse { target met breached rate meetingTarget } updatesAndEscalations { target met breached rate meetingTarget } } }`;
    const month = (await s.admin.ok(q, { w: 40 * 86_400 })).slaCompliance;
    expect(month.to).toBe(new Date(end).toISOString());
    expect(month.firstResponse.target).toBe(0.95);
    expect(month.updatesAndEscalations.target).toBe(0.9);
    const oracle = await s.app.services.compliance.ratesDirect(new Date(end - 40 * 86_400_000), new Date(end));
    expect(month.firstResponse).toEqual(oracle.firstResponse);
    const total = month.firstResponse.met + month.firstResponse.breached;
    expect(month.firstResponse.rate).toBeCloseTo(month.firstResponse.met / total, 12);
    for (const severity of ["CRITICAL", "HIGH", "NORMAL"]) {
      const one = (await s.admin.ok(q, { w: 40 * 86_400, s: severity })).slaCompliance;
      expect(one.severity).toBe(severity);
      const o = await s.app.services.compliance.ratesDirect(new Date(end - 40 * 86_400_000), new Date(end), { severities: [severity] });
      expect(one.firstResponse).toEqual(o.firstResponse);
      expect(one.updatesAndEscalations).toEqual(o.updatesAndEscalations);
    }
    const none = (await s.admin.ok(q, { w: 1 })).slaCompliance;
    expect(none.firstResponse).toMatchObject({ met: 0, breached: 0, rate: null, meetingTarget: null });
    const bad = await s.admin.request(q, { w: 0 });
    expect(bad.errors![0].extensions!.code).toBe("BAD_USER_INPUT");
  });

  it("complianceTrend buckets add up to the whole window", async () => {
    const d = await s.admin.ok(`{ complianceTrend(windowSeconds: 864000, bucketSeconds: 86400) { from to firstResponse { met breached } updatesAndEscalations { met breached } } }`);
    expect(d.complianceTrend).toHaveLength(10);
    const sum = d.complianceTrend.reduce((acc: number, p: any) => acc + p.firstResponse.met + p.firstResponse.breached, 0);
    const whole = await s.app.services.compliance.ratesDirect(new Date(end - 864_000_000), new Date(end));
    expect(sum).toBe(whole.firstResponse.met + whole.firstResponse.breached);
    expect(d.complianceTrend[9].to).toBe(new Date(end).toISOString());
  });

  it("queues count open incidents by level × severity, and the wallboard orders urgent incidents overdue first", async () => {
    const queues = (await s.admin.ok(`{ queues { level severity open awaitingFirstResponse atRisk overdue oldestOpenedAt nextDueAt } }`)).queues;
    expect(queues).toHaveLength(9);
    const [{ n }] = await s.app.services.db.query<{ n: string }>("SELECT count(*) AS n FROM incident WHERE status IN ('NEW','IN_PROGRESS','PENDING_CUSTOMER')");
    expect(queues.reduce((a: number, q: any) => a + q.open, 0)).toBe(Number(n));
    const filtered = (await s.admin.ok(`{ queues(filter: { levels: [L1], severities: [CRITICAL, HIGH] }) { level severity } }`)).queues;
    expect(filtered.map((q: any) => `${q.level}/${q.severity}`)).toEqual(["L1/CRITICAL", "L1/HIGH"]);
    const wb = (
      await s.admin.ok(`{ wallboard { serverTime clockRate sequence queues { open } compliance { windowSeconds firstResponse { met } }
        urgent(first: 200) { number overdue nextDueAt } recentAlerts(first: 5) { kind at incident { number } } } }`)
    ).wallboard;
    expect(wb.clockRate).toBe(0);
    expect(wb.serverTime).toBe(new Date(end).toISOString());
    expect(wb.compliance.map((c: any) => c.windowSeconds)).toEqual([86_400, 604_800]);
    expect(BigInt(wb.sequence)).toBeGreaterThan(0n);
    const overdueFlags = wb.urgent.map((u: any) => u.overdue);
    expect(overdueFlags).toEqual([...overdueFlags].sort((a: boolean, b: boolean) => Number(b) - Number(a)));
    const notOverdue = wb.urgent.filter((u: any) => !u.overdue && u.nextDueAt).map((u: any) => u.nextDueAt);
    expect(notOverdue).toEqual([...notOverdue].sort());
    const alertTimes = wb.recentAlerts.map((a: any) => a.at);
    expect(alertTimes).toEqual([...alertTimes].sort().reverse());
  });
});

describe("compliance rollups at the window's edges", () => {
  // The rollup answer moves each edge to its nearest boundary of each level (10 minutes,
  // hour, 4 hours, day, week) and adds or subtracts what lies between: outcomes sit exactly
  // on, and a millisecond around, those boundaries and the half steps where the nearest
  // boundary flips.
  let s: TestServer;
  const d0 = Date.parse("2025-03-10T00:00:00Z"); // a Monday; epoch weeks start on Thursday 2025-03-13
  const week = Date.parse("2025-03-13T00:00:00Z");
  const halfSteps = [5 * 60_000, HOUR / 2, 2 * HOUR, DAY / 2, 3.5 * DAY];
  const near = [0, 1, -1, ...halfSteps.flatMap((h) => [h - 1, h, h + 1, -h - 1, -h, -h + 1])];
  const marks = (day: number) => [day, day + 5 * HOUR + 25 * 60_000, day + 12 * HOUR, day - 7 * HOUR - 10 * 60_000];

  beforeAll(async () => {
    s = await simulatedServer(new Date(d0).toISOString());
    await open(s.admin, "HIGH");
    const [{ id }] = await s.app.services.db.query<{ id: string }>("SELECT id FROM incident LIMIT 1");
    const rand = rng(11);
    const instants = new Set<number>();
    for (let day = d0; day <= d0 + 4 * DAY; day += DAY) for (const m of marks(day)) for (const o of near) instants.add(m + o);
    for (const o of near) instants.add(week + o);
    for (let i = 0; i < 600; i++) instants.add(d0 - 10 * DAY + Math.floor(rand() * 28 * DAY));
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const outcomes: ComplianceOutcome[] = [];
    let caseNumber = 1;
    for (const at of instants) {
      for (const measure of ["FIRST_RESPONSE", "UPDATES_AND_ESCALATIONS"] as const) {
        if (rand() < 0.3) continue;
        outcomes.push({ measure, caseNumber, at, outcome: rand() < 0.8 ? "MET" : "BREACHED", severity: pick(["CRITICAL", "HIGH", "NORMAL"] as const), productCode: pick(["ERP", "CRM"]), level: pick(["L1", "L2", "L3"] as const) });
      }
      caseNumber++;
    }
    // in batches, as decisions arrive: several outcomes of one batch share rollup rows
    for (let i = 0; i < outcomes.length; i += 50) await recordOutcomes(s.app.services.db, id, outcomes.slice(i, i + 50), "ERP");
  }, 120_000);
  afterAll(async () => s?.close());

  it("equals the oracle with edges on, and a millisecond around, every level's boundaries and half steps", async () => {
    const svc = s.app.services.compliance;
    const [{ n }] = await s.app.services.db.query<{ n: string }>("SELECT count(*) AS n FROM sla_outcome WHERE at = $1", [new Date(d0 + DAY + 5 * HOUR + 25 * 60_000)]);
    expect(Number(n)).toBeGreaterThan(0);
    const rand = rng(12);
    const edges = (day: number) => marks(day).flatMap((m) => near.map((o) => m + o));
    const sample = <T>(xs: T[], k: number) => Array.from({ length: k }, () => xs[Math.floor(rand() * xs.length)]);
    const windows: Array<[number, number]> = [];
    // days in between, and each finer level on either side of a day
    for (const a of sample(edges(d0 + DAY), 40)) for (const b of sample(edges(d0 + 3 * DAY), 10)) windows.push([a, b]);
    // weeks in between: windows of one to three weeks across the week boundary
    for (const a of sample(edges(d0 - 6 * DAY), 30)) for (const span of [8 * DAY, 13 * DAY + 2 * HOUR, 17 * DAY + 11 * HOUR]) windows.push([a, a + span]);
    for (const o of near) windows.push([week + o - 9 * DAY, week + o + 4 * DAY], [week - 4 * DAY + o, week + o]);
    // short windows: outcomes only, each level only, and coarser levels only where they save rows
    for (const a of sample(edges(d0 + DAY), 40)) for (const span of [1, 5 * 60_000, 11 * 60_000, HOUR / 2, HOUR, HOUR + HOUR / 2, 4 * HOUR + 1, 13 * HOUR, DAY, DAY + 11 * HOUR]) windows.push([a, a + span]);
    windows.push([d0, d0 + 2 * DAY], [d0 + HOUR, d0 + 30 * HOUR], [d0 + DAY, d0 + DAY], [d0 + 2 * DAY, d0 + DAY]);
    for (const [a, b] of windows) {
      for (const dims of [null, { severities: ["CRITICAL", "NORMAL"], levels: ["L2"] }]) {
        const fast = await svc.rates(new Date(a), new Date(b), dims);
        const oracle = await svc.ratesDirect(new Date(a), new Date(b), dims);
        expect(fast, `window (${new Date(a).toISOString()}, ${new Date(b).toISOString()}] ${JSON.stringify(dims)}`).toEqual(oracle);
      }
    }
  }, 300_000);

  it("keeps every level's rows equal to the outcomes they count", async () => {
    const diff = await s.app.services.db.query(
      `SELECT r.span, r.bucket FROM sla_outcome_rollup r
         FULL JOIN (SELECT s.span, date_bin(s.span * interval '1 second', o.at, timestamptz 'epoch') AS bucket, o.measure, o.severity, o.product_code, o.level,
                           count(*) FILTER (WHERE o.outcome = 'MET') AS met, count(*) FILTER (WHERE o.outcome = 'BREACHED') AS breached
                      FROM sla_outcome o CROSS JOIN unnest('{600,3600,14400,86400,604800}'::int[]) AS s(span) GROUP BY 1, 2, 3, 4, 5, 6) x
           ON (x.span, x.bucket, x.measure, x.severity, x.product_code, x.level) = (r.span, r.bucket, r.measure, r.severity, r.product_code, r.level)
        WHERE x.met IS DISTINCT FROM r.met OR x.breached IS DISTINCT FROM r.breached`,
    );
    expect(diff).toEqual([]);
    const [{ n }] = await s.app.services.db.query<{ n: string }>("SELECT count(DISTINCT span) AS n FROM sla_outcome_rollup");
    expect(Number(n)).toBe(5);
  });
});

describe("pushes", () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await simulatedServer("2025-06-02T09:00:00Z");
  });
  afterAll(async () => s?.close());

  it("coalesces a burst of 500 changes into at most one queuesChanged push per subscriber per second, ending on the final figures", async () => {
    const clients = [wsClient(s.url, s.admin.key!), wsClient(s.url, s.admin.key!), wsClient(s.url, s.admin.key!)];
    const subs = clients.map((c) => collect(c, `subscription { queuesChanged(filter: { levels: [L1] }) { level severity open } }`));
    await Promise.all(subs.map((sub) => sub.until(1, 5_000))); // the current figures on subscribing
    const started = Date.now();
    for (let i = 0; i < 500; i += 25) {
      await Promise.all(Array.from({ length: 25 }, (_, j) => open(s.admin, ["CRITICAL", "HIGH", "NORMAL"][(i + j) % 3])));
    }
    const seconds = (Date.now() - started) / 1000;
    await settle(2_500);
    for (const sub of subs) {
      const pushes = sub.items.length - 1;
      expect(pushes).toBeGreaterThan(0);
      expect(pushes).toBeLessThanOrEqual(Math.ceil(seconds) + 2);
      const last = sub.items[sub.items.length - 1].queuesChanged;
      expect(last.reduce((a: number, q: any) => a + q.open, 0)).toBe(500);
      sub.dispose();
    }
    // nothing changes: nothing is pushed
    const before = subs[0].items.length;
    await settle(2_200);
    expect(subs[0].items.length).toBe(before);
    await Promise.all(clients.map((c) => c.dispose()));
  }, 180_000);

  it("ticks serverClock at once when the simulated clock moves, and pushes complianceChanged", async () => {
    const client = wsClient(s.url, s.admin.key!);
    const ticks = collect(client, `subscription { serverClock { now rate } }`);
    const comp = collect(client, `subscription { complianceChanged(windowSeconds: 86400) { firstResponse { met breached } breachedOpen } }`);
    await ticks.until(1);
    await comp.until(1, 5_000);
    const before = ticks.items.length;
    await setClock(s.admin, "2025-06-02T10:00:00Z");
    // a periodic tick read before the move may still land first: wait for the move's own tick
    const deadline = Date.now() + 3_000;
    while (!ticks.items.slice(before).some((t: any) => t.serverClock.now === "2025-06-02T10:00:00.000Z") && Date.now() < deadline) await settle(50);
    expect(ticks.items.slice(before).map((t: any) => t.serverClock)).toContainEqual({ now: "2025-06-02T10:00:00.000Z", rate: 0 });
    // 500 CRITICAL/HIGH/NORMAL incidents opened at 09:00 missed their first responses by 10:00
    const pushed = await comp.until(2, 5_000);
    expect(pushed[pushed.length - 1].complianceChanged.firstResponse.breached).toBeGreaterThan(0);
    ticks.dispose();
    comp.dispose();
    await client.dispose();
  });

  it("answers the first response of an incident in the board's figures", async () => {
    const inc = await open(s.admin, "HIGH");
    await reply(s.admin, inc.id);
    const d = (await s.admin.ok(`{ slaCompliance(windowSeconds: 3600) { firstResponse { met } } }`)).slaCompliance;
    expect(d.firstResponse.met).toBeGreaterThanOrEqual(1);
  });
});
