import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { DomainError } from "../errors.js";
import { BusinessCalendar, calendarKey, compileCalendar, UTC_24X7_CALENDAR, type CalendarDefinition } from "./calendar.js";
import { addWorkingTime, durationText, validateDuration, workingTimeBetween } from "./duration.js";
import { NY_24X7, NY_OFFICE, at, iso } from "./testing.js";

const HOUR = 3_600_000;
const MIN = 60_000;

function refusal(def: unknown): DomainError {
  try {
    new BusinessCalendar(def as CalendarDefinition);
  } catch (e) {
    if (e instanceof DomainError) return e;
    throw e;
  }
  throw new Error("calendar was accepted");
}

describe("calendar validation refuses with BAD_USER_INPUT and a clear message", () => {
  const ok = { day: 1, start: "09:00", end: "17:00" };
  it.each([
    ["an unknown time zone", { timeZone: "Mars/Olympus", spans: [ok] }, /Unknown time zone "Mars\/Olympus"/],
    ["an empty time zone", { timeZone: "", spans: [ok] }, /Unknown time zone/],
    ["a span that ends before it starts", { timeZone: "UTC", spans: [{ day: 1, start: "18:00", end: "09:00" }] }, /ends before it starts/],
    ["an empty span (end = start)", { timeZone: "UTC", spans: [{ day: 2, start: "09:00", end: "09:00" }] }, /ends before it starts/],
    ["overlapping spans", { timeZone: "UTC", spans: [{ day: 3, start: "09:00", end: "13:00" }, { day: 3, start: "12:00", end: "18:00" }] }, /Spans overlap on Wednesday: 09:00–13:00 and 12:00–18:00/],
    ["no working time", { timeZone: "UTC", spans: [] }, /no working time/],
    ["a malformed time", { timeZone: "UTC", spans: [{ day: 1, start: "9:00", end: "17:00" }] }, /start "9:00" is not a time/],
    ["24:00 as a start", { timeZone: "UTC", spans: [{ day: 1, start: "24:00", end: "24:00" }] }, /not a time/],
    ["a day outside 1–7", { timeZone: "UTC", spans: [{ day: 8, start: "09:00", end: "17:00" }] }, /day must be 1 \(Monday\) to 7/],
    ["a holiday that is not a date", { timeZone: "UTC", spans: [ok], holidays: ["2025-02-30"] }, /Holiday "2025-02-30" is not a date/],
  ])("refuses %s", (_label, def, message) => {
    const e = refusal(def);
    expect(e.code).toBe("BAD_USER_INPUT");
    expect(e.message).toMatch(message);
  });

  it("accepts adjacent spans and a span ending at 24:00", () => {
    const cal = new BusinessCalendar({
      timeZone: "Europe/Madrid",
      spans: [
        { day: 1, start: "09:00", end: "12:00" },
        { day: 1, start: "12:00", end: "24:00" },
        { day: 2, start: "00:00", end: "02:00" },
      ],
    });
    // Monday 23:00 + 2 h walks through midnight into Tuesday's span.
    expect(iso(cal.addWorkingMs(at("2025-06-02T23:00:00+02:00"), 2 * HOUR))).toBe(iso(at("2025-06-03T01:00:00+02:00")));
    expect(cal.workingMsBetween(at("2025-06-02T00:00:00+02:00"), at("2025-06-04T00:00:00+02:00"))).toBe(17 * HOUR);
  });

  it("memoises compiled calendars by content", () => {
    const a = compileCalendar({ ...NY_OFFICE });
    const b = compileCalendar({ ...NY_OFFICE, spans: NY_OFFICE.spans.map((s) => ({ ...s })) });
    expect(a).toBe(b);
    expect(compileCalendar(a)).toBe(a);
  });

  it("shares one compiled calendar exactly between definitions with the same content key", () => {
    const span = (day: number) => fc.record({ day: fc.constant(day), start: fc.constantFrom("08:00", "09:00"), end: fc.constantFrom("17:00", "18:00") });
    const def = fc.record({
      timeZone: fc.constantFrom("UTC", "America/New_York", "Europe/Madrid"),
      // one span a day (overlapping spans are refused)
      spans: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 3 }).chain((days) => fc.tuple(...days.map(span))),
      holidays: fc.array(fc.constantFrom("2025-12-25", "2026-01-01", "2026-01-06"), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(def, def, (a, b) => {
        const same = calendarKey(a) === calendarKey(b);
        // fresh copies each time, as rows read from the database are
        const ca = compileCalendar(JSON.parse(JSON.stringify(a)));
        const cb = compileCalendar(JSON.parse(JSON.stringify(b)));
        return (ca === cb) === same;
      }),
      { numRuns: 2_000 },
    );
    // a definition changed after it was compiled does not change what its content was matched against
    const mutable = { timeZone: "Europe/Madrid", spans: [{ day: 1, start: "09:00", end: "17:00" }], holidays: ["2026-03-19"] };
    const first = compileCalendar(mutable);
    mutable.holidays.push("2026-04-02");
    expect(compileCalendar({ timeZone: "Europe/Madrid", spans: [{ day: 1, start: "09:00", end: "17:00" }], holidays: ["2026-03-19"] })).toBe(first);
  });
});

