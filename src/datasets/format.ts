/**
 * How a dataset hands out its rows: as plain objects and arrays (the default, Python's format), as Arrow
 * record batches, or with numeric columns as typed arrays; which columns; and the int64 policy. Owned by
 * the dataset; `Dataset.withFormat` changes it without touching the data.
 */
import { type Data, type RecordBatch, Type } from "apache-arrow";
import { type Int64Mode, readValues } from "./arrow/read-values.js";

export type FormatType = "python" | "arrow" | "typed";

/** A batch as columns of values. */
export type Columns = Record<string, unknown[] | ArrayLike<unknown>>;

export interface DatasetFormat {
  type: FormatType;
  /** The columns handed out; all when undefined. */
  columns: readonly string[] | undefined;
  /** With `columns` set, hand out the other columns too (unformatted, as Python does). */
  outputAllColumns: boolean;
  int64: Int64Mode;
  /** Applied to every batch handed out (`withTransform`). */
  transform: ((batch: Columns) => Columns) | undefined;
}

export const DEFAULT_FORMAT: DatasetFormat = {
  type: "python",
  columns: undefined,
  outputAllColumns: false,
  int64: "number",
  transform: undefined,
};

/** A record batch's columns as the format asks: JavaScript values, or typed arrays where zero-copy. */
export function columnsOf(batch: RecordBatch, format: DatasetFormat): Columns {
  const out: Columns = {};
  const names = outputNames(batch, format);
  for (const name of names) {
    const index = batch.schema.fields.findIndex((field) => field.name === name);
    const data = batch.data.children[index] as Data;
    out[name] =
      format.type === "typed"
        ? typedOrValues(data, format.int64, name)
        : readValues(data, { int64: format.int64, where: name });
  }
  return format.transform ? format.transform(out) : out;
}

/** Rows of a record batch as objects. */
export function rowsOf(batch: RecordBatch, format: DatasetFormat): Record<string, unknown>[] {
  const columns = columnsOf(batch, { ...format, type: "python" });
  const names = Object.keys(columns);
  const rows = new Array<Record<string, unknown>>(batch.numRows);
  for (let i = 0; i < batch.numRows; i++) {
    const row: Record<string, unknown> = {};
    for (const name of names) row[name] = (columns[name] as ArrayLike<unknown>)[i];
    rows[i] = row;
  }
  return rows;
}

function outputNames(batch: RecordBatch, format: DatasetFormat): string[] {
  const all = batch.schema.fields.map((field) => field.name);
  if (!format.columns || format.outputAllColumns) return all;
  return all.filter((name) => format.columns?.includes(name));
}

/** A numeric column with no nulls as a view on its buffer; anything else as values. */
function typedOrValues(data: Data, int64: Int64Mode, where: string): ArrayLike<unknown> {
  const numeric =
    data.typeId === Type.Int ||
    (data.typeId === Type.Float && (data.type as unknown as { precision: number }).precision > 0);
  const wide = data.values instanceof BigInt64Array || data.values instanceof BigUint64Array;
  if (numeric && data.nullCount === 0 && (!wide || int64 === "bigint")) {
    return data.values.subarray(0, data.length) as ArrayLike<unknown>;
  }
  if (numeric && data.nullCount === 0 && wide)
    return Float64Array.from(readValues(data, { int64, where }) as number[]);
  return readValues(data, { int64, where });
}
