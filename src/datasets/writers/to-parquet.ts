/**
 * `toParquet`: the dataset's rows (through its mapping) written by parquet-wasm, snappy-compressed as
 * pyarrow writes by default, with the `huggingface` schema metadata so Python reads the features back.
 * Written beside the target and renamed into place.
 *
 * A dataset of more than one row group is cut into parts of whole row groups, encoded by the codec
 * pool on every core, and the parts joined in order into one file (parquet/parquet-parts.ts): the same
 * bytes one writer would write, in a fraction of the time. Only a few parts are held at once, so memory
 * stays bounded by the part size, not the dataset's.
 */
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { type RecordBatch, RecordBatchStreamWriter, type Schema } from "apache-arrow";
import type { Dataset } from "../dataset.js";
import { arrowSchemaOf } from "../features/features-arrow.js";
import { codecPool } from "../parquet/codec-pool.js";
import { encodeParquet } from "../parquet/parquet-codec.js";
import { PARQUET_MAGIC, ParquetJoiner } from "../parquet/parquet-parts.js";

export interface ToParquetOptions {
  /** Rows per row group (default 100,000: datasets of real rows land near Python's ~100 MB groups). */
  rowGroupSize?: number;
}

const DEFAULT_ROW_GROUP = 100_000;
/** Row groups per part at most: small enough to bound memory, large enough to keep each worker busy. */
const MAX_GROUPS_PER_PART = 4;

/** Arrow record batches as one IPC stream, in a buffer of its own (it may be moved to a worker). */
function ipcOf(schema: Schema, batches: Iterable<RecordBatch>): Uint8Array {
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const batch of batches) writer.write(batch);
  writer.finish();
  const bytes = writer.toUint8Array(true);
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/**
 * The dataset's rows in runs of `partRows` (the last may be shorter), each run as record batches. The
 * batches are as large as a part, not a row group (parquet-wasm cuts the row groups): the stored batches
 * are then cut only at part boundaries, and each cut costs the IPC writer a copy of its offsets.
 */
function* partsOf(dataset: Dataset, partRows: number): Generator<RecordBatch[]> {
  let part: RecordBatch[] = [];
  let rows = 0;
  for (let batch of dataset.storedBatches(partRows)) {
    while (rows + batch.numRows >= partRows) {
      const taken = partRows - rows;
      part.push(batch.slice(0, taken));
      yield part;
      part = [];
      rows = 0;
      batch = batch.slice(taken);
    }
    if (batch.numRows > 0) {
      part.push(batch);
      rows += batch.numRows;
    }
  }
  if (rows > 0) yield part;
}

/** Appends all the bytes at the handle's position (`writeFile` loops until every byte is written). */
async function append(handle: FileHandle, bytes: Uint8Array): Promise<number> {
  await handle.writeFile(bytes);
  return bytes.byteLength;
}

/** Encodes the parts on the worker pool and writes them joined, in order, to `handle`. */
async function writeInParts(
  handle: FileHandle,
  dataset: Dataset,
  schema: Schema,
  rowGroupSize: number,
  groupsPerPart: number,
): Promise<number> {
  const pool = codecPool();
  const joiner = new ParquetJoiner();
  const pending: Promise<Uint8Array>[] = [];
  let written = await append(handle, PARQUET_MAGIC);
  const writeOldest = async () => {
    written += await append(handle, joiner.add(await (pending.shift() as Promise<Uint8Array>)));
  };
  try {
    for (const part of partsOf(dataset, groupsPerPart * rowGroupSize)) {
      // One part more than the workers keeps every worker fed while the oldest is written out.
      if (pending.length > pool.size) await writeOldest();
      const ipc = ipcOf(schema, part);
      const encoded = pool.run({ kind: "encode", ipc, rowGroupSize }, [ipc.buffer as ArrayBuffer]);
      // Awaited in order; a later part may fail while an earlier one is awaited, which must not go
      // unhandled meanwhile (the failure still reaches us when its turn comes).
      encoded.catch(() => undefined);
      pending.push(encoded);
    }
    while (pending.length > 0) await writeOldest();
  } finally {
    // Settle what is still running so that no rejection goes unhandled after an early failure.
    await Promise.allSettled(pending);
  }
  return written + (await append(handle, joiner.footer()));
}

/** Writes the dataset as parquet and returns the bytes written. */
export async function toParquet(
  dataset: Dataset,
  path: string,
  options: ToParquetOptions = {},
): Promise<number> {
  const rowGroupSize = options.rowGroupSize ?? DEFAULT_ROW_GROUP;
  const schema = arrowSchemaOf(dataset.features);
  const groups = Math.ceil(dataset.numRows / rowGroupSize);
  const workers = Math.min(codecPool().size, groups);
  const temporary = `${path}.${process.pid}.incomplete`;
  const handle = await open(temporary, "w");
  try {
    let written: number;
    if (workers <= 1) {
      const bytes = await encodeParquet(ipcOf(schema, dataset.storedBatches(rowGroupSize)), rowGroupSize);
      written = await append(handle, bytes);
    } else {
      const groupsPerPart = Math.min(MAX_GROUPS_PER_PART, Math.ceil(groups / workers));
      written = await writeInParts(handle, dataset, schema, rowGroupSize, groupsPerPart);
    }
    await handle.close();
    await rename(temporary, path);
    return written;
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}