describe("minutes of working time", () => {
  it("worked example 2: HIGH on NY opened Thu 2025-07-03 16:30, 2 h → Mon 2025-07-07 09:30 (Friday is a holiday)", () => {
    const due = addWorkingTime(NY_OFFICE, at("2025-07-03T16:30:00-04:00"), { minutes: 120 });
    expect(iso(due)).toBe(iso(at("2025-07-07T09:30:00-04:00")));
  });

  it("worked example 4: 8 h from Tue 2025-06-10 10:00 on NY → Wed 09:00", () => {
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-06-10T10:00:00-04:00"), { minutes: 480 }))).toBe(iso(at("2025-06-11T09:00:00-04:00")));
  });

  it.each([
    ["before the day's first span (06:00)", "2025-06-10T06:00:00-04:00", "2025-06-10T08:30:00-04:00"],
    ["on a Saturday", "2025-06-14T10:00:00-04:00", "2025-06-16T08:30:00-04:00"],
    ["exactly at the end of a span (17:00)", "2025-06-10T17:00:00-04:00", "2025-06-11T08:30:00-04:00"],
    ["in the evening", "2025-06-10T20:15:00-04:00", "2025-06-11T08:30:00-04:00"],
  ])("a clock started %s counts from the next working instant", (_l, start, due) => {
    expect(iso(addWorkingTime(NY_OFFICE, at(start), { minutes: 30 }))).toBe(iso(at(due)));
  });

  it("a due that falls exactly at the end of a span stays there (17:00, not 08:00 next day)", () => {
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-06-10T16:00:00-04:00"), { minutes: 60 }))).toBe(iso(at("2025-06-10T17:00:00-04:00")));
  });

  it("holidays hold no working time", () => {
    expect(workingTimeBetween(NY_OFFICE, at("2025-07-03T00:00:00-04:00"), at("2025-07-08T00:00:00-04:00"))).toBe(18 * HOUR);
    expect(compileCalendar(NY_OFFICE).isWorking(at("2025-07-04T10:00:00-04:00"))).toBe(false);
  });

  it("on 24×7 UTC minutes are wall time (fast path)", () => {
    const cal = compileCalendar(UTC_24X7_CALENDAR);
    expect(cal.allTime && cal.utc).toBe(true);
    const t = at("2025-06-02T14:00:00Z");
    expect(addWorkingTime(cal, t, { minutes: 30 })).toBe(t + 30 * MIN);
    expect(workingTimeBetween(cal, t, t + 5 * HOUR)).toBe(5 * HOUR);
  });

  it("daylight saving on a 24×7 calendar in New York: minutes stay wall time across both changes", () => {
    // Spring forward (2025-03-09 02:00 EST → 03:00 EDT): 4 h from 23:00 EST lands at 04:00 EDT.
    expect(iso(addWorkingTime(NY_24X7, at("2025-03-08T23:00:00-05:00"), { minutes: 240 }))).toBe(iso(at("2025-03-09T04:00:00-04:00")));
    // Fall back (2025-11-02 02:00 EDT → 01:00 EST): 4 h from 23:00 EDT lands at 02:00 EST.
    expect(iso(addWorkingTime(NY_24X7, at("2025-11-01T23:00:00-04:00"), { minutes: 240 }))).toBe(iso(at("2025-11-02T02:00:00-05:00")));
    expect(workingTimeBetween(NY_24X7, at("2025-03-08T12:00:00-05:00"), at("2025-03-09T12:00:00-04:00"))).toBe(23 * HOUR);
    expect(workingTimeBetween(NY_24X7, at("2025-11-01T12:00:00-04:00"), at("2025-11-02T12:00:00-05:00"))).toBe(25 * HOUR);
  });

  it("daylight saving on an office calendar: a weekend change costs no working time", () => {
    // Fri 16:00 EST + 2 h → Mon 09:00 EDT (1 h Friday, 1 h Monday).
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-03-07T16:00:00-05:00"), { minutes: 120 }))).toBe(iso(at("2025-03-10T09:00:00-04:00")));
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-10-31T16:00:00-04:00"), { minutes: 120 }))).toBe(iso(at("2025-11-03T09:00:00-05:00")));
  });

  it("a span crossing a daylight-saving change counts real time: 01:00–04:00 lasts 2 h in spring and 4 h in autumn", () => {
    const night: CalendarDefinition = { timeZone: "America/New_York", spans: [{ day: 7, start: "01:00", end: "04:00" }] };
    const day = (d: string) => workingTimeBetween(night, at(`${d}T00:00:00Z`), at(`${d}T23:59:00Z`) + 12 * HOUR);
    expect(day("2025-03-02")).toBe(3 * HOUR);
    expect(day("2025-03-09")).toBe(2 * HOUR);
    expect(day("2025-11-02")).toBe(4 * HOUR);
    // The span's start is the first occurrence of 01:00 (EDT).
    expect(iso(compileCalendar(night).spansOn("2025-11-02")[0][0])).toBe("2025-11-02T05:00:00.000Z");
  });
});

