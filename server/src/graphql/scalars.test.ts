import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { DateTimeScalar, isoInstant } from "./scalars.js";

const MIN = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
const MAX = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z

describe("DateTime printing", () => {
  it("prints every instant of years 0–9999 exactly as Date#toISOString", () => {
    fc.assert(fc.property(fc.integer({ min: MIN, max: MAX }), (ms) => isoInstant(ms) === new Date(ms).toISOString()), { numRuns: 20_000 });
    for (const ms of [MIN, MAX, 0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000 /* 2000-02-29 */]) {
      expect(isoInstant(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it("serialises Dates and ISO strings, falls back to the native form outside 0–9999, and refuses what is not an instant", () => {
    expect(DateTimeScalar.serialize(new Date("2025-03-04T10:30:00.5Z"))).toBe("2025-03-04T10:30:00.500Z");
    expect(DateTimeScalar.serialize("2025-03-04T10:30:00+01:00")).toBe("2025-03-04T09:30:00.000Z");
    expect(DateTimeScalar.serialize(new Date(8.64e15))).toBe("+275760-09-13T00:00:00.000Z");
    expect(DateTimeScalar.serialize(new Date(MIN - 1))).toBe("-000001-12-31T23:59:59.999Z");
    expect(() => DateTimeScalar.serialize(new Date(NaN))).toThrow(TypeError);
    expect(() => DateTimeScalar.serialize("not a date")).toThrow(TypeError);
  });
});
