import "reflect-metadata";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import { buildSchema } from "type-graphql";
import { AccessResolver } from "../modules/access/access.resolver.js";
import { CatalogResolver } from "../modules/catalog/catalog.resolver.js";
import { CommentResolver, IncidentEventResolver, IncidentResolver, SlaAlertResolver } from "../modules/incident/incident.resolver.js";
import { SlaPolicyResolver } from "../modules/sla-policy/sla-policy.resolver.js";
import { ClockResolver } from "../modules/clock/clock.resolver.js";
import { LiveResolver } from "../modules/live/live.resolver.js";
import { WebhookDeliveryResolver, WebhookResolver } from "../modules/notification/notification.resolver.js";
import { ArticleRevisionResolver, IncidentKnowledgeResolver, KnowledgeArticleResolver, KnowledgeSearchResolver } from "../modules/knowledge/knowledge.resolver.js";
import { ProblemResolver, RecurringIncidentGroupResolver } from "../modules/problem/problem.resolver.js";
import { RootResolver } from "./root.resolver.js";
import { DateTimeScalar } from "./scalars.js";

export const resolvers = [RootResolver, CatalogResolver, AccessResolver, IncidentResolver, CommentResolver, IncidentEventResolver, SlaAlertResolver, ClockResolver, SlaPolicyResolver, LiveResolver, WebhookResolver, WebhookDeliveryResolver, KnowledgeArticleResolver, ArticleRevisionResolver, KnowledgeSearchResolver, IncidentKnowledgeResolver, ProblemResolver, RecurringIncidentGroupResolver] as const;

/** Builds the executable schema. No global middlewares, no authChecker: resolvers authorise. */
export async function createSchema(pubSub: PubSub<Record<string, [unknown]>> = createPubSub()): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    pubSub,
  });
}

/** The schema as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printSorted(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
