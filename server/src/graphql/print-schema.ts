/** Writes schema/schema.graphql from the code (`pnpm schema:print`). */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createSchema, printSorted } from "./schema.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? "../../../../.." : "../../..");
const target = path.join(root, "schema", "schema.graphql");
fs.writeFileSync(target, printSorted(await createSchema()));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
