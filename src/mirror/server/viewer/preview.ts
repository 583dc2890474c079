/**
 * A page of a data file's rows, read straight from the store: parquet through hyparquet (ranged reads
 * of the blob, so a large file costs only the row groups shown), CSV and JSON Lines as a stream read up
 * to the page's end. Column types come from the parquet schema, or from the values; the statistics
 * (count, nulls, min/max/mean of numbers, distinct values of the rest) are over the rows read, at most
 * the first `SAMPLE_ROWS`. A JSON array document (up to 50 MiB) is read whole.
 */
import type { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { parse } from "csv-parse";
import { decompress as zstdDecompress } from "fzstd";
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  type Compressors,
  parquetMetadataAsync,
  parquetReadObjects,
  parquetSchema,
} from "hyparquet";
import type { StoredFile } from "../../store/commit.js";
import type { RepoStore } from "../../store/repo-store.js";

/**
 * Page decompressors beyond hyparquet's built-in snappy: zstd (what pyarrow and DuckDB often write) by
 * fzstd, gzip and brotli by node's zlib. LZ4 pages are not read yet.
 */
const COMPRESSORS: Compressors = {
  ZSTD: (input) => zstdDecompress(input),
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
};

export const PAGE_ROWS = 20;
const SAMPLE_ROWS = 1000;

export interface ColumnSummary {
  name: string;
  type: string;
  count: number;
  nulls: number;
  min?: number;
  max?: number;
  mean?: number;
  distinct?: number;
}

export interface PreviewPage {
  columns: ColumnSummary[];
  rows: Array<Record<string, unknown>>;
  /** All rows of the file, when known (parquet). */
  total?: number;
  /** How many rows the statistics cover. */
  sampled: number;
}

type Row = Record<string, unknown>;

function blobBuffer(store: RepoStore, file: StoredFile): AsyncBuffer | Promise<AsyncBuffer> {
  const local = store.blobPath(file.sha256);
  if (local) return asyncBufferFromFile(local);
  return {
    byteLength: file.size,
    async slice(start: number, end?: number) {
      const stream = await store.readBlob(file.sha256, { start, end: (end ?? file.size) - 1 });
      const bytes = stream ? await buffer(stream) : Buffer.alloc(0);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
    },
  };
}

function summarise(name: string, type: string | undefined, rows: Row[]): ColumnSummary {
  const values = rows.map((row) => row[name]);
  const present = values.filter((value) => value !== null && value !== undefined);
  const numbers = present
    .filter((value): value is number | bigint => typeof value === "number" || typeof value === "bigint")
    .map(Number);
  const summary: ColumnSummary = {
    name,
    type:
      type ??
      (numbers.length === present.length && present.length > 0
        ? "number"
        : present.length > 0
          ? typeof present[0]
          : "null"),
    count: values.length,
    nulls: values.length - present.length,
  };
  if (numbers.length > 0 && numbers.length === present.length) {
    summary.min = Math.min(...numbers);
    summary.max = Math.max(...numbers);
    summary.mean = numbers.reduce((sum, n) => sum + n, 0) / numbers.length;
  } else {
    summary.distinct = new Set(
      present.map((value) => (typeof value === "object" ? JSON.stringify(value) : String(value))),
    ).size;
  }
  return summary;
}

async function parquetPage(store: RepoStore, file: StoredFile, offset: number): Promise<PreviewPage> {
  const data = await blobBuffer(store, file);
  const metadata = await parquetMetadataAsync(data);
  const total = Number(metadata.num_rows);
  const sampleEnd = Math.min(total, Math.max(SAMPLE_ROWS, offset + PAGE_ROWS));
  const sample = (await parquetReadObjects({
    file: data,
    metadata,
    rowStart: 0,
    rowEnd: sampleEnd,
    compressors: COMPRESSORS,
  })) as Row[];
  const types = new Map(
    parquetSchema(metadata).children.map((child) => [
      child.element.name,
      // The logical type where there is one (STRING, TIMESTAMP), else the physical one.
      String(
        child.element.logical_type?.type ?? child.element.converted_type ?? child.element.type ?? "group",
      ),
    ]),
  );
  return {
    columns: [...types.keys()].map((name) =>
      summarise(name, types.get(name)?.toLowerCase(), sample.slice(0, SAMPLE_ROWS)),
    ),
    rows: sample.slice(offset, offset + PAGE_ROWS),
    total,
    sampled: Math.min(sample.length, SAMPLE_ROWS),
  };
}

