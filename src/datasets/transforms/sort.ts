/**
 * `sort`: a stable order over one or more columns (each ascending or descending), nulls last unless asked
 * first, as Python's `sort` (pyarrow's sort_indices) gives. The result is an indices mapping.
 *
 * Each column becomes float64 sort keys (numbers as they are, booleans 0/1, dates as milliseconds,
 * strings as their rank among the column's distinct values; negated when descending), then the columns
 * are applied last to first: a stable radix sort by the key, then a stable move of the nulls (and NaNs)
 * to the end or the start. Strings compare
 * by UTF-16 code units, which differs from pyarrow's byte order only between surrogate pairs and
 * characters from U+E000 up.
 */
import { type Data, Type } from "apache-arrow";
import { InvalidArgumentError } from "../../core/errors.js";
import { int64AsDouble, int64Words, readValues } from "../arrow/read-values.js";
import type { Dataset } from "../dataset.js";
import { updateFingerprint } from "../fingerprint.js";
import { radixOrder } from "./radix-order.js";

export interface SortOptions {
  /** Descending, for all columns or per column. */
  reverse?: boolean | readonly boolean[];
  nullPlacement?: "at_start" | "at_end";
}

const KEY_BATCH = 65_536;

export function sortDataset(dataset: Dataset, columns: readonly string[], options: SortOptions): Dataset {
  dataset.assertColumns(columns);
  const reverse = options.reverse ?? false;
  if (Array.isArray(reverse) && reverse.length !== columns.length) {
    throw new InvalidArgumentError(
      `reverse has ${reverse.length} entries for ${columns.length} sort columns.`,
    );
  }
  const nullsFirst = options.nullPlacement === "at_start";
  let order: Uint32Array = new Uint32Array(dataset.numRows);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let k = columns.length - 1; k >= 0; k--) {
    const descending = Array.isArray(reverse) ? Boolean(reverse[k]) : Boolean(reverse);
    const { keys, nulls } = sortKeys(dataset, columns[k] as string, descending);
    order = radixOrder(order, keys);
    if (nulls) order = moveNulls(order, nulls, nullsFirst);
  }
  const fingerprint = updateFingerprint(dataset.fingerprint, "sort", { columns, reverse, nullsFirst });
  return dataset.withIndices(order, fingerprint);
}

/** The rows of `order` with null keys moved, in their order, to the start or the end. */
function moveNulls(order: Uint32Array, nulls: Uint8Array, first: boolean): Uint32Array {
  const out = new Uint32Array(order.length);
  let nullCount = 0;
  for (const row of order) nullCount += nulls[row] as number;
  let valueAt = first ? nullCount : 0;
  let nullAt = first ? 0 : order.length - nullCount;
  for (const row of order) {
    if (nulls[row]) out[nullAt++] = row;
    else out[valueAt++] = row;
  }
  return out;
}

/** One column as float64 keys in logical row order, and which rows are null (undefined when none). */
function sortKeys(
  dataset: Dataset,
  column: string,
  descending: boolean,
): { keys: Float64Array; nulls?: Uint8Array } {
  const keys = new Float64Array(dataset.numRows);
  const view = dataset.selectColumns([column]);
  const sign = descending ? -1 : 1;
  let at = 0;
  let strings: { values: (string | null)[]; start: number }[] | undefined;
  for (const batch of view.storedBatches(KEY_BATCH)) {
    const data = batch.data.children[0] as Data;
    if (data.typeId === Type.Utf8 || data.typeId === Type.LargeUtf8) {
      strings ??= [];
      strings.push({
        values: readValues(data, { int64: "number", where: column }) as (string | null)[],
        start: at,
      });
    } else {
      fillNumericKeys(keys, at, data, column, sign);
    }
    at += batch.numRows;
  }
  if (strings) {
    const distinct = [
      ...new Set(strings.flatMap((part) => part.values.filter((value): value is string => value !== null))),
    ];
    distinct.sort();
    const rank = new Map(distinct.map((value, i) => [value, i]));
    for (const part of strings) {
      part.values.forEach((value, i) => {
        keys[part.start + i] = value === null ? Number.NaN : sign * (rank.get(value) as number);
      });
    }
  }
  let nulls: Uint8Array | undefined;
  for (let i = 0; i < keys.length; i++) {
    if (Number.isNaN(keys[i])) {
      nulls ??= new Uint8Array(keys.length);
      nulls[i] = 1;
    }
  }
  return { keys, nulls };
}

/**
 * Keys of a numeric, boolean, date or time column; nulls become NaN. Dates and times are ordered by
 * their stored values (one unit per column), and numbers are read straight from the buffers where they
 * can be: 64-bit integers from their two 32-bit words, anything unusual through `readValues`.
 */
function fillNumericKeys(keys: Float64Array, at: number, data: Data, column: string, sign: number): void {
  const numeric = [
    Type.Int,
    Type.Float,
    Type.Date,
    Type.Timestamp,
    Type.Time,
    Type.Duration,
    Type.Bool,
  ].includes(data.typeId);
  if (!numeric) {
    throw new InvalidArgumentError(
      `sort orders numbers, strings, booleans and dates; "${column}" holds ${data.type}.`,
    );
  }
  const values = data.values as unknown;
  const length = data.length;
  const halfFloat =
    data.typeId === Type.Float && (data.type as unknown as { precision: number }).precision === 0;
  if (values instanceof BigInt64Array || values instanceof BigUint64Array) {
    const words = int64Words(values);
    const signed = values instanceof BigInt64Array;
    // Exact below 2^53; beyond, the double rounds, which can only tie values closer than its precision.
    for (let i = 0; i < length; i++) keys[at + i] = sign * int64AsDouble(words, i, signed) + 0;
  } else if (ArrayBuffer.isView(values) && data.typeId !== Type.Bool && !halfFloat) {
    const typed = values as unknown as ArrayLike<number>;
    for (let i = 0; i < length; i++) keys[at + i] = sign * (typed[i] as number) + 0;
  } else {
    const decoded = readValues(data, { int64: "number", where: column });
    for (let i = 0; i < length; i++) {
      const value = decoded[i];
      keys[at + i] = value instanceof Date ? sign * value.getTime() + 0 : sign * Number(value) + 0;
    }
  }
  const bitmap = data.nullBitmap;
  if (data.nullCount > 0 && bitmap) {
    for (let i = 0; i < length; i++) {
      const bit = data.offset + i;
      if ((((bitmap[bit >> 3] as number) >> (bit & 7)) & 1) === 0) keys[at + i] = Number.NaN;
    }
  }
}
