import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { CommentVisibility, ContactChannel, Severity, SupportLevel } from "../../graphql/enums.js";
import { decodeCursor, encodeCursor, fromGlobalId, pageSize, toGlobalId } from "../../graphql/ids.js";
import { enterEventScope, whenKnown } from "../../graphql/loaders.js";
import { DomainError } from "../../domain/errors.js";
import { requireRole, READERS, STAFF } from "../access/principal.js";
import { Agent, Contact, Product } from "../catalog/catalog.types.js";
import { ArticleMatch } from "../knowledge/knowledge.types.js";
import { matchOf } from "../knowledge/knowledge.resolver.js";
import { BoardFilter, SlaAlert, onBoard } from "./alert.types.js";
import type { AlertMessage } from "./alert.repo.js";
import { AddCommentInput, EscalateIncidentInput, IncidentFilter, OpenIncidentInput, ResolveIncidentInput } from "./incident.inputs.js";
import type { IncidentEventMessage, IncidentRow } from "./incident.rows.js";
import {
  Comment,
  Incident,
  IncidentConnection,
  IncidentEvent,
  IncidentEventConnection,
  OpenIncidentPayload,
  SlaClock,
} from "./incident.types.js";

const ALL_READERS = [...READERS, "CUSTOMER"] as const;
const incidentKey = (id: string) => fromGlobalId(id, "Incident", "incidentId");

/**
 * ACCESS.md: another customer's incident does not exist for a CUSTOMER key, so a write to it
 * answers NOT_FOUND, never FORBIDDEN. Checked before the role, for CUSTOMER keys only.
 */
