/** Problem management's public shapes. Product, owner, known error, incidents and timeline are field resolvers (ProblemResolver). */
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { toGlobalId } from "../../graphql/ids.js";
import { Node, PageInfo } from "../../graphql/node.js";

export enum ProblemStatus { OPEN = "OPEN", INVESTIGATING = "INVESTIGATING", KNOWN_ERROR = "KNOWN_ERROR", RESOLVED = "RESOLVED", CLOSED = "CLOSED" }
registerEnumType(ProblemStatus, { name: "ProblemStatus", description: "OPEN → INVESTIGATING → KNOWN_ERROR → RESOLVED → CLOSED" });

export interface ProblemRow {
  id: string;
  number: string;
  title: string;
  description: string;
  status: ProblemStatus;
  product_id: string | null;
  owner_id: string | null;
  root_cause: string | null;
  workaround: string | null;
  known_error_article_id: string | null;
  resolution: string | null;
  opened_at: Date;
  resolved_at: Date | null;
  closed_at: Date | null;
  updated_at: Date;
}

export const PROBLEM_COLUMNS =
  "id, number, title, description, status, product_id, owner_id, root_cause, workaround, known_error_article_id, resolution, opened_at, resolved_at, closed_at, updated_at";

@ObjectType({ simpleResolvers: true, implements: Node })
export class Problem extends Node {
  row!: ProblemRow;
  @Field({ description: '"PRB-000007"' }) number!: string;
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => ProblemStatus) status!: ProblemStatus;
  @Field(() => String, { nullable: true }) rootCause!: string | null;
  @Field(() => String, { nullable: true }) workaround!: string | null;
  @Field(() => String, { nullable: true, description: "the summary it was resolved with (sent to the customers of its open incidents)" }) resolution!: string | null;
  @Field(() => Date) openedAt!: Date;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => Date, { nullable: true }) closedAt!: Date | null;

  static from(row: ProblemRow): Problem {
    return Object.assign(new Problem(), {
      id: toGlobalId("Problem", row.id),
      row,
      number: row.number,
      title: row.title,
      description: row.description,
      status: row.status,
      rootCause: row.root_cause,
      workaround: row.workaround,
      resolution: row.resolution,
      openedAt: row.opened_at,
      resolvedAt: row.resolved_at,
      closedAt: row.closed_at,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class ProblemEdge {
  @Field() cursor!: string;
  @Field(() => Problem) node!: Problem;
}

@ObjectType({ simpleResolvers: true })
export class ProblemConnection {
  @Field(() => [ProblemEdge]) edges!: ProblemEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int) totalCount!: number;
}

export interface ProblemEventRow {
  sequence: string;
  type: string;
  at: Date;
  actor_kind: string;
  actor_agent_id: string | null;
  actor_name: string | null;
  data: Record<string, unknown>;
}

@ObjectType({ simpleResolvers: true, description: "one step of a problem's history" })
export class ProblemEvent {
  @Field({ description: "OPENED, INCIDENT_LINKED, ASSIGNED, INVESTIGATION_STARTED, ROOT_CAUSE_RECORDED, KNOWN_ERROR, RESOLVED, CLOSED" }) type!: string;
  @Field(() => Date) at!: Date;
  @Field() actorKind!: string;
  @Field(() => String, { nullable: true }) actorName!: string | null;
  @Field(() => String, { nullable: true, description: "JSON details" }) data!: string | null;

  static from(r: ProblemEventRow): ProblemEvent {
    return Object.assign(new ProblemEvent(), { type: r.type, at: r.at, actorKind: r.actor_kind, actorName: r.actor_name, data: JSON.stringify(r.data ?? {}) });
  }
}

@InputType()
export class OpenProblemInput {
  @Field() title!: string;
  @Field() description!: string;
  @Field(() => String, { nullable: true, description: "default: the product all the given incidents share, if they share one" }) productCode?: string | null;
  @Field(() => [ID], { nullable: true, description: "incidents linked at once (each must be linkable: not CLOSED, not linked to another problem)" }) incidentIds?: string[] | null;
  @Field(() => ID, { nullable: true }) ownerId?: string | null;
}

@ObjectType({ simpleResolvers: true, description: "similar incidents not linked to a problem: candidates for one" })
export class RecurringIncidentGroup {
  productId!: string;
  incidentIds!: string[];
  @Field() suggestedTitle!: string;
  // product, incidents: field resolvers
}
