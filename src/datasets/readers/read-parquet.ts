/**
 * Parquet files to Arrow record batches: parquet-wasm decodes one row group at a time (so a big file is
 * never decoded all at once), apache-arrow takes the batches over through IPC. Large strings and binaries
 * come back as the plain types, as pyarrow reads them, so features match Python's.
 */
import { readFile } from "node:fs/promises";
import { type RecordBatch, RecordBatchReader, type Schema } from "apache-arrow";
import { parquetMetadata } from "hyparquet";
import { emptyBatch } from "../arrow/arrow-table.js";
import { DataFileRowError } from "../errors.js";
import { narrowLargeTypes } from "./narrow-large-types.js";

/** Rows per record batch asked of parquet-wasm: large, so a row group comes back in few batches. */
const PARQUET_BATCH_ROWS = 1 << 17;

export interface ParquetReadOptions {
  columns?: readonly string[];
}

/**
 * Parquet bytes in memory decoded by parquet-wasm (the chosen row groups and columns, or all), as
 * apache-arrow batches with large strings narrowed.
 */
export async function decodeParquet(
  bytes: Uint8Array,
  options: { rowGroups?: number[]; columns?: readonly string[] } = {},
): Promise<RecordBatch[]> {
  // Loaded on first use: the module compiles its WebAssembly on import (see writers/encode-parquet.js).
  const { readParquet } = await import("parquet-wasm/node");
  const table = readParquet(bytes, {
    rowGroups: options.rowGroups,
    batchSize: PARQUET_BATCH_ROWS,
    columns: options.columns ? [...options.columns] : undefined,
  });
  const reader = RecordBatchReader.from(table.intoIPCStream());
  const batches = [...reader];
  // No rows still has a schema, which an empty batch carries.
  return (batches.length > 0 ? batches : [emptyBatch(reader.schema)]).map(narrowLargeTypes);
}

export async function* readParquetBatches(
  file: string,
  options: ParquetReadOptions = {},
): AsyncGenerator<{ schema: Schema; batch: RecordBatch }> {
  const bytes = await readFile(file);
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let rowGroups: number;
  try {
    rowGroups = parquetMetadata(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
      .row_groups.length;
  } catch (error) {
    throw new DataFileRowError(file, 0, "it is not a parquet file (its footer does not read)", {
      cause: error,
    });
  }
  if (rowGroups === 0) {
    for (const batch of await decodeParquet(view, { rowGroups: [], columns: options.columns }))
      yield { schema: batch.schema, batch };
  }
  for (let group = 0; group < rowGroups; group++) {
    let batches: RecordBatch[];
    try {
      batches = await decodeParquet(view, { rowGroups: [group], columns: options.columns });
    } catch (error) {
      throw new DataFileRowError(file, 0, `row group ${group} does not decode (${String(error)})`, {
        cause: error,
      });
    }
    for (const batch of batches) yield { schema: batch.schema, batch };
  }
}
