/**
 * Worker threads that encode and decode parquet (parquet-codec.js), one per core, so that a large
 * `toParquet` or parquet load uses every core as DuckDB and pyarrow do. Workers start on first use and
 * stay while work comes, so the next call does not pay their start (each compiles parquet-wasm and grows
 * its memory); they never keep the process alive, and they end after a few idle seconds, which gives
 * their WebAssembly memory back.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { WharfError } from "../../core/errors.js";
import { CODEC_WORKER, type CodecTask } from "./parquet-codec.js";

const IDLE_MS = 5_000;
const WORKER_FILE = new URL("./parquet-codec.js", import.meta.url);

/** parquet-wasm refused the bytes, or a codec worker died. */
export class ParquetCodecError extends WharfError {}

interface Task {
  task: CodecTask;
  resolve: (bytes: Uint8Array) => void;
  reject: (error: Error) => void;
}

type Reply = { bytes: Uint8Array } | { error: string };

class CodecPool {
  readonly size = availableParallelism();
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Task>();
  private readonly queue: Task[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  /** Runs the task on a worker; the task's bytes move to the worker and are not usable here after. */
  run(task: CodecTask): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.idleTimer);
    for (;;) {
      if (this.queue.length === 0) break;
      const worker = this.idle.pop() ?? (this.running.size < this.size ? this.spawn() : undefined);
      if (!worker) break;
      const next = this.queue.shift() as Task;
      this.running.set(worker, next);
      worker.ref();
      const bytes = next.task.kind === "encode" ? next.task.ipc : next.task.parquet;
      worker.postMessage(next.task, [bytes.buffer as ArrayBuffer]);
    }
    if (this.running.size === 0 && this.idle.length > 0) {
      this.idleTimer = setTimeout(() => {
        for (const worker of this.idle.splice(0)) void worker.terminate();
      }, IDLE_MS).unref();
    }
  }

  private spawn(): Worker {
    const worker = new Worker(WORKER_FILE, { workerData: CODEC_WORKER });
    worker.on("message", (reply: Reply) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ("bytes" in reply) task?.resolve(reply.bytes);
      else task?.reject(new ParquetCodecError(`parquet-wasm refused the bytes: ${reply.error}`));
      this.pump();
    });
    const fail = (error: Error) => {
      const task = this.running.get(worker);
      this.running.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      task?.reject(new ParquetCodecError(`A parquet codec thread stopped: ${error.message}`));
      this.pump();
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (this.running.has(worker)) fail(new Error(`it exited with code ${code}`));
    });
    return worker;
  }
}

let pool: CodecPool | undefined;

/** The process's codec pool, started on first use. */
export function codecPool(): CodecPool {
  pool ??= new CodecPool();
  return pool;
}
