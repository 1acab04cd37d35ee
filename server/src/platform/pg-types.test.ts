import { describe, expect, it } from "vitest";
import fc from "fast-check";
import pg from "pg";
import { fastTimestamptz, pgTypes } from "./pg-types.js";

const reference = pg.types.getTypeParser(1184, "text") as (value: string) => Date;
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

describe("timestamptz parsing", () => {
  it("equals pg's own parser on every shape PostgreSQL prints", () => {
    const text = fc
      .record({
        y: fc.integer({ min: 1000, max: 9999 }),
        mo: fc.integer({ min: 1, max: 12 }),
        d: fc.integer({ min: 1, max: 28 }),
        h: fc.integer({ min: 0, max: 23 }),
        mi: fc.integer({ min: 0, max: 59 }),
        s: fc.integer({ min: 0, max: 59 }),
        frac: fc.option(fc.stringMatching(/^[0-9]{1,6}$/), { nil: undefined }),
        sign: fc.constantFrom("+", "-"),
        oh: fc.integer({ min: 0, max: 14 }),
        om: fc.option(fc.constantFrom(0, 30, 45), { nil: undefined }),
      })
      .map(({ y, mo, d, h, mi, s, frac, sign, oh, om }) => `${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${pad(mi)}:${pad(s)}${frac ? `.${frac}` : ""}${sign}${pad(oh)}${om === undefined ? "" : `:${pad(om)}`}`);
    fc.assert(
      fc.property(text, (s) => {
        const fast = fastTimestamptz(s);
        return fast !== null && fast.getTime() === reference(s).getTime();
      }),
      { numRuns: 20_000 },
    );
  });

  it("leaves every other shape to pg's parser, through the pool's types", () => {
    const parse = pgTypes.getTypeParser(1184, "text") as (value: string) => unknown;
    for (const s of ["infinity", "-infinity", "0044-03-15 12:00:00+00 BC", "12345-01-01 00:00:00+00", "2025-01-01 00:00:00+05:30:15", "0099-01-01 00:00:00+00"]) {
      expect(fastTimestamptz(s)).toBeNull();
      expect(parse(s)).toEqual(reference(s));
    }
    expect(parse("2025-03-04 10:30:00.5+00")).toEqual(new Date("2025-03-04T10:30:00.500Z"));
    // other types are pg's
    expect(pgTypes.getTypeParser(20, "text")).toBe(pg.types.getTypeParser(20, "text"));
  });
});
