/**
 * `pnpm demo`: the product on a simulated clock, playing a busy support day at 60× speed
 * (the clock advances a minute every second) so a person can watch the wallboard come
 * alive on a fresh machine. It drives the real GraphQL API, as integrators and agents would:
 * incidents across products, severities and channels; replies, pauses, escalations,
 * resolutions; and neglected ones that breach and escalate by themselves.
 */
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { startApp } from "./app.js";
import { loadConfig } from "./platform/config.js";
import { createLogger } from "./platform/logger.js";

const base = loadConfig();
const dataDir = path.join(base.dataDir, "demo");
if (!base.databaseUrl) fs.rmSync(dataDir, { recursive: true, force: true });
const adminKey = base.adminApiKey ?? `demo-admin-${randomBytes(12).toString("hex")}`;
const day = new Date();
const start = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 7, 0, 0));
const config = {
  ...base,
  dataDir,
  adminApiKey: adminKey,
  clockMode: "simulated" as const,
  clockStart: start,
  logLevel: base.logLevel === "info" ? ("warn" as const) : base.logLevel,
};
const app = await startApp(config, createLogger(config.logLevel));

async function gql<T = any>(query: string, variables?: Record<string, unknown>, key = adminKey): Promise<T> {
  const res = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: Array<{ message: string; extensions?: { code?: string } }> };
  if (body.errors?.length) {
    const err = new Error(body.errors[0].message) as Error & { code?: string };
    err.code = body.errors[0].extensions?.code;
    throw err;
  }
  return body.data as T;
}

// A seeded generator: the same day plays the same way.
let seed = 20_251_125;
const rand = () => ((seed = (seed * 1_664_525 + 1_013_904_223) >>> 0) / 2 ** 32);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

const products = [
  ["ERP", "ERP suite"],
  ["CRM", "CRM cloud"],
  ["POS", "Point of sale"],
  ["NET", "Corporate network"],
] as const;
for (const [code, name] of products) await gql(`mutation($c: String!, $n: String!) { createProduct(code: $c, name: $n) { id } }`, { c: code, n: name }).catch(() => undefined);
const agents: Record<string, string[]> = { L1: [], L2: [], L3: [] };
for (const [i, level] of ["L1", "L1", "L1", "L2", "L2", "L3"].entries()) {
  const d = await gql(`mutation($i: AgentInput!) { createAgent(input: $i) { id } }`, {
    i: { name: `Agent ${i + 1} (${level})`, email: `agent${i + 1}@atalaya.example`, level, lead: i === 3 },
  }).catch(() => null);
  if (d) agents[level].push(d.createAgent.id);
}
const display = (await gql(`mutation { createApiKey(input: { name: "demo wallboard", role: DISPLAY }) { secret } }`)).createApiKey.secret;

const titles = [
  "La impresora de facturación no imprime",
  "Cannot log in after password reset",
  "Checkout freezes when paying by card",
  "VPN drops every few minutes",
  "El informe mensual sale vacío",
  "Sync with the mobile app is failing",
  "Database backup job failed overnight",
  "Slow response on the orders screen",
  "Error 500 al exportar clientes",
  "Label printer prints blank labels",
];
const customers = ["Ana Pérez", "Luis Gómez", "Marta Ruiz", "John Smith", "Chen Wei", "Sofía Díaz", "Pedro Alves", "Emma Brown"];

interface Planned {
  at: number;
  run: () => Promise<unknown>;
}
const plan: Planned[] = [];
const later = (minutes: number, run: () => Promise<unknown>) => plan.push({ at: now + minutes * 60_000, run });
let now = start.getTime();

async function openOne(): Promise<void> {
  const severity = rand() < 0.15 ? "CRITICAL" : rand() < 0.45 ? "HIGH" : "NORMAL";
  const name = pick(customers);
  const d = await gql(`mutation($i: OpenIncidentInput!) { openIncident(input: $i) { incident { id number } } }`, {
    i: {
      title: pick(titles),
      description: "Reported by the customer; see the conversation for details.",
      productCode: pick(products)[0],
      channel: severity === "CRITICAL" ? pick(["PHONE", "PHONE", "EMAIL"]) : pick(["EMAIL", "WEB", "PHONE"]),
      severity,
      requester: { name, email: `${name.toLowerCase().replace(/[^a-z]+/g, ".")}@customer.example`, organization: pick(["ACME", "Globex", "Initech", "Umbrella"]) },
    },
  });
  const id = d.openIncident.incident.id as string;
  const fate = rand();
  const targetMinutes = severity === "CRITICAL" ? 30 : severity === "HIGH" ? 120 : 240;
  if (fate < 0.12) return; // neglected: the product breaches and escalates it by itself
  const replyAfter = Math.max(2, Math.round(targetMinutes * (fate < 0.22 ? 1.2 : rand() * 0.8)));
  later(replyAfter, () => gql(`mutation($i: AddCommentInput!) { addComment(input: $i) { id } }`, { i: { incidentId: id, body: "We are looking into it.", visibility: "PUBLIC", channel: "EMAIL" } }));
  const level1 = agents.L1.length ? agents.L1[Math.floor(rand() * agents.L1.length)] : null;
  if (level1) later(replyAfter + 1, () => gql(`mutation($i: ID!, $a: ID!) { assignIncident(incidentId: $i, agentId: $a) { id } }`, { i: id, a: level1 }));
  const next = rand();
  if (next < 0.2) {
    later(replyAfter + 20, () => gql(`mutation($i: ID!) { waitForCustomer(incidentId: $i) { id } }`, { i: id }));
    later(replyAfter + 20 + Math.round(30 + rand() * 180), () => gql(`mutation($i: ID!) { resumeIncident(incidentId: $i) { id } }`, { i: id }));
  } else if (next < 0.35) {
    later(replyAfter + 30, () => gql(`mutation($i: EscalateIncidentInput!) { escalateIncident(input: $i) { id } }`, { i: { incidentId: id, reason: "No known solution: needs L2" } }));
  }
  if (rand() < 0.75) {
    later(replyAfter + Math.round(60 + rand() * 400), () => gql(`mutation($i: ResolveIncidentInput!) { resolveIncident(input: $i) { id } }`, { i: { incidentId: id, summary: "Fixed; please confirm." } }));
  }
}

// A few already running when the day starts.
for (let i = 0; i < 6; i++) await openOne();

const board = `${app.url.replace("127.0.0.1", "localhost")}/#key=${display}`;
process.stdout.write(
  [
    "",
    "Atalaya demo: a busy support day at 60× speed (one simulated minute every second).",
    `  wallboard: ${board}`,
    `  GraphQL:   ${app.url}/graphql  (administrator key: ${adminKey})`,
    "  Ctrl-C to stop.",
    "",
  ].join("\n") + "\n",
);

let stopping = false;
const timer = setInterval(() => {
  void (async () => {
    now += 60_000;
    const hour = new Date(now).getUTCHours();
    const busy = hour >= 8 && hour < 19 ? 0.16 : 0.04; // incidents per simulated minute
    await gql(`mutation { advanceClock(seconds: 60) }`);
    if (rand() < busy) await openOne();
    const due = plan.filter((p) => p.at <= now);
    for (const p of due) {
      plan.splice(plan.indexOf(p), 1);
      // a refused move (already resolved, escalated past L3…) is part of a real day
      await p.run().catch(() => undefined);
    }
  })().catch((err: unknown) => {
    if (!stopping) console.error("demo step failed:", err instanceof Error ? err.message : err);
  });
}, 1_000);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    stopping = true;
    clearInterval(timer);
    void app.close().then(() => process.exit(0));
  });
}
