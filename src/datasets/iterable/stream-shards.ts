/**
 * Shards that stream from where a file lives without downloading it whole: parquet read row group by
 * row group through ranged requests (hyparquet over HTTP, or over a local file), JSON Lines and text read
 * line by line from a byte stream. A line stream that breaks mid-way (a dropped connection) is reopened
 * at the byte where it stopped, a few times, so a transient error costs nothing already read.
 */
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { decompress as zstdDecompress } from "fzstd";
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  asyncBufferFromUrl,
  type Compressors,
  parquetMetadataAsync,
  parquetReadObjects,
} from "hyparquet";
import { NetworkError } from "../../core/errors.js";
import type { Int64Mode } from "../arrow/read-values.js";
import { DataFileRowError, Int64PrecisionError } from "../errors.js";
import type { Row, ShardReader } from "./iterable-dataset.js";

/** Where a shard's bytes are: a local path, or a URL with the headers it needs. */
export type ByteSource = { path: string } | { url: string; headers: Record<string, string> };

const REOPEN_ATTEMPTS = 5;

/**
 * Page decompressors beyond hyparquet's built-in snappy: zstd (what pyarrow and DuckDB often write) by
 * fzstd, gzip and brotli by node's zlib. LZ4 pages are not read yet.
 */
const COMPRESSORS: Compressors = {
  ZSTD: (input) => zstdDecompress(input),
  GZIP: (input) => new Uint8Array(gunzipSync(input)),
  BROTLI: (input) => new Uint8Array(brotliDecompressSync(input)),
};

function nameOf(source: ByteSource): string {
  return "path" in source ? source.path : source.url;
}

/** A parquet file streamed row group by row group. */
export function parquetShard(source: ByteSource, int64: Int64Mode): ShardReader {
  const name = nameOf(source);
  return {
    name,
    async *rows(skip: number) {
      const file: AsyncBuffer =
        "path" in source
          ? await asyncBufferFromFile(source.path)
          : await asyncBufferFromUrl({ url: source.url, requestInit: { headers: source.headers } });
      const metadata = await parquetMetadataAsync(file);
      let start = 0;
      for (const group of metadata.row_groups) {
        const rows = Number(group.num_rows);
        const end = start + rows;
        if (end > skip) {
          const objects = await parquetReadObjects({
            file,
            metadata,
            rowStart: Math.max(start, skip),
            rowEnd: end,
            compressors: COMPRESSORS,
          });
          for (const object of objects) yield normalise(object, int64, name) as Row;
        }
        start = end;
      }
    },
  };
}

/** JSON Lines (`json`) or text (`text`, one `{text}` row per line) streamed line by line. */
export function linesShard(source: ByteSource, format: "json" | "text"): ShardReader {
  const name = nameOf(source);
  return {
    name,
    async *rows(skip: number) {
      let line = 0;
      for await (const text of lines(source)) {
        line++;
        if (format === "json" && text.trim() === "") continue;
        if (line <= skip) continue;
        if (format === "text") {
          yield { text };
          continue;
        }
        try {
          yield JSON.parse(text) as Row;
        } catch (error) {
          throw new DataFileRowError(
            name,
            line,
            `the line does not parse as JSON (${(error as Error).message}).`,
            { cause: error },
          );
        }
      }
    },
  };
}

/** The lines of a byte source, reopening it at the last byte read when it breaks. */
async function* lines(source: ByteSource): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let offset = 0;
  let pending = "";
  let attempts = 0;
  for (;;) {
    try {
      for await (const chunk of await open(source, offset)) {
        const bytes = chunk as Uint8Array;
        offset += bytes.length;
        pending += decoder.decode(bytes, { stream: true });
        const parts = pending.split(/\r?\n/);
        pending = parts.pop() as string;
        yield* parts;
      }
      pending += decoder.decode();
      if (pending !== "") yield pending;
      return;
    } catch (error) {
      attempts++;
      if (attempts >= REOPEN_ATTEMPTS || "path" in source) throw error;
    }
  }
}

async function open(source: ByteSource, offset: number): Promise<AsyncIterable<unknown>> {
  if ("path" in source) return createReadStream(source.path, { start: offset }) as Readable;
  const response = await fetch(source.url, {
    headers: { ...source.headers, ...(offset > 0 && { range: `bytes=${offset}-` }) },
  });
  if (!response.ok || !response.body || (offset > 0 && response.status !== 206)) {
    throw new NetworkError(
      `GET ${source.url} answered ${response.status} while streaming from byte ${offset}.`,
      source.url,
    );
  }
  return response.body as unknown as AsyncIterable<Uint8Array>;
}

/** hyparquet's values under wharf's int64 policy (bigints become numbers when exact). */
function normalise(value: unknown, int64: Int64Mode, where: string): unknown {
  if (typeof value === "bigint") {
    if (int64 === "bigint") return value;
    const number = Number(value);
    if (!Number.isSafeInteger(number)) throw new Int64PrecisionError(`A value in ${where}`, value);
    return number;
  }
  if (Array.isArray(value)) return value.map((item) => normalise(item, int64, where));
  if (
    value !== null &&
    typeof value === "object" &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  ) {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, normalise(inner, int64, where)]),
    );
  }
  return value;
}
