/**
 * The problem status machine (contract: OPEN → INVESTIGATING → KNOWN_ERROR → RESOLVED →
 * CLOSED) and the knowledge article's (DRAFT → PUBLISHED → RETIRED). Each command is
 * accepted in some statuses only; a refused command throws DomainError CONFLICT naming the
 * commands allowed now, like the incident machine.
 */
import { conflict } from "../errors.js";

export type ProblemStatus = "OPEN" | "INVESTIGATING" | "KNOWN_ERROR" | "RESOLVED" | "CLOSED";

export type ProblemCommandType = "linkIncident" | "assign" | "startInvestigation" | "recordRootCause" | "markKnownError" | "resolve" | "close";

/** The problem as a command is decided against. */
export interface ProblemState {
  readonly status: ProblemStatus;
  readonly rootCause: string | null;
  readonly workaround: string | null;
}

const ACTIVE: readonly ProblemStatus[] = ["OPEN", "INVESTIGATING", "KNOWN_ERROR"];

/**
 * The statuses in which each command is accepted. Root cause and workaround may be refined
 * while the problem is a known error; a problem is resolved once investigated (with or
 * without a known error), never straight from OPEN.
 */
export const PROBLEM_COMMAND_STATUSES: Readonly<Record<ProblemCommandType, readonly ProblemStatus[]>> = {
  linkIncident: ACTIVE,
  assign: ACTIVE,
  startInvestigation: ["OPEN"],
  recordRootCause: ACTIVE,
  markKnownError: ["INVESTIGATING"],
  resolve: ["INVESTIGATING", "KNOWN_ERROR"],
  close: ["RESOLVED"],
};

const ORDER = Object.keys(PROBLEM_COMMAND_STATUSES) as ProblemCommandType[];

/** The commands a problem in `status` accepts, in a fixed order. */
export function allowedProblemCommands(status: ProblemStatus): ProblemCommandType[] {
  return ORDER.filter((c) => PROBLEM_COMMAND_STATUSES[c].includes(status));
}

/**
 * Decides a problem command: returns the status it leads to, or throws DomainError CONFLICT
 * (naming the allowed commands) when the status refuses it or, for markKnownError, when the
 * root cause or the workaround is missing.
 *
 * @param state - the problem now
 * @param command - the command asked for
 * @returns the status after the command
 */
export function decideProblem(state: ProblemState, command: ProblemCommandType): ProblemStatus {
  if (!PROBLEM_COMMAND_STATUSES[command].includes(state.status)) {
    const allowed = allowedProblemCommands(state.status);
    const hint = state.status === "CLOSED" ? " (a closed problem is final)" : command === "resolve" && state.status === "OPEN" ? " (start the investigation or record a root cause first)" : "";
    throw conflict(`Cannot ${command} a problem that is ${state.status}${hint}. Allowed now: ${allowed.length ? allowed.join(", ") : "none"}`, {
      status: state.status,
      command,
      allowed,
    });
  }
  switch (command) {
    case "startInvestigation":
      return "INVESTIGATING";
    case "recordRootCause":
      // recording a root cause on an OPEN problem is investigating it
      return state.status === "OPEN" ? "INVESTIGATING" : state.status;
    case "markKnownError": {
      const missing = [!state.rootCause ? "a root cause" : null, !state.workaround ? "a workaround" : null].filter(Boolean);
      if (missing.length) {
        throw conflict(`Cannot markKnownError without ${missing.join(" and ")}: record them with recordRootCause first`, {
          status: state.status,
          command,
          allowed: allowedProblemCommands(state.status),
        });
      }
      return "KNOWN_ERROR";
    }
    case "resolve":
      return "RESOLVED";
    case "close":
      return "CLOSED";
    case "linkIncident":
    case "assign":
      return state.status;
    default: {
      const unreachable: never = command;
      throw new Error(`unknown problem command ${String(unreachable)}`);
    }
  }
}

export type ArticleStatus = "DRAFT" | "PUBLISHED" | "RETIRED";
export type ArticleCommandType = "update" | "publish" | "retire";

/** A retired article is history: it is neither edited nor published again (write a new one). */
export const ARTICLE_COMMAND_STATUSES: Readonly<Record<ArticleCommandType, readonly ArticleStatus[]>> = {
  update: ["DRAFT", "PUBLISHED"],
  publish: ["DRAFT"],
  retire: ["DRAFT", "PUBLISHED"],
};

/** The commands an article in `status` accepts. */
export function allowedArticleCommands(status: ArticleStatus): ArticleCommandType[] {
  return (Object.keys(ARTICLE_COMMAND_STATUSES) as ArticleCommandType[]).filter((c) => ARTICLE_COMMAND_STATUSES[c].includes(status));
}

/**
 * Decides an article command: the status after it, or DomainError CONFLICT naming the
 * commands allowed now.
 *
 * @param status - the article's status now
 * @param command - update, publish or retire
 */
export function decideArticle(status: ArticleStatus, command: ArticleCommandType): ArticleStatus {
  if (!ARTICLE_COMMAND_STATUSES[command].includes(status)) {
    const allowed = allowedArticleCommands(status);
    throw conflict(`Cannot ${command} an article that is ${status}. Allowed now: ${allowed.length ? allowed.join(", ") : "none"}`, { status, command, allowed });
  }
  return command === "publish" ? "PUBLISHED" : command === "retire" ? "RETIRED" : status;
}