async function mustExistFor(ctx: Context, incidentId: string): Promise<void> {
  if (ctx.principal.role !== "CUSTOMER") return;
  if (!(await ctx.services.incidents.get(ctx.principal, { id: incidentKey(incidentId) }))) throw new DomainError("NOT_FOUND", "no incident with that id");
}

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
    const page = await ctx.services.incidents.list(ctx.principal, filter ?? {}, pageSize(first), after, ctx.now);
    for (const r of page.products) ctx.loaders.product.prime(r.id, r);
    for (const r of page.contacts) ctx.loaders.contact.prime(r.id, r);
    for (const r of page.agents) ctx.loaders.agent.prime(r.id, r);
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
    let suggested: ArticleMatch[] = [];
    const row = await ctx.services.incidents.open(
      { ...input, requesterId: input.requesterId ? fromGlobalId(input.requesterId, "Contact", "requesterId") : null },
      ctx.principal,
      ctx.now,
      // deflection: the knowledge base searched in the opening transaction, recorded on the timeline
      async (tx, incident, productCode) => {
        suggested = (await ctx.services.knowledge.deflect(tx, ctx.principal, ctx.now, incident, productCode)).map(matchOf);
      },
    );
    return { incident: Incident.from(row), suggestedArticles: suggested };
  }

  @Mutation(() => Incident, { description: "a CUSTOMER key's comment is the customer's word: it resumes a waiting incident and never counts as an update" })
  async addComment(@Ctx() ctx: Context, @Arg("input", () => AddCommentInput) input: AddCommentInput): Promise<Incident> {
    requireRole(ctx.principal, ["ADMIN", "LEAD", "AGENT", "INTEGRATOR", "CUSTOMER"], "comment on incidents");
    // a CUSTOMER key may not write internal notes (FORBIDDEN), but only on an incident it can see
    if (input.visibility === "INTERNAL") await mustExistFor(ctx, input.incidentId);
    const row = await ctx.services.incidents.addComment(ctx.principal, ctx.now, {
      incidentId: incidentKey(input.incidentId),
      body: input.body,
      visibility: input.visibility,
      channel: input.channel ?? null,
    });
    return Incident.from(row);
  }

  @Mutation(() => Incident)
  async changeSeverity(
    @Ctx() ctx: Context,
    @Arg("incidentId", () => ID) incidentId: string,
    @Arg("severity", () => Severity) severity: Severity,
    @Arg("reason") reason: string,
  ): Promise<Incident> {
    await mustExistFor(ctx, incidentId);
    requireRole(ctx.principal, STAFF, "change severity");
    return Incident.from(await ctx.services.incidents.changeSeverity(ctx.principal, ctx.now, incidentKey(incidentId), severity, reason));
  }

  @Mutation(() => Incident)
  async assignIncident(@Ctx() ctx: Context, @Arg("incidentId", () => ID) incidentId: string, @Arg("agentId", () => ID) agentId: string): Promise<Incident> {
    await mustExistFor(ctx, incidentId);
    requireRole(ctx.principal, STAFF, "assign incidents");
    return Incident.from(await ctx.services.incidents.assign(ctx.principal, ctx.now, incidentKey(incidentId), fromGlobalId(agentId, "Agent", "agentId")));
  }

  @Mutation(() => Incident)
  async escalateIncident(@Ctx() ctx: Context, @Arg("input", () => EscalateIncidentInput) input: EscalateIncidentInput): Promise<Incident> {
    await mustExistFor(ctx, input.incidentId);
    requireRole(ctx.principal, STAFF, "escalate incidents");
    return Incident.from(await ctx.services.incidents.escalate(ctx.principal, ctx.now, incidentKey(input.incidentId), input.reason));
  }

  @Mutation(() => Incident)
  async waitForCustomer(@Ctx() ctx: Context, @Arg("incidentId", () => ID) incidentId: string): Promise<Incident> {
    await mustExistFor(ctx, incidentId);
    requireRole(ctx.principal, STAFF, "wait for the customer");
    return Incident.from(await ctx.services.incidents.waitForCustomer(ctx.principal, ctx.now, incidentKey(incidentId)));
  }

  @Mutation(() => Incident)
  async resumeIncident(@Ctx() ctx: Context, @Arg("incidentId", () => ID) incidentId: string): Promise<Incident> {
    await mustExistFor(ctx, incidentId);
    requireRole(ctx.principal, STAFF, "resume incidents");
    return Incident.from(await ctx.services.incidents.resume(ctx.principal, ctx.now, incidentKey(incidentId)));
  }

  @Mutation(() => Incident)
  async resolveIncident(@Ctx() ctx: Context, @Arg("input", () => ResolveIncidentInput) input: ResolveIncidentInput): Promise<Incident> {
    await mustExistFor(ctx, input.incidentId);
    requireRole(ctx.principal, STAFF, "resolve incidents");
    return Incident.from(
      await ctx.services.incidents.resolve(ctx.principal, ctx.now, { incidentId: incidentKey(input.incidentId), summary: input.summary, articleId: input.articleId ? fromGlobalId(input.articleId, "KnowledgeArticle", "articleId") : null }),
    );
  }

  @Mutation(() => Incident)
  async closeIncident(@Ctx() ctx: Context, @Arg("incidentId", () => ID) incidentId: string): Promise<Incident> {
    await mustExistFor(ctx, incidentId);
    requireRole(ctx.principal, STAFF, "close incidents");
    return Incident.from(await ctx.services.incidents.close(ctx.principal, ctx.now, incidentKey(incidentId)));
  }

  @Mutation(() => Incident)
  async reopenIncident(@Ctx() ctx: Context, @Arg("incidentId", () => ID) incidentId: string, @Arg("reason") reason: string): Promise<Incident> {
    requireRole(ctx.principal, [...STAFF, "CUSTOMER"], "reopen incidents");
    return Incident.from(await ctx.services.incidents.reopen(ctx.principal, ctx.now, incidentKey(incidentId), reason));
  }

  @FieldResolver(() => Product)
  product(@Root() incident: Incident, @Ctx() ctx: Context): Product | Promise<Product> {
    return whenKnown(ctx.loaders.product.get(incident.row.product_id), (row) => Product.from(row!));
  }

  @FieldResolver(() => Contact)
  requester(@Root() incident: Incident, @Ctx() ctx: Context): Contact | Promise<Contact> {
    return whenKnown(ctx.loaders.contact.get(incident.row.requester_id), (row) => (ctx.principal.role === "DISPLAY" ? Contact.forDisplay(row!) : Contact.from(row!)));
  }

  @FieldResolver(() => Agent, { nullable: true })
  assignee(@Root() incident: Incident, @Ctx() ctx: Context): Agent | null | Promise<Agent | null> {
    if (!incident.row.assignee_id) return null;
    return whenKnown(ctx.loaders.agent.get(incident.row.assignee_id), (row) => (row ? Agent.from(row) : null));
  }

  @FieldResolver(() => [SlaClock], { description: "every cycle, oldest first" })
  clocks(@Root() incident: Incident, @Ctx() ctx: Context): SlaClock[] {
    return incident.derive(ctx.now).clocks.map(SlaClock.from);
  }

  @FieldResolver(() => Date, { nullable: true, description: "earliest dueAt among RUNNING cycles; null when none runs" })
  nextDueAt(@Root() incident: Incident, @Ctx() ctx: Context): number | null {
    return incident.derive(ctx.now).nextDueAt; // epoch ms: the DateTime scalar prints it
  }

  @FieldResolver(() => Boolean, { description: "a BREACHED cycle is still open (not stopped)" })
  overdue(@Root() incident: Incident, @Ctx() ctx: Context): boolean {
    return incident.derive(ctx.now).overdue;
  }

  @FieldResolver(() => Boolean, { description: "any cycle ever breached" })
  breached(@Root() incident: Incident, @Ctx() ctx: Context): boolean {
    return incident.derive(ctx.now).breached;
  }

  @FieldResolver(() => Boolean, { description: "the channel is not one recommended for the severity" })
  channelMismatch(@Root() incident: Incident, @Ctx() ctx: Context): boolean {
    return incident.derive(ctx.now).channelMismatch;
  }

  @FieldResolver(() => [SlaAlert], { description: "every alert it raised, oldest first" })
  async alerts(@Root() incident: Incident, @Ctx() ctx: Context): Promise<SlaAlert[]> {
    if (ctx.principal.role === "CUSTOMER") return [];
    return (await ctx.loaders.alerts.load(incident.row.id)).map(SlaAlert.from);
  }

  @FieldResolver(() => [Comment])
  async comments(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Comment[]> {
    const role = ctx.principal.role;
    if (role === "DISPLAY") return [];
    const rows = await ctx.loaders.comments.load(incident.row.id);
    return rows
      .filter((c) => role !== "CUSTOMER" || c.visibility === "PUBLIC")
      .map((c) =>
        Object.assign(new Comment(), {
          id: toGlobalId("Comment", c.id),
          authorAgentId: c.author_agent_id,
          body: c.body,
          visibility: c.visibility as CommentVisibility,
          channel: c.channel as ContactChannel | null,
          byCustomer: c.author_kind === "CUSTOMER",
          createdAt: c.created_at,
        }),
      );
  }

  @FieldResolver(() => IncidentEventConnection, { description: "oldest first" })
  async timeline(
    @Root() incident: Incident,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<IncidentEventConnection> {
    const size = pageSize(first, 100, 500);
    const afterSeq = after ? String(decodeCursor(after, ["string"])[0]) : null;
    if (afterSeq !== null && !/^\d{1,19}$/.test(afterSeq)) decodeCursor("!", ["string"]);
    const redacted = ctx.principal.role === "CUSTOMER" || ctx.principal.role === "DISPLAY";
    const page = await ctx.services.incidents.timeline(incident.row.id, size, afterSeq, ctx.principal.role === "CUSTOMER");
    const edges = page.rows.map((m) => ({ cursor: encodeCursor([m.sequence]), node: IncidentEvent.from(m, redacted) }));
    return {
      edges,
      pageInfo: {
        hasNextPage: page.hasNextPage,
        hasPreviousPage: Boolean(after),
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges[edges.length - 1]?.cursor ?? null,
      },
    };
  }
}

@Resolver(() => Comment)
export class CommentResolver {
  @FieldResolver(() => Agent, { nullable: true, description: "null when written by the customer or the product" })
  async author(@Root() comment: Comment, @Ctx() ctx: Context): Promise<Agent | null> {
    if (!comment.authorAgentId) return null;
    const row = await ctx.loaders.agent.load(comment.authorAgentId);
    return row ? Agent.from(row) : null;
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
          types: args.types as string[] | null,
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
    @Arg("types", () => [String], { nullable: true, description: "only these event types (e.g. OPENED, RESOLVED); all when empty" }) _types: string[] | null,
  ): Promise<IncidentEvent> {
    // Loaders and `now` per pushed event (shared by its subscribers): the subscription's context outlives any one event.
    return enterEventScope(ctx, message).then(() => IncidentEvent.from(message, ctx.principal.role === "CUSTOMER" || ctx.principal.role === "DISPLAY"));
  }

  @FieldResolver(() => Agent, { nullable: true, description: "the agent, when an agent's key acted" })
  async actor(@Root() event: IncidentEvent, @Ctx() ctx: Context): Promise<Agent | null> {
    if (!event.message.actorAgentId) return null;
    const row = await ctx.loaders.agent.load(event.message.actorAgentId);
    return row ? Agent.from(row) : null;
  }

  @FieldResolver(() => Incident)
  async incident(@Root() event: IncidentEvent, @Ctx() ctx: Context): Promise<Incident> {
    return Incident.from((await ctx.loaders.incident.load(event.message.incidentId)) as IncidentRow);
  }
}

@Resolver(() => SlaAlert)
export class SlaAlertResolver {
  @Subscription(() => SlaAlert, {
    description: "alerts as the product raises them, for one team's board",
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      requireRole(ctx.principal, READERS, "follow SLA alerts");
      const filter = args.filter as BoardFilter | null;
      return ctx.services.alerts.subscribe(null, (m) => onBoard(filter, { productCode: m.productCode, level: m.incidentLevel, severity: m.severity }));
    },
  })
  slaAlerts(@Root() message: AlertMessage, @Ctx() ctx: Context, @Arg("filter", () => BoardFilter, { nullable: true }) _filter: BoardFilter | null): Promise<SlaAlert> {
    return enterEventScope(ctx, message).then(() => SlaAlert.from(message));
  }

  @FieldResolver(() => Incident)
  async incident(@Root() alert: SlaAlert, @Ctx() ctx: Context): Promise<Incident> {
    return Incident.from((await ctx.loaders.incident.load(alert.message.incidentId)) as IncidentRow);
  }
}
