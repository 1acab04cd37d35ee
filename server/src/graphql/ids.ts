/**
 * Opaque global IDs (`node(id)` takes any of them) and keyset cursors.
 * An ID is base64url("Type:key"); a cursor is base64url of the JSON sort key.
 */
import { DomainError } from "../domain/errors.js";

export type NodeType = "Product" | "Contact" | "Agent" | "Incident" | "IncidentEvent" | "ApiKey" | "Comment" | "BusinessCalendar" | "SlaAlert" | "KnowledgeArticle" | "Problem";
const NODE_TYPES = new Set<string>(["Product", "Contact", "Agent", "Incident", "IncidentEvent", "ApiKey", "Comment", "BusinessCalendar", "SlaAlert", "KnowledgeArticle", "Problem"]);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Encodings already made, by their text: a page of 50 incidents prints ~150 IDs and cursors
 * of rows the next page (and the next screen) prints again, and each Buffer round trip was a
 * few per cent of a list's CPU. Bounded: emptied when full.
 */
const encoded = new Map<string, string>();
const ENCODED_MAX = 20_000;

function base64url(text: string): string {
  let e = encoded.get(text);
  if (e === undefined) {
    if (encoded.size >= ENCODED_MAX) encoded.clear();
    encoded.set(text, (e = Buffer.from(text, "utf8").toString("base64url")));
  }
  return e;
}

export function toGlobalId(type: NodeType, key: string): string {
  return base64url(`${type}:${key}`);
}

/** Decodes any global ID; null when it is not one of ours. */
export function parseGlobalId(id: string): { type: NodeType; key: string } | null {
  if (typeof id !== "string" || id.length > 200 || !/^[A-Za-z0-9_-]+$/.test(id)) return null;
  const text = Buffer.from(id, "base64url").toString("utf8");
  const colon = text.indexOf(":");
  if (colon < 0) return null;
  const type = text.slice(0, colon);
  const key = text.slice(colon + 1);
  if (!NODE_TYPES.has(type)) return null;
  if (type === "IncidentEvent" ? !/^\d{1,19}$/.test(key) : !UUID.test(key)) return null;
  return { type: type as NodeType, key };
}

/** Decodes an ID that must be of `type`; BAD_USER_INPUT otherwise. */
export function fromGlobalId(id: string, type: NodeType, field = "id"): string {
  const parsed = parseGlobalId(id);
  if (!parsed || parsed.type !== type) {
    throw new DomainError("BAD_USER_INPUT", `${field} is not a valid ${type} id`, { field });
  }
  return parsed.key;
}

export function encodeCursor(parts: readonly (string | number)[]): string {
  return base64url(JSON.stringify(parts));
}

export function decodeCursor(cursor: string, shape: readonly ("string" | "number")[]): (string | number)[] {
  const bad = () => new DomainError("BAD_USER_INPUT", "after is not a valid cursor (use an endCursor or cursor this API returned)", { field: "after" });
  if (typeof cursor !== "string" || cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parts: unknown;
  try {
    parts = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parts) || parts.length !== shape.length || parts.some((p, i) => typeof p !== shape[i])) throw bad();
  return parts as (string | number)[];
}

/** `first` for a page: default 50, at most 200 (issue 10's limit), at least 0. */
export function pageSize(first: number | null | undefined, fallback = 50, max = 200): number {
  if (first === null || first === undefined) return fallback;
  if (!Number.isInteger(first) || first < 0 || first > max) {
    throw new DomainError("BAD_USER_INPUT", `first must be between 0 and ${max}`, { field: "first" });
  }
  return first;
}
