/**
 * `toParquet`: the dataset's rows (through its mapping) written by parquet-wasm, snappy-compressed as
 * pyarrow writes by default, with the `huggingface` schema metadata so Python reads the features back.
 * Written beside the target and renamed into place.
 */
import { rename, rm, writeFile } from "node:fs/promises";
import { RecordBatchStreamWriter } from "apache-arrow";
import type { Dataset } from "../dataset.js";
import { arrowSchemaOf } from "../features/features-arrow.js";

export interface ToParquetOptions {
  /** Rows per row group (default 100,000: datasets of real rows land near Python's ~100 MB groups). */
  rowGroupSize?: number;
}

const DEFAULT_ROW_GROUP = 100_000;

/** Writes the dataset as parquet and returns the bytes written. */
export async function toParquet(
  dataset: Dataset,
  path: string,
  options: ToParquetOptions = {},
): Promise<number> {
  const schema = arrowSchemaOf(dataset.features);
  const writer = new RecordBatchStreamWriter();
  writer.reset(undefined, schema);
  for (const batch of dataset.storedBatches(options.rowGroupSize ?? DEFAULT_ROW_GROUP)) writer.write(batch);
  writer.finish();
  const ipc = writer.toUint8Array(true);
  // Loaded on first use: the module compiles its WebAssembly on import, which costs every process that
  // only opens datasets about 20 MB.
  const { Compression, EnabledStatistics, Table, WriterPropertiesBuilder, writeParquet } = await import(
    "parquet-wasm/node"
  );
  const table = Table.fromIPCStream(ipc);
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    // Column-chunk statistics without a page index, as pyarrow writes by default.
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setMaxRowGroupSize(options.rowGroupSize ?? DEFAULT_ROW_GROUP)
    .build();
  const bytes = writeParquet(table, properties);
  const temporary = `${path}.${process.pid}.incomplete`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  return bytes.byteLength;
}
