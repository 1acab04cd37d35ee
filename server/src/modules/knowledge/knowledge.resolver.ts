import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { DomainError } from "../../domain/errors.js";
import type { Ctx as Context } from "../../graphql/context.js";
import { decodeCursor, encodeCursor, fromGlobalId, pageSize, parseGlobalId } from "../../graphql/ids.js";
import { requireRole, STAFF } from "../access/principal.js";
import { Agent, Product } from "../catalog/catalog.types.js";
import { Incident, IncidentConnection } from "../incident/incident.types.js";
import { Problem } from "../problem/problem.types.js";
import { mayRead, type SearchHit } from "./knowledge.service.js";
import { ArticleInput, ArticleMatch, ArticleRevision, KnowledgeArticle, KnowledgeSearch } from "./knowledge.types.js";

/** ACCESS.md "articles: read published". */
const ARTICLE_READERS = ["ADMIN", "LEAD", "AGENT", "INTEGRATOR", "CUSTOMER"] as const;
const PUBLISHERS = ["ADMIN", "LEAD"] as const;
const articleKey = (id: string, field = "id") => fromGlobalId(id, "KnowledgeArticle", field);

export function matchOf(hit: SearchHit): ArticleMatch {
  return Object.assign(new ArticleMatch(), { article: KnowledgeArticle.from(hit), score: hit.score, highlight: hit.highlight });
}

@Resolver(() => KnowledgeArticle)
export class KnowledgeArticleResolver {
  @Query(() => [ArticleMatch], {
    description:
      "published articles matching the words of `query` (Spanish and English, accents ignored, typos in words of the articles tolerated), best first. " +
      "productCode: that product's articles and those of every product. incidentId (staff keys): the search and what it found go on that incident's timeline",
  })
  async searchKnowledge(
    @Ctx() ctx: Context,
    @Arg("query") query: string,
    @Arg("productCode", () => String, { nullable: true }) productCode: string | null,
    @Arg("first", () => Int, { nullable: true, defaultValue: 10 }) first: number | null,
    @Arg("incidentId", () => ID, { nullable: true, description: "record this search on the incident (ADMIN, LEAD and AGENT keys)" }) incidentId: string | null,
  ): Promise<ArticleMatch[]> {
    requireRole(ctx.principal, ARTICLE_READERS, "read articles");
    if (incidentId) requireRole(ctx.principal, STAFF, "record searches on incidents");
    const size = pageSize(first, 10, 200);
    const hits = await ctx.services.knowledge.searchFor(ctx.principal, ctx.now, query, productCode, size, incidentId ? fromGlobalId(incidentId, "Incident", "incidentId") : null);
    return hits.map(matchOf);
  }

