import { Field, ID, Int, ObjectType } from "type-graphql";
import { deriveIncident, type DerivedIncident, type SlaClockView } from "../../domain/index.js";
import { ClockKind, ClockState, CommentVisibility, ContactChannel, IncidentStatus, Severity, SupportLevel } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import { Node, PageInfo } from "../../graphql/node.js";
import { Agent, Contact, Product } from "../catalog/catalog.types.js";
import { ArticleMatch } from "../knowledge/knowledge.types.js";
import type { IncidentEventMessage, IncidentView } from "./incident.rows.js";

@ObjectType({ simpleResolvers: true, implements: Node })
export class Incident extends Node {
  row!: IncidentView;
  @Field({ description: '"INC-000042"' }) number!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => ContactChannel) channel!: ContactChannel;
  @Field(() => IncidentStatus) status!: IncidentStatus;
  @Field(() => SupportLevel) level!: SupportLevel;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Date, { nullable: true }) firstRespondedAt!: Date | null;
  @Field(() => Date, { nullable: true, description: "the last resolution; null while open (after a reopen too)" }) resolvedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;
  // product, requester, assignee, comments, timeline and the SLA fields: field resolvers
  // (IncidentResolver), all computed at the request's one `now`.

  private derivedAt?: { now: number; value: DerivedIncident };

  /** The SLA engine's view at `now`, computed once per incident and instant. */
  derive(now: Date): DerivedIncident {
    // never before the latest event: a change that waited for the row lock is recorded at the
    // instant it got it, which can be a little after the request's `now`
    let t = now.getTime();
    for (const e of this.row.sla_history) if (e.at > t) t = e.at;
    if (this.derivedAt?.now !== t) this.derivedAt = { now: t, value: deriveIncident(this.row.sla_history, t) };
    return this.derivedAt.value;
  }

  static from(row: IncidentView): Incident {
    const i = new Incident();
    i.id = toGlobalId("Incident", row.id);
    i.row = row;
    i.number = row.number;
    i.title = row.title;
    i.description = row.description;
    i.severity = row.severity as Severity;
    i.channel = row.channel as ContactChannel;
    i.status = row.status as IncidentStatus;
    i.level = row.level as SupportLevel;
    i.openedAt = row.opened_at;
    i.firstRespondedAt = row.first_responded_at;
    i.resolvedAt = row.resolved_at;
    i.closedAt = row.closed_at;
    return i;
  }
}

@ObjectType({ simpleResolvers: true, description: "One cycle of one SLA clock, as SLA.md defines each figure, at the response's one `now`" })
export class SlaClock {
  // A view over the engine's figures, read through getters: a page shows hundreds of clocks,
  // and copying each into a new object with five Dates was most of what they cost to print.
  // Instants stay epoch milliseconds; the DateTime scalar prints them.
  constructor(private readonly c: SlaClockView) {}

  static from(c: SlaClockView): SlaClock {
    return new SlaClock(c);
  }

  @Field(() => ClockKind) get kind(): ClockKind {
    return this.c.kind as ClockKind;
  }
  @Field(() => Int, { description: "1, 2, … per kind (and, for ESCALATION, per level)" }) get cycle(): number {
    return this.c.cycle;
  }
  @Field(() => SupportLevel, { nullable: true, description: "ESCALATION only" }) get level(): SupportLevel | null {
    return (this.c.level ?? null) as SupportLevel | null;
  }
  @Field(() => ClockState) get state(): ClockState {
    return this.c.state as ClockState;
  }
  @Field(() => Date) get startedAt(): number {
    return this.c.startedAt;
  }
  @Field(() => Date, { description: "its due before any pause" }) get originalDueAt(): number {
    return this.c.originalDueAt;
  }
  @Field(() => Date, { description: "its due with pauses applied (while PAUSED: the due it would have if it resumed now)" }) get dueAt(): number {
    return this.c.dueAt;
  }
  @Field(() => Date, { nullable: true }) get stoppedAt(): number | null {
    return this.c.stoppedAt;
  }
  @Field(() => Date, { nullable: true }) get breachedAt(): number | null {
    return this.c.breachedAt;
  }
  @Field(() => Boolean) get breachedByChange(): boolean {
    return this.c.breachedByChange;
  }
  @Field(() => Int, { description: "working seconds from the start (moved to the next working instant) to originalDueAt" }) get targetSeconds(): number {
    return this.c.targetSeconds;
  }
  @Field(() => Int, { description: "working time, pauses excluded, rounded down" }) get elapsedSeconds(): number {
    return this.c.elapsedSeconds;
  }
  @Field(() => Int, { description: "working time left, rounded up; 0 once breached" }) get remainingSeconds(): number {
    return this.c.remainingSeconds;
  }
  @Field(() => Int, { description: "working time spent paused" }) get pausedSeconds(): number {
    return this.c.pausedSeconds;
  }
  @Field(() => Boolean, { description: "RUNNING or PAUSED and elapsed ≥ at-risk ratio × target" }) get atRisk(): boolean {
    return this.c.atRisk;
  }
  @Field(() => Int, { nullable: true, description: "once decided: target minus time taken (negative when missed)" }) get marginSeconds(): number | null {
    return this.c.marginSeconds;
  }
}

