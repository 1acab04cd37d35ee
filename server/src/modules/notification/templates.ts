/**
 * What each notification says: plain-text e-mails, rendered once when planned (so a resend
 * after a crash is byte for byte the same message) and pure (no I/O, `now` is an argument).
 */
import type { SlaClockView } from "../../domain/index.js";

export interface IncidentFacts {
  id: string;
  number: string;
  title: string;
  description: string;
  severity: string;
  level: string;
  status: string;
  productCode: string;
  requesterName: string;
}

export interface MailContent {
  subject: string;
  text: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3_600);
  const m = Math.floor((s % 3_600) / 60);
  const parts = [d ? `${d} d` : "", h ? `${h} h` : "", m || (!d && !h) ? `${m} min` : ""].filter(Boolean);
  return parts.join(" ");
}

/** The subject every message about an incident carries: its number first. */
export function incidentSubject(i: Pick<IncidentFacts, "number" | "title">, prefix = ""): string {
  return `[${i.number}] ${prefix}${i.title}`.replace(/[\r\n]+/g, " ");
}

function footer(i: IncidentFacts): string {
  return `\n\n-- \nIncident ${i.number}: ${i.title}\nSeverity ${i.severity}, level ${i.level}, status ${i.status}, product ${i.productCode}`;
}

/** The clocks that still matter (open cycles), one line each. */
export function clockLines(clocks: readonly SlaClockView[]): string[] {
  return clocks
    .filter((c) => c.stoppedAt === null)
    .map((c) => {
      const name = `${c.kind}${c.level ? ` ${c.level}` : ""} cycle ${c.cycle}`;
      const left = c.state === "BREACHED" ? `overdue since ${iso(c.breachedAt ?? c.dueAt)}` : `${duration(c.remainingSeconds)} of working time left`;
      return `- ${name}: ${c.state}${c.atRisk ? " (at risk)" : ""}, due ${iso(c.dueAt)}, ${left}`;
    });
}

// ---- to the requester -----------------------------------------------------------

export function customerReply(i: IncidentFacts, body: string, author: string | null): MailContent {
  return { subject: incidentSubject(i), text: `${body}${author ? `\n\n${author}` : ""}${footer(i)}` };
}

export function customerResolved(i: IncidentFacts, summary: string | null, by: "PERSON" | "PROBLEM"): MailContent {
  const lead =
    by === "PROBLEM"
      ? "Your incident has been resolved together with the problem that caused it."
      : "Your incident has been resolved.";
  return {
    subject: incidentSubject(i),
    text: `${lead}${summary ? `\n\n${summary}` : ""}\n\nIf it is not solved for you, reply to this message and we will reopen it.${footer(i)}`,
  };
}

export function customerAutoResolved(i: IncidentFacts, waitSeconds: number | null): MailContent {
  const waited = waitSeconds ? ` for ${duration(waitSeconds)}` : "";
  return {
    subject: incidentSubject(i),
    text: `We were waiting for your answer${waited} and did not receive it, so we have resolved this incident.\n\nIf you still need help, reply to this message and we will reopen it.${footer(i)}`,
  };
}

export function customerAutoClosed(i: IncidentFacts, afterSeconds: number | null): MailContent {
  const after = afterSeconds ? ` ${duration(afterSeconds)} after it was resolved` : "";
  return {
    subject: incidentSubject(i),
    text: `This incident has been closed${after}. It can no longer be reopened; if you need help again, please open a new incident.${footer(i)}`,
  };
}

// ---- to the desk ------------------------------------------------------------------

export interface EscalationFacts {
  by: "PERSON" | "SYSTEM";
  actorName: string | null;
  fromLevel: string | null;
  toLevel: string;
  reason: string | null;
  at: number;
  clocks: readonly SlaClockView[];
  knowledge: readonly string[];
  recentComments: readonly string[];
}

export function escalation(i: IncidentFacts, e: EscalationFacts): MailContent {
  const why =
    e.by === "SYSTEM"
      ? `The product escalated it from ${e.fromLevel ?? "the previous level"} to ${e.toLevel} at ${iso(e.at)}: the ${e.fromLevel ?? ""} escalation cycle reached its due without a resolution.`
      : `${e.actorName ?? "A person"} escalated it${e.fromLevel ? ` from ${e.fromLevel}` : ""} to ${e.toLevel} at ${iso(e.at)}${e.reason ? `:\n\n  ${e.reason}` : "."}`;
  const clocks = clockLines(e.clocks);
  const sections = [
    `Incident ${i.number} (${i.severity}, ${i.productCode}) needs ${e.toLevel}.`,
    why,
    `Requester: ${i.requesterName}\n\n${i.description}`,
    `Clocks:\n${clocks.length ? clocks.join("\n") : "- none running"}`,
    `Knowledge base:\n${e.knowledge.length ? e.knowledge.map((k) => `- ${k}`).join("\n") : "- no matching article"}`,
  ];
  if (e.recentComments.length) sections.push(`Latest comments:\n${e.recentComments.join("\n")}`);
  return { subject: incidentSubject(i, `Escalated to ${e.toLevel} (${i.severity}): `), text: sections.join("\n\n") + footer(i) };
}

export interface AlertFacts {
  kind: "AT_RISK" | "BREACHED";
  clock: string;
  level: string | null;
  cycle: number;
  dueAt: number;
  at: number;
  clocks: readonly SlaClockView[];
}

export function slaAlert(i: IncidentFacts, a: AlertFacts): MailContent {
  const name = `${a.clock}${a.level ? ` ${a.level}` : ""} cycle ${a.cycle}`;
  const what = a.kind === "BREACHED" ? `breached its due ${iso(a.dueAt)}` : `is at risk: due ${iso(a.dueAt)}`;
  const clocks = clockLines(a.clocks);
  return {
    subject: incidentSubject(i, `${a.kind === "BREACHED" ? "BREACHED" : "At risk"} ${name} (${i.severity}): `),
    text: `${i.number}'s ${name} ${what} (at ${iso(a.at)}).\n\nClocks:\n${clocks.length ? clocks.join("\n") : "- none running"}${footer(i)}`,
  };
}

/** Held messages to one person, sent together at the start of the working day. */
export function digest(items: ReadonlyArray<{ number: string; subject: string; text: string }>): MailContent {
  const numbers = [...new Set(items.map((x) => x.number))];
  const shown = numbers.length > 5 ? `${numbers.slice(0, 5).join(", ")} and ${numbers.length - 5} more` : numbers.join(", ");
  return {
    subject: `[Atalaya] ${items.length} notifications since the end of the working day: ${shown}`,
    text: items.map((x, n) => `${n + 1}. ${x.subject}\n\n${x.text}`).join("\n\n==========\n\n"),
  };
}
