import { describe, expect, it } from "vitest";
import { boardUrlExample, readDisplayKey } from "./displayKey";

describe("readDisplayKey", () => {
  it("reads the key from the fragment", () => {
    expect(readDisplayKey("#key=abc123")).toBe("abc123");
    expect(readDisplayKey("key=abc123")).toBe("abc123");
  });

  it("finds the key among other fragment parameters", () => {
    expect(readDisplayKey("#team=l1&key=s3cret&x=1")).toBe("s3cret");
  });

  it("keeps '+', '/' and '=' of base64 secrets and decodes percent-escapes", () => {
    expect(readDisplayKey("#key=ab+c/d==")).toBe("ab+c/d==");
    expect(readDisplayKey("#key=a%2Bb%3D")).toBe("a+b=");
  });

  it("keeps a malformed escape as written", () => {
    expect(readDisplayKey("#key=abc%E0")).toBe("abc%E0");
  });

  it("answers null when there is no usable key", () => {
    expect(readDisplayKey("")).toBeNull();
    expect(readDisplayKey("#")).toBeNull();
    expect(readDisplayKey("#key=")).toBeNull();
    expect(readDisplayKey("#key=%20%20")).toBeNull();
    expect(readDisplayKey("#keys=abc")).toBeNull();
    expect(readDisplayKey("#token=abc")).toBeNull();
  });
});

describe("boardUrlExample", () => {
  it("puts the key in the fragment, never the query string", () => {
    const url = boardUrlExample("https://noc.example.com");
    expect(url).toBe("https://noc.example.com/#key=<DISPLAY key secret>");
    expect(url).not.toContain("?");
  });
});
