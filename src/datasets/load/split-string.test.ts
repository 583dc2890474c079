import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../core/errors.js";
import { parseSplitString, roundHalfEven, sliceRows } from "./split-string.js";

const rowsOf = (text: string, rows: number) => parseSplitString(text).map((slice) => sliceRows(slice, rows));

describe("split strings", () => {
  it("parses names, slices and joins", () => {
    expect(parseSplitString("train + test").map((slice) => slice.split)).toEqual(["train", "test"]);
    expect(rowsOf("train[10:20]", 100)).toEqual([{ start: 10, end: 20 }]);
    expect(rowsOf("train[:1_000]", 5000)).toEqual([{ start: 0, end: 1000 }]);
    expect(rowsOf("train[-5:]", 100)).toEqual([{ start: 95, end: 100 }]);
    expect(rowsOf("train[10:-5]", 100)).toEqual([{ start: 10, end: 95 }]);
    expect(rowsOf("train[-500:]", 100)).toEqual([{ start: 0, end: 100 }]);
    expect(rowsOf("train[50:10]", 100)).toEqual([{ start: 50, end: 50 }]);
  });

  it("rounds percents half to even, as Python's round", () => {
    expect(roundHalfEven(2.5)).toBe(2);
    expect(roundHalfEven(3.5)).toBe(4);
    expect(roundHalfEven(-2.5)).toBe(-2);
    // 10% of 25 rows is 2.5: Python rounds to 2, Math.round would give 3.
    expect(rowsOf("train[:10%]", 25)).toEqual([{ start: 0, end: 2 }]);
    expect(rowsOf("train[:10%]", 35)).toEqual([{ start: 0, end: 4 }]);
    expect(rowsOf("train[10%:-10%]", 1000)).toEqual([{ start: 100, end: 900 }]);
    expect(rowsOf("train[:33%](pct1_dropremainder)", 250)).toEqual([{ start: 0, end: 66 }]);
  });

  it("refuses what Python refuses", () => {
    expect(() => parseSplitString("train[:101%]")).toThrow(InvalidArgumentError);
    expect(() => parseSplitString("train[a:b]")).toThrow(/not a row number/);
    expect(() => parseSplitString("train[:5")).toThrow(/not a split/);
    expect(() => rowsOf("train[:10%](pct1_dropremainder)", 50)).toThrow(/at least 100/);
  });
});
