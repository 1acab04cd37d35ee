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

const checked = new WeakMap<DocumentNode, Map<string, readonly GraphQLError[]>>();
const CHECKED_PER_DOCUMENT = 64;

/**
 * The cost, depth and alias limits for one operation with its variables. The answer depends
 * on the document and its variables only, so it is kept per document for the variables sets
 * seen (a dashboard sends the same few): the walk over the document is paid once, not per request.
 */
export function checkLimits(schema: GraphQLSchema, doc: DocumentNode, variables: Record<string, unknown> | undefined): readonly GraphQLError[] {
  let key: string | null;
  try {
    key = variables ? JSON.stringify(variables) : "";
  } catch {
    key = null; // nested beyond the stack (hostile input): checked, not kept
  }
  if (key === null || key.length > 1024) return validate(schema, doc, [costLimitRule(variables)]);
  let byVariables = checked.get(doc);
  if (!byVariables) checked.set(doc, (byVariables = new Map()));
  let errors = byVariables.get(key);
  if (!errors) {
    errors = validate(schema, doc, [costLimitRule(variables ?? undefined)]);
    if (byVariables.size >= CHECKED_PER_DOCUMENT) byVariables.delete(byVariables.keys().next().value as string);
    byVariables.set(key, errors);
  }
  return errors;
}
