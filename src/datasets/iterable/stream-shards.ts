/**
 * Shards that stream from where a file lives without downloading it whole: parquet read row group by
 * row group through ranged requests (over HTTP, or from a local file), JSON Lines, text and CSV
 * read line by line from a byte stream (decompressed on the way when the file is), webdataset tars entry
 * by entry. A line stream that breaks mid-way (a dropped connection) is reopened
 * at the byte where it stopped, a few times, so a transient error costs nothing already read.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { type AsyncRecordBatchStreamReader, type RecordBatch, RecordBatchReader } from "apache-arrow";
import { parse } from "csv-parse";
import { type AsyncBuffer, asyncBufferFromFile, asyncBufferFromUrl } from "hyparquet";
import { decompressStream } from "../../core/archive/decompress.js";
import type { Compression } from "../../core/archive/formats.js";
import { InvalidArgumentError, NetworkError } from "../../core/errors.js";
import type { Int64Mode } from "../arrow/read-values.js";
import { DataFileRowError } from "../errors.js";
import { type DatasetFormat, DEFAULT_FORMAT, rowsOf } from "../format.js";
import {
  readFooterAsync,
  rowGroupRows,
  rowGroupSpan,
  rowGroupsFile,
  rowGroupsOf,
} from "../parquet/parquet-parts.js";
import type { ThriftStruct } from "../parquet/thrift-compact.js";
import { parseJsonRows } from "../readers/read-json.js";
import { decodeParquetOnWorker } from "../readers/read-parquet.js";
import { webDatasetExamples } from "../readers/read-webdataset.js";
import type { Row, ShardReader } from "./iterable-dataset.js";

/** Where a shard's bytes are: a local path, or a URL with the headers it needs. */
export type ByteSource = { path: string } | { url: string; headers: Record<string, string> };

const REOPEN_ATTEMPTS = 5;

/** Rows turned into objects at once from a decoded parquet batch (as a loaded dataset iterates). */
const ROWS_AT_ONCE = 1000;

export function nameOf(source: ByteSource): string {
  return "path" in source ? source.path : source.url;
}

/**
 * A parquet file streamed row group by row group: the footer read by ranged reads, then each row group's
 * bytes in one ranged read, made into a small parquet file of their own and decoded by parquet-wasm
 * (its zstd and page decoding run in WebAssembly, several times faster than decoding the pages in
 * JavaScript). Rows come out as a loaded dataset's do, under the same int64 policy.
 */
export function parquetShard(source: ByteSource, int64: Int64Mode): ShardReader {
  const name = nameOf(source);
  async function* chunks(skip: number): AsyncGenerator<Row[]> {
    const file: AsyncBuffer =
      "path" in source
        ? await asyncBufferFromFile(source.path)
        : retrying(
            await withRetries(() =>
              asyncBufferFromUrl({ url: source.url, requestInit: { headers: source.headers } }),
            ),
          );
    const footer = await readFooterAsync(file);
    const format = { ...DEFAULT_FORMAT, int64 };
    const groups = rowGroupsOf(footer);
    // The row groups the stream needs, each with its first row.
    const wanted: { index: number; first: number }[] = [];
    let start = 0;
    for (const [index, group] of groups.entries()) {
      const end = start + rowGroupRows(group);
      if (end > skip) wanted.push({ index, first: start });
      start = end;
    }
    const load = async ({ index, first }: { index: number; first: number }): Promise<RecordBatch[]> => {
      const range = rowGroupSpan(groups[index] as ThriftStruct);
      const bytes = new Uint8Array(await file.slice(range.start, range.end));
      try {
        return await decodeParquetOnWorker(rowGroupsFile(footer, index, 1, bytes));
      } catch (error) {
        throw new DataFileRowError(name, first, `row group ${index} does not decode (${String(error)})`, {
          cause: error,
        });
      }
    };
    // The next row group is fetched and decoded (on a codec worker, given the cores) while this one's
    // rows are handed out: a stream holds two row groups at most.
    const ahead = (at: number) => {
      const loading = at < wanted.length ? load(wanted[at] as { index: number; first: number }) : undefined;
      loading?.catch(() => undefined); // awaited in turn; a stream stopped early must not leave it unhandled
      return loading;
    };
    let next = ahead(0);
    for (let at = 0; at < wanted.length; at++) {
      const batches = (await next) as RecordBatch[];
      next = ahead(at + 1);
      let row = (wanted[at] as { first: number }).first;
      for (const batch of batches) {
        yield* rowChunks(batch, skip - row, format);
        row += batch.numRows;
      }
    }
  }
  return chunkedShard(name, chunks);
}

/**
 * A batch's rows from `from` on, a thousand at a time: made from a whole decoded batch at once, the rows
 * outlived the young generation and collecting them cost most of a stream's time.
 */
function* rowChunks(batch: RecordBatch, from: number, format: DatasetFormat): Generator<Row[]> {
  for (let at = Math.max(0, from); at < batch.numRows; at += ROWS_AT_ONCE)
    yield rowsOf(batch.slice(at, Math.min(at + ROWS_AT_ONCE, batch.numRows)), format) as Row[];
}

/** A shard whose rows come in arrays; `rows` hands them out one by one. */
function chunkedShard(name: string, chunks: (skip: number) => AsyncGenerator<Row[]>): ShardReader {
  return {
    name,
    chunks,
    async *rows(skip: number) {
      for await (const chunk of chunks(skip)) yield* chunk;
    },
  };
}

/** Tries a request again after a failure, a few times, waiting longer each time. */
async function withRetries<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (attempt >= REOPEN_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
    }
  }
}

/** A remote file whose ranged reads are retried: a transient error costs one range, not the stream. */
function retrying(file: AsyncBuffer): AsyncBuffer {
  return {
    byteLength: file.byteLength,
    slice: (start, end) => withRetries(async () => await file.slice(start, end)),
  };
}

