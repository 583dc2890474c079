/**
 * Worker threads that encode parquet parts (encode-parquet.js), one per core, so that a large
 * `toParquet` uses every core as DuckDB and pyarrow do. Workers start on first use and stay while work
 * comes, so a second write does not pay their start (each compiles parquet-wasm and grows its memory);
 * they never keep the process alive, and they end after a few idle seconds, which gives their
 * WebAssembly memory back.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { WharfError } from "../../core/errors.js";
import { ENCODER_WORKER } from "./encode-parquet.js";

const IDLE_MS = 5_000;
const WORKER_FILE = new URL("./encode-parquet.js", import.meta.url);

/** parquet-wasm refused the rows, or an encoder worker died. */
export class ParquetEncodeError extends WharfError {}

interface Task {
  ipc: Uint8Array;
  rowGroupSize: number;
  resolve: (bytes: Uint8Array) => void;
  reject: (error: Error) => void;
}

type Reply = { bytes: Uint8Array } | { error: string };

class EncoderPool {
  readonly size = availableParallelism();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  encode(ipc: Uint8Array, rowGroupSize: number): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ipc, rowGroupSize, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.idleTimer);
    for (;;) {
      if (this.queue.length === 0) break;
      const worker = this.idle.pop() ?? (this.running.size < this.size ? this.spawn() : undefined);
      if (!worker) break;
      const task = this.queue.shift() as Task;
      this.running.set(worker, task);
      worker.ref();
      worker.postMessage({ ipc: task.ipc, rowGroupSize: task.rowGroupSize }, [
        task.ipc.buffer as ArrayBuffer,
      ]);
    }
    if (this.running.size === 0 && this.idle.length > 0) {
      this.idleTimer = setTimeout(() => {
        for (const worker of this.idle.splice(0)) void worker.terminate();
      }, IDLE_MS).unref();
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_FILE, { workerData: ENCODER_WORKER });
    worker.on("message", (reply: Reply) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ("bytes" in reply) task?.resolve(reply.bytes);
      else task?.reject(new ParquetEncodeError(`parquet-wasm could not encode the rows: ${reply.error}`));
      this.pump();
    });
    const fail = (error: Error) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      task?.reject(new ParquetEncodeError(`A parquet encoder thread stopped: ${error.message}`));
      this.pump();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.running.has(worker)) fail(new Error(`it exited with code ${code}`));
    });
    return worker;
  }
}

let pool: EncoderPool | undefined;

/** The process's encoder pool, started on first use. */
export function encoderPool(): EncoderPool {
  pool ??= new EncoderPool();
  return pool;
}
