import { Field, Int, ObjectType } from "type-graphql";
import { ContactChannel, IncidentStatus, Severity, SupportLevel } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import { Node, PageInfo } from "../../graphql/node.js";
import { Agent, Contact, Product } from "../catalog/catalog.types.js";
import { ArticleMatch } from "../knowledge/knowledge.types.js";
import type { IncidentEventMessage, IncidentRow } from "./incident.rows.js";

@ObjectType({ implements: Node })
export class Incident extends Node {
  row!: IncidentRow;
  @Field({ description: '"INC-000042"' }) number!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => Severity) severity!: Severity;
  @Field(() => ContactChannel) channel!: ContactChannel;
  @Field(() => IncidentStatus) status!: IncidentStatus;
  @Field(() => SupportLevel) level!: SupportLevel;
  @Field(() => Date) openedAt!: Date;
  // product, requester: field resolvers (IncidentResolver), through the request's loaders

  static from(row: IncidentRow): Incident {
    return Object.assign(new Incident(), {
      id: toGlobalId("Incident", row.id),
      row,
      number: row.number,
      title: row.title,
      description: row.description,
      severity: row.severity as Severity,
      channel: row.channel as ContactChannel,
      status: row.status as IncidentStatus,
      level: row.level as SupportLevel,
      openedAt: row.opened_at,
    });
  }
}

@ObjectType()
export class IncidentEdge {
  @Field() cursor!: string;
  @Field(() => Incident) node!: Incident;
}

@ObjectType()
export class IncidentConnection {
  @Field(() => [IncidentEdge]) edges!: IncidentEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

@ObjectType({ implements: Node })
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

@ObjectType()
export class OpenIncidentPayload {
  @Field(() => Incident) incident!: Incident;
  @Field(() => [ArticleMatch]) suggestedArticles!: ArticleMatch[];
}

export { Agent, Contact, Product };