describe("N working days", () => {
  it("worked example 3: Fri 2025-03-07 15:00 + 1 working day → Mon 2025-03-10 15:00 EDT (19:00Z, not 20:00Z)", () => {
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-03-07T15:00:00-05:00"), { workingDays: 1 }))).toBe("2025-03-10T19:00:00.000Z");
  });

  it("the same local time on the N-th following working day, skipping weekends and holidays", () => {
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-07-03T10:00:00-04:00"), { workingDays: 1 }))).toBe(iso(at("2025-07-07T10:00:00-04:00")));
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-06-09T09:30:00-04:00"), { workingDays: 2 }))).toBe(iso(at("2025-06-11T09:30:00-04:00")));
  });

  it("moves the start to the next working instant first", () => {
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-06-14T12:00:00-04:00"), { workingDays: 1 }))).toBe(iso(at("2025-06-17T08:00:00-04:00")));
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-06-10T17:00:00-04:00"), { workingDays: 1 }))).toBe(iso(at("2025-06-12T08:00:00-04:00")));
  });

  it("daylight saving on an office calendar in autumn: Fri 15:00 EDT + 1 working day → Mon 15:00 EST (20:00Z)", () => {
    expect(iso(addWorkingTime(NY_OFFICE, at("2025-10-31T15:00:00-04:00"), { workingDays: 1 }))).toBe("2025-11-03T20:00:00.000Z");
  });

  const shortFriday: CalendarDefinition = {
    timeZone: "America/New_York",
    spans: [
      ...[1, 2, 3, 4].map((day) => ({ day, start: "08:00", end: "17:00" })),
      { day: 5, start: "08:00", end: "10:00" },
      { day: 5, start: "11:00", end: "12:00" },
      { day: 6, start: "13:00", end: "15:00" },
    ],
  };
  it.each([
    ["after the day's last span → end of that span", "2025-06-12T15:00:00-04:00", "2025-06-13T12:00:00-04:00"],
    ["between two spans → end of the span that starts before it", "2025-06-12T10:30:00-04:00", "2025-06-13T10:00:00-04:00"],
    ["inside a span → unchanged", "2025-06-12T11:30:00-04:00", "2025-06-13T11:30:00-04:00"],
    ["before every span → the day's first span start", "2025-06-13T09:00:00-04:00", "2025-06-14T13:00:00-04:00"],
  ])("a local time outside a shorter day's spans: %s", (_l, start, due) => {
    expect(iso(addWorkingTime(shortFriday, at(start), { workingDays: 1 }))).toBe(iso(at(due)));
  });

  it("on 24×7 UTC, N working days is N × 24 h", () => {
    const t = at("2025-03-08T17:00:00Z");
    expect(addWorkingTime(UTC_24X7_CALENDAR, t, { workingDays: 2 })).toBe(t + 48 * HOUR);
  });

  it("daylight saving on a 24×7 New York calendar: one working day is 23 h in spring and 25 h in autumn", () => {
    expect(iso(addWorkingTime(NY_24X7, at("2025-03-08T12:00:00-05:00"), { workingDays: 1 }))).toBe(iso(at("2025-03-09T12:00:00-04:00")));
    expect(iso(addWorkingTime(NY_24X7, at("2025-11-01T12:00:00-04:00"), { workingDays: 1 }))).toBe(iso(at("2025-11-02T12:00:00-05:00")));
  });

  it("a local time in the spring gap moves forward by the gap (02:30 → 03:30 EDT)", () => {
    expect(iso(addWorkingTime(NY_24X7, at("2025-03-08T02:30:00-05:00"), { workingDays: 1 }))).toBe(iso(at("2025-03-09T03:30:00-04:00")));
  });

  it("a local time that happens twice in the autumn means its first occurrence (01:30 EDT)", () => {
    expect(iso(addWorkingTime(NY_24X7, at("2025-11-01T01:30:00-04:00"), { workingDays: 1 }))).toBe(iso(at("2025-11-02T01:30:00-04:00")));
  });
});

