import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createSchema, printSorted } from "../server/src/graphql/schema.js";
import { ROOT } from "./helpers/harness.js";

describe("schema/schema.graphql", () => {
  it("is exactly what the code prints (run `pnpm schema:print` after changing the schema)", async () => {
    const committed = fs.readFileSync(path.join(ROOT, "schema/schema.graphql"), "utf8");
    expect(printSorted(await createSchema())).toBe(committed);
  });
});
