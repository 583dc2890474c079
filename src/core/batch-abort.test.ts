import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { BatchAbort } from "./batch-abort.js";

describe("BatchAbort", () => {
  it("stops with the caller's signal or its own, and lets go of the caller's signal when released", () => {
    const caller = new AbortController();
    const first = new BatchAbort(caller.signal);
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(1);
    first.stop();
    expect([first.signal.aborted, caller.signal.aborted]).toEqual([true, false]);
    first.release();
    expect(getEventListeners(caller.signal, "abort")).toHaveLength(0);

    const second = new BatchAbort(caller.signal);
    caller.abort(new Error("the caller gave up"));
    expect(second.signal.reason).toEqual(new Error("the caller gave up"));
    second.release();
    // Already cancelled before the batch: it starts stopped.
    expect(new BatchAbort(caller.signal).signal.aborted).toBe(true);
    expect(new BatchAbort().signal.aborted).toBe(false);
  });

  it("keeps the first failure of its pieces, stops the rest, and throws it when ended", async () => {
    const batch = new BatchAbort();
    expect(await batch.attempt(async () => 1)).toBe(1);
    expect(await batch.attempt(async () => Promise.reject(new Error("first")))).toBeUndefined();
    expect([batch.failed, batch.signal.aborted]).toEqual([true, true]);
    let ran = false;
    expect(await batch.attempt(async () => (ran = true))).toBeUndefined();
    expect(ran).toBe(false);
    expect(() => batch.end()).toThrow("first");
    expect(() => new BatchAbort().end()).not.toThrow();
  });
});
