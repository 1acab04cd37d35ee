import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Ctx as Context } from "../../graphql/context.js";
import { fromGlobalId, pageSize } from "../../graphql/ids.js";
import { READERS, requireRole, STAFF } from "../access/principal.js";
import { Agent, Product } from "../catalog/catalog.types.js";
import { Incident, IncidentConnection } from "../incident/incident.types.js";
import { connection } from "../knowledge/knowledge.resolver.js";
import { mayRead } from "../knowledge/knowledge.service.js";
import { KnowledgeArticle } from "../knowledge/knowledge.types.js";
import { OpenProblemInput, Problem, ProblemConnection, ProblemEvent, ProblemStatus, RecurringIncidentGroup } from "./problem.types.js";

const problemKey = (id: string, field = "problemId") => fromGlobalId(id, "Problem", field);

@Resolver(() => Problem)
export class ProblemResolver {
  @Query(() => ProblemConnection, { description: "newest first (openedAt, then id)" })
  async problems(
    @Ctx() ctx: Context,
    @Arg("status", () => [ProblemStatus], { nullable: true }) status: ProblemStatus[] | null,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<ProblemConnection> {
    requireRole(ctx.principal, READERS, "read problems");
    const page = await ctx.services.problems.list(status, pageSize(first), after);
    const edges = page.rows.map((row) => ({ cursor: ctx.services.problems.cursorOf(row), node: Problem.from(row) }));
    return {
      edges,
      totalCount: page.totalCount,
      pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
    };
  }

  @Query(() => Problem, { nullable: true })
  async problem(
    @Ctx() ctx: Context,
    @Arg("id", () => ID, { nullable: true }) id: string | null,
    @Arg("number", () => String, { nullable: true }) number: string | null,
  ): Promise<Problem | null> {
    requireRole(ctx.principal, READERS, "read problems");
    const row = await ctx.services.problems.get({ id: id ? fromGlobalId(id, "Problem") : null, number });
    return row ? Problem.from(row) : null;
  }

  @Query(() => [RecurringIncidentGroup], {
    description: "groups of similar incidents (same product and similar words, or resolved with the same article) opened in the window and not linked to a problem, largest first",
  })
  async recurringIncidents(
    @Ctx() ctx: Context,
    @Arg("windowSeconds", () => Int, { nullable: true, defaultValue: 604800 }) windowSeconds: number | null,
    @Arg("minCount", () => Int, { nullable: true, defaultValue: 3 }) minCount: number | null,
  ): Promise<RecurringIncidentGroup[]> {
    requireRole(ctx.principal, STAFF, "look for recurring incidents");
    const groups = await ctx.services.problems.recurring(ctx.now, windowSeconds ?? 604800, minCount ?? 3);
    return groups.map((g) => Object.assign(new RecurringIncidentGroup(), { productId: g.productId, incidentIds: g.incidentIds, suggestedTitle: g.suggestedTitle }));
  }

  @Mutation(() => Problem, { description: "PRB-000001…, OPEN, from the given incidents (linked at once) or none" })
  async openProblem(@Ctx() ctx: Context, @Arg("input", () => OpenProblemInput) input: OpenProblemInput): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "open problems");
    const row = await ctx.services.problems.open(ctx.principal, ctx.now, {
      title: input.title,
      description: input.description,
      productCode: input.productCode ?? null,
      incidentIds: (input.incidentIds ?? []).map((id) => fromGlobalId(id, "Incident", "incidentIds")),
      ownerId: input.ownerId ? fromGlobalId(input.ownerId, "Agent", "ownerId") : null,
    });
    return Problem.from(row);
  }

  @Mutation(() => Incident, { description: "the incident (NEW, IN_PROGRESS, PENDING_CUSTOMER or RESOLVED) joins the problem (OPEN, INVESTIGATING or KNOWN_ERROR)" })
  async linkIncidentToProblem(@Ctx() ctx: Context, @Arg("incidentId", () => ID) incidentId: string, @Arg("problemId", () => ID) problemId: string): Promise<Incident> {
    requireRole(ctx.principal, STAFF, "link incidents to problems");
    return Incident.from(await ctx.services.problems.link(ctx.principal, ctx.now, fromGlobalId(incidentId, "Incident", "incidentId"), problemKey(problemId)));
  }

  @Mutation(() => Problem)
  async assignProblem(@Ctx() ctx: Context, @Arg("problemId", () => ID) problemId: string, @Arg("ownerId", () => ID) ownerId: string): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "assign problems");
    return Problem.from(await ctx.services.problems.assign(ctx.principal, ctx.now, problemKey(problemId), fromGlobalId(ownerId, "Agent", "ownerId")));
  }

  @Mutation(() => Problem, { description: "OPEN → INVESTIGATING" })
  async startProblemInvestigation(@Ctx() ctx: Context, @Arg("problemId", () => ID) problemId: string): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "investigate problems");
    return Problem.from(await ctx.services.problems.startInvestigation(ctx.principal, ctx.now, problemKey(problemId)));
  }

  @Mutation(() => Problem, { description: "OPEN moves to INVESTIGATING; a known error's article follows a new workaround" })
  async recordRootCause(
    @Ctx() ctx: Context,
    @Arg("problemId", () => ID) problemId: string,
    @Arg("rootCause") rootCause: string,
    @Arg("workaround", () => String, { nullable: true }) workaround: string | null,
  ): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "record root causes");
    return Problem.from(await ctx.services.problems.recordRootCause(ctx.principal, ctx.now, problemKey(problemId), rootCause, workaround));
  }

  @Mutation(() => Problem, { description: "needs a root cause and a workaround; the workaround becomes an article (published unless publishArticle is false), suggested from then on" })
  async markKnownError(
    @Ctx() ctx: Context,
    @Arg("problemId", () => ID) problemId: string,
    @Arg("publishArticle", () => Boolean, { nullable: true, defaultValue: true }) publishArticle: boolean | null,
  ): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "mark known errors");
    return Problem.from(await ctx.services.problems.markKnownError(ctx.principal, ctx.now, problemKey(problemId), publishArticle ?? true));
  }

  @Mutation(() => Problem, { description: "INVESTIGATING or KNOWN_ERROR → RESOLVED; with resolveIncidents, its open incidents are resolved and the summary is sent to each customer" })
  async resolveProblem(
    @Ctx() ctx: Context,
    @Arg("problemId", () => ID) problemId: string,
    @Arg("summary") summary: string,
    @Arg("resolveIncidents", () => Boolean, { nullable: true, defaultValue: true }) resolveIncidents: boolean | null,
  ): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "resolve problems");
    return Problem.from(await ctx.services.problems.resolve(ctx.principal, ctx.now, problemKey(problemId), summary, resolveIncidents ?? true));
  }

  @Mutation(() => Problem, { description: "RESOLVED → CLOSED" })
  async closeProblem(@Ctx() ctx: Context, @Arg("problemId", () => ID) problemId: string): Promise<Problem> {
    requireRole(ctx.principal, STAFF, "close problems");
    return Problem.from(await ctx.services.problems.close(ctx.principal, ctx.now, problemKey(problemId)));
  }

  @FieldResolver(() => Product, { nullable: true })
  async product(@Root() problem: Problem, @Ctx() ctx: Context): Promise<Product | null> {
    if (!problem.row.product_id) return null;
    const row = await ctx.loaders.product.load(problem.row.product_id);
    return row ? Product.from(row) : null;
  }

  @FieldResolver(() => Agent, { nullable: true })
  async owner(@Root() problem: Problem, @Ctx() ctx: Context): Promise<Agent | null> {
    if (!problem.row.owner_id) return null;
    const row = await ctx.loaders.agent.load(problem.row.owner_id);
    return row ? Agent.from(row) : null;
  }

  @FieldResolver(() => KnowledgeArticle, { nullable: true, description: "the article its workaround became (null for keys that may not read it)" })
  async knownErrorArticle(@Root() problem: Problem, @Ctx() ctx: Context): Promise<KnowledgeArticle | null> {
    if (!problem.row.known_error_article_id) return null;
    const row = await ctx.loaders.article.load(problem.row.known_error_article_id);
    return row && mayRead(ctx.principal, row) ? KnowledgeArticle.from(row) : null;
  }

  @FieldResolver(() => IncidentConnection, { description: "newest first" })
  async incidents(
    @Root() problem: Problem,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<IncidentConnection> {
    return connection(await ctx.services.problems.incidentsOf(problem.row.id, pageSize(first), after), after);
  }

  @FieldResolver(() => [ProblemEvent], { description: "oldest first" })
  async timeline(@Root() problem: Problem, @Ctx() ctx: Context): Promise<ProblemEvent[]> {
    const redacted = ctx.principal.role === "DISPLAY";
    return (await ctx.services.problems.timeline(problem.row.id)).map((r) => Object.assign(ProblemEvent.from(r), redacted ? { data: null } : {}));
  }
}

@Resolver(() => RecurringIncidentGroup)
export class RecurringIncidentGroupResolver {
  @FieldResolver(() => Product)
  async product(@Root() group: RecurringIncidentGroup, @Ctx() ctx: Context): Promise<Product> {
    return Product.from((await ctx.loaders.product.load(group.productId))!);
  }

  @FieldResolver(() => [Incident], { description: "oldest first" })
  async incidents(@Root() group: RecurringIncidentGroup, @Ctx() ctx: Context): Promise<Incident[]> {
    const rows = await Promise.all(group.incidentIds.map((id) => ctx.loaders.incident.load(id)));
    return rows.filter((r) => r !== null).map((r) => Incident.from(r!));
  }
}