  @Query(() => KnowledgeArticle, { nullable: true, description: "null when it does not exist or the key may not read it (CUSTOMER and INTEGRATOR keys: published articles only)" })
  async knowledgeArticle(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<KnowledgeArticle | null> {
    requireRole(ctx.principal, ARTICLE_READERS, "read articles");
    const row = await ctx.services.knowledge.get(ctx.principal, articleKey(id));
    return row ? KnowledgeArticle.from(row) : null;
  }

  @Mutation(() => KnowledgeArticle, { description: "a new DRAFT" })
  async createArticle(@Ctx() ctx: Context, @Arg("input", () => ArticleInput) input: ArticleInput): Promise<KnowledgeArticle> {
    requireRole(ctx.principal, STAFF, "write articles");
    return KnowledgeArticle.from(await ctx.services.knowledge.create(ctx.principal, ctx.now, input));
  }

  @Mutation(() => KnowledgeArticle, { description: "a new revision (every earlier one is kept); DRAFT or PUBLISHED articles only" })
  async updateArticle(@Ctx() ctx: Context, @Arg("id", () => ID) id: string, @Arg("input", () => ArticleInput) input: ArticleInput): Promise<KnowledgeArticle> {
    requireRole(ctx.principal, STAFF, "write articles");
    return KnowledgeArticle.from(await ctx.services.knowledge.update(ctx.principal, ctx.now, articleKey(id), input));
  }

  @Mutation(() => KnowledgeArticle, { description: "DRAFT → PUBLISHED" })
  async publishArticle(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<KnowledgeArticle> {
    requireRole(ctx.principal, PUBLISHERS, "publish articles");
    return KnowledgeArticle.from(await ctx.services.knowledge.move(ctx.now, articleKey(id), "publish"));
  }

  @Mutation(() => KnowledgeArticle, { description: "DRAFT or PUBLISHED → RETIRED (no longer searched or suggested)" })
  async retireArticle(@Ctx() ctx: Context, @Arg("id", () => ID) id: string): Promise<KnowledgeArticle> {
    requireRole(ctx.principal, PUBLISHERS, "retire articles");
    return KnowledgeArticle.from(await ctx.services.knowledge.move(ctx.now, articleKey(id), "retire"));
  }

  @FieldResolver(() => [Product], { description: "empty: it applies to every product" })
  async products(@Root() article: KnowledgeArticle, @Ctx() ctx: Context): Promise<Product[]> {
    const rows = await Promise.all(article.row.product_ids.map((id) => ctx.loaders.product.load(id)));
    return rows.filter((r) => r !== null).map((r) => Product.from(r!));
  }

  @FieldResolver(() => [ArticleRevision], { description: "every saved version, newest first (the first is the current one); empty for CUSTOMER and INTEGRATOR keys" })
  async revisions(@Root() article: KnowledgeArticle, @Ctx() ctx: Context): Promise<ArticleRevision[]> {
    if (!STAFF.includes(ctx.principal.role)) return [];
    return (await ctx.loaders.revisions.load(article.row.id)).map(ArticleRevision.from);
  }

  @FieldResolver(() => IncidentConnection, { description: "incidents whose last resolution used it, newest first (a CUSTOMER key: its own)" })
  async solvedIncidents(
    @Root() article: KnowledgeArticle,
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { nullable: true }) first: number | null,
    @Arg("after", () => String, { nullable: true }) after: string | null,
  ): Promise<IncidentConnection> {
    const size = pageSize(first);
    let cursor: { openedAt: string; id: string } | null = null;
    if (after) {
      const [openedAt, id] = decodeCursor(after, ["string", "string"]) as [string, string];
      if (Number.isNaN(Date.parse(openedAt)) || !/^[0-9a-f-]{36}$/.test(id)) throw new DomainError("BAD_USER_INPUT", "after is not a valid cursor", { field: "after" });
      cursor = { openedAt, id };
    }
    const page = await ctx.services.knowledge.solvedIncidents(ctx.principal, article.row.id, size, cursor);
    return connection(page, after);
  }
}

/** An IncidentConnection from a page of rows (newest first, cursor of openedAt and id). */
export function connection(page: { rows: Parameters<typeof Incident.from>[0][]; total?: number; totalCount?: number; hasNextPage: boolean }, after: string | null): IncidentConnection {
  const edges = page.rows.map((row) => ({ cursor: encodeCursor([row.opened_at.toISOString(), row.id]), node: Incident.from(row) }));
  return {
    edges,
    totalCount: page.totalCount ?? page.total ?? edges.length,
    pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: Boolean(after), startCursor: edges[0]?.cursor ?? null, endCursor: edges[edges.length - 1]?.cursor ?? null },
  };
}

@Resolver(() => ArticleRevision)
export class ArticleRevisionResolver {
  @FieldResolver(() => Agent, { nullable: true })
  async editedBy(@Root() revision: ArticleRevision, @Ctx() ctx: Context): Promise<Agent | null> {
    if (!revision.editedById) return null;
    const row = await ctx.loaders.agent.load(revision.editedById);
    return row ? Agent.from(row) : null;
  }
}

