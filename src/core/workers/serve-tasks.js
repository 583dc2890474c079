// @ts-check
/**
 * The worker side of a WorkerPool (worker-pool.ts): a module started as a pool's worker answers each
 * task message with `{ result }` or `{ error }`. Plain JavaScript, as every module a worker thread runs
 * is (see worker-pool.ts).
 */
import { isMainThread, parentPort, workerData } from "node:worker_threads";

/**
 * Serves tasks when this thread is a worker started with `marker` as its `workerData`; does nothing
 * anywhere else, so the module that calls it can also be imported and used in the calling thread.
 *
 * @template T, R
 * @param {string} marker
 * @param {(task: T) => Promise<R>} handle
 * @param {(result: R) => ArrayBuffer[]} [transferOf] buffers of a result that move rather than copy
 */
export function serveTasks(marker, handle, transferOf = () => []) {
  if (isMainThread || workerData !== marker || !parentPort) return;
  const port = parentPort;
  port.on(
    "message",
    /** @param {T} task */
    async (task) => {
      try {
        const result = await handle(task);
        port.postMessage({ result }, transferOf(result));
      } catch (error) {
        // A system error's code (ENOENT, EACCES...) goes along, so the caller can tell what happened.
        const code = /** @type {{ code?: unknown }} */ (error)?.code;
        port.postMessage({
          error: error instanceof Error ? error.message : String(error),
          ...(typeof code === "string" && { code }),
        });
      }
    },
  );
}
