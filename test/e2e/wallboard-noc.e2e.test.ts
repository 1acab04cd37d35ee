/**
 * The NOC wallboard in real Chromium against a server with a simulated clock: live
 * incidents, countdowns by the server's clock (not the browser's), amber then red,
 * alerts, percentages, disconnect banner and resync, no scrollbars, screenshots.
 */
import fs from "node:fs";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launch, needChromium } from "../helpers/browser.js";
import { ROOT } from "../helpers/harness.js";
import { restartableServer, type RestartableServer } from "../helpers/restartable.js";
import { openIncident, seedHistory, setClockTo } from "../helpers/wallboardSeed.js";

const run = needChromium();
const built = fs.existsSync(path.join(ROOT, "wallboard/dist/index.html"));
export const SHOTS = path.join(ROOT, "test-results/wallboard");

describe.runIf(run)("NOC wallboard (simulated clock, real Chromium)", () => {
  let s: RestartableServer;
  let browser: Browser;
  let key: string;
  let watched: { number: string } | null = null;
  const errors: string[] = [];
  /** Network errors Chromium logs while the server is down on purpose. */
  let outage = false;
  const pages: Page[] = [];

  function track(page: Page): Page {
    pages.push(page);
    page.on("console", (m) => {
      if (m.type() !== "error") return;
      if (outage && /ERR_CONNECTION_REFUSED|WebSocket connection|Failed to load resource|Failed to fetch/i.test(m.text())) return;
      errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    return page;
  }

  const board = (query = "") => `${s.url}/${query}#key=${key}`;
  const row = (page: Page, number: string) => page.locator(`[data-testid="incident-row"][data-number="${number}"]`);
  async function connected(page: Page) {
    await page.locator('[data-testid="connection-state"]', { hasText: /^connected$/ }).waitFor({ timeout: 15_000 });
  }
  async function waitFor(page: Page, fn: () => Promise<boolean>, what: string, ms = 10_000) {
    const deadline = Date.now() + ms;
    while (!(await fn())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await page.waitForTimeout(100);
    }
  }

  beforeAll(async () => {
    if (!built) throw new Error("wallboard/dist is missing: run `pnpm build` first");
    fs.mkdirSync(SHOTS, { recursive: true });
    s = await restartableServer({ CLOCK_MODE: "simulated", CLOCK_START: "2025-05-30T08:00:00Z" });
    key = (await s.admin.ok(`mutation { createApiKey(input: { name: "noc wall", role: DISPLAY }) { secret } }`)).createApiKey.secret;
    await seedHistory(s.admin);
    browser = await launch();
    console.log(`wallboard screenshots: ${SHOTS}`);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await s?.dispose();
  });

  it("shows an incident opened through the API, counting down from the server's time", async () => {
    const page = track(await browser.newPage({ viewport: { width: 1920, height: 1080 } }));
    await page.goto(board("?products=NET"));
    await connected(page);
    await page.getByTestId("no-incidents").waitFor({ timeout: 10_000 });
    expect(await page.getByTestId("board-filter").textContent()).toContain("NET");
    expect(await page.getByTestId("server-time").textContent()).toBe("13:25:00");

    watched = await openIncident(s.admin, "CRITICAL", "NET", "Core router down in DC-1");
    await row(page, watched.number).waitFor({ timeout: 3_000 });
    // CRITICAL: first response due in 30 min; the simulated clock stands still (rate 0).
    expect(await row(page, watched.number).getAttribute("data-tone")).toBe("onTrack");
    expect(await row(page, watched.number).getByTestId("countdown").textContent()).toBe("30:00");
    // Incidents of other products stay off this team's board.
    expect(await page.getByTestId("incident-row").count()).toBe(1);
  });

  it("does not move the countdowns when the browser's own clock is hours off", async () => {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = track(await context.newPage());
    await page.clock.setSystemTime(Date.now() + 5 * 3_600_000);
    await page.goto(board("?products=NET"));
    await connected(page);
    const countdown = row(page, watched!.number).getByTestId("countdown");
    await countdown.waitFor();
    expect(await countdown.textContent()).toBe("30:00");
    expect(await page.getByTestId("server-time").textContent()).toBe("13:25:00");
    await page.clock.setSystemTime(Date.now() - 3 * 3_600_000);
    await page.waitForTimeout(2_500);
    expect(await countdown.textContent()).toBe("30:00");
    expect(await page.getByTestId("server-time").textContent()).toBe("13:25:00");
    expect(await page.evaluate(() => new Date().getUTCHours())).not.toBe(new Date().getUTCHours());
    await context.close();
  });

  it("turns the countdown amber, then red, raises the alerts and moves the percentages as the clock advances", async () => {
    const page = pages[0];
    const r = row(page, watched!.number);
    const fr24 = page.getByTestId("fr-24h-value");
    const before = await fr24.textContent();

    await setClockTo(s.admin, "2025-06-02T13:48:00Z"); // at risk from 13:47:30 (75 % of 30 min)
    await waitFor(page, async () => (await r.getAttribute("data-tone")) === "atRisk", "amber");
    await waitFor(page, async () => (await r.getByTestId("countdown").textContent()) === "7:00", "7:00 left");
    await page.locator(`[data-testid="alert"][data-kind="AT_RISK"][data-number="${watched!.number}"]`).waitFor({ timeout: 5_000 });
    expect(await page.getByTestId("server-time").textContent()).toBe("13:48:00");
    await page.screenshot({ path: path.join(SHOTS, "team-board-at-risk.png") });

    await setClockTo(s.admin, "2025-06-02T13:56:00Z"); // due 13:55
    await waitFor(page, async () => (await r.getAttribute("data-tone")) === "overdue", "red");
    await waitFor(page, async () => (await r.getByTestId("countdown").textContent()) === "+1:00", "+1:00 overdue");
    await page.locator(`[data-testid="alert"][data-kind="BREACHED"][data-number="${watched!.number}"]`).waitFor({ timeout: 5_000 });
    await waitFor(page, async () => (await fr24.textContent()) !== before, `first response 24 h to move from ${before}`);
    expect(await page.getByTestId("fr-24h").getAttribute("data-verdict")).toBe("misses");
    expect(await page.getByTestId("overdue-count").textContent()).toContain("1 overdue");
    await page.screenshot({ path: path.join(SHOTS, "team-board-overdue.png") });
  });

  for (const [name, width, height] of [
    ["1080p", 1920, 1080],
    ["4k", 3840, 2160],
  ] as const) {
    it(`fits ${width}×${height} without scrollbars (screenshot ${name})`, async () => {
      const page = track(await browser.newPage({ viewport: { width, height } }));
      await page.goto(board());
      await connected(page);
      await page.locator('[data-testid="incident-row"]').first().waitFor({ timeout: 10_000 });
      await page.locator(".trend .recharts-line").first().waitFor({ timeout: 10_000 });
      await page.locator('[data-testid="alert"]').first().waitFor({ timeout: 10_000 });
      const overflow = await page.evaluate(() => {
        const out: string[] = [];
        for (const el of [document.documentElement, document.body]) {
          if (el.scrollWidth > el.clientWidth || el.scrollHeight > el.clientHeight) out.push(`${el.tagName} ${el.scrollWidth}×${el.scrollHeight} > ${el.clientWidth}×${el.clientHeight}`);
        }
        for (const el of document.querySelectorAll<HTMLElement>("*")) {
          const style = getComputedStyle(el);
          const scrolls = /(auto|scroll)/.test(style.overflowX + style.overflowY);
          if (scrolls && (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1)) out.push(`${el.className} scrolls`);
        }
        const panels = [...document.querySelectorAll<HTMLElement>(".panel, .status-bar, .board__header")];
        for (const p of panels) {
          const r = p.getBoundingClientRect();
          if (r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5) out.push(`${p.className} outside the screen`);
        }
        return out;
      });
      expect(overflow).toEqual([]);
      // Overdue first: the first row on the first page is overdue.
      expect(await page.getByTestId("incident-row").first().getAttribute("data-tone")).toBe("overdue");
      const file = path.join(SHOTS, `wallboard-${name}.png`);
      await page.screenshot({ path: file });
      console.log(`screenshot: ${file}`);
      await page.close();
    });
  }

  it("shows a banner while the server is down, then resyncs without duplicates or gaps", async () => {
    const page = pages[0];
    await connected(page);
    outage = true;
    await s.stop();
    const banner = page.getByTestId("liveness-banner");
    await banner.waitFor({ timeout: 15_000 });
    expect(await banner.getAttribute("data-kind")).toBe("disconnected");
    await waitFor(page, async () => /Disconnected for [2-9] s/.test((await banner.textContent()) ?? ""), "the banner to count the outage", 10_000);
    await page.screenshot({ path: path.join(SHOTS, "team-board-disconnected.png") });

    await s.start();
    await connected(page);
    await banner.waitFor({ state: "detached", timeout: 15_000 });
    outage = false;

    // After the restart: a new incident arrives live, and the board matches the server's own list.
    const late = await openIncident(s.admin, "HIGH", "NET", "Packet loss on the MPLS link");
    await row(page, late.number).waitFor({ timeout: 5_000 });
    const onPage = await page.getByTestId("incident-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-number")));
    expect(new Set(onPage).size).toBe(onPage.length);
    const api = await s.admin.ok(`{ wallboard(filter: { productCodes: ["NET"] }) { urgent(first: 100) { number } } }`);
    expect([...onPage].sort()).toEqual(api.wallboard.urgent.map((u: { number: string }) => u.number).sort());
  }, 90_000);

  it("logged no console errors", () => {
    expect(errors).toEqual([]);
  });
});
