/** The process's parquet codec workers (parquet-codec.js on the core worker pool), started on first use. */
import { availableParallelism } from "node:os";
import { WharfError } from "../../core/errors.js";
import { WorkerPool } from "../../core/workers/worker-pool.js";
import { CODEC_WORKER, type CodecTask } from "./parquet-codec.js";

/** parquet-wasm refused the bytes, or a codec worker died. */
export class ParquetCodecError extends WharfError {}

/**
 * Codec workers at most, whatever the cores: each holds its own parquet-wasm memory, which grows to about
 * twice the part it last worked on and is only given back when the worker ends.
 */
const MAX_WORKERS = 8;

let pool: WorkerPool<CodecTask, Uint8Array> | undefined;

export function codecPool(): WorkerPool<CodecTask, Uint8Array> {
  pool ??= new WorkerPool(
    new URL("./parquet-codec.js", import.meta.url),
    CODEC_WORKER,
    (message) => new ParquetCodecError(`parquet-wasm could not do it: ${message}`),
    Math.min(availableParallelism(), MAX_WORKERS),
  );
  return pool;
}
