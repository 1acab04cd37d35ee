import fs from "node:fs";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, needChromium } from "../helpers/browser.js";
import { ROOT, seed, startServer, type TestServer } from "../helpers/harness.js";

const run = needChromium();
const built = fs.existsSync(path.join(ROOT, "wallboard/dist/index.html"));

describe.runIf(run)("wallboard in real Chromium", () => {
  let s: TestServer;
  let browser: Browser;
  let displayKey: string;

  beforeAll(async () => {
    if (!built) throw new Error("wallboard/dist is missing: run `pnpm build` first");
    s = await startServer();
    displayKey = (await s.admin.ok(`mutation { createApiKey(input: { name: "wall", role: DISPLAY }) { secret } }`)).createApiKey.secret;
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await s?.close();
  });

  it("shows an incident opened through the API within 2 s, without a reload", async () => {
    const ops = await seed(s.admin);
    await ops.open({ title: "Already open before the board loaded" });
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(String(e)));
    let navigations = 0;
    page.on("framenavigated", (f) => f === page.mainFrame() && navigations++);
    await page.goto(`${s.url}/#key=${displayKey}`);
    await page.getByTestId("connection-state").filter({ hasText: "connected" }).waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="incident-row"]').first().waitFor({ timeout: 10_000 });
    const before = await page.locator('[data-testid="incident-row"]').count();

    const opened = await ops.open({ title: "Router on fire", severity: "CRITICAL", channel: "PHONE" });
    const number = opened.openIncident.incident.number;
    const started = Date.now();
    await page.locator(`[data-testid="incident-row"][data-number="${number}"]`).waitFor({ timeout: 2_000 + 1_000 /* slack for a shared machine */ });
    const took = Date.now() - started;
    expect(await page.locator('[data-testid="incident-row"]').count()).toBe(before + 1);
    expect(navigations).toBe(1);
    expect(await page.getByTestId("server-time").textContent()).toMatch(/\d{2}:\d{2}:\d{2}/);
    expect(errors).toEqual([]);
    console.log(`wallboard showed ${number} ${took} ms after openIncident returned`);
    await page.close();
  });

  it("tells a person how to open the board when the key is missing, and rejects a bad key", async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}/`);
    await expect(page.locator("body")).toBeTruthy();
    await page.getByText("#key=", { exact: false }).first().waitFor({ timeout: 5_000 });
    await page.goto(`${s.url}/#key=atk_wrong`);
    await page.reload();
    await page.getByText(/key rejected|unknown or revoked/i).first().waitFor({ timeout: 10_000 });
    await page.close();
  });
});
