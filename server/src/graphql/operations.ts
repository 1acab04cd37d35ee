/**
 * Parsing and validation in one place for HTTP and WebSocket: the token limit on parse, the
 * schema's rules plus the cost limits on validation, and a cache of validated documents for
 * graphql-ws subscribe messages (1,000 screens send the same few subscriptions: parse and
 * validate each text once, not once per screen).
 */
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { LIMITS, costLimitRule } from "./limits.js";

const CACHE_SIZE = 500;

export class OperationCache {
  private readonly docs = new Map<string, DocumentNode>();

  constructor(private readonly schema: GraphQLSchema) {}

  /** A parsed, schema-validated document, or the errors to answer with. */
  prepare(query: string, variables: Record<string, unknown> | undefined): DocumentNode | readonly GraphQLError[] {
    let doc = this.docs.get(query);
    if (!doc) {
      try {
        doc = parse(query, { maxTokens: LIMITS.tokens });
      } catch (err) {
        return [err instanceof GraphQLError ? err : new GraphQLError(String(err))];
      }
      const errors = validate(this.schema, doc, specifiedRules);
      if (errors.length) return errors;
      if (this.docs.size >= CACHE_SIZE) this.docs.delete(this.docs.keys().next().value as string);
      this.docs.set(query, doc);
    }
    const limits = checkLimits(this.schema, doc, variables);
    return limits.length ? limits : doc;
  }
}

/** The cost, depth and alias limits for one operation with its variables. */
export function checkLimits(schema: GraphQLSchema, doc: DocumentNode, variables: Record<string, unknown> | undefined): readonly GraphQLError[] {
  return validate(schema, doc, [costLimitRule(variables ?? undefined)]);
}
