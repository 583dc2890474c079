/**
 * `sort`: a stable order over one or more columns (each ascending or descending), nulls last unless asked
 * first, as Python's `sort` (pyarrow's sort_indices) gives. The result is an indices mapping.
 * Numeric columns are compared through typed arrays; other columns through their JavaScript values.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Dataset } from "../dataset.js";
import { updateFingerprint } from "../fingerprint.js";

export interface SortOptions {
  /** Descending, for all columns or per column. */
  reverse?: boolean | readonly boolean[];
  nullPlacement?: "at_start" | "at_end";
}

type Key = { values: ArrayLike<unknown>; nulls: Uint8Array | undefined; descending: boolean };

export function sortDataset(dataset: Dataset, columns: readonly string[], options: SortOptions): Dataset {
  dataset.assertColumns(columns);
  const reverse = options.reverse ?? false;
  if (Array.isArray(reverse) && reverse.length !== columns.length) {
    throw new InvalidArgumentError(
      `reverse has ${reverse.length} entries for ${columns.length} sort columns.`,
    );
  }
  const nullsFirst = options.nullPlacement === "at_start";
  const view = dataset.withFormat("typed", { int64: "bigint" });
  const keys: Key[] = columns.map((name, i) => {
    const values = view.getColumn(name);
    let nulls: Uint8Array | undefined;
    if (!ArrayBuffer.isView(values)) {
      for (let row = 0; row < values.length; row++) {
        const value = values[row];
        if (value === null || value === undefined || (typeof value === "number" && Number.isNaN(value))) {
          nulls ??= new Uint8Array(values.length);
          nulls[row] = 1;
        }
      }
    }
    return { values, nulls, descending: Array.isArray(reverse) ? Boolean(reverse[i]) : Boolean(reverse) };
  });
  const order = Float64Array.from({ length: dataset.numRows }, (_, i) => i);
  order.sort((a, b) => {
    for (const key of keys) {
      const aNull = key.nulls?.[a] === 1;
      const bNull = key.nulls?.[b] === 1;
      if (aNull || bNull) {
        if (aNull && bNull) continue;
        return (aNull ? 1 : -1) * (nullsFirst ? -1 : 1);
      }
      const x = key.values[a] as number | string | bigint;
      const y = key.values[b] as number | string | bigint;
      if (x === y) continue;
      const ascending = compare(x, y);
      if (ascending !== 0) return key.descending ? -ascending : ascending;
    }
    return a - b;
  });
  return dataset.withIndices(
    order,
    updateFingerprint(dataset.fingerprint, "sort", { columns, reverse, nullsFirst }),
  );
}

function compare(x: unknown, y: unknown): number {
  if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
  if (typeof x === "boolean" && typeof y === "boolean") return Number(x) - Number(y);
  if (typeof x === "string" && typeof y === "string") return x < y ? -1 : x > y ? 1 : 0;
  if ((typeof x === "number" || typeof x === "bigint") && (typeof y === "number" || typeof y === "bigint")) {
    return x < y ? -1 : x > y ? 1 : 0;
  }
  throw new InvalidArgumentError(
    "sort compares numbers, strings, booleans and dates; this column holds something else.",
  );
}
