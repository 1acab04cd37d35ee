/**
 * The knowledge base: articles and their revisions, bilingual full-text search, deflection
 * (suggestions when an incident is opened), and the knowledge base's part in resolutions
 * and escalations. Search is one SQL statement (`SEARCH_SQL`), so the benchmark can issue
 * exactly what the API issues.
 */
import { decideArticle, DomainError, type ArticleCommandType } from "../../domain/index.js";
import { toGlobalId, parseGlobalId } from "../../graphql/ids.js";
import type { Db, Sql } from "../../platform/data-source.js";
import type { Principal } from "../access/principal.js";
import type { CatalogService } from "../catalog/catalog.service.js";
import { text } from "../common/validate.js";
import type { IncidentKnowledgeHooks, IncidentService } from "../incident/incident.service.js";
import { INCIDENT_COLUMNS, type IncidentRow } from "../incident/incident.rows.js";
import { ARTICLE_COLUMNS, type ArticleRow } from "./knowledge.types.js";

/** The longest query accepted; anything longer is refused with BAD_USER_INPUT. */
export const MAX_QUERY_LENGTH = 10_000;
/** How many distinct words of a query are considered (the first ones in the text). */
export const MAX_QUERY_WORDS = 32;
/** Of those, how many are searched: the least common in the articles (all of a short query). */
export const INFORMATIVE_WORDS = 8;

/** A search hit as SEARCH_SQL returns it. */
export interface SearchHit extends ArticleRow {
  score: number;
  total: number;
  highlight: string | null;
}

const HEADLINE_OPTIONS = `'StartSel=<b>, StopSel=</b>, MaxWords=30, MinWords=12, ShortWord=3, MaxFragments=2, FragmentDelimiter=" … "'`;
const ESCAPED_BODY = `replace(replace(replace(left(a.body, 20000), '&', '&amp;'), '<', '&lt;'), '>', '&gt;')`;

/**
 * Published articles matching a text, best first. $1 the text (any characters: it is only
 * ever parsed as a document, never as tsquery syntax), $2 a product id or null (articles of
 * that product and articles of every product), $3 how many.
 *
 * Of the text's first 32 distinct words (unaccented, lower case), the 8 least common in the
 * articles (kb_word.df; all of them for a short query) are each turned into Spanish
 * and English tsqueries, OR-ed (a stop word of either language is dropped); a word that appears in no article is also replaced by up to
 * two similar words of the articles' lexicon (pg_trgm), which is the typo tolerance. Rank:
 * ts_rank with title (A) 1.0, tags (B) 0.4, body (C) 0.2, normalised to 0–1.
 */
