/**
 * `toCsv` and `toJson`: rows written as pandas writes them for Python's `to_csv` (no index, header row,
 * empty fields for nulls, True/False, floats with a decimal point) and `to_json` (JSON Lines of records,
 * dates as epoch milliseconds). Written in batches to a file beside the target, renamed into place.
 */
import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { rename, rm, stat } from "node:fs/promises";
import { stringify } from "csv-stringify/sync";
import type { Dataset } from "../dataset.js";
import { Value } from "../features/feature-types.js";
import { DEFAULT_FORMAT, rowsOf } from "../format.js";

const BATCH_ROWS = 10_000;

export interface ToCsvOptions {
  sep?: string;
  header?: boolean;
}

export async function toCsv(dataset: Dataset, path: string, options: ToCsvOptions = {}): Promise<number> {
  const floats = new Set(
    Object.entries(dataset.features)
      .filter(([, feature]) => feature instanceof Value && feature.dtype.startsWith("float"))
      .map(([name]) => name),
  );
  const names = dataset.columnNames;
  let first = options.header ?? true;
  return writeLines(path, dataset, (batch) => {
    const records = batch.map((row) => names.map((name) => csvField(row[name], floats.has(name))));
    const text = stringify(first ? [names, ...records] : records, { delimiter: options.sep ?? "," });
    first = false;
    return text;
  });
}

export async function toJson(dataset: Dataset, path: string): Promise<number> {
  return writeLines(path, dataset, (batch) => batch.map((row) => `${jsonLine(row)}\n`).join(""));
}

function csvField(value: unknown, isFloat: boolean): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "boolean") return value ? "True" : "False";
  if (typeof value === "number") return isFloat && Number.isInteger(value) ? `${value}.0` : String(value);
  if (value instanceof Date)
    return value
      .toISOString()
      .replace("T", " ")
      .replace(/\.000Z$|Z$/, "");
  if (typeof value === "object") return jsonLine(value as Record<string, unknown>);
  return String(value);
}

/** A row as JSON, int64 values written as exact digits (JSON.stringify has no bigint of its own on Node 20). */
function jsonLine(row: Record<string, unknown>): string {
  return JSON.stringify(row, jsonValue).replace(/"\\u0000(-?\d+)\\u0000"/g, "$1");
}

function jsonValue(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) return raw.getTime();
  if (typeof value === "bigint") return `\u0000${value}\u0000`;
  if (value instanceof Uint8Array) return Array.from(value);
  return value;
}

async function writeLines(
  path: string,
  dataset: Dataset,
  render: (rows: Record<string, unknown>[]) => string,
): Promise<number> {
  const temporary = `${path}.${process.pid}.incomplete`;
  const out = createWriteStream(temporary);
  try {
    // bigints keep int64 values exact in the text; they print as plain digits.
    const format = { ...DEFAULT_FORMAT, int64: "bigint" as const };
    for (const batch of dataset.storedBatches(BATCH_ROWS)) {
      if (!out.write(render(rowsOf(batch, format)))) await once(out, "drain");
    }
    out.end();
    await once(out, "close");
    await rename(temporary, path);
  } catch (error) {
    out.destroy();
    await rm(temporary, { force: true });
    throw error;
  }
  return (await stat(path)).size;
}
