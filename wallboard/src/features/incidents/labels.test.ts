import { describe, expect, it } from "vitest";
import { formatAge, severityWord, statusWord } from "./labels";

const opened = "2025-03-04T10:00:00.000Z";
const at = (iso: string) => Date.parse(iso);

describe("formatAge", () => {
  it("shows minutes, hours and days compactly", () => {
    expect(formatAge(opened, at("2025-03-04T10:00:59.999Z"))).toBe("<1m");
    expect(formatAge(opened, at("2025-03-04T10:01:00.000Z"))).toBe("1m");
    expect(formatAge(opened, at("2025-03-04T10:59:59.000Z"))).toBe("59m");
    expect(formatAge(opened, at("2025-03-04T13:07:00.000Z"))).toBe("3h 07m");
    expect(formatAge(opened, at("2025-03-06T14:00:00.000Z"))).toBe("2d 04h");
  });

  it("never goes negative and answers null without both instants", () => {
    expect(formatAge(opened, at("2025-03-04T09:59:00.000Z"))).toBe("<1m");
    expect(formatAge(opened, null)).toBeNull();
    expect(formatAge("garbage", Date.now())).toBeNull();
  });
});

describe("words", () => {
  it("names severities and statuses, passing unknown values through", () => {
    expect(severityWord("CRITICAL")).toBe("Critical");
    expect(statusWord("PENDING_CUSTOMER")).toBe("Waiting on customer");
    expect(severityWord("NEW_ONE")).toBe("NEW_ONE");
  });
});