/** The first `count` records of a text file (CSV or JSON Lines), read as a stream. */
async function textRecords(
  stream: Readable,
  format: "csv" | "jsonl",
  count: number,
  sep: string,
): Promise<Row[]> {
  const rows: Row[] = [];
  if (format === "csv") {
    const parser = stream.pipe(
      parse({ delimiter: sep, columns: true, cast: true, relax_column_count: true }),
    );
    for await (const record of parser) {
      rows.push(record as Row);
      if (rows.length >= count) break;
    }
    stream.destroy();
    return rows;
  }
  let pending = "";
  for await (const chunk of stream) {
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line.trim()) rows.push(JSON.parse(line) as Row);
    if (rows.length >= count) break;
  }
  if (rows.length < count && pending.trim()) rows.push(JSON.parse(pending) as Row);
  stream.destroy();
  return rows.slice(0, count);
}

export async function previewPage(
  store: RepoStore,
  path: string,
  file: StoredFile,
  offset: number,
): Promise<PreviewPage> {
  const lower = path.toLowerCase();
  if (lower.endsWith(".parquet")) return parquetPage(store, file, offset);
  if (lower.endsWith(".json")) return jsonPage(store, path, file, offset);
  const format = lower.endsWith(".csv") || lower.endsWith(".tsv") ? "csv" : "jsonl";
  const stream = await store.readBlob(file.sha256);
  if (!stream) throw new Error(`The content of ${path} is not in the store.`);
  const sample = await textRecords(
    stream,
    format,
    Math.max(SAMPLE_ROWS, offset + PAGE_ROWS),
    lower.endsWith(".tsv") ? "\t" : ",",
  );
  const names = [...new Set(sample.flatMap((row) => Object.keys(row)))];
  return {
    columns: names.map((name) => summarise(name, undefined, sample.slice(0, SAMPLE_ROWS))),
    rows: sample.slice(offset, offset + PAGE_ROWS),
    sampled: Math.min(sample.length, SAMPLE_ROWS),
  };
}

/** A JSON document of rows (an array of objects), read whole: only up to `JSON_LIMIT` bytes. */
async function jsonPage(
  store: RepoStore,
  path: string,
  file: StoredFile,
  offset: number,
): Promise<PreviewPage> {
  if (file.size > JSON_LIMIT)
    throw new Error(`${path} is a JSON document of ${file.size} bytes, too large to preview.`);
  const parsed = JSON.parse((await store.readBlobBytes(file.sha256))?.toString("utf8") ?? "[]") as unknown;
  const rows = (Array.isArray(parsed) ? parsed : []).filter(
    (row): row is Row => row !== null && typeof row === "object",
  );
  const names = [...new Set(rows.slice(0, SAMPLE_ROWS).flatMap((row) => Object.keys(row)))];
  return {
    columns: names.map((name) => summarise(name, undefined, rows.slice(0, SAMPLE_ROWS))),
    rows: rows.slice(offset, offset + PAGE_ROWS),
    total: rows.length,
    sampled: Math.min(rows.length, SAMPLE_ROWS),
  };
}

const JSON_LIMIT = 50 * 2 ** 20;

/** True for the files the viewer previews. */
export function isPreviewable(path: string): boolean {
  return /\.(parquet|csv|tsv|json|jsonl|ndjson)$/i.test(path);
}
