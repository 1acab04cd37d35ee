/**
 * The incident status machine (SLA.md "Status and pauses"): which command each
 * status accepts, and the history events an accepted command appends. A refused
 * command throws DomainError CONFLICT naming the commands allowed now.
 */
import { conflict } from "../errors.js";
import type { IncidentHistoryEvent } from "../sla/events.js";
import type { SlaTargets } from "../sla/policy.js";
import { nextLevel, type ContactChannel, type IncidentStatus, type Severity, type SupportLevel } from "../sla/types.js";

/** The commands people (and integrations) can give an incident. */
export type IncidentCommandType =
  | "publicComment"
  | "internalNote"
  | "customerComment"
  | "assign"
  | "escalate"
  | "waitForCustomer"
  | "resume"
  | "changeSeverity"
  | "resolve"
  | "close"
  | "reopen"
  | "linkToProblem";

/** A command with the data its events need. */
export type IncidentCommand =
  | { readonly type: "publicComment"; readonly channel?: ContactChannel | null; readonly authorKind?: "AGENT" | "SYSTEM" }
  | { readonly type: "internalNote"; readonly authorKind?: "AGENT" | "SYSTEM" }
  | { readonly type: "customerComment"; readonly channel?: ContactChannel | null }
  | { readonly type: "assign"; readonly agentId: string; readonly agentLevel: SupportLevel }
  | { readonly type: "escalate" }
  | { readonly type: "waitForCustomer" }
  | { readonly type: "resume" }
  | { readonly type: "changeSeverity"; readonly severity: Severity; readonly targets: SlaTargets }
  | { readonly type: "resolve"; readonly by?: "PERSON" | "PROBLEM" }
  | { readonly type: "close" }
  | { readonly type: "reopen" }
  | { readonly type: "linkToProblem"; readonly problemId?: string | null };

const OPEN: readonly IncidentStatus[] = ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER"];

/** SLA.md's table: the statuses in which each command is accepted. */
export const COMMAND_STATUSES: Readonly<Record<IncidentCommandType, readonly IncidentStatus[]>> = {
  publicComment: OPEN,
  internalNote: ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER", "RESOLVED"],
  customerComment: ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER", "RESOLVED"],
  assign: OPEN,
  escalate: ["NEW", "IN_PROGRESS"],
  waitForCustomer: ["IN_PROGRESS"],
  resume: ["PENDING_CUSTOMER"],
  changeSeverity: OPEN,
  resolve: OPEN,
  close: ["RESOLVED"],
  reopen: ["RESOLVED"],
  linkToProblem: ["NEW", "IN_PROGRESS", "PENDING_CUSTOMER", "RESOLVED"],
};

const ORDER = Object.keys(COMMAND_STATUSES) as IncidentCommandType[];

/** The commands accepted in `status`, in the table's order. */
export function allowedCommands(status: IncidentStatus): IncidentCommandType[] {
  return ORDER.filter((c) => COMMAND_STATUSES[c].includes(status));
}

/** Whether `status` accepts `command` (ignoring level checks). */
export function isAllowed(status: IncidentStatus, command: IncidentCommandType): boolean {
  return COMMAND_STATUSES[command].includes(status);
}

/** Why a status refuses a command, for the CONFLICT message. */
function hint(status: IncidentStatus, command: IncidentCommandType): string {
  if (status === "CLOSED") return " (a closed incident is final: open a new incident instead)";
  if (status === "PENDING_CUSTOMER" && command === "escalate") return " (resume it first)";
  if (command === "reopen") return " (only a resolved incident can be reopened)";
  return "";
}

/** Throws DomainError CONFLICT unless `status` accepts `command`; the message names the allowed commands. */
export function assertAllowed(status: IncidentStatus, command: IncidentCommandType): void {
  if (isAllowed(status, command)) return;
  const allowed = allowedCommands(status);
  throw conflict(`Cannot ${command} an incident that is ${status}${hint(status, command)}. Allowed now: ${allowed.length ? allowed.join(", ") : "none"}`, {
    status,
    command,
    allowed,
  });
}

/** The incident state a command is decided against. */
export interface IncidentCommandState {
  readonly status: IncidentStatus;
  readonly level: SupportLevel;
}

/**
 * Decides a command at instant `at`: refuses it (DomainError CONFLICT) or
 * returns the events to append, in order. A customer's comment on a waiting
 * incident is recorded and then resumes it; a resolution's summary is part of
 * the RESOLVED event (the engine counts it as a public communication first).
 * Before deciding, the caller must have appended `pendingDecisions(history, at)`
 * so that the status it passes is the one the rules give at `at`.
 */
export function decide(state: IncidentCommandState, command: IncidentCommand, at: number): IncidentHistoryEvent[] {
  assertAllowed(state.status, command.type);
  switch (command.type) {
    case "publicComment":
      return [{ type: "COMMENTED", at, visibility: "PUBLIC", authorKind: command.authorKind ?? "AGENT", channel: command.channel ?? null }];
    case "internalNote":
      return [{ type: "COMMENTED", at, visibility: "INTERNAL", authorKind: command.authorKind ?? "AGENT", channel: null }];
    case "customerComment": {
      const comment: IncidentHistoryEvent = { type: "COMMENTED", at, visibility: "PUBLIC", authorKind: "CUSTOMER", channel: command.channel ?? null };
      return state.status === "PENDING_CUSTOMER" ? [comment, { type: "RESUMED", at, by: "CUSTOMER" }] : [comment];
    }
    case "assign":
      if (command.agentLevel !== state.level) {
        throw conflict(`Cannot assign an agent of level ${command.agentLevel} to an incident at ${state.level}: assign an agent of level ${state.level}`, {
          status: state.status,
          command: "assign",
          level: state.level,
        });
      }
      return [{ type: "ASSIGNED", at, agentId: command.agentId, agentLevel: command.agentLevel }];
    case "escalate": {
      const to = nextLevel(state.level);
      if (to === null) throw conflict(`Cannot escalate past ${state.level}: it is the top support level`, { status: state.status, command: "escalate", level: state.level });
      return [{ type: "ESCALATED", at, by: "PERSON", fromLevel: state.level, toLevel: to }];
    }
    case "waitForCustomer":
      return [{ type: "PAUSED", at }];
    case "resume":
      return [{ type: "RESUMED", at, by: "PERSON" }];
    case "changeSeverity":
      return [{ type: "SEVERITY_CHANGED", at, severity: command.severity, targets: command.targets }];
    case "resolve":
      return [{ type: "RESOLVED", at, by: command.by ?? "PERSON" }];
    case "close":
      return [{ type: "CLOSED", at, by: "PERSON" }];
    case "reopen":
      return [{ type: "REOPENED", at }];
    case "linkToProblem":
      return [{ type: "LINKED_TO_PROBLEM", at, problemId: command.problemId ?? null }];
    default: {
      const unreachable: never = command;
      throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
    }
  }
}

/** Which command a comment is, from its visibility and author (a customer's comment is never internal). */
export function commentCommandType(visibility: "PUBLIC" | "INTERNAL", authorKind: "AGENT" | "CUSTOMER" | "SYSTEM"): IncidentCommandType {
  if (authorKind === "CUSTOMER") return "customerComment";
  return visibility === "PUBLIC" ? "publicComment" : "internalNote";
}
