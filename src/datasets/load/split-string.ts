/**
 * Python `datasets`' split strings: `train`, `train[10:20]`, `train[:10%]`, `train[-5:]`,
 * `train[10%:-10%]`, joined with `+` (`train+test`, spaces allowed around `+`). Bounds are integers
 * (negative from the end, `_` as a digit separator) or percents within +-100. Percent bounds round as
 * Python does: `closest` (default) is Python's `round(b * n / 100)`, half to even; `pct1_dropremainder`
 * is `b * (n // 100)` and needs at least 100 rows. Negative results count from the end, floored at 0;
 * everything is clamped to the row count. Used by `loadDataset` to cut the splits it prepared.
 */
import { InvalidArgumentError } from "../../core/errors.js";

export type PercentRounding = "closest" | "pct1_dropremainder";

export interface SplitSlice {
  split: string;
  from: { value: number; percent: boolean } | undefined;
  to: { value: number; percent: boolean } | undefined;
  rounding: PercentRounding;
}

const PART =
  /^\s*([\w.-]+)\s*(?:\[\s*([^:\]]*)\s*:\s*([^\]]*)\s*\](?:\s*\(\s*(closest|pct1_dropremainder)\s*\))?)?\s*$/;
const BOUND = /^(-?[\d_]+)(%)?$/;

/** The parts of a split string, in order. */
export function parseSplitString(text: string): SplitSlice[] {
  return text.split("+").map((part) => {
    const match = PART.exec(part);
    if (!match) {
      throw new InvalidArgumentError(
        `"${text}" is not a split: write a split name, optionally sliced as name[from:to] with row numbers or ` +
          "percents (train[:10%], train[10:-5]), and join parts with + (train+test).",
      );
    }
    return {
      split: match[1] as string,
      from: parseBound(match[2], text),
      to: parseBound(match[3], text),
      rounding: (match[4] as PercentRounding | undefined) ?? "closest",
    };
  });
}

function parseBound(text: string | undefined, whole: string): SplitSlice["from"] {
  const trimmed = (text ?? "").trim();
  if (trimmed === "") return undefined;
  const match = BOUND.exec(trimmed);
  if (!match || /^-?_|_$|__/.test(match[1] as string)) {
    throw new InvalidArgumentError(`"${trimmed}" in split "${whole}" is not a row number or a percent.`);
  }
  const value = Number((match[1] as string).replaceAll("_", ""));
  const percent = match[2] === "%";
  if (percent && Math.abs(value) > 100) {
    throw new InvalidArgumentError(
      `Percent slice boundaries must be within -100..100; "${whole}" has ${value}%.`,
    );
  }
  return { value, percent };
}

/** Python's round(): to the nearest integer, halves to the even one. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (difference > 0.5) return floor + 1;
  if (difference < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The rows [start, end) a slice takes from a split of `rows` rows. */
export function sliceRows(slice: SplitSlice, rows: number): { start: number; end: number } {
  const resolve = (bound: SplitSlice["from"], fallback: number): number => {
    if (!bound) return fallback;
    let value = bound.value;
    if (bound.percent) {
      if (slice.rounding === "pct1_dropremainder") {
        if (rows < 100) {
          throw new InvalidArgumentError(
            `Split ${slice.split} has ${rows} rows; pct1_dropremainder rounding needs at least 100.`,
          );
        }
        value = value * Math.floor(rows / 100);
      } else {
        value = roundHalfEven((value * rows) / 100);
      }
    }
    if (value < 0) value = Math.max(rows + value, 0);
    return Math.min(value, rows);
  };
  const start = resolve(slice.from, 0);
  const end = resolve(slice.to, rows);
  return { start, end: Math.max(start, end) };
}
