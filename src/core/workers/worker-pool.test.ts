import { describe, expect, it } from "vitest";
import { ECHO_WORKER } from "../../../test/support/echo-worker.js";
import { WorkerPool } from "./worker-pool.js";

type Task = { echo?: unknown; fail?: string; exit?: number; exitAfter?: boolean };

function echoPool(size = 2): WorkerPool<Task, unknown> {
  return new WorkerPool<Task, unknown>(
    new URL("../../../test/support/echo-worker.js", import.meta.url),
    ECHO_WORKER,
    (message) => new Error(`echo failed: ${message}`),
    size,
  );
}

describe("WorkerPool", () => {
  it("runs more tasks than workers, each answer to its own task", async () => {
    const pool = echoPool(2);
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => pool.run({ echo: { i } })));
    expect(answers).toEqual(Array.from({ length: 9 }, (_, i) => ({ i })));
  });

  it("moves transferred buffers to the worker", async () => {
    const pool = echoPool(1);
    const bytes = new Uint8Array([1, 2, 3]);
    const answer = (await pool.run({ echo: bytes }, [bytes.buffer])) as Uint8Array;
    expect([...answer]).toEqual([1, 2, 3]);
    expect(bytes.byteLength).toBe(0); // detached here: it moved
  });

  it("turns a task's failure and a worker's death into errors, and goes on working", async () => {
    const pool = echoPool(1);
    await expect(pool.run({ fail: "no such thing" })).rejects.toThrow("echo failed: no such thing");
    await expect(pool.run({ exit: 3 })).rejects.toThrow(/echo failed: its worker thread stopped/);
    expect(await pool.run({ echo: "still here" })).toBe("still here");
  });

  it("gives the next task to a live worker after an idle one ended, and fails a task it cannot send", async () => {
    const pool = echoPool(1);
    expect(await pool.run({ echo: 1, exitAfter: true })).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await pool.run({ echo: 2 })).toBe(2);
    await expect(pool.run({ echo: () => 3 })).rejects.toThrow(/could not be sent/);
    expect(await pool.run({ echo: 4 })).toBe(4);
  });
});
