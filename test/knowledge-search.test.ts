/**
 * searchKnowledge on a fixed bilingual corpus, with the expected top results: Spanish and
 * English stemming, accents ignored both ways, title above body, product filter, typo
 * tolerance, highlighting; and hostile queries (never a 500). CI runs this file on embedded
 * PGlite and on PostgreSQL 15 (DATABASE_URL): the same SQL on both.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type Gql, type TestServer } from "./helpers/harness.js";
import { agent, customer, roleKey } from "./helpers/desk.js";

let s: TestServer;
const ids: Record<string, string> = {};

const CORPUS: Array<{ key: string; title: string; body: string; products: string[]; tags?: string[]; status?: "DRAFT" | "RETIRED" }> = [
  { key: "printerEs", title: "La impresora no imprime", body: "Si la impresora de la oficina no imprime, vacíe la cola de impresión y compruebe el tóner.", products: ["OFFICE"], tags: ["hardware"] },
  { key: "printerEn", title: "Printer shows offline", body: "When the printer appears offline, power-cycle it and add it again in Windows settings.", products: ["OFFICE"] },
  { key: "mail", title: "Configuración del correo en Outlook", body: "Pasos para configurar la cuenta de correo electrónico en Outlook: servidor IMAP, puerto 993.", products: [] },
  { key: "vpn", title: "Reset your VPN password", body: "If the VPN rejects your password, reset it from the self-service portal.", products: [] },
  { key: "invoiceEs", title: "Factura duplicada en el ERP", body: "Cuando una factura aparece duplicada, anule la segunda desde Contabilidad > Facturas.", products: ["ERP"] },
  { key: "invoiceEn", title: "Invoice export to CSV stops halfway", body: "Large invoice exports stop at 50 %; export by month instead.", products: ["ERP"] },
  { key: "password", title: "Contraseña caducada", body: "Su contraseña caduca cada 90 días. Cámbiela desde el portal de autoservicio.", products: [] },
  { key: "wifi", title: "Wi-Fi de invitados", body: "La red wifi de invitados se llama ACME-Guest; pida la clave en recepción.", products: [] },
  { key: "scanner", title: "Guía de escáneres", body: "El escáner comparte bandeja con la impresora: retire el papel antes de escanear.", products: ["OFFICE"] },
  { key: "draft", title: "Impresoras láser: guía interna", body: "Borrador sobre impresoras láser.", products: [], status: "DRAFT" },
  { key: "retired", title: "Antigua impresora matricial", body: "La impresora matricial ya no existe.", products: [], status: "RETIRED" },
];

beforeAll(async () => {
  s = await startServer();
  for (const code of ["OFFICE", "ERP"]) await s.admin.ok(`mutation($c: String!) { createProduct(code: $c, name: $c) { id } }`, { c: code });
  for (const a of CORPUS) {
    const d = await s.admin.ok(`mutation($i: ArticleInput!) { createArticle(input: $i) { id status } }`, {
      i: { title: a.title, body: a.body, productCodes: a.products, tags: a.tags ?? [] },
    });
    expect(d.createArticle.status).toBe("DRAFT");
    ids[a.key] = d.createArticle.id;
    if (a.status !== "DRAFT") await s.admin.ok(`mutation($id: ID!) { publishArticle(id: $id) { status } }`, { id: ids[a.key] });
    if (a.status === "RETIRED") await s.admin.ok(`mutation($id: ID!) { retireArticle(id: $id) { status } }`, { id: ids[a.key] });
  }
});
afterAll(async () => s?.close());

const SEARCH = `query($q: String!, $p: String, $f: Int) { searchKnowledge(query: $q, productCode: $p, first: $f) { score highlight article { id title status } } }`;

async function search(q: string, productCode: string | null = null, gql: Gql = s.admin): Promise<Array<{ score: number; highlight: string | null; article: { id: string; title: string } }>> {
  return (await gql.ok(SEARCH, { q, p: productCode, f: 10 })).searchKnowledge;
}
const keysOf = (hits: Array<{ article: { id: string } }>) => hits.map((h) => Object.keys(ids).find((k) => ids[k] === h.article.id));

describe("bilingual corpus: expected top results", () => {
  it.each([
    ["impresoras", "printerEs"], // Spanish plural finds the singular
    ["IMPRESORA", "printerEs"],
    ["printers", "printerEn"], // English plural finds the singular
    ["printer offline", "printerEn"],
    ["configuracion correo", "mail"], // no accents in the query, accents in the article
    ["configuración", "mail"],
    ["contrasena caducada", "password"],
    ["CONTRASEÑA", "password"],
    ["facturas duplicadas", "invoiceEs"],
    ["invoices export", "invoiceEn"],
    ["vpn password", "vpn"],
    ["impresión", "printerEs"], // accented query, body word
  ])("%s → %s first", async (q, expected) => {
    const hits = await search(q);
    expect(keysOf(hits)[0]).toBe(expected);
  });

  it("ranks a title match above a body-only match", async () => {
    const hits = keysOf(await search("impresora"));
    expect(hits.indexOf("printerEs")).toBeLessThan(hits.indexOf("scanner"));
    expect(hits).toContain("scanner");
  });

  it("finds only published articles (no drafts, no retired)", async () => {
    const hits = keysOf(await search("impresora láser matricial"));
    expect(hits).not.toContain("draft");
    expect(hits).not.toContain("retired");
  });

  it("tolerates typos in words the articles contain (pg_trgm)", async () => {
    expect(keysOf(await search("imprsora"))[0]).toBe("printerEs");
    expect(keysOf(await search("outlok"))[0]).toBe("mail");
    expect(keysOf(await search("facura duplicda"))[0]).toBe("invoiceEs");
    expect(keysOf(await search("wfi"))[0]).toBe("wifi");
  });

  it("filters by product: that product's articles and those of every product", async () => {
    const erp = keysOf(await search("factura impresora correo", "ERP"));
    expect(erp).toContain("invoiceEs");
    expect(erp).toContain("mail"); // every product
    expect(erp).not.toContain("printerEs"); // OFFICE only
    const office = keysOf(await search("factura impresora", "OFFICE"));
    expect(office).not.toContain("invoiceEs");
    const bad = await s.admin.request(SEARCH, { q: "factura", p: "NOPE" });
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("scores from 0 to 1, best first, and highlights the matched words keeping accents", async () => {
    const hits = await search("impresion toner");
    expect(hits.length).toBeGreaterThan(0);
    for (const h of hits) expect(h.score).toBeGreaterThan(0), expect(h.score).toBeLessThanOrEqual(1);
    expect([...hits.map((h) => h.score)].sort((a, b) => b - a)).toEqual(hits.map((h) => h.score));
    expect(hits[0].highlight).toContain("<b>impresión</b>");
    expect(hits[0].highlight).toContain("<b>tóner</b>");
    const en = await search("printers");
    expect(en[0].highlight).toContain("<b>printer</b>");
  });

  it("escapes the article's markup in the highlight", async () => {
    const d = await s.admin.ok(`mutation($i: ArticleInput!) { createArticle(input: $i) { id } }`, {
      i: { title: "Etiquetas HTML", body: "Escriba <script>alert(1)</script> zanahoria & apio", productCodes: [] },
    });
    await s.admin.ok(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id: d.createArticle.id });
    const [hit] = await search("zanahoria");
    expect(hit.highlight).not.toContain("<script>");
    expect(hit.highlight).toContain("&lt;script&gt;");
    expect(hit.highlight).toContain("<b>zanahoria</b>");
  });
});

describe("hostile queries: a clear BAD_USER_INPUT or a normal answer, never a 500", () => {
  const hostile = [
    "&",
    "|",
    "!",
    "( )",
    ":*",
    "'",
    "''",
    "impresora & | ! ( ) : * '",
    "impresora:* & !printer",
    "'impresora' | 'printer'",
    "\\",
    "\u0000impresora",
    "<->",
    "a <2> b",
    "$1",
    "'; DROP TABLE knowledge_article; --",
    "🙂 impresora 🙂",
    "ﬁ ½ ß Æ",
    "-".repeat(500),
    "x".repeat(3000),
  ];
  it.each(hostile.map((q) => [JSON.stringify(q).slice(0, 40), q]))("%s", async (_label, q) => {
    const r = await s.admin.request(SEARCH, { q, p: null, f: 10 });
    expect(r.status).toBe(200);
    if (r.errors) expect(r.errors[0].extensions?.code).toBe("BAD_USER_INPUT");
    else expect(Array.isArray(r.data.searchKnowledge)).toBe(true);
  });

  it("answers a 10,000-character query and refuses a longer one clearly", async () => {
    const words = "impresora printer factura correo ".repeat(400).slice(0, 10_000);
    const ok = await s.admin.request(SEARCH, { q: words, f: 10 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.searchKnowledge.length).toBeGreaterThan(0);
    const long = await s.admin.request(SEARCH, { q: words + "x", f: 10 });
    expect(long.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("refuses an empty query; answers nothing for a query without words", async () => {
    for (const q of ["", "   "]) {
      const r = await s.admin.request(SEARCH, { q, f: 10 });
      expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0].message).toMatch(/empty/);
    }
    expect(await search("&&& ||| !!!")).toEqual([]);
    expect(await search("the la el")).toEqual([]);
  });

  it("limits first", async () => {
    const r = await s.admin.request(SEARCH, { q: "impresora", f: 201 });
    expect(r.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
    expect((await s.admin.ok(SEARCH, { q: "impresora", f: 0 })).searchKnowledge).toEqual([]);
  });
});

describe("who may read articles (ACCESS.md)", () => {
  it("CUSTOMER and INTEGRATOR keys read published articles only; DISPLAY keys none", async () => {
    const c = await customer(s.admin);
    const integrator = await roleKey(s.admin, "INTEGRATOR");
    const display = await roleKey(s.admin, "DISPLAY");
    const q = `query($id: ID!) { knowledgeArticle(id: $id) { id title revisions { title } } }`;
    for (const gql of [c.gql, integrator]) {
      expect(keysOf(await search("impresora", null, gql))[0]).toBe("printerEs");
      expect((await gql.ok(q, { id: ids.printerEs })).knowledgeArticle.revisions).toEqual([]); // no internal history
      expect((await gql.ok(q, { id: ids.draft })).knowledgeArticle).toBeNull();
      expect((await gql.ok(q, { id: ids.retired })).knowledgeArticle).toBeNull();
      expect((await gql.ok(`query($id: ID!) { node(id: $id) { id } }`, { id: ids.draft })).node).toBeNull();
      const w = await gql.request(`mutation { createArticle(input: { title: "x", body: "y", productCodes: [] }) { id } }`);
      expect(w.errors?.[0].extensions?.code).toBe("FORBIDDEN");
    }
    expect((await display.request(SEARCH, { q: "impresora" })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await display.request(q, { id: ids.printerEs })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
  });

  it("AGENT keys read drafts, create and update; only ADMIN and LEAD keys publish and retire", async () => {
    const a = await agent(s.admin, "L1");
    const lead = await agent(s.admin, "L2", undefined, "LEAD");
    expect((await a.gql.ok(`query($id: ID!) { knowledgeArticle(id: $id) { status } }`, { id: ids.draft })).knowledgeArticle.status).toBe("DRAFT");
    const d = await a.gql.ok(`mutation { createArticle(input: { title: "Cola de impresión", body: "Versión 1", productCodes: ["OFFICE"], tags: ["Cola", "cola", " impresión "] }) { id status tags products { code } } }`);
    expect(d.createArticle).toMatchObject({ status: "DRAFT", tags: ["cola", "impresión"], products: [{ code: "OFFICE" }] });
    const id = d.createArticle.id;
    expect((await a.gql.request(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    await a.gql.ok(`mutation($id: ID!) { updateArticle(id: $id, input: { title: "Cola de impresión atascada", body: "Versión 2", productCodes: [] }) { id } }`, { id });
    const published = await lead.gql.ok(`mutation($id: ID!) { publishArticle(id: $id) { status revisions { title body editedBy { id } } } }`, { id });
    expect(published.publishArticle.status).toBe("PUBLISHED");
    expect(published.publishArticle.revisions.map((r: any) => r.body)).toEqual(["Versión 2", "Versión 1"]);
    expect(published.publishArticle.revisions[1].editedBy.id).toBe(a.id);
    const again = await lead.gql.request(`mutation($id: ID!) { publishArticle(id: $id) { id } }`, { id });
    expect(again.errors?.[0].extensions?.code).toBe("CONFLICT");
    expect(again.errors?.[0].message).toContain("Allowed now: update, retire");
    await lead.gql.ok(`mutation($id: ID!) { retireArticle(id: $id) { status } }`, { id });
    const edit = await a.gql.request(`mutation($id: ID!) { updateArticle(id: $id, input: { title: "x", body: "y", productCodes: [] }) { id } }`, { id });
    expect(edit.errors?.[0].extensions?.code).toBe("CONFLICT");
    const bad = await a.gql.request(`mutation { createArticle(input: { title: "x", body: "y", productCodes: ["NOPE"] }) { id } }`);
    expect(bad.errors?.[0].extensions?.code).toBe("BAD_USER_INPUT");
  });
});
