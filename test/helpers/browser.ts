/** Real Chromium (Debian's package) driven by playwright-core; no browser download. */
import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";
import { base } from "./harness.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = fs.existsSync(CHROMIUM);

export function needChromium(): boolean {
  if (hasChromium) return true;
  if (base.ci) throw new Error(`Chromium is required under CI=true (${CHROMIUM}; .ci/run installs Debian's chromium)`);
  console.warn(`[skipped] ${CHROMIUM} not installed: browser tests are skipped (apt-get install chromium; CI runs them)`);
  return false;
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
    ],
  });
}
