// @ts-check
/**
 * A worker module for WorkerPool's tests: answers `{ echo }` with the value, `{ fail }` with an error,
 * and `{ exit }` by ending its thread; with `exitAfter`, it answers, then ends while idle.
 */
import { serveTasks } from "../../src/core/workers/serve-tasks.js";

export const ECHO_WORKER = "wharf:test-echo";

serveTasks(
  ECHO_WORKER,
  /** @param {{ echo?: unknown, fail?: string, exit?: number, exitAfter?: boolean }} task */
  async (task) => {
    if (task.fail !== undefined) throw new Error(task.fail);
    if (task.exit !== undefined) process.exit(task.exit);
    if (task.exitAfter) setTimeout(() => process.exit(0), 20);
    return task.echo;
  },
);
