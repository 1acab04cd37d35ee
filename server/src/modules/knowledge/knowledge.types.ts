/**
 * The knowledge base's public shapes: articles (with their revisions), search matches, the
 * article input, and the knowledge-base context an incident carries (what was searched and
 * suggested for it). Products, revisions and solved incidents are field resolvers
 * (KnowledgeArticleResolver), loaded per request.
 */
import { Field, Float, ID, InputType, Int, ObjectType } from "type-graphql";
import { ArticleStatus } from "../../graphql/enums.js";
import { toGlobalId } from "../../graphql/ids.js";
import { Node } from "../../graphql/node.js";
import { Agent, Product } from "../catalog/catalog.types.js";

/** A knowledge_article row as hand-written SQL reads it. */
export interface ArticleRow {
  id: string;
  title: string;
  body: string;
  status: "DRAFT" | "PUBLISHED" | "RETIRED";
  product_ids: string[];
  tags: string[];
  times_used: number;
  created_by: string | null;
  created_at: Date;
  updated_at: Date;
  published_at: Date | null;
  retired_at: Date | null;
}

export const ARTICLE_COLUMNS = "id, title, body, status, product_ids, tags, times_used, created_by, created_at, updated_at, published_at, retired_at";

export interface RevisionRow {
  id: string;
  article_id: string;
  title: string;
  body: string;
  edited_at: Date;
  edited_by: string | null;
}

@ObjectType({ simpleResolvers: true, description: "one version of an article, as it was saved" })
export class ArticleRevision {
  editedById!: string | null;
  @Field() title!: string;
  @Field() body!: string;
  @Field(() => Date) editedAt!: Date;
  // editedBy: field resolver (the agent; null when saved by a key without one)

  static from(row: RevisionRow): ArticleRevision {
    return Object.assign(new ArticleRevision(), { editedById: row.edited_by, title: row.title, body: row.body, editedAt: row.edited_at });
  }
}

@ObjectType({ simpleResolvers: true, implements: Node, description: "DRAFT → PUBLISHED → RETIRED; only PUBLISHED articles are searched and suggested" })
export class KnowledgeArticle extends Node {
  row!: ArticleRow;
  @Field() title!: string;
  @Field({ description: "Markdown" }) body!: string;
  @Field(() => ArticleStatus) status!: ArticleStatus;
  @Field(() => [String]) tags!: string[];
  @Field(() => Int, { description: "how many resolutions used it" }) timesUsed!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  // products, revisions (newest first, the current version included), solvedIncidents: field resolvers

  static from(row: ArticleRow): KnowledgeArticle {
    return Object.assign(new KnowledgeArticle(), {
      id: toGlobalId("KnowledgeArticle", row.id),
      row,
      title: row.title,
      body: row.body,
      status: row.status as ArticleStatus,
      tags: row.tags,
      timesUsed: row.times_used,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  }
}

@ObjectType({ simpleResolvers: true })
export class ArticleMatch {
  @Field(() => KnowledgeArticle) article!: KnowledgeArticle;
  @Field(() => Float, { description: "relevance, 0 to 1 (higher is better)" }) score!: number;
  @Field(() => String, {
    nullable: true,
    description: "a snippet of the body with the matched words between <b> and </b>; the rest of the text is HTML-escaped",
  })
  highlight!: string | null;
}

@InputType()
export class ArticleInput {
  @Field() title!: string;
  @Field({ description: "Markdown" }) body!: string;
  @Field(() => [String], { description: "products it applies to; empty: every product" }) productCodes!: string[];
  @Field(() => [String], { nullable: true }) tags?: string[] | null;
}

@ObjectType({ simpleResolvers: true, description: "one search of the knowledge base made for an incident: at its opening (deflection) or by an agent" })
export class KnowledgeSearch {
  suggestedIds!: string[];
  @Field(() => Date) at!: Date;
  @Field({ description: "OPEN (the deflection search when the incident was opened) or AGENT (searchKnowledge with incidentId)" }) source!: string;
  @Field() query!: string;
  @Field(() => String, { nullable: true }) productCode!: string | null;
  @Field(() => Int, { description: "how many published articles matched" }) resultCount!: number;
  @Field(() => String, { nullable: true }) actorName!: string | null;
  // suggested: field resolver (the articles shown, best first)
}

export { Agent, ID, Product };
