import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

// One graphql module for every importer: type-graphql, Apollo and the tests must share
// a realm ("Cannot use GraphQLSchema from another module or realm" otherwise).
const require = createRequire(import.meta.url);
const graphqlEntry = require.resolve("graphql/index.js", { paths: [new URL("./server", import.meta.url).pathname] });

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlEntry }] },
  test: {
    projects: [
      {
        extends: true,
        test: { name: "domain", include: ["server/src/**/*.test.ts", "wallboard/src/**/*.test.ts"], environment: "node" },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
