/**
 * Recurring incidents: which incidents not yet linked to a problem look like the same
 * underlying fault. Two incidents belong together when they are of the same product and their
 * texts are similar, or when they were resolved with the same knowledge article; groups are
 * the connected components of that relation (so A~B and B~C put A, B and C together).
 * Pure: no I/O, deterministic for a given input order.
 */

/** What the rule needs of an incident. */
export interface RecurrenceCandidate {
  readonly id: string;
  readonly productId: string;
  readonly title: string;
  readonly description: string;
  readonly resolutionArticleId: string | null;
  /** Epoch milliseconds. */
  readonly openedAt: number;
}

export interface RecurrenceGroup {
  /** The group's most frequent product. */
  readonly productId: string;
  /** Oldest first. */
  readonly incidentIds: string[];
  readonly suggestedTitle: string;
}

export interface RecurrenceOptions {
  /** Smallest group reported (at least 2). */
  readonly minCount: number;
  /** Title similarity (Jaccard of significant words) that links two incidents; default 0.5. */
  readonly titleThreshold?: number;
  /** Similarity of title and description words together that links two incidents; default 0.35. */
  readonly textThreshold?: number;
}

// Words that say nothing about the fault, in the seed's two languages.
const STOP = new Set(
  (
    "the a an and or of to in on at for with from by is are was were be been it its this that not no does do did can cannot " +
    "cant dont doesnt has have had my our your we i you he she they them there when since after before again any all but " +
    "el la los las un una unos unas y o de del al en con por para sin que se es son fue no ni lo le les mi mis su sus " +
    "nuestro desde cuando como pero hay muy mas ya este esta esto estos estas ese esa eso otra otro problema error issue"
  ).split(" "),
);

/**
 * The significant words of a text: lower case, accents removed, stop words and words shorter
 * than three letters dropped, a plural -s/-es folded (so "impresoras" and "impresora" agree).
 */
export function significantWords(text: string): string[] {
  const words = text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && !STOP.has(w))
    .map(fold);
  return [...new Set(words)];
}

function fold(w: string): string {
  if (w.length > 5 && w.endsWith("es")) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith("s") && !w.endsWith("ss")) return w.slice(0, -1);
  return w;
}

/**
 * The comparison keys of a text: its significant words cut to five letters, a crude stem
 * that serves both languages ("imprime"/"imprimen", "printer"/"printers"/"printing").
 */
export function wordKeys(text: string): string[] {
  return [...new Set(significantWords(text).map((w) => w.slice(0, 5)))];
}

/** Jaccard similarity of two word sets (0 when both are empty). */
export function jaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const sa = new Set(a);
  let common = 0;
  for (const w of new Set(b)) if (sa.has(w)) common++;
  return common / (sa.size + new Set(b).size - common);
}

/**
 * Groups recurring incidents. Incidents are compared pairwise within a product (quadratic in
 * the incidents of one product in the window: the caller bounds the window).
 *
 * @param incidents - candidates not linked to any problem
 * @param options - the smallest group and the similarity thresholds
 * @returns groups of at least `minCount` incidents, largest first (then oldest first)
 */
export function findRecurring(incidents: readonly RecurrenceCandidate[], options: RecurrenceOptions): RecurrenceGroup[] {
  const minCount = Math.max(2, options.minCount);
  const titleT = options.titleThreshold ?? 0.5;
  const textT = options.textThreshold ?? 0.35;
  const sorted = [...incidents].sort((a, b) => a.openedAt - b.openedAt || (a.id < b.id ? -1 : 1));
  const n = sorted.length;
  const parent = sorted.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (i: number, j: number) => {
    const a = find(i);
    const b = find(j);
    if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
  };
  const titles = sorted.map((i) => wordKeys(i.title));
  const texts = sorted.map((i, k) => [...new Set([...titles[k], ...wordKeys(i.description)])]);

  const byArticle = new Map<string, number>();
  const byProduct = new Map<string, number[]>();
  sorted.forEach((inc, i) => {
    if (inc.resolutionArticleId) {
      const first = byArticle.get(inc.resolutionArticleId);
      if (first === undefined) byArticle.set(inc.resolutionArticleId, i);
      else union(first, i);
    }
    byProduct.set(inc.productId, [...(byProduct.get(inc.productId) ?? []), i]);
  });
  for (const members of byProduct.values()) {
    for (let x = 0; x < members.length; x++) {
      for (let y = x + 1; y < members.length; y++) {
        const i = members[x];
        const j = members[y];
        if (jaccard(titles[i], titles[j]) >= titleT || jaccard(texts[i], texts[j]) >= textT) union(i, j);
      }
    }
  }

  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) groups.set(find(i), [...(groups.get(find(i)) ?? []), i]);
  return [...groups.values()]
    .filter((g) => g.length >= minCount)
    .sort((a, b) => b.length - a.length || a[0] - b[0])
    .map((g) => ({
      productId: mostFrequent(g.map((i) => sorted[i].productId)),
      incidentIds: g.map((i) => sorted[i].id),
      suggestedTitle: suggestTitle(g.map((i) => sorted[i].title)),
    }));
}

function mostFrequent(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best = values[0];
  for (const v of values) if ((counts.get(v) ?? 0) > (counts.get(best) ?? 0)) best = v;
  return best;
}

/**
 * A title for the problem a group suggests: the words of the oldest title that at least half
 * the group's titles share (original spelling kept); the oldest title itself when fewer than
 * two words are shared.
 *
 * @param titles - the group's titles, oldest first
 */
export function suggestTitle(titles: readonly string[]): string {
  const first = titles[0] ?? "";
  const sets = titles.map((t) => new Set(wordKeys(t)));
  const shared = first
    .split(/\s+/)
    .filter((w) => {
      const [key] = wordKeys(w);
      if (!key) return false;
      return sets.filter((s) => s.has(key)).length * 2 >= titles.length;
    })
    .map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ""));
  const unique = [...new Map(shared.map((w) => [w.toLowerCase(), w])).values()];
  if (unique.length < 2) return first.trim();
  const text = unique.join(" ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}
