import { describe, expect, it } from "vitest";
import { describeError, isAuthCloseCode, isUnauthenticated } from "./errors";

const unauth = { message: "API key rejected", extensions: { code: "UNAUTHENTICATED" } };
const forbidden = { message: "not allowed", extensions: { code: "FORBIDDEN" } };

describe("isUnauthenticated", () => {
  it("sees UNAUTHENTICATED in a CombinedError-like object", () => {
    expect(isUnauthenticated({ graphQLErrors: [unauth] })).toBe(true);
    expect(isUnauthenticated({ graphQLErrors: [forbidden, unauth] })).toBe(true);
  });

  it("sees it in a raw execution result and in a graphql-ws error array", () => {
    expect(isUnauthenticated({ errors: [unauth] })).toBe(true);
    expect(isUnauthenticated([unauth])).toBe(true);
  });

  it("sees an HTTP 401 without a GraphQL body", () => {
    expect(isUnauthenticated({ graphQLErrors: [], networkError: new Error("Unauthorized"), response: { status: 401 } })).toBe(true);
  });

  it("sees WebSocket closes 4401 and 4403, also wrapped as a network error", () => {
    expect(isUnauthenticated({ code: 4401, reason: "Unauthorized" })).toBe(true);
    expect(isUnauthenticated({ code: 4403, reason: "Forbidden" })).toBe(true);
    expect(isUnauthenticated({ graphQLErrors: [], networkError: { code: 4403, reason: "Forbidden" } })).toBe(true);
    expect(isAuthCloseCode(4401)).toBe(true);
    expect(isAuthCloseCode(1006)).toBe(false);
  });

  it("does not mistake other failures for a rejected key", () => {
    expect(isUnauthenticated(undefined)).toBe(false);
    expect(isUnauthenticated({ graphQLErrors: [forbidden] })).toBe(false);
    expect(isUnauthenticated({ graphQLErrors: [], networkError: new Error("Failed to fetch") })).toBe(false);
    expect(isUnauthenticated({ code: 1006, reason: "" })).toBe(false);
    expect(isUnauthenticated({ graphQLErrors: [], response: { status: 503 } })).toBe(false);
    expect(isUnauthenticated([{ message: "boom" }])).toBe(false);
  });
});

describe("describeError", () => {
  it("names GraphQL messages, network errors and close events", () => {
    expect(describeError({ graphQLErrors: [unauth, forbidden] })).toBe("API key rejected; not allowed");
    expect(describeError({ graphQLErrors: [], networkError: new Error("Failed to fetch") })).toBe("Failed to fetch");
    expect(describeError({ code: 1006, reason: "" })).toBe("connection closed (1006)");
    expect(describeError({ code: 4500, reason: "boom" })).toBe("connection closed (4500: boom)");
    expect(describeError(null)).toBe("");
  });
});
