import { describe, expect, it } from "vitest";
import { graphqlEndpoints } from "./endpoints";

describe("graphqlEndpoints", () => {
  it("uses ws:// next to an http page, keeping the port", () => {
    expect(graphqlEndpoints({ protocol: "http:", host: "localhost:4000" })).toEqual({
      http: "http://localhost:4000/graphql",
      ws: "ws://localhost:4000/graphql",
    });
  });

  it("uses wss:// next to an https page", () => {
    expect(graphqlEndpoints({ protocol: "https:", host: "noc.example.com" })).toEqual({
      http: "https://noc.example.com/graphql",
      ws: "wss://noc.example.com/graphql",
    });
  });
});
