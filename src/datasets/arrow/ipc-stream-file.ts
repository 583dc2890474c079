/**
 * Arrow IPC stream files (the format `save_to_disk` and the map cache use) read lazily: opening reads
 * only the message headers to index where each record batch starts and how many rows it holds; a batch's
 * bytes are read with one positioned read when it is first needed, and decoded batches stay in one
 * bounded, least-recently-used cache shared by every open file. Opening is constant in memory and
 * proportional only to the number of batches in time.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { type RecordBatch, RecordBatchReader, type Schema } from "apache-arrow";
import { ArrowFileCorruptError } from "../errors.js";
import {
  HEADER_DICTIONARY_BATCH,
  HEADER_RECORD_BATCH,
  HEADER_SCHEMA,
  type MessageFacts,
  readMessageFacts,
} from "./message-facts.js";

const CONTINUATION = -1;
/** Most message headers are a few hundred bytes; one read of this size usually holds the whole header. */
const HEADER_PROBE = 1024;
/** The decoded-batch cache's byte budget, across all files. */
const CACHE_BUDGET = 256 * 1024 * 1024;

interface MessageSpan {
  start: number;
  /** Header and body together. */
  size: number;
}

export class IpcStreamFile {
  readonly schema: Schema;
  /** Rows in each record batch, in file order. */
  readonly batchRows: readonly number[];
  private readonly schemaBytes: Buffer;
  /** Dictionary messages, which every batch needs before it. */
  private readonly dictionaryBytes: Buffer[];
  private readonly batchSpans: readonly MessageSpan[];

  private constructor(
    readonly path: string,
    private readonly identity: string,
    schema: Schema,
    schemaBytes: Buffer,
    dictionaryBytes: Buffer[],
    spans: MessageSpan[],
    rows: number[],
  ) {
    this.schema = schema;
    this.schemaBytes = schemaBytes;
    this.dictionaryBytes = dictionaryBytes;
    this.batchSpans = spans;
    this.batchRows = rows;
  }

  /** Indexes a stream file; throws `ArrowFileCorruptError` for a file cut short or not Arrow. */
  static open(path: string): IpcStreamFile {
    const fd = openSync(path, "r");
    try {
      const stats = fstatSync(fd);
      const fileSize = stats.size;
      let offset = 0;
      let schemaBytes: Buffer | undefined;
      const dictionaries: Buffer[] = [];
      const spans: MessageSpan[] = [];
      const rows: number[] = [];
      const probe = Buffer.allocUnsafe(HEADER_PROBE);
      while (offset < fileSize) {
        const got = readSync(fd, probe, 0, Math.min(HEADER_PROBE, fileSize - offset), offset);
        if (got < 4)
          throw new ArrowFileCorruptError(path, `it ends inside a message header at byte ${offset}`);
        let prefix = 4;
        let metadataLength = probe.readInt32LE(0);
        if (metadataLength === CONTINUATION) {
          if (got < 8)
            throw new ArrowFileCorruptError(path, `it ends inside a message header at byte ${offset}`);
          metadataLength = probe.readInt32LE(4);
          prefix = 8;
        }
        if (metadataLength === 0) break; // end-of-stream marker
        if (metadataLength < 0 || offset + prefix + metadataLength > fileSize) {
          throw new ArrowFileCorruptError(
            path,
            `the message at byte ${offset} claims ${metadataLength} header bytes`,
          );
        }
        const header =
          prefix + metadataLength <= got
            ? probe.subarray(prefix, prefix + metadataLength)
            : readExactly(fd, offset + prefix, metadataLength);
        let facts: MessageFacts;
        try {
          facts = readMessageFacts(header);
        } catch (error) {
          throw new ArrowFileCorruptError(path, `the message at byte ${offset} does not decode`, {
            cause: error,
          });
        }
        const size = prefix + metadataLength + facts.bodyLength;
        if (offset + size > fileSize) {
          const what =
            facts.headerType === HEADER_RECORD_BATCH ? `record batch ${spans.length}` : "a message";
          throw new ArrowFileCorruptError(
            path,
            `${what} needs ${offset + size} bytes but the file has ${fileSize}`,
          );
        }
        if (facts.headerType === HEADER_SCHEMA) {
          schemaBytes = readExactly(fd, offset, size);
        } else if (facts.headerType === HEADER_DICTIONARY_BATCH) {
          dictionaries.push(readExactly(fd, offset, size));
        } else if (facts.headerType === HEADER_RECORD_BATCH) {
          spans.push({ start: offset, size });
          rows.push(facts.rows);
        }
        offset += size;
      }
      if (!schemaBytes) throw new ArrowFileCorruptError(path, "it has no schema message");
      const schema = RecordBatchReader.from(schemaBytes).open().schema;
      // The cache key names this version of the file, so a file replaced at the same path is never
      // answered from batches of the old one.
      const identity = `${path}\0${stats.ino}\0${stats.size}\0${stats.mtimeMs}`;
      return new IpcStreamFile(path, identity, schema, schemaBytes, dictionaries, spans, rows);
    } finally {
      closeSync(fd);
    }
  }

  get numRows(): number {
    return this.batchRows.reduce((sum, rows) => sum + rows, 0);
  }

  /** Record batch `index`, from the shared cache or one positioned read. */
  readBatch(index: number): RecordBatch {
    const key = `${this.identity}\0${index}`;
    const cached = batchCache.get(key);
    if (cached) return cached;
    const span = this.batchSpans[index];
    if (!span)
      throw new RangeError(`${this.path} has ${this.batchSpans.length} record batches, not ${index + 1}.`);
    const fd = openSync(this.path, "r");
    let body: Buffer;
    try {
      body = readExactly(fd, span.start, span.size);
    } finally {
      closeSync(fd);
    }
    const bytes = Buffer.concat([this.schemaBytes, ...this.dictionaryBytes, body]);
    const [batch] = RecordBatchReader.from(bytes).readAll();
    if (!batch) throw new ArrowFileCorruptError(this.path, `record batch ${index} does not decode`);
    batchCache.set(key, batch, span.size);
    return batch;
  }
}

function readExactly(fd: number, position: number, length: number): Buffer {
  const buffer = Buffer.allocUnsafe(length);
  let done = 0;
  while (done < length) {
    const got = readSync(fd, buffer, done, length - done, position + done);
    if (got === 0) throw new RangeError(`Unexpected end of file at byte ${position + done}.`);
    done += got;
  }
  return buffer;
}

/** Decoded batches by file and index, evicted least-recently-used past a byte budget. */
class BatchCache {
  private readonly entries = new Map<string, { batch: RecordBatch; bytes: number }>();
  private bytes = 0;

  constructor(private readonly budget: number) {}

  get(key: string): RecordBatch | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.batch;
  }

  set(key: string, batch: RecordBatch, bytes: number): void {
    this.entries.set(key, { batch, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.budget || oldest === key) break;
      this.entries.delete(oldest);
      this.bytes -= entry.bytes;
    }
  }
}

const batchCache = new BatchCache(CACHE_BUDGET);
