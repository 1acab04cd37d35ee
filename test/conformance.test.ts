/**
 * Integrators use stock clients; the server must work with them unmodified:
 *  - graphql-http's GraphQL-over-HTTP audit: no MUST failure (Apollo's CSRF prevention stays
 *    on: the audit's requests carry `apollo-require-preflight`, and the API key);
 *  - the stock graphql-ws client, urql (@urql/core: fetchExchange + subscriptionExchange over
 *    graphql-ws) and Apollo Client (HttpLink + GraphQLWsLink): query, mutation, subscription;
 *  - automatic persisted queries (extensions.persistedQuery): hash only → PERSISTED_QUERY_NOT_FOUND,
 *    hash and query → registered, hash only → answered, over POST and GET.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditServer } from "graphql-http";
import { createClient as createWsClient } from "graphql-ws";
import WebSocket from "ws";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition } from "@apollo/client/utilities";
// @urql/core is a dependency of the wallboard only
import { Client as UrqlClient, fetchExchange, subscriptionExchange } from "../wallboard/node_modules/@urql/core/dist/urql-core.mjs";
import { ADMIN_KEY, collect, seed, settle, startServer, wsClient, type TestServer } from "./helpers/harness.js";

let s: TestServer;
let ops: Awaited<ReturnType<typeof seed>>;
let wsUrl: string;

beforeAll(async () => {
  s = await startServer();
  ops = await seed(s.admin);
  wsUrl = `${s.url.replace(/^http/, "ws")}/graphql`;
});
afterAll(async () => s?.close());

const OPEN = `mutation Open($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id number status } } }`;
const openInput = (title: string) => ({
  i: { title, description: "Stock client check", productCode: "ERP", channel: "WEB", severity: "NORMAL", requester: { name: "Client Check", email: "client.check@example.com" } },
});
const EVENTS = `subscription Events($id: ID) { incidentEvents(incidentId: $id) { sequence type incident { id } } }`;

async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what}: nothing within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(t);
  }
}

describe("GraphQL over HTTP (graphql-http audit)", () => {
  it("passes every MUST of the GraphQL-over-HTTP spec with CSRF prevention on", async () => {
    const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${ADMIN_KEY}`);
      headers.set("apollo-require-preflight", "true");
      return fetch(input, { ...init, headers });
    };
    const results = await auditServer({ url: `${s.url}/graphql`, fetchFn });
    const errors = results.filter((r) => r.status === "error");
    const warnings = results.filter((r) => r.status === "warn" || r.status === "notice");
    const ok = results.filter((r) => r.status === "ok").length;
    console.log(
      `[graphql-http audit] ${results.length} audits: ${ok} ok, ${warnings.length} warnings/notices, ${errors.length} errors\n` +
        warnings.map((r) => `  ${r.status.toUpperCase()} ${r.name}: ${"reason" in r ? r.reason : ""}`).join("\n"),
    );
    const mustFailures = results.filter((r) => r.status !== "ok" && r.name.startsWith("MUST"));
    expect(mustFailures.map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`)).toEqual([]);
    expect(errors.map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`)).toEqual([]);
  });

  it("keeps CSRF prevention on: a simple (non-preflighted) GET query is refused", async () => {
    const res = await fetch(`${s.url}/graphql?query=${encodeURIComponent("{ now }")}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(400);
    const ok = await fetch(`${s.url}/graphql?query=${encodeURIComponent("{ now }")}`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "true" } });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as any).data.now).toBeTruthy();
  });
});

describe("stock clients", () => {
  it("graphql-ws: query, mutation and subscription", async () => {
    const client = wsClient(s.url, ADMIN_KEY);
    try {
      const once = <T>(query: string, variables?: Record<string, unknown>) =>
        new Promise<T>((resolve, reject) => {
          let data: T;
          client.subscribe<T>({ query, variables }, { next: (v) => (v.errors ? reject(new Error(JSON.stringify(v.errors))) : (data = v.data as T)), error: reject, complete: () => resolve(data) });
        });
      expect((await once<any>(`{ now }`)).now).toMatch(/Z$/);
      const opened = await once<any>(OPEN, openInput("via graphql-ws"));
      const id = opened.openIncident.incident.id;
      const sub = collect(client, EVENTS, { id });
      await settle(500);
      await once(`mutation($id: ID!) { addComment(input: { incidentId: $id, body: "hi", visibility: PUBLIC }) { id } }`, { id });
      const items = await sub.until(1, 15_000);
      expect(items[0].incidentEvents.incident.id).toBe(id);
      sub.dispose();
    } finally {
      await client.dispose();
    }
  });

  it("urql (@urql/core with fetchExchange and a graphql-ws subscriptionExchange): query, mutation and subscription", async () => {
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN_KEY}` }, retryAttempts: 0 });
    const client = new UrqlClient({
      url: `${s.url}/graphql`,
      // urql sends queries as GET by default: the preflight header lets them past CSRF prevention
      fetchOptions: { headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "true" } },
      requestPolicy: "network-only",
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request: any) => ({
            subscribe: (sink: any) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
          }),
        }),
      ],
    });
    try {
      const q = await client.query(`{ now products { code } }`, {}).toPromise();
      expect(q.error).toBeUndefined();
      expect(q.data.products.map((p: any) => p.code)).toContain("ERP");
      const m = await client.mutation(OPEN, openInput("via urql")).toPromise();
      expect(m.error).toBeUndefined();
      const id = m.data.openIncident.incident.id;
      const got: any[] = [];
      const { unsubscribe } = client.subscription(EVENTS, { id }).subscribe((r: any) => {
        if (r.error) got.push({ error: r.error });
        else got.push(r.data);
      });
      await settle(700);
      await s.admin.ok(`mutation($id: ID!) { addComment(input: { incidentId: $id, body: "via urql", visibility: PUBLIC }) { id } }`, { id });
      const deadline = Date.now() + 15_000;
      while (got.length === 0 && Date.now() < deadline) await settle(50);
      unsubscribe();
      expect(got[0]?.error).toBeUndefined();
      expect(got[0]?.incidentEvents?.incident.id).toBe(id);
    } finally {
      await ws.dispose();
    }
  });

  it("Apollo Client (HttpLink + GraphQLWsLink): query, mutation and subscription", async () => {
    const ws = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${ADMIN_KEY}` }, retryAttempts: 0 });
    const link = ApolloLink.split(
      ({ query }) => {
        const d = getMainDefinition(query);
        return d.kind === "OperationDefinition" && d.operation === "subscription";
      },
      new GraphQLWsLink(ws),
      new HttpLink({ uri: `${s.url}/graphql`, headers: { authorization: `Bearer ${ADMIN_KEY}` } }),
    );
    const client = new ApolloClient({ link, cache: new InMemoryCache() });
    try {
      const q = await client.query<any>({ query: gql`query Products { products { id code } }`, fetchPolicy: "network-only" });
      expect(q.data.products.map((p: any) => p.code)).toContain("ERP");
      const m = await client.mutate<any>({ mutation: gql(OPEN), variables: openInput("via Apollo Client") });
      const id = m.data.openIncident.incident.id;
      expect(m.data.openIncident.incident.status).toBe("NEW");
      const first = new Promise<any>((resolve, reject) => {
        const sub = client.subscribe<any>({ query: gql(EVENTS), variables: { id } }).subscribe({
          next: (r) => {
            if (r.error) reject(r.error);
            else if (r.data) {
              sub.unsubscribe();
              resolve(r.data);
            }
          },
          error: reject,
        });
      });
      await settle(700);
      await s.admin.ok(`mutation($id: ID!) { addComment(input: { incidentId: $id, body: "via apollo", visibility: PUBLIC }) { id } }`, { id });
      const ev = await within(first, 15_000, "Apollo Client subscription");
      expect(ev.incidentEvents.incident.id).toBe(id);
    } finally {
      client.stop();
      await ws.dispose();
    }
  });
});

describe("automatic persisted queries", () => {
  const post = async (body: unknown) => {
    const res = await fetch(`${s.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN_KEY}` }, body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it("hash only → PERSISTED_QUERY_NOT_FOUND; hash and query → answered and kept; hash only → answered (POST)", async () => {
    const query = `query Apq($c: String) { incidents(first: 3, filter: { productCode: $c }) { totalCount } now }`;
    const ext = { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") } };
    const miss = await post({ extensions: ext, variables: { c: "ERP" } });
    expect(miss.body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    const register = await post({ query, extensions: ext, variables: { c: "ERP" } });
    expect(register.body.errors).toBeUndefined();
    expect(typeof register.body.data.incidents.totalCount).toBe("number");
    const hit = await post({ extensions: ext, variables: { c: "ERP" } });
    expect(hit.status).toBe(200);
    expect(hit.body.errors).toBeUndefined();
    expect(hit.body.data.incidents.totalCount).toBe(register.body.data.incidents.totalCount);
  });

  it("works over GET with the preflight header, and refuses a hash that does not match the query", async () => {
    const query = `{ products { code } }`;
    const hash = createHash("sha256").update(query).digest("hex");
    const get = (params: Record<string, string>) =>
      fetch(`${s.url}/graphql?${new URLSearchParams(params)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}`, "apollo-require-preflight": "true" } }).then(async (r) => ({
        status: r.status,
        body: (await r.json()) as any,
      }));
    const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });
    expect((await get({ extensions })).body.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");
    expect((await get({ extensions, query })).body.data.products.length).toBeGreaterThan(0);
    expect((await get({ extensions })).body.data.products.length).toBeGreaterThan(0);
    const wrong = await post({ query: `{ now }`, extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } });
    expect(wrong.body.errors?.[0]?.extensions?.code).toBe("BAD_REQUEST");
  });
});
