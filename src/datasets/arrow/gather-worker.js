// @ts-check
/**
 * A gather worker: one column of a parallel gather (parallel-gather.ts), by the kernel's loops
 * (gather-kernels.js). Plain JavaScript because a worker thread runs it (see core/workers/worker-pool.ts).
 */
import { serveTasks } from "../../core/workers/serve-tasks.js";
import { copyWords, gatherVariable32 } from "./gather-kernels.js";

/** The `workerData` that starts this module as a gather worker. */
export const GATHER_WORKER = "wharf:gather";

/**
 * @typedef {{ kind: "words", source: Uint32Array, rows: Uint32Array, width: number }
 *   | { kind: "variable", offsets: Int32Array, values: Uint8Array, rows: Uint32Array }} GatherTask
 * @typedef {{ words: Uint32Array } | { offsets: Int32Array, bytes: Uint8Array } | { tooLarge: true }} GatherResult
 */

/**
 * @param {GatherTask} task
 * @returns {Promise<GatherResult>}
 */
async function runGatherTask(task) {
  if (task.kind === "words") {
    const words = new Uint32Array(task.rows.length * task.width);
    copyWords(words, [task.source], undefined, task.rows, task.width);
    return { words };
  }
  return gatherVariable32([task.offsets], [task.values], undefined, task.rows) ?? { tooLarge: true };
}

serveTasks(GATHER_WORKER, runGatherTask, (result) =>
  "words" in result
    ? [/** @type {ArrayBuffer} */ (result.words.buffer)]
    : "bytes" in result
      ? [/** @type {ArrayBuffer} */ (result.offsets.buffer), /** @type {ArrayBuffer} */ (result.bytes.buffer)]
      : [],
);
