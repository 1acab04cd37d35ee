import { describe, expect, it } from "vitest";
import { SequenceWindow } from "./sequenceWindow";

describe("SequenceWindow", () => {
  it("accepts a sequence once and drops its duplicates", () => {
    const w = new SequenceWindow();
    expect(w.add("101")).toBe(true);
    expect(w.add("102")).toBe(true);
    expect(w.add("101")).toBe(false);
    expect(w.add("102")).toBe(false);
    expect(w.size).toBe(2);
  });

  it("remembers the last new sequence in delivery order, not numeric order", () => {
    const w = new SequenceWindow();
    expect(w.last).toBeNull();
    w.add("102");
    w.add("101"); // delivered later (another transaction committed first): it is the resume point
    expect(w.last).toBe("101");
    w.add("102"); // a duplicate does not move it
    expect(w.last).toBe("101");
  });

  it("treats sequences as strings: no precision loss beyond 2^53, no numeric equality", () => {
    const w = new SequenceWindow();
    expect(w.add("9007199254740993")).toBe(true);
    expect(w.add("9007199254740992")).toBe(true); // equal as JavaScript numbers, distinct events
    expect(w.add("0101")).toBe(true);
    expect(w.add("101")).toBe(true);
  });

  it("stays bounded, forgetting the oldest first", () => {
    const w = new SequenceWindow(3);
    for (const s of ["1", "2", "3", "4"]) w.add(s);
    expect(w.size).toBe(3);
    expect(w.has("1")).toBe(false);
    expect(w.has("2")).toBe(true);
    expect(w.add("4")).toBe(false);
    expect(w.last).toBe("4");
  });
});
