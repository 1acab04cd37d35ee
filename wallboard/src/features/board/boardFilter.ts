import { LEVELS, SEVERITIES, type BoardFilter, type Severity, type SupportLevel, type UrgentIncident } from "./types";

/**
 * One board per team: the address chooses products, levels and severities, e.g.
 * `/?products=ERP,CRM&levels=L1&severities=CRITICAL,HIGH#key=…`. The parameters may also
 * sit in the fragment next to the key (`#key=…&levels=L1`); the query string wins.
 * Lists are comma-separated; unknown levels or severities are ignored and reported.
 */
export interface ParsedFilter {
  filter: BoardFilter;
  /** Values that were ignored, e.g. "levels=L9". */
  ignored: string[];
}

function splitList(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(",")
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function paramsOf(search: string, hash: string): (name: string) => string | null {
  const query = new URLSearchParams(search.startsWith("?") ? search.slice(1) : search);
  const fragment = new URLSearchParams(hash.startsWith("#") ? hash.slice(1) : hash);
  return (name) => {
    for (const alias of ALIASES[name] ?? [name]) {
      const v = query.get(alias) ?? fragment.get(alias);
      if (v !== null) return v;
    }
    return null;
  };
}

const ALIASES: Record<string, string[]> = {
  products: ["products", "product", "productCodes"],
  levels: ["levels", "level"],
  severities: ["severities", "severity"],
};

export function parseBoardFilter(search: string, hash = ""): ParsedFilter {
  const get = paramsOf(search, hash);
  const ignored: string[] = [];
  const products = [...new Set(splitList(get("products")))];
  const levels: SupportLevel[] = [];
  for (const raw of splitList(get("levels"))) {
    const v = raw.toUpperCase();
    if ((LEVELS as readonly string[]).includes(v)) {
      if (!levels.includes(v as SupportLevel)) levels.push(v as SupportLevel);
    } else ignored.push(`levels=${raw}`);
  }
  const severities: Severity[] = [];
  for (const raw of splitList(get("severities"))) {
    const v = raw.toUpperCase();
    if ((SEVERITIES as readonly string[]).includes(v)) {
      if (!severities.includes(v as Severity)) severities.push(v as Severity);
    } else ignored.push(`severities=${raw}`);
  }
  const filter: BoardFilter = {};
  if (products.length) filter.productCodes = products;
  if (levels.length) filter.levels = LEVELS.filter((l) => levels.includes(l));
  if (severities.length) filter.severities = SEVERITIES.filter((s) => severities.includes(s));
  return { filter, ignored };
}

/** Whether an incident belongs on a board with this filter (empty lists mean "all"). */
export function matchesFilter(filter: BoardFilter, incident: Pick<UrgentIncident, "severity" | "level" | "product">): boolean {
  if (filter.productCodes?.length && !filter.productCodes.includes(incident.product.code)) return false;
  if (filter.levels?.length && !filter.levels.includes(incident.level)) return false;
  if (filter.severities?.length && !filter.severities.includes(incident.severity)) return false;
  return true;
}

/** "ERP, CRM · L1 · Critical, High", or "All products · all levels · all severities". */
export function describeFilter(filter: BoardFilter): string {
  const cap = (s: string) => s.charAt(0) + s.slice(1).toLowerCase();
  return [
    filter.productCodes?.length ? filter.productCodes.join(", ") : "All products",
    filter.levels?.length ? filter.levels.join(", ") : "all levels",
    filter.severities?.length ? filter.severities.map(cap).join(", ") : "all severities",
  ].join(" · ");
}