@ObjectType({ simpleResolvers: true })
export class Comment {
  authorAgentId!: string | null;
  @Field(() => ID) id!: string;
  @Field() body!: string;
  @Field(() => CommentVisibility) visibility!: CommentVisibility;
  @Field(() => ContactChannel, { nullable: true }) channel!: ContactChannel | null;
  @Field() byCustomer!: boolean;
  @Field(() => Date) createdAt!: Date;
  // author: field resolver (null when written by the customer or the product)
}

@ObjectType({ simpleResolvers: true })
export class IncidentEdge {
  @Field() cursor!: string;
  @Field(() => Incident) node!: Incident;
}

@ObjectType({ simpleResolvers: true })
export class IncidentConnection {
  @Field(() => [IncidentEdge]) edges!: IncidentEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType({ simpleResolvers: true, implements: Node })
export class IncidentEvent extends Node {
  message!: IncidentEventMessage;
  /** Hide `data` (a CUSTOMER's view: ACCESS.md). */
  redacted!: boolean;
  @Field({ description: "unique (a bigint as a string); events are delivered in one global order (by transaction, then sequence) that never changes once delivered; afterSequence resumes right after an event" })
  sequence!: string;
  @Field({ description: "OPENED, RESPONDED, COMMENTED, SEVERITY_CHANGED, ASSIGNED, ESCALATED, PAUSED, RESUMED, RESOLVED, CLOSED, REOPENED, AT_RISK, BREACHED, LINKED_TO_PROBLEM, …" })
  type!: string;
  @Field(() => Date, { description: "when it happened by the rules (a breach: its due instant)" }) at!: Date;
  @Field({ description: "AGENT, LEAD, ADMIN, INTEGRATOR, CUSTOMER or SYSTEM" }) actorKind!: string;
  @Field(() => String, { nullable: true, description: "the agent's, contact's or key's name; null for SYSTEM" }) actorName!: string | null;
  @Field(() => String, { nullable: true, description: "JSON details" }) data!: string | null;
  // actor, incident: field resolvers

  static from(message: IncidentEventMessage, redacted: boolean): IncidentEvent {
    return Object.assign(new IncidentEvent(), {
      id: toGlobalId("IncidentEvent", message.sequence),
      message,
      redacted,
      sequence: message.sequence,
      type: message.type,
      at: new Date(message.at),
      actorKind: message.actorKind,
      actorName: message.actorName,
      data: redacted ? null : JSON.stringify(message.data ?? {}),
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class IncidentEventEdge {
  @Field() cursor!: string;
  @Field(() => IncidentEvent) node!: IncidentEvent;
}

@ObjectType({ simpleResolvers: true })
export class IncidentEventConnection {
  @Field(() => [IncidentEventEdge]) edges!: IncidentEventEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}

@ObjectType({ simpleResolvers: true })
export class OpenIncidentPayload {
  @Field(() => Incident) incident!: Incident;
  @Field(() => [ArticleMatch]) suggestedArticles!: ArticleMatch[];
}

export { Agent, Contact, Product };
