import { describe, expect, it } from "vitest";
import { DomainError } from "../errors.js";
import { allowedArticleCommands, allowedProblemCommands, decideArticle, decideProblem, type ProblemCommandType, type ProblemStatus } from "./lifecycle.js";

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("command was accepted");
}

const STATUSES: ProblemStatus[] = ["OPEN", "INVESTIGATING", "KNOWN_ERROR", "RESOLVED", "CLOSED"];
// ✓ accepted, — refused, in the order OPEN, INVESTIGATING, KNOWN_ERROR, RESOLVED, CLOSED
const TABLE: Record<ProblemCommandType, string> = {
  linkIncident: "✓✓✓——",
  assign: "✓✓✓——",
  startInvestigation: "✓————",
  recordRootCause: "✓✓✓——",
  markKnownError: "—✓———",
  resolve: "—✓✓——",
  close: "———✓—",
};
const full = { rootCause: "a full spool", workaround: "restart the spooler" };

describe("problem status machine", () => {
  const cases = (Object.keys(TABLE) as ProblemCommandType[]).flatMap((c) => STATUSES.map((s, i) => [c, s, [...TABLE[c]][i] === "✓"] as const));
  it.each(cases)("%s on %s accepted: %s", (command, status, accepted) => {
    const run = () => decideProblem({ status, ...full }, command);
    if (accepted) expect(STATUSES).toContain(run());
    else {
      const e = refusal(run);
      expect(e.code).toBe("CONFLICT");
      const allowed = allowedProblemCommands(status);
      expect(e.message).toContain(`Allowed now: ${allowed.length ? allowed.join(", ") : "none"}`);
      expect(e.details).toMatchObject({ status, command, allowed });
    }
  });

  it("walks OPEN → INVESTIGATING → KNOWN_ERROR → RESOLVED → CLOSED", () => {
    expect(decideProblem({ status: "OPEN", rootCause: null, workaround: null }, "startInvestigation")).toBe("INVESTIGATING");
    expect(decideProblem({ status: "INVESTIGATING", ...full }, "markKnownError")).toBe("KNOWN_ERROR");
    expect(decideProblem({ status: "KNOWN_ERROR", ...full }, "resolve")).toBe("RESOLVED");
    expect(decideProblem({ status: "RESOLVED", ...full }, "close")).toBe("CLOSED");
  });

  it("recording a root cause on an OPEN problem starts its investigation; later ones keep the status", () => {
    expect(decideProblem({ status: "OPEN", rootCause: null, workaround: null }, "recordRootCause")).toBe("INVESTIGATING");
    expect(decideProblem({ status: "KNOWN_ERROR", ...full }, "recordRootCause")).toBe("KNOWN_ERROR");
  });

  it("markKnownError needs both a root cause and a workaround", () => {
    const e = refusal(() => decideProblem({ status: "INVESTIGATING", rootCause: "x", workaround: null }, "markKnownError"));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toContain("a workaround");
    const both = refusal(() => decideProblem({ status: "INVESTIGATING", rootCause: null, workaround: null }, "markKnownError"));
    expect(both.message).toContain("a root cause and a workaround");
  });
});

describe("article status machine", () => {
  it("DRAFT → PUBLISHED → RETIRED, edits while not retired", () => {
    expect(decideArticle("DRAFT", "publish")).toBe("PUBLISHED");
    expect(decideArticle("PUBLISHED", "update")).toBe("PUBLISHED");
    expect(decideArticle("PUBLISHED", "retire")).toBe("RETIRED");
    expect(decideArticle("DRAFT", "retire")).toBe("RETIRED");
  });
  it("refuses illegal moves naming the allowed ones", () => {
    const e = refusal(() => decideArticle("PUBLISHED", "publish"));
    expect(e.code).toBe("CONFLICT");
    expect(e.message).toContain("Allowed now: update, retire");
    expect(refusal(() => decideArticle("RETIRED", "update")).message).toContain("Allowed now: none");
    expect(allowedArticleCommands("DRAFT")).toEqual(["update", "publish", "retire"]);
  });
});
