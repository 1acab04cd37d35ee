import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { SupportLevel, Severity } from "../../graphql/enums.js";
import { fromGlobalId, pageSize } from "../../graphql/ids.js";
import { createLoaders } from "../../graphql/loaders.js";
import { requireRole, READERS } from "../access/principal.js";
import { Agent, Contact, Product } from "../catalog/catalog.types.js";
import { IncidentFilter, OpenIncidentInput } from "./incident.inputs.js";
import type { IncidentEventMessage } from "./incident.rows.js";
import { Incident, IncidentConnection, IncidentEvent, OpenIncidentPayload } from "./incident.types.js";

const ALL_READERS = [...READERS, "CUSTOMER"] as const;

@Resolver(() => Incident)
export class IncidentResolver {
  @Query(() => Incident, { nullable: true })
  async incident(
    @Ctx() ctx: Context,
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("number", () => String, { nullable: true }) number: string | null,
  ): Promise<Incident | null> {
    requireRole(ctx.principal, ALL_READERS, "read incidents");
    const row = await ctx.services.incidents.get(ctx.principal, { id: id ? fromGlobalId(id, "Incident") : null, number });
    return row ? Incident.from(row) : null;
  }

  @Query(() => IncidentConnection)
  async incidents(
    @Ctx() ctx: Context,
    @Arg("filter", () => IncidentFilter, { nullable: true }) filter: IncidentFilter | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<IncidentConnection> {
    requireRole(ctx.principal, ALL_READERS, "read incidents");
    const page = await ctx.services.incidents.list(ctx.principal, filter ?? {}, pageSize(first), after);
    const edges = page.rows.map((row) => ({ cursor: ctx.services.incidents.cursorOf(row), node: Incident.from(row) }));
    return {
      edges,
      totalCount: page.totalCount,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }

  @Mutation(() => OpenIncidentPayload)
  async openIncident(@Ctx() ctx: Context, @Arg("input", () => OpenIncidentInput) input: OpenIncidentInput): Promise<OpenIncidentPayload> {
    requireRole(ctx.principal, ["ADMIN", "LEAD", "AGENT", "INTEGRATOR", "CUSTOMER"], "open incidents");
    const row = await ctx.services.incidents.open(
      { ...input, requesterId: input.requesterId ? fromGlobalId(input.requesterId, "Contact", "requesterId") : null },
      ctx.principal,
      ctx.now,
    );
    // The knowledge base arrives with its issue; until then there is truthfully nothing to suggest.
    return { incident: Incident.from(row), suggestedArticles: [] };
  }

  @FieldResolver(() => Product)
  async product(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Product> {
    return Product.from((await ctx.loaders.product.load(incident.row.product_id))!);
  }

  @FieldResolver(() => Contact)
  async requester(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Contact> {
    const row = (await ctx.loaders.contact.load(incident.row.requester_id))!;
    return ctx.principal.role === "DISPLAY" ? Contact.forDisplay(row) : Contact.from(row);
  }
}

@Resolver(() => IncidentEvent)
export class IncidentEventResolver {
  @Subscription(() => IncidentEvent, {
    description: "filters apply to the incident as the event left it",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      requireRole(ctx.principal, ALL_READERS, "follow incident events");
      return ctx.services.incidents.subscribe(
        ctx.principal,
        {
          severity: args.severity as string[] | null,
          level: args.level as string[] | null,
          productCodes: args.productCodes as string[] | null,
          incidentId: args.incidentId ? fromGlobalId(args.incidentId as string, "Incident", "incidentId") : null,
        },
        args.afterSequence as string | null,
      );
    },
  })
  incidentEvents(
    @Root() message: IncidentEventMessage,
    @Ctx() ctx: Context,
    @Arg("severity", () => [Severity], { nullable: true }) _severity: Severity[] | null,
    @Arg("level", () => [SupportLevel], { nullable: true }) _level: SupportLevel[] | null,
    @Arg("productCodes", () => [String], { nullable: true }) _productCodes: string[] | null,
    @Arg("incidentId", () => ID, { nullable: true }) _incidentId: string | null,
    @Arg("afterSequence", () => String, { nullable: true }) _afterSequence: string | null,
  ): IncidentEvent {
    // Fresh loaders for each pushed event: the subscription's context outlives any one event.
    ctx.loaders = createLoaders(ctx.services.db);
    return IncidentEvent.from(message, ctx.principal.role === "CUSTOMER" || ctx.principal.role === "DISPLAY");
  }

  @FieldResolver(() => Agent, { nullable: true, description: "the agent, when an agent's key acted" })
  async actor(@Root() event: IncidentEvent, @Ctx() ctx: Context): Promise<Agent | null> {
    if (!event.message.actorAgentId) return null;
    const row = await ctx.loaders.agent.load(event.message.actorAgentId);
    return row ? Agent.from(row) : null;
  }

  @FieldResolver(() => Incident)
  async incident(@Root() event: IncidentEvent, @Ctx() ctx: Context): Promise<Incident> {
    return Incident.from((await ctx.loaders.incident.load(event.message.incidentId))!);
  }
}
