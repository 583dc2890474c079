/**
 * Reads a `Range` header against a file's size, as RFC 9110 says for one range: `bytes=a-b`,
 * `bytes=a-` and `bytes=-n` (the last n bytes). Several ranges, or a unit other than bytes, are served
 * whole (the header may be ignored); a range that starts past the end is unsatisfiable (416).
 */
import type { ByteRange } from "../store/object-store.js";

export type RangeRequest = { kind: "whole" } | { kind: "part"; range: ByteRange } | { kind: "unsatisfiable" };

export function readRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "whole" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const length = Number(last);
    if (length === 0 || size === 0) return { kind: "unsatisfiable" };
    return { kind: "part", range: { start: Math.max(0, size - length), end: size - 1 } };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || end < start) return { kind: "unsatisfiable" };
  return { kind: "part", range: { start, end } };
}
