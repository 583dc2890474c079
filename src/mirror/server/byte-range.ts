/**
 * Reads a `Range` header against a file's size, as RFC 9110 says for one range: `bytes=a-b`,
 * `bytes=a-` and `bytes=-n` (the last n bytes). Several ranges, a unit other than bytes, or a range that
 * ends before it starts are served whole (a server may ignore the header); a range that starts past the
 * end of a non-empty file is unsatisfiable (416). An empty file is always served whole: clients probe a
 * file's size with `bytes=0-0`, and an empty file's answer to that must still say its size.
 */
import type { ByteRange } from "../store/object-store.js";

export type RangeRequest = { kind: "whole" } | { kind: "part"; range: ByteRange } | { kind: "unsatisfiable" };

export function readRangeHeader(header: string | undefined, size: number): RangeRequest {
  if (header === undefined) return { kind: "whole" };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || size === 0) return { kind: "whole" };
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return { kind: "whole" };
  if (first === "") {
    const length = Number(last);
    if (length === 0) return { kind: "unsatisfiable" };
    return { kind: "part", range: { start: Math.max(0, size - length), end: size - 1 } };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return { kind: "whole" };
  if (start >= size) return { kind: "unsatisfiable" };
  return { kind: "part", range: { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) } };
}
