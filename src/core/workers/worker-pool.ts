/**
 * Worker threads that run one module's tasks, one thread per core, for the work wharf does in bulk on
 * bytes (parquet encoding and decoding, hashing large files): the event loop stays free, and several
 * tasks run at once on as many cores. Workers start on first use and stay while work comes, so the next
 * task does not pay their start; they never keep the process alive, and they end after a few idle
 * seconds, which gives their memory back.
 *
 * A worker runs a plain JavaScript module (its side is serve-tasks.js): Node starts a worker thread
 * from a file it runs as it is, and a `.js` module is the same file under the TypeScript sources (where
 * the tests run) and in the built package. Such a module imports only packages and other `.js` modules.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";

const IDLE_MS = 5_000;

interface Pending<T, R> {
  task: T;
  transfer: ArrayBuffer[];
  resolve: (result: R) => void;
  reject: (error: Error) => void;
}

/** A worker's answer: the result, or the failure's message and, for a system error, its code. */
type Reply<R> = { result: R } | { error: string; code?: string };

export class WorkerPool<T, R> {
  private readonly idle: Worker[] = [];
  private readonly running = new Map<Worker, Pending<T, R>>();
  private readonly queue: Pending<T, R>[] = [];
  private idleTimer: NodeJS.Timeout | undefined;

  /**
   * @param file the worker module, which calls `serveTasks(marker, ...)`
   * @param failure the error a task's failure becomes, from the worker's message (and code, if any)
   */
  constructor(
    private readonly file: URL,
    private readonly marker: string,
    private readonly failure: (message: string, code?: string) => Error,
    readonly size = availableParallelism(),
  ) {}

  /** Runs a task on a worker; the `transfer` buffers move to the worker and are unusable here after. */
  run(task: T, transfer: ArrayBuffer[] = []): Promise<R> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, transfer, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    clearTimeout(this.idleTimer);
    for (;;) {
      if (this.queue.length === 0) break;
      const worker = this.idle.pop() ?? (this.running.size < this.size ? this.spawn() : undefined);
      if (!worker) break;
      const next = this.queue.shift() as Pending<T, R>;
      try {
        worker.postMessage(next.task, next.transfer);
      } catch (error) {
        // A task that cannot be sent (not cloneable, a bad transfer list) fails alone; the worker is free.
        this.idle.push(worker);
        next.reject(this.failure(`the task could not be sent to a worker (${(error as Error).message})`));
        continue;
      }
      this.running.set(worker, next);
      worker.ref();
    }
    if (this.running.size === 0 && this.idle.length > 0) {
      this.idleTimer = setTimeout(() => {
        for (const worker of this.idle.splice(0)) void worker.terminate();
      }, IDLE_MS).unref();
    }
  }

  private spawn(): Worker {
    // No inherited Node options: a worker module needs none, and some a parent may run with are refused
    // in a worker (`node --input-type=module -e ...` made every worker die at start).
    const worker = new Worker(this.file, { workerData: this.marker, execArgv: [] });
    worker.on("message", (reply: Reply<R>) => {
      const pending = this.running.get(worker);
      this.running.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ("result" in reply) pending?.resolve(reply.result);
      else pending?.reject(this.failure(reply.error, reply.code));
      this.pump();
    });
    const fail = (error: Error) => {
      const pending = this.running.get(worker);
      this.running.delete(worker);
      const at = this.idle.indexOf(worker);
      if (at >= 0) this.idle.splice(at, 1);
      pending?.reject(this.failure(`its worker thread stopped (${error.message})`));
      this.pump();
    };
    worker.on("error", fail);
    // A worker that ends, busy or idle, leaves the pool; a busy one's task fails.
    worker.on("exit", (code) => fail(new Error(`exit code ${code}`)));
    return worker;
  }
}
