import { describe, it, expect } from "vitest";
import { DomainError } from "../errors.js";
import { deriveIncident, statusAfterEach } from "../sla/clock.js";
import { SEED, opened, reply } from "../sla/history.testkit.js";
import type { IncidentStatus } from "../sla/types.js";
import { allowedCommands, decide, type IncidentCommand, type IncidentCommandType } from "./lifecycle.js";

// SLA.md's table, transcribed: ✓ accepted, — refused (NEW, IN_PROGRESS, PENDING_CUSTOMER, RESOLVED, CLOSED).
const TABLE: Record<IncidentCommandType, string> = {
  publicComment: "✓✓✓——",
  internalNote: "✓✓✓✓—",
  customerComment: "✓✓✓✓—",
  assign: "✓✓✓——",
  escalate: "✓✓———",
  waitForCustomer: "—✓———",
  resume: "——✓——",
  changeSeverity: "✓✓✓——",
  resolve: "✓✓✓——",
  close: "———✓—",
  reopen: "———✓—",
  linkToProblem: "✓✓✓✓—",
};
const STATUSES: IncidentStatus[] = ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER", "RESOLVED", "CLOSED"];

function command(type: IncidentCommandType): IncidentCommand {
  switch (type) {
    case "assign":
      return { type, agentId: "a1", agentLevel: "L1" };
    case "changeSeverity":
      return { type, severity: "HIGH", targets: SEED.HIGH };
    default:
      return { type } as IncidentCommand;
  }
}

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("command was accepted");
}

describe("status machine: SLA.md's command table", () => {
  const cases = (Object.keys(TABLE) as IncidentCommandType[]).flatMap((c) => STATUSES.map((s, i) => [c, s, [...TABLE[c]][i] === "✓"] as const));
  it.each(cases)("%s in %s accepted: %s", (type, status, accepted) => {
    const run = () => decide({ status, level: "L1" }, command(type), 1000);
    if (accepted) {
      expect(run().length).toBeGreaterThan(0);
    } else {
      const e = refusal(run);
      expect(e.code).toBe("CONFLICT");
      // The message names the commands allowed now.
      const allowed = allowedCommands(status);
      expect(e.message).toContain(`Allowed now: ${allowed.length ? allowed.join(", ") : "none"}`);
    }
  });

  it("a refused escalation while waiting says to resume first and lists the allowed commands", () => {
    const e = refusal(() => decide({ status: "PENDING_CUSTOMER", level: "L1" }, { type: "escalate" }, 0));
    expect(e.message).toBe(
      "Cannot escalate an incident that is PENDING_CUSTOMER (resume it first). Allowed now: publicComment, internalNote, customerComment, assign, resume, changeSeverity, resolve, linkToProblem",
    );
  });

  it("escalation past L3 is refused with CONFLICT", () => {
    const e = refusal(() => decide({ status: "IN_PROGRESS", level: "L3" }, { type: "escalate" }, 0));
    expect([e.code, e.message]).toEqual(["CONFLICT", "Cannot escalate past L3: it is the top support level"]);
    expect(decide({ status: "IN_PROGRESS", level: "L2" }, { type: "escalate" }, 5)).toEqual([{ type: "ESCALATED", at: 5, by: "PERSON", fromLevel: "L2", toLevel: "L3" }]);
  });

  it("assign only an agent of the incident's level", () => {
    const e = refusal(() => decide({ status: "IN_PROGRESS", level: "L2" }, { type: "assign", agentId: "a", agentLevel: "L1" }, 0));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toMatch(/assign an agent of level L2/);
    expect(decide({ status: "IN_PROGRESS", level: "L2" }, { type: "assign", agentId: "a", agentLevel: "L2" }, 0)).toHaveLength(1);
  });

  it("a customer comment in PENDING_CUSTOMER is recorded and resumes the incident", () => {
    const events = decide({ status: "PENDING_CUSTOMER", level: "L1" }, { type: "customerComment", channel: "EMAIL" }, 7);
    expect(events.map((e) => e.type)).toEqual(["COMMENTED", "RESUMED"]);
  });

  it("a customer comment in RESOLVED is recorded, with no reopen", () => {
    const events = decide({ status: "RESOLVED", level: "L1" }, { type: "customerComment" }, 7);
    expect(events.map((e) => e.type)).toEqual(["COMMENTED"]);
    const t0 = Date.UTC(2025, 5, 2, 9);
    const h = [opened(t0, "HIGH"), reply(t0 + 1000), ...decide({ status: "IN_PROGRESS", level: "L1" }, { type: "resolve" }, t0 + 2000), ...events.map((e) => ({ ...e, at: t0 + 3000 }))];
    expect(statusAfterEach(h).at(-1)).toBe("RESOLVED");
  });

  it("NEW until the first public communication, then IN_PROGRESS; waitForCustomer and resume move between IN_PROGRESS and PENDING_CUSTOMER", () => {
    const t0 = Date.UTC(2025, 5, 2, 9);
    let h = [opened(t0, "HIGH")];
    const step = (c: IncidentCommand, t: number) => {
      const d = deriveIncident(h, t);
      h = [...h, ...decide({ status: d.status, level: d.level }, c, t)];
      return deriveIncident(h, t).status;
    };
    expect(step({ type: "internalNote" }, t0 + 1000)).toBe("NEW");
    expect(step({ type: "publicComment" }, t0 + 2000)).toBe("IN_PROGRESS");
    expect(step({ type: "waitForCustomer" }, t0 + 3000)).toBe("PENDING_CUSTOMER");
    expect(step({ type: "resume" }, t0 + 4000)).toBe("IN_PROGRESS");
    expect(step({ type: "resolve" }, t0 + 5000)).toBe("RESOLVED");
    expect(step({ type: "reopen" }, t0 + 6000)).toBe("IN_PROGRESS");
    expect(step({ type: "resolve" }, t0 + 7000)).toBe("RESOLVED");
    expect(step({ type: "close" }, t0 + 8000)).toBe("CLOSED");
    expect(allowedCommands("CLOSED")).toEqual([]);
  });
});
