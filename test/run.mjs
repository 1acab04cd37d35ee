#!/usr/bin/env node
// The test command (`pnpm test`): builds, runs the pure domain suite under three process
// time zones (results must not depend on TZ), then every suite, and closes with one
// "N passed, N failed, N skipped" line. Exit status is non-zero when anything failed.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } });
  return r.status ?? 1;
};

if (!process.argv.includes("--no-build")) {
  if (run("pnpm", ["build"]) !== 0) {
    console.log("0 passed, 1 failed");
    process.exit(1);
  }
}

const out = fs.mkdtempSync(path.join(os.tmpdir(), "atalaya-vitest-"));
const phases = [
  { name: "domain, TZ=UTC", tz: "UTC", args: ["--project", "domain"] },
  { name: "domain, TZ=America/New_York", tz: "America/New_York", args: ["--project", "domain"] },
  { name: "all suites, TZ=Australia/Lord_Howe", tz: "Australia/Lord_Howe", args: [] },
];
let passed = 0;
let failed = 0;
let skipped = 0;
let status = 0;
for (const [i, phase] of phases.entries()) {
  console.log(`\n=== ${phase.name} ===`);
  const file = path.join(out, `phase-${i}.json`);
  const code = run("pnpm", ["exec", "vitest", "run", ...phase.args, "--reporter=default", "--reporter=json", `--outputFile.json=${file}`], { TZ: phase.tz });
  if (code !== 0) status = code;
  try {
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + r.numTodoTests;
    if (r.numTotalTests === 0) status ||= 1;
  } catch {
    failed += 1;
    status ||= 1;
  }
}
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(status);
