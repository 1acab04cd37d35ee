// Runs every bench/*.bench.mjs in sequence (or only those named on the command
// line: `node bench/run.mjs sla-clocks`), each in its own Node process so one
// benchmark's JIT state and heap never colour another's, and prints their output.
// Exits non-zero when any benchmark does (a missed target, a missing build).
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const all = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs"))
  .sort();
const wanted = process.argv.slice(2);
const selected = wanted.length === 0 ? all : all.filter((f) => wanted.some((w) => f === w || f === `${w}.bench.mjs` || f.replace(/\.bench\.mjs$/, "") === w));
const unknown = wanted.filter((w) => !all.some((f) => f === w || f === `${w}.bench.mjs`));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${all.map((f) => f.replace(/\.bench\.mjs$/, "")).join(", ")}`);
  process.exit(2);
}

let failed = 0;
for (const file of selected) {
  console.log(`\n▶ ${file}`);
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(here, file)], { stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed++;
    console.log(`✗ ${file} exited with ${r.status ?? r.signal} after ${seconds} s`);
  } else console.log(`✓ ${file} (${seconds} s)`);
}
if (failed > 0) process.exitCode = 1;