/**
 * JSON Lines (`json`) or text (`text`, one `{text}` row per line) streamed line by line; a compressed
 * file is decompressed as it streams (and read again from its start if the connection breaks).
 */
export function linesShard(
  source: ByteSource,
  format: "json" | "text",
  compression?: Compression,
): ShardReader {
  const name = nameOf(source);
  return {
    name,
    async *rows(skip: number) {
      let line = 0;
      for await (const text of lines(source, compression)) {
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

/**
 * A `.json` file, which may be one document (an array of objects, or an object whose `field` holds one)
 * rather than JSON Lines: read whole, as Python's streaming JSON builder reads such a file, then handed
 * out row by row.
 */
export function jsonDocumentShard(
  source: ByteSource,
  options: { field?: string; compression?: Compression },
): ShardReader {
  const name = nameOf(source);
  return {
    name,
    async *rows(skip: number) {
      const text = Buffer.from(await sourceBytes(source, options.compression)).toString("utf8");
      yield* parseJsonRows(text, name, { field: options.field }).slice(skip) as Row[];
    },
  };
}

/**
 * An Arrow IPC stream file (what `save_to_disk` and the arrow builder hold) streamed record batch by
 * record batch, rows as a loaded dataset's. The IPC file format needs random access; it is refused
 * with a clear error, to be loaded without streaming.
 */
export function arrowShard(source: ByteSource, int64: Int64Mode): ShardReader {
  const name = nameOf(source);
  async function* chunks(skip: number): AsyncGenerator<Row[]> {
    const bytes = (await open(source, 0)) as AsyncIterable<Uint8Array>;
    let reader: AsyncRecordBatchStreamReader;
    try {
      reader = (await RecordBatchReader.from(bytes)) as AsyncRecordBatchStreamReader;
    } catch (error) {
      throw new DataFileRowError(name, 0, `it is not an Arrow IPC stream (${(error as Error).message}).`, {
        cause: error,
      });
    }
    if (reader.isFile()) {
      throw new InvalidArgumentError(
        `${name} is an Arrow IPC file, which needs random access; wharf streams IPC stream files (load it without streaming).`,
      );
    }
    const format = { ...DEFAULT_FORMAT, int64 };
    let row = 0;
    for await (const batch of reader) {
      yield* rowChunks(batch, skip - row, format);
      row += batch.numRows;
    }
  }
  return chunkedShard(name, chunks);
}

/**
 * CSV streamed row by row, the header naming the columns; each value typed as pandas types a chunk
 * (integers and floats as numbers, empty as null, the rest as text), with the builder's `sep`.
 */
export function csvShard(
  source: ByteSource,
  options: { sep?: string; compression?: Compression },
): ShardReader {
  const name = nameOf(source);
  return {
    name,
    async *rows(skip: number) {
      const parser = parse({ delimiter: options.sep ?? ",", columns: true, relax_column_count: false });
      const bytes = Readable.from(decoded(await open(source, 0), options.compression));
      bytes.on("error", (error) => parser.destroy(error));
      bytes.pipe(parser);
      let index = 0;
      for await (const record of parser) {
        if (index++ < skip) continue;
        yield Object.fromEntries(
          Object.entries(record as Record<string, string>).map(([key, value]) => [key, csvValue(value)]),
        );
      }
    },
  };
}

function csvValue(text: string): unknown {
  if (text === "") return null;
  if (/^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text))) return Number(text);
  if (/^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$/.test(text)) return Number(text);
  return text;
}

/** A webdataset tar shard streamed entry by entry, an example per key (see `read-webdataset.ts`). */
export function webDatasetShard(source: ByteSource): ShardReader {
  const name = nameOf(source);
  return {
    name,
    async *rows(skip: number) {
      let index = 0;
      for await (const row of webDatasetExamples(Readable.from(await open(source, 0)), name)) {
        if (index++ >= skip) yield row as Row;
      }
    },
  };
}

/** The bytes of a stream, decompressed when `compression` says how. */
function decoded(
  stream: AsyncIterable<unknown>,
  compression: Compression | undefined,
): AsyncIterable<unknown> {
  return compression ? decompressStream(Readable.from(stream), compression) : stream;
}

/**
 * The lines of a byte source, reopening it at the last byte read when it breaks; a compressed file,
 * whose bytes cannot be picked up in the middle, is read again from its start, skipping the lines
 * already given.
 */
async function* lines(source: ByteSource, compression?: Compression): AsyncGenerator<string> {
  let decoder = new TextDecoder();
  let offset = 0;
  let pending = "";
  let given = 0;
  let attempts = 0;
  for (;;) {
    let skip = 0;
    if (compression) {
      decoder = new TextDecoder();
      pending = "";
      skip = given;
    }
    try {
      for await (const chunk of decoded(await open(source, offset), compression)) {
        const bytes = chunk as Uint8Array;
        if (!compression) offset += bytes.length;
        pending += decoder.decode(bytes, { stream: true });
        const parts = pending.split(/\r?\n/);
        pending = parts.pop() as string;
        for (const part of parts) {
          if (skip > 0) {
            skip--;
            continue;
          }
          given++;
          yield part;
        }
      }
      pending += decoder.decode();
      if (pending !== "" && skip === 0) yield pending;
      return;
    } catch (error) {
      attempts++;
      if (attempts >= REOPEN_ATTEMPTS || "path" in source) throw error;
    }
  }
}

/** All of a source's bytes (decompressed when it is compressed), in one request. */
export async function sourceBytes(source: ByteSource, compression?: Compression): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of decoded(await open(source, 0), compression)) chunks.push(chunk as Uint8Array);
  return Buffer.concat(chunks);
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
