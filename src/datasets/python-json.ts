/**
 * `json.dumps` as Python writes it, for files Python and wharf both read and write (`state.json`,
 * `dataset_info.json`, the `huggingface` schema metadata): `", "` and `": "` separators without indent,
 * `","` and newlines with it, non-ASCII escaped as `\uXXXX`, keys optionally sorted.
 */

export interface PythonJsonOptions {
  indent?: number;
  sortKeys?: boolean;
}

export function pythonJsonDumps(value: unknown, options: PythonJsonOptions = {}): string {
  return dump(value, options, 0);
}

function dump(value: unknown, options: PythonJsonOptions, depth: number): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return escapeAscii(JSON.stringify(value));
  if (typeof value === "number") {
    if (Number.isNaN(value)) return "NaN";
    if (!Number.isFinite(value)) return value > 0 ? "Infinity" : "-Infinity";
    return JSON.stringify(value);
  }
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "boolean") return value ? "true" : "false";
  const indent = options.indent;
  const open = (items: string[], left: string, right: string): string => {
    if (items.length === 0) return left + right;
    if (indent === undefined) return left + items.join(", ") + right;
    const inner = " ".repeat(indent * (depth + 1));
    const outer = " ".repeat(indent * depth);
    return `${left}\n${inner}${items.join(`,\n${inner}`)}\n${outer}${right}`;
  };
  if (Array.isArray(value))
    return open(
      value.map((item) => dump(item, options, depth + 1)),
      "[",
      "]",
    );
  const entries = Object.entries(value as Record<string, unknown>).filter(([, inner]) => inner !== undefined);
  if (options.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return open(
    entries.map(([key, inner]) => `${escapeAscii(JSON.stringify(key))}: ${dump(inner, options, depth + 1)}`),
    "{",
    "}",
  );
}

/** Python's ensure_ascii: every code unit above 0x7f as \uXXXX (surrogate pairs stay pairs). */
function escapeAscii(quoted: string): string {
  return quoted.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