@Resolver(() => KnowledgeSearch)
export class KnowledgeSearchResolver {
  @FieldResolver(() => [KnowledgeArticle], { description: "the articles it suggested, best first (those the key may still read)" })
  async suggested(@Root() search: KnowledgeSearch, @Ctx() ctx: Context): Promise<KnowledgeArticle[]> {
    const keys = search.suggestedIds.map((id) => parseGlobalId(id)?.key).filter((k): k is string => Boolean(k));
    const rows = await Promise.all(keys.map((k) => ctx.loaders.article.load(k)));
    return rows.filter((r) => r !== null && mayRead(ctx.principal, r)).map((r) => KnowledgeArticle.from(r!));
  }
}

/** The knowledge base's and problem management's fields of an incident. */
@Resolver(() => Incident)
export class IncidentKnowledgeResolver {
  @FieldResolver(() => Problem, { nullable: true, description: "the problem it is linked to (null for CUSTOMER keys)" })
  async problem(@Root() incident: Incident, @Ctx() ctx: Context): Promise<Problem | null> {
    if (ctx.principal.role === "CUSTOMER") return null;
    const links = await ctx.loaders.incidentLinks.load(incident.row.id);
    if (!links?.problem_id) return null;
    const row = await ctx.loaders.problem.load(links.problem_id);
    return row ? Problem.from(row) : null;
  }

  @FieldResolver(() => KnowledgeArticle, { nullable: true, description: "the article its last resolution used" })
  async resolutionArticle(@Root() incident: Incident, @Ctx() ctx: Context): Promise<KnowledgeArticle | null> {
    const links = await ctx.loaders.incidentLinks.load(incident.row.id);
    if (!links?.resolution_article_id) return null;
    const row = await ctx.loaders.article.load(links.resolution_article_id);
    return row && mayRead(ctx.principal, row) ? KnowledgeArticle.from(row) : null;
  }

  @FieldResolver(() => [ArticleMatch], {
    description:
      "the best published articles for its title, description and product (the search openIncident ran, on today's articles); " +
      "the known error of its problem first. Empty for DISPLAY keys",
  })
  async suggestedArticles(@Root() incident: Incident, @Ctx() ctx: Context, @Arg("first", () => Int, { nullable: true, defaultValue: 5 }) first: number | null): Promise<ArticleMatch[]> {
    if (ctx.principal.role === "DISPLAY") return [];
    const size = pageSize(first, 5, 50);
    if (size === 0) return [];
    const hits = (await ctx.services.knowledge.suggestionsFor(incident.row, size)).map(matchOf);
    if (ctx.principal.role === "CUSTOMER") return hits;
    const links = await ctx.loaders.incidentLinks.load(incident.row.id);
    const problem = links?.problem_id ? await ctx.loaders.problem.load(links.problem_id) : null;
    const knownError = problem?.known_error_article_id ? await ctx.loaders.article.load(problem.known_error_article_id) : null;
    if (!knownError || knownError.status !== "PUBLISHED") return hits;
    // the problem's known error answers this incident whatever its words
    const top = Object.assign(new ArticleMatch(), { article: KnowledgeArticle.from(knownError), score: 1, highlight: null });
    return [top, ...hits.filter((h) => h.article.row.id !== knownError.id)].slice(0, size);
  }

  @FieldResolver(() => [KnowledgeSearch], {
    description: "what the knowledge base was asked for this incident and what it suggested, oldest first (the context an escalation carries); empty for CUSTOMER and DISPLAY keys",
  })
  async knowledgeSearches(@Root() incident: Incident, @Ctx() ctx: Context): Promise<KnowledgeSearch[]> {
    if (ctx.principal.role === "CUSTOMER" || ctx.principal.role === "DISPLAY") return [];
    const searches = await ctx.services.knowledge.searchesIn(ctx.services.db, incident.row.id);
    return searches.map((s) =>
      Object.assign(new KnowledgeSearch(), {
        suggestedIds: (s.data.suggested ?? []).map((x) => x.id),
        at: s.at,
        source: s.data.source,
        query: s.data.query,
        productCode: s.data.productCode ?? null,
        resultCount: s.data.resultCount ?? 0,
        actorName: s.actorName,
      }),
    );
  }
}
