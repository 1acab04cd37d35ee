/**
 * Refusals that keep one request from costing the server more than a request should:
 * nesting depth, aliases, and a cost estimate (list fields multiply by their page size).
 * Introspection is exempt from the cost and depth limits so every client can load the
 * schema. Each refusal is a GraphQL validation error with a clear message.
 */
import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValueNode,
} from "graphql";

export const LIMITS = {
  depth: 12,
  aliases: 50,
  cost: 200_000,
  /** graphql-js parse option: bounds the work of parsing itself. */
  tokens: 20_000,
} as const;

function limitError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED", limit: code } });
}

function intArg(field: FieldNode, name: string, variables: Record<string, unknown> | undefined): number | null {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  const v: ValueNode = arg.value;
  if (v.kind === Kind.INT) return Number(v.value);
  if (v.kind === Kind.VARIABLE) {
    const x = variables?.[v.name.value];
    return typeof x === "number" ? x : null;
  }
  return null;
}

interface Walk {
  depth: number;
  cost: number;
  aliases: number;
}

/** Walks an operation through its fragments (each fragment once per path, cycles are refused by graphql-js itself). */
function walk(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, depth: number, multiplier: number, acc: Walk, variables: Record<string, unknown> | undefined, seen: Set<string>): void {
  for (const sel of set.selections) {
    if (sel.kind === Kind.FIELD) {
      if (sel.name.value.startsWith("__")) continue; // introspection and __typename are free
      if (sel.alias) acc.aliases++;
      const d = depth + 1;
      acc.depth = Math.max(acc.depth, d);
      const page = intArg(sel, "first", variables);
      const m = multiplier * (page !== null ? Math.max(1, page) : 1);
      acc.cost += m;
      if (sel.selectionSet && acc.cost <= LIMITS.cost && acc.depth <= LIMITS.depth) walk(sel.selectionSet, fragments, d, m, acc, variables, seen);
    } else if (sel.kind === Kind.INLINE_FRAGMENT) {
      walk(sel.selectionSet, fragments, depth, multiplier, acc, variables, seen);
    } else {
      const f = fragments.get(sel.name.value);
      if (!f || seen.has(f.name.value)) continue;
      seen.add(f.name.value);
      walk(f.selectionSet, fragments, depth, multiplier, acc, variables, seen);
      seen.delete(f.name.value);
    }
  }
}

/** A validation rule enforcing LIMITS on every operation of a document. */
export function costLimitRule(variables?: Record<string, unknown>) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    return {
      OperationDefinition(op) {
        const acc: Walk = { depth: 0, cost: 0, aliases: 0 };
        walk(op.selectionSet, fragments, 0, 1, acc, variables, new Set());
        if (acc.depth > LIMITS.depth) context.reportError(limitError(`query depth ${acc.depth} exceeds the limit of ${LIMITS.depth}`, "depth"));
        if (acc.aliases > LIMITS.aliases) context.reportError(limitError(`${acc.aliases} aliases exceed the limit of ${LIMITS.aliases}`, "aliases"));
        if (acc.cost > LIMITS.cost) context.reportError(limitError(`query cost exceeds the limit of ${LIMITS.cost} (list fields count once per item of their page size)`, "cost"));
      },
    };
  };
}
