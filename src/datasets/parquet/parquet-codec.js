// @ts-check
/**
 * Every call wharf makes to parquet-wasm: Arrow IPC stream bytes encoded as a parquet file with the
 * settings wharf writes (snappy, and column-chunk statistics without a page index, as pyarrow writes by
 * default), and a parquet file decoded to Arrow IPC stream bytes. The same module runs in the calling
 * thread and as a worker of the codec pool (codec-pool.ts). It is plain JavaScript because a worker
 * thread starts from a file that Node runs as it is: this one is the same file under the TypeScript
 * sources and in the built package.
 */
import { serveTasks } from "../../core/workers/serve-tasks.js";

/** The `workerData` that starts this module as a codec worker. */
export const CODEC_WORKER = "wharf:parquet-codec";

/** Rows per record batch asked of parquet-wasm: large, so a row group comes back in few batches. */
const DECODE_BATCH_ROWS = 1 << 17;

/**
 * Loaded on first use: the module compiles its WebAssembly on import, which costs every process that
 * only opens datasets about 20 MB.
 */
function parquetWasm() {
  return import("parquet-wasm/node");
}

/**
 * @param {Uint8Array} ipc an Arrow IPC stream
 * @param {number} rowGroupSize rows per row group
 * @returns {Promise<Uint8Array>} the parquet file
 */
export async function encodeParquet(ipc, rowGroupSize) {
  const { Compression, EnabledStatistics, Table, WriterPropertiesBuilder, writeParquet } =
    await parquetWasm();
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setMaxRowGroupSize(rowGroupSize)
    .build();
  return writeParquet(Table.fromIPCStream(ipc), properties);
}

/**
 * @param {Uint8Array} parquet a parquet file
 * @param {{ rowGroups?: number[], columns?: string[] }} [options] the row groups and columns to decode (all by default)
 * @returns {Promise<Uint8Array>} an Arrow IPC stream
 */
export async function decodeParquetToIpc(parquet, options = {}) {
  const { readParquet } = await parquetWasm();
  const table = readParquet(parquet, {
    rowGroups: options.rowGroups,
    columns: options.columns,
    batchSize: DECODE_BATCH_ROWS,
  });
  return table.intoIPCStream();
}

/**
 * @typedef {{ kind: "encode", ipc: Uint8Array, rowGroupSize: number }
 *   | { kind: "decode", parquet: Uint8Array, columns?: string[] }} CodecTask
 */

/**
 * @param {CodecTask} task
 * @returns {Promise<Uint8Array>}
 */
function runCodecTask(task) {
  return task.kind === "encode"
    ? encodeParquet(task.ipc, task.rowGroupSize)
    : decodeParquetToIpc(task.parquet, { columns: task.columns });
}

serveTasks(CODEC_WORKER, runCodecTask, (bytes) => [
  // parquet-wasm's own copy out of its memory: the buffer can move, not be copied.
  /** @type {ArrayBuffer} */ (bytes.buffer),
]);
