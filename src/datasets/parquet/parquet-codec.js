// @ts-check
/**
 * Arrow IPC stream bytes encoded as a parquet file by parquet-wasm, with the settings wharf writes:
 * snappy, as pyarrow writes by default, and column-chunk statistics without a page index, as pyarrow
 * writes by default. The same module runs in the calling thread and as a worker of the encoder pool
 * (parquet-encoder-pool.ts). It is plain JavaScript because a worker thread starts from a file that Node
 * runs as it is: this one is the same file under the TypeScript sources and in the built package.
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/** The `workerData` that starts this module as an encoder worker. */
export const ENCODER_WORKER = "wharf:parquet-encoder";

/**
 * @param {Uint8Array} ipc an Arrow IPC stream
 * @param {number} rowGroupSize rows per row group
 * @returns {Promise<Uint8Array>} the parquet file
 */
export async function encodeParquet(ipc, rowGroupSize) {
  // Loaded on first use: the module compiles its WebAssembly on import, which costs every process that
  // only opens datasets about 20 MB.
  const { Compression, EnabledStatistics, Table, WriterPropertiesBuilder, writeParquet } = await import(
    "parquet-wasm/node"
  );
  const properties = new WriterPropertiesBuilder()
    .setCompression(Compression.SNAPPY)
    .setStatisticsEnabled(EnabledStatistics.Chunk)
    .setMaxRowGroupSize(rowGroupSize)
    .build();
  return writeParquet(Table.fromIPCStream(ipc), properties);
}

if (!isMainThread && workerData === ENCODER_WORKER && parentPort) {
  const port = parentPort;
  port.on(
    "message",
    /** @param {{ ipc: Uint8Array, rowGroupSize: number }} task */
    async ({ ipc, rowGroupSize }) => {
      try {
        const bytes = await encodeParquet(ipc, rowGroupSize);
        // The bytes are parquet-wasm's own copy out of its memory, so their buffer can move, not be copied.
        port.postMessage({ bytes }, [/** @type {ArrayBuffer} */ (bytes.buffer)]);
      } catch (error) {
        port.postMessage({ error: error instanceof Error ? error.message : String(error) });
      }
    },
  );
}
