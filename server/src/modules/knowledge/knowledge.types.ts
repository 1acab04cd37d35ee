/**
 * The knowledge base's public shapes. Articles, search and deflection arrive with the
 * knowledge issue; until then `suggestedArticles` truthfully answers an empty list.
 */
import { Field, Float, ID, Int, ObjectType } from "type-graphql";
import { ArticleStatus } from "../../graphql/enums.js";
import { Node } from "../../graphql/node.js";
import { Agent, Product } from "../catalog/catalog.types.js";

@ObjectType()
export class ArticleRevision {
  @Field() title!: string;
  @Field() body!: string;
  @Field(() => Date) editedAt!: Date;
  @Field(() => Agent, { nullable: true }) editedBy!: Agent | null;
}

@ObjectType({ implements: Node })
export class KnowledgeArticle extends Node {
  @Field() title!: string;
  @Field({ description: "Markdown" }) body!: string;
  @Field(() => ArticleStatus) status!: ArticleStatus;
  @Field(() => [Product]) products!: Product[];
  @Field(() => [String]) tags!: string[];
  @Field(() => Int) timesUsed!: number;
  @Field(() => [ArticleRevision], { description: "newest first" }) revisions!: ArticleRevision[];
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType()
export class ArticleMatch {
  @Field(() => KnowledgeArticle) article!: KnowledgeArticle;
  @Field(() => Float) score!: number;
  @Field(() => String, { nullable: true }) highlight!: string | null;
}
