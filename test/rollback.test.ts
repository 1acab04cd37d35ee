/**
 * "A rolled-back change leaves nothing and publishes nothing" (incident-events.repo.ts):
 * the events and their outbox rows live in the caller's transaction, so when it throws
 * they go with the projection. Runs on whatever database is configured.
 */
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { appendEvents } from "../server/src/modules/incident/incident-events.repo.js";
import { INCIDENT_COLUMNS, type IncidentRow } from "../server/src/modules/incident/incident.rows.js";
import { seed, startServer, type TestServer } from "./helpers/harness.js";
import { sleep, subscribeEvents } from "./helpers/events.js";

let s: TestServer;
let ops: Awaited<ReturnType<typeof seed>>;

beforeAll(async () => {
  s = await startServer();
  ops = await seed(s.admin);
});
afterAll(async () => s?.close());

async function counts() {
  const [row] = await s.app.services.db.query<Record<string, string>>(
    `SELECT (SELECT count(*) FROM incident) AS incident, (SELECT count(*) FROM incident_event) AS incident_event,
            (SELECT count(*) FROM outbox) AS outbox, (SELECT count(*) FROM contact) AS contact`,
  );
  return row;
}

describe("a rolled-back change", () => {
  it("leaves no incident, event, outbox or contact row and publishes nothing, while the next committed change is published", async () => {
    const sub = await subscribeEvents(s.url);
    onTestFinished(() => sub.close());
    const before = await counts();
    const [product] = await s.app.services.db.query<{ id: string; code: string }>("SELECT id, code FROM product WHERE code = $1", [ops.product]);
    const now = new Date();
    let written: { number: string; sequence: string } | undefined;

    const failed = s.app.services.db.transaction(async (tx) => {
      // what IncidentService.open writes, in the same order: requester, number, incident, events (+ outbox)
      const [contact] = await tx.query<{ id: string }>("INSERT INTO contact (name, email) VALUES ($1, $2) RETURNING id", ["Rolled Back", "rolled.back@example.com"]);
      const [{ n }] = await tx.query<{ n: string }>("SELECT nextval('incident_number_seq')::text AS n");
      const number = `INC-${n.padStart(6, "0")}`;
      const [incident] = await tx.query<IncidentRow>(
        `INSERT INTO incident (number, title, description, severity, channel, status, level, product_id, requester_id, opened_at, recorded_at)
         VALUES ($1, $2, $3, $4, $5, 'NEW', 'L1', $6, $7, $8, $9)
         RETURNING ${INCIDENT_COLUMNS}`,
        [number, "Never happened", "Rolled back before commit.", "CRITICAL", "PHONE", product.id, contact.id, now, now],
      );
      const [message] = await appendEvents(
        tx,
        incident.id,
        [
          {
            type: "OPENED",
            at: now,
            actorKind: "ADMIN",
            actorAgentId: null,
            actorName: "test",
            public: true,
            data: { number, severity: "CRITICAL", channel: "PHONE", level: "L1", productCode: product.code, title: "Never happened" },
          },
        ],
        { severity: incident.severity, level: incident.level, productCode: product.code, status: incident.status, requesterId: contact.id },
        now,
      );
      // the rows really were written inside the transaction
      const [inside] = await tx.query<{ events: string; outbox: string }>(
        "SELECT (SELECT count(*) FROM incident_event WHERE sequence = $1) AS events, (SELECT count(*) FROM outbox WHERE event_sequence = $1) AS outbox",
        [message.sequence],
      );
      expect(inside).toEqual({ events: "1", outbox: "1" });
      written = { number, sequence: message.sequence };
      throw new Error("boom");
    });
    await expect(failed).rejects.toThrow("boom");
    expect(written).toBeDefined();

    expect(await counts()).toEqual(before);
    expect(await s.app.services.db.query("SELECT 1 FROM incident WHERE number = $1", [written!.number])).toEqual([]);
    expect(await s.app.services.db.query("SELECT 1 FROM incident_event WHERE sequence = $1", [written!.sequence])).toEqual([]);
    expect(await s.app.services.db.query("SELECT 1 FROM outbox WHERE event_sequence = $1", [written!.sequence])).toEqual([]);

    await sleep(1_000); // ~20 relay runs
    expect(sub.items).toEqual([]);

    // the subscriber was live all along: a committed change reaches it, and only that one
    const opened = (await ops.open({ title: "Committed after the rollback" })).openIncident.incident;
    await sub.until(1, 5_000);
    await sleep(300);
    expect(sub.items.map((i) => i.incidentEvents)).toEqual([{ sequence: expect.any(String), type: "OPENED", incident: { number: opened.number } }]);
    expect(sub.items[0].incidentEvents.sequence).not.toBe(written!.sequence);
    expect(sub.errors).toEqual([]);
  });
});