export const SEARCH_SQL = `
WITH text_words AS (
  SELECT w.lexeme AS t, w.positions[1] AS pos
    FROM unnest(to_tsvector('simple'::regconfig, kb_unaccent($1::text))) AS w
   WHERE length(w.lexeme) <= 60
     -- a stop word of either language is dropped (Spanish "la" is an English content word)
     AND numnode(plainto_tsquery('spanish'::regconfig, w.lexeme)) > 0 AND numnode(plainto_tsquery('english'::regconfig, w.lexeme)) > 0
   ORDER BY w.positions[1]
   LIMIT ${MAX_QUERY_WORDS}
), words AS (
  -- a long text (deflection) is searched by its ${INFORMATIVE_WORDS} most informative words: the rarest
  -- in the articles, then words no article contains (typos, other forms), in text order
  SELECT tw.t FROM text_words tw LEFT JOIN kb_word k ON k.word = tw.t
   ORDER BY k.df IS NULL, k.df, tw.pos
   LIMIT ${INFORMATIVE_WORDS}
), fuzzy AS (
  SELECT c.word AS t
    FROM words
    CROSS JOIN LATERAL (
      SELECT k.word, similarity(k.word, words.t) AS sim FROM kb_word k ORDER BY k.word <-> words.t LIMIT 2
    ) AS c
   WHERE length(words.t) >= 3 AND words.t ~ '^[a-z]+$'
     -- a stop word of either language is never "corrected" into a content word
     AND numnode(plainto_tsquery('spanish'::regconfig, words.t)) > 0 AND numnode(plainto_tsquery('english'::regconfig, words.t)) > 0
     AND NOT EXISTS (SELECT 1 FROM kb_word x WHERE x.word = words.t)
     AND (c.sim >= 0.3
          OR (length(words.t) <= 5 AND c.sim >= 0.2 AND left(c.word, 1) = left(words.t, 1) AND abs(length(c.word) - length(words.t)) <= 1))
), q AS (
  -- a stop word of either language is dropped (Spanish "la" is an English content word)
  SELECT kb_tsquery_or(CASE WHEN numnode(es) > 0 AND numnode(en) > 0 THEN es || en END) AS query
    FROM (SELECT t FROM words UNION SELECT t FROM fuzzy) AS terms,
         LATERAL (SELECT plainto_tsquery('spanish'::regconfig, t) AS es, plainto_tsquery('english'::regconfig, t) AS en) AS l
), hits AS (
  SELECT a.id, ts_rank('{0.1, 0.2, 0.4, 1.0}', a.search_vector, q.query, 32) AS score, count(*) OVER () AS total
    FROM knowledge_article a, q
   WHERE a.status = 'PUBLISHED' AND a.search_vector @@ q.query
     AND ($2::uuid IS NULL OR a.product_ids = '{}' OR a.product_ids @> ARRAY[$2::uuid])
   ORDER BY score DESC, a.updated_at DESC, a.id
   LIMIT $3
)
SELECT ${ARTICLE_COLUMNS.split(", ").map((c) => `a.${c}`).join(", ")}, h.score::float8 AS score, h.total::int AS total,
       CASE WHEN strpos(hl.es, '<b>') > 0 THEN hl.es
            ELSE ts_headline('kb_english'::regconfig, ${ESCAPED_BODY}, q.query, ${HEADLINE_OPTIONS}) END AS highlight
  FROM hits h
  JOIN knowledge_article a ON a.id = h.id
 CROSS JOIN q
 CROSS JOIN LATERAL (SELECT ts_headline('kb_spanish'::regconfig, ${ESCAPED_BODY}, q.query, ${HEADLINE_OPTIONS}) AS es) AS hl
 ORDER BY h.score DESC, a.updated_at DESC, a.id`;

export interface ArticleFields {
  title: string;
  body: string;
  productCodes: string[];
  tags?: string[] | null;
}

/** One recorded search of the knowledge base for an incident (a KNOWLEDGE_SEARCHED event's data). */
export interface KnowledgeSearchData {
  source: "OPEN" | "AGENT";
  query: string;
  productCode: string | null;
  resultCount: number;
  suggested: Array<{ id: string; title: string; score: number }>;
}

export const KNOWLEDGE_SEARCHED = "KNOWLEDGE_SEARCHED";
const SUGGESTIONS = 5;

/** NUL cannot be stored in PostgreSQL text; everything else is searched as it is. */
function clean(query: string): string {
  return query.replace(/\u0000/g, " ");
}

