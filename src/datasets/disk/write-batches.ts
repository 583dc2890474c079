/**
 * Writes a dataset's rows (through its indices mapping, in batches) to one Arrow stream file, atomically.
 * Shared by `flattenIndices`, `map`'s cache files and `saveToDisk`'s shards.
 */
import type { RecordBatch, Schema } from "apache-arrow";
import { IpcStreamWriter } from "../arrow/ipc-stream-writer.js";

/** Python's writer_batch_size: rows per record batch in files wharf writes. */
export const WRITER_BATCH_SIZE = 1000;

/**
 * Rows per record batch in saved shards and prepared cache files. Python writes 1,000; any size reads the
 * same, and fewer, larger batches make a file quicker to open (one header read per batch) and to write.
 */
export const STORED_BATCH_ROWS = 10_000;

export async function writeBatches(
  path: string,
  schema: Schema,
  batches: Iterable<RecordBatch> | AsyncIterable<RecordBatch>,
): Promise<{ rows: number; bytes: number }> {
  const writer = new IpcStreamWriter(path, schema);
  try {
    for await (const batch of batches) await writer.write(batch);
    await writer.close();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { rows: writer.rows, bytes: writer.bytes };
}