describe("durations", () => {
  it.each([
    [{ minutes: 30 }, "30 minutes"],
    [{ minutes: 1 }, "1 minute"],
    [{ minutes: 60 }, "1 hour"],
    [{ minutes: 120 }, "2 hours"],
    [{ minutes: 90 }, "1 hour 30 minutes"],
    [{ minutes: 1440 }, "24 hours"],
    [{ workingDays: 1 }, "1 working day"],
    [{ workingDays: 2 }, "2 working days"],
  ])("durationText(%o) is %s", (d, text) => {
    expect(durationText(d)).toBe(text);
  });

  it.each([[{}], [{ minutes: 5, workingDays: 1 }], [{ minutes: 0 }], [{ minutes: 1.5 }], [{ workingDays: -1 }]])(
    "a duration needs exactly one positive whole amount: refuses %o",
    (d) => {
      expect(() => validateDuration(d, "firstResponse")).toThrow(DomainError);
    },
  );
});

describe("properties", () => {
  const calendars: Array<[string, CalendarDefinition]> = [
    ["NY office", NY_OFFICE],
    ["NY 24×7", NY_24X7],
    ["24×7 UTC", UTC_24X7_CALENDAR],
    ["Lord Howe office", { timeZone: "Australia/Lord_Howe", spans: [1, 2, 3, 4, 5].map((day) => ({ day, start: "09:00", end: "17:30" })), holidays: ["2025-04-06"] }],
  ];
  // 2024-01-01 … 2027-01-01, at millisecond precision.
  const instant = fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) });
  const minutes = fc.integer({ min: 1, max: 20_000 });

  it.each(calendars)("%s: workingTimeBetween(a, addWorkingTime(a, d)) = d for minute durations", (_n, cal) => {
    fc.assert(
      fc.property(instant, minutes, (a, m) => workingTimeBetween(cal, a, addWorkingTime(cal, a, { minutes: m })) === m * MIN),
      { numRuns: 300 },
    );
  });

  it.each(calendars)("%s: addWorkingTime is monotonic in the instant and in the duration (minutes)", (_n, cal) => {
    fc.assert(
      fc.property(instant, instant, minutes, minutes, (a, b, m, n) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        const [p, q] = m <= n ? [m, n] : [n, m];
        return addWorkingTime(cal, x, { minutes: p }) <= addWorkingTime(cal, y, { minutes: p }) && addWorkingTime(cal, x, { minutes: p }) <= addWorkingTime(cal, x, { minutes: q });
      }),
      { numRuns: 300 },
    );
  });

  it.each(calendars)("%s: working days are monotonic in the number of days, and a due is never before its start", (_n, cal) => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 30 }), (a, n) => {
        const d1 = addWorkingTime(cal, a, { workingDays: n });
        const d2 = addWorkingTime(cal, a, { workingDays: n + 1 });
        return a <= d1 && d1 < d2;
      }),
      { numRuns: 300 },
    );
  });

  it("working time between is additive over any split point", () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, c) => {
        const [x, y, z] = [a, b, c].sort((p, q) => p - q);
        return workingTimeBetween(NY_OFFICE, x, z) === workingTimeBetween(NY_OFFICE, x, y) + workingTimeBetween(NY_OFFICE, y, z);
      }),
      { numRuns: 300 },
    );
  });
});
