import "reflect-metadata";
import { isObjectType, lexicographicSortSchema, printSchema, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { createPubSub, type PubSub } from "@graphql-yoga/subscription";
import { buildSchema, getMetadataStorage } from "type-graphql";
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
  const schema = await buildSchema({
    resolvers,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    pubSub,
  });
  callFieldResolversDirectly(schema);
  return schema;
}

type Param = { kind: string; index: number; propertyName?: string; getType?: () => unknown };

/**
 * type-graphql calls a field resolver through a generic wrapper: a resolver-data object, the
 * parameters sorted and mapped on every call, a promise check over them. A page of incidents
 * calls such resolvers (product, requester, clocks, …) hundreds of times, so those taking only
 * @Root, @Ctx and @Info get a direct call instead. Anything else (arguments, middlewares,
 * roles, a root that is not an instance of its declared class) keeps type-graphql's own path.
 */
function callFieldResolversDirectly(schema: GraphQLSchema): void {
  const storage = getMetadataStorage();
  const typeNames = new Map<Function, string>(storage.objectTypes.map((o) => [o.target, o.name]));
  for (const fr of storage.fieldResolvers) {
    // A getter field (SlaClock's figures) is read as a property: without a resolver the
    // compiled query inlines the read, where type-graphql's wrapper costs a closure, a
    // resolver-data object and an instance check per field (a page has ~2,000 of them).
    if (fr.kind === "internal") {
      if (fr.middlewares?.length || fr.roles?.length || (fr.params ?? []).length || fr.schemaName !== fr.methodName) continue;
      const getter = Object.getOwnPropertyDescriptor((fr.target as { prototype: object }).prototype, fr.methodName)?.get;
      const typeName = typeNames.get(fr.target as Function);
      const type = typeName ? schema.getType(typeName) : undefined;
      if (getter && type && isObjectType(type) && type.getFields()[fr.schemaName]) type.getFields()[fr.schemaName].resolve = undefined;
      continue;
    }
    if (fr.kind !== "external" || fr.middlewares?.length || fr.roles?.length || !fr.getObjectType) continue;
    const params = [...((fr.params ?? []) as Param[])].sort((a, b) => a.index - b.index);
    if (!params.every((p) => ["root", "context", "info"].includes(p.kind) && !p.propertyName)) continue;
    const typeName = typeNames.get(fr.getObjectType() as Function);
    const type = typeName ? schema.getType(typeName) : undefined;
    if (!type || !isObjectType(type)) continue;
    const field = type.getFields()[fr.schemaName];
    if (!field?.resolve) continue;
    const original = field.resolve;
    const instance = new (fr.target as new () => Record<string, (...a: unknown[]) => unknown>)();
    const method = instance[fr.methodName];
    const rootParam = params.find((p) => p.kind === "root");
    const rootClass = rootParam?.getType?.();
    const kinds = params.map((p) => p.kind);
    const direct: GraphQLFieldResolver<unknown, unknown> = (root, args, ctx, info) => {
      if (typeof rootClass === "function" && !(root instanceof rootClass)) return original(root, args, ctx, info);
      if (kinds.length === 2 && kinds[0] === "root" && kinds[1] === "context") return method.call(instance, root, ctx);
      return method.apply(
        instance,
        kinds.map((k) => (k === "root" ? root : k === "context" ? ctx : info)),
      );
    };
    field.resolve = direct;
  }
}

/** The schema as committed in schema/schema.graphql: sorted, so diffs show real changes only. */
export function printSorted(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
