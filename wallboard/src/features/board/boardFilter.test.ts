import { describe, expect, it } from "vitest";
import { describeFilter, matchesFilter, parseBoardFilter } from "./boardFilter";

describe("parseBoardFilter", () => {
  it("reads products, levels and severities from the query string", () => {
    expect(parseBoardFilter("?products=ERP,CRM&levels=L1&severities=CRITICAL,HIGH")).toEqual({
      filter: { productCodes: ["ERP", "CRM"], levels: ["L1"], severities: ["CRITICAL", "HIGH"] },
      ignored: [],
    });
  });

  it("means everything without parameters", () => {
    expect(parseBoardFilter("", "#key=abc")).toEqual({ filter: {}, ignored: [] });
  });

  it("accepts lower case, spaces, duplicates and the fragment; keeps canonical order", () => {
    const parsed = parseBoardFilter("?severities=high, critical,high", "#key=s3cret&levels=l2,L1");
    expect(parsed.filter).toEqual({ levels: ["L1", "L2"], severities: ["CRITICAL", "HIGH"] });
  });

  it("prefers the query string to the fragment", () => {
    expect(parseBoardFilter("?levels=L3", "#levels=L1").filter).toEqual({ levels: ["L3"] });
  });

  it("ignores and reports unknown values", () => {
    expect(parseBoardFilter("?levels=L9,L1&severities=urgent")).toEqual({ filter: { levels: ["L1"] }, ignored: ["levels=L9", "severities=urgent"] });
  });
});

describe("matchesFilter", () => {
  const inc = { severity: "HIGH" as const, level: "L2" as const, product: { code: "ERP" } };
  it("applies every dimension; empty means all", () => {
    expect(matchesFilter({}, inc)).toBe(true);
    expect(matchesFilter({ productCodes: ["ERP"], levels: ["L2"], severities: ["HIGH"] }, inc)).toBe(true);
    expect(matchesFilter({ productCodes: ["CRM"] }, inc)).toBe(false);
    expect(matchesFilter({ levels: ["L1"] }, inc)).toBe(false);
    expect(matchesFilter({ severities: ["CRITICAL"] }, inc)).toBe(false);
    expect(matchesFilter({ levels: [] }, inc)).toBe(true);
  });
});

describe("describeFilter", () => {
  it("names the team's slice", () => {
    expect(describeFilter({})).toBe("All products · all levels · all severities");
    expect(describeFilter({ productCodes: ["ERP"], levels: ["L1"], severities: ["CRITICAL", "HIGH"] })).toBe("ERP · L1 · Critical, High");
  });
});