export class KnowledgeService implements IncidentKnowledgeHooks {
  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly incidents: IncidentService,
  ) {}

  private async checkFields(sql: Sql, input: ArticleFields): Promise<{ title: string; body: string; productIds: string[]; tags: string[] }> {
    const title = text(input.title, "title", { max: 200 });
    const body = text(input.body, "body", { max: 100_000 });
    if (input.productCodes.length > 50) throw new DomainError("BAD_USER_INPUT", "at most 50 productCodes", { field: "productCodes" });
    const productIds: string[] = [];
    for (const code of new Set(input.productCodes)) productIds.push((await this.catalog.productByCode(sql, code)).id);
    const tags = [...new Set((input.tags ?? []).map((t) => (t ?? "").trim().toLowerCase()).filter((t) => t !== ""))];
    if (tags.length > 20) throw new DomainError("BAD_USER_INPUT", "at most 20 tags", { field: "tags" });
    const long = tags.find((t) => t.length > 50);
    if (long) throw new DomainError("BAD_USER_INPUT", `tag "${long.slice(0, 20)}…" is too long (at most 50 characters)`, { field: "tags" });
    return { title: clean(title), body: clean(body), productIds, tags: tags.map(clean) };
  }

  /** A new article (DRAFT, or PUBLISHED when `status` says so: a problem's known error). */
  async create(by: Principal, now: Date, input: ArticleFields, sql?: Sql, status: "DRAFT" | "PUBLISHED" = "DRAFT"): Promise<ArticleRow> {
    const work = async (tx: Sql) => {
      const f = await this.checkFields(tx, input);
      const [row] = await tx.query<ArticleRow>(
        `INSERT INTO knowledge_article (title, body, status, product_ids, tags, created_by, created_at, updated_at, published_at)
         VALUES ($1, $2, $3, $4::uuid[], $5::text[], $6, $7, $7, CASE WHEN $3 = 'PUBLISHED' THEN $7::timestamptz END)
         RETURNING ${ARTICLE_COLUMNS}`,
        [f.title, f.body, status, f.productIds, f.tags, by.agentId, now],
      );
      await this.revise(tx, row, by, now);
      return row;
    };
    return sql ? work(sql) : this.db.transaction(work);
  }

  private async revise(tx: Sql, row: ArticleRow, by: Principal, now: Date): Promise<void> {
    await tx.query(
      `INSERT INTO knowledge_article_revision (article_id, title, body, product_ids, tags, edited_at, edited_by, editor_name)
       VALUES ($1, $2, $3, $4::uuid[], $5::text[], $6, $7, $8)`,
      [row.id, row.title, row.body, row.product_ids, row.tags, now, by.agentId, by.actorName],
    );
  }

  private async lockArticle(tx: Sql, id: string): Promise<ArticleRow> {
    const [row] = await tx.query<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM knowledge_article WHERE id = $1 FOR UPDATE`, [id]);
    if (!row) throw new DomainError("NOT_FOUND", "no knowledge article with that id");
    return row;
  }

  /** Saves a new version; every earlier one stays in the revisions. */
  async update(by: Principal, now: Date, id: string, input: ArticleFields, sql?: Sql): Promise<ArticleRow> {
    const work = async (tx: Sql) => {
      const current = await this.lockArticle(tx, id);
      decideArticle(current.status, "update");
      const f = await this.checkFields(tx, input);
      const [row] = await tx.query<ArticleRow>(
        `UPDATE knowledge_article SET title = $2, body = $3, product_ids = $4::uuid[], tags = $5::text[], updated_at = $6
          WHERE id = $1 RETURNING ${ARTICLE_COLUMNS}`,
        [id, f.title, f.body, f.productIds, f.tags, now],
      );
      await this.revise(tx, row, by, now);
      return row;
    };
    return sql ? work(sql) : this.db.transaction(work);
  }

  /** publish or retire. */
  async move(now: Date, id: string, command: Exclude<ArticleCommandType, "update">): Promise<ArticleRow> {
    return this.db.transaction(async (tx) => {
      const current = await this.lockArticle(tx, id);
      const status = decideArticle(current.status, command);
      const [row] = await tx.query<ArticleRow>(
        `UPDATE knowledge_article SET status = $2, updated_at = $3,
                published_at = CASE WHEN $2 = 'PUBLISHED' THEN $3::timestamptz ELSE published_at END,
                retired_at = CASE WHEN $2 = 'RETIRED' THEN $3::timestamptz ELSE retired_at END
          WHERE id = $1 RETURNING ${ARTICLE_COLUMNS}`,
        [id, status, now],
      );
      return row;
    });
  }

  /** An article as `by` may see it: CUSTOMER and INTEGRATOR keys see published ones only. */
  async get(by: Principal, id: string): Promise<ArticleRow | null> {
    const [row] = await this.db.query<ArticleRow>(`SELECT ${ARTICLE_COLUMNS} FROM knowledge_article WHERE id = $1`, [id]);
    if (!row) return null;
    return mayRead(by, row) ? row : null;
  }

  /** Checks a query: BAD_USER_INPUT when empty or longer than MAX_QUERY_LENGTH. */
  checkQuery(query: string): string {
    if (query.length > MAX_QUERY_LENGTH) {
      throw new DomainError("BAD_USER_INPUT", `query is too long (${query.length} characters; at most ${MAX_QUERY_LENGTH})`, { field: "query" });
    }
    const q = clean(query).trim();
    if (q === "") throw new DomainError("BAD_USER_INPUT", "query must not be empty", { field: "query" });
    return q;
  }

  /** Runs SEARCH_SQL. `productCode` unknown: BAD_USER_INPUT. */
  async search(sql: Sql, query: string, productCode: string | null, first: number): Promise<SearchHit[]> {
    const productId = productCode ? (await this.catalog.productByCode(sql, productCode)).id : null;
    return this.searchByProduct(sql, query, productId, first);
  }

  private async searchByProduct(sql: Sql, query: string, productId: string | null, first: number): Promise<SearchHit[]> {
    if (first === 0) return [];
    return sql.query<SearchHit>(SEARCH_SQL, [clean(query).slice(0, MAX_QUERY_LENGTH), productId, first]);
  }

  /**
   * searchKnowledge. With `incidentId` (staff keys), the search and what it found are recorded
   * on that incident's timeline, and travel with its escalation.
   */
  async searchFor(by: Principal, now: Date, query: string, productCode: string | null, first: number, incidentId: string | null): Promise<SearchHit[]> {
    const q = this.checkQuery(query);
    const hits = await this.search(this.db, q, productCode, first);
    if (incidentId) {
      const data: KnowledgeSearchData = {
        source: "AGENT",
        query: q.slice(0, 500),
        productCode,
        resultCount: hits[0]?.total ?? 0,
        suggested: hits.map((h) => ({ id: toGlobalId("KnowledgeArticle", h.id), title: h.title, score: h.score })),
      };
      const found = await this.db.transaction((tx) => this.incidents.recordEvent(tx, incidentId, by, now, KNOWLEDGE_SEARCHED, { ...data }));
      if (!found) throw new DomainError("NOT_FOUND", "no incident with that id");
      this.incidents.committed([]);
    }
    return hits;
  }

  /** The text an incident is searched by: its title, then its description. */
  static incidentQuery(row: Pick<IncidentRow, "title" | "description">): string {
    return `${row.title}\n${row.description}`;
  }

  /**
   * Deflection, in the opening transaction: the best published articles for the new
   * incident's title, description and product, recorded on its timeline (the search and how
   * many articles matched).
   */
  async deflect(tx: Sql, by: Principal, now: Date, incident: IncidentRow, productCode: string): Promise<SearchHit[]> {
    const query = KnowledgeService.incidentQuery(incident);
    const hits = await this.searchByProduct(tx, query, incident.product_id, SUGGESTIONS);
    const data: KnowledgeSearchData = {
      source: "OPEN",
      query: query.slice(0, 500),
      productCode,
      resultCount: hits[0]?.total ?? 0,
      suggested: hits.map((h) => ({ id: toGlobalId("KnowledgeArticle", h.id), title: h.title, score: h.score })),
    };
    await this.incidents.recordEvent(tx, incident.id, by, now, KNOWLEDGE_SEARCHED, { ...data });
    return hits;
  }

  /** Incident.suggestedArticles: the same search as at opening, on today's articles. */
  suggestionsFor(incident: Pick<IncidentRow, "title" | "description" | "product_id">, first: number): Promise<SearchHit[]> {
    return this.searchByProduct(this.db, KnowledgeService.incidentQuery(incident), incident.product_id, first);
  }

  /** Hook: resolveIncident with (or without) an article. */
  async resolvedWith(tx: Sql, incidentId: string, articleId: string | null): Promise<Record<string, unknown>> {
    if (!articleId) {
      await tx.query("UPDATE incident SET resolution_article_id = NULL WHERE id = $1 AND resolution_article_id IS NOT NULL", [incidentId]);
      return {};
    }
    const article = await this.lockArticle(tx, articleId);
    if (article.status !== "PUBLISHED") {
      throw new DomainError("CONFLICT", `Cannot resolve with an article that is ${article.status}: only a published article is a known solution`, {
        status: article.status,
      });
    }
    await tx.query("UPDATE knowledge_article SET times_used = times_used + 1 WHERE id = $1", [articleId]);
    await tx.query("UPDATE incident SET resolution_article_id = $2 WHERE id = $1", [incidentId, articleId]);
    return { articleId: toGlobalId("KnowledgeArticle", articleId), articleTitle: article.title };
  }

  /** Hook: the knowledge-base context an escalation carries (every search recorded for the incident). */
  async escalationContext(tx: Sql, incidentId: string): Promise<Record<string, unknown>> {
    const searches = await this.searchesIn(tx, incidentId);
    return {
      knowledge: {
        searches: searches.map((s) => ({ at: s.at.toISOString(), source: s.data.source, query: s.data.query, resultCount: s.data.resultCount, suggested: s.data.suggested })),
      },
    };
  }

  /** The KNOWLEDGE_SEARCHED events of an incident, oldest first (the last 20). */
  async searchesIn(sql: Sql, incidentId: string): Promise<Array<{ at: Date; actorName: string | null; data: KnowledgeSearchData }>> {
    const rows = await sql.query<{ at: Date; actor_name: string | null; data: KnowledgeSearchData }>(
      `SELECT at, actor_name, data FROM (
         SELECT sequence, at, actor_name, data FROM incident_event WHERE incident_id = $1 AND type = $2 ORDER BY sequence DESC LIMIT 20
       ) s ORDER BY sequence`,
      [incidentId, KNOWLEDGE_SEARCHED],
    );
    return rows.map((r) => ({ at: r.at, actorName: r.actor_name, data: r.data }));
  }

  /** Incidents whose last resolution used the article, newest first, as `by` may see them. */
  async solvedIncidents(by: Principal, articleId: string, first: number, after: { openedAt: string; id: string } | null): Promise<{ rows: IncidentRow[]; total: number; hasNextPage: boolean }> {
    const params: unknown[] = [articleId];
    let who = "";
    if (by.role === "CUSTOMER") {
      params.push(by.contactId);
      who = ` AND requester_id = $${params.length}`;
    }
    const [{ n }] = await this.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM incident WHERE resolution_article_id = $1${who}`, params);
    let cursor = "";
    if (after) {
      params.push(after.openedAt, after.id);
      cursor = ` AND (opened_at, id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
    }
    const rows = await this.db.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM incident WHERE resolution_article_id = $1${who}${cursor} ORDER BY opened_at DESC, id DESC LIMIT ${first + 1}`,
      params,
    );
    return { rows: rows.slice(0, first), total: n, hasNextPage: rows.length > first };
  }

  /** The global id of an article, or null when `id` is not one. */
  static articleKey(id: string): string | null {
    const parsed = parseGlobalId(id);
    return parsed?.type === "KnowledgeArticle" ? parsed.key : null;
  }
}

/** ACCESS.md: drafts and retired articles are for ADMIN, LEAD and AGENT keys only. */
export function mayRead(by: Principal, row: Pick<ArticleRow, "status">): boolean {
  if (by.role === "ADMIN" || by.role === "LEAD" || by.role === "AGENT") return true;
  if (by.role === "DISPLAY") return false;
  return row.status === "PUBLISHED";
}

