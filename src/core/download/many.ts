/**
 * Many downloads at once under a concurrency limit, over the engine's one-file downloads. The first
 * failure cancels the rest (their partial files stay, so a second run resumes them) and is thrown.
 *
 * A fixed set of workers takes the items in order, rather than a queue holding a pending task per
 * item (p-limit): 2,000 queued tasks outlived the young generation, and their bookkeeping took about
 * 25 µs of every small download (bench/download).
 */
import { setMaxListeners } from "node:events";
import { BatchAbort } from "../batch-abort.js";
import { AbortedError, InvalidArgumentError } from "../errors.js";
import type { OnProgress } from "../progress.js";
import { type DownloadOptions, type DownloadResult, downloadFile } from "./engine.js";

export interface DownloadManyOptions {
  /** Downloads in flight at once; default 8, as `huggingface_hub`'s `max_workers`. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Progress of every file; each event's `id` names the file. */
  onProgress?: OnProgress;
}

export async function downloadMany(
  items: readonly DownloadOptions[],
  options: DownloadManyOptions = {},
): Promise<DownloadResult[]> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
  if (Number.isNaN(concurrency))
    throw new InvalidArgumentError(`concurrency must be a number of downloads, not ${options.concurrency}.`);
  const batch = new BatchAbort(options.signal);
  const { signal } = batch;
  // Each download in flight listens on the shared signal a few times (request, body, file); that is
  // expected, not a leak.
  setMaxListeners(10 + concurrency * 4, signal);
  if (signal.aborted) {
    batch.release();
    throw new AbortedError("The downloads were cancelled before they started.");
  }
  // The items as they are now: one added to the array meanwhile is not this call's.
  const count = items.length;
  const results: DownloadResult[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count && !batch.failed) {
      const index = next++;
      const item = items[index] as DownloadOptions;
      await batch.attempt(async () => {
        if (signal.aborted) throw new AbortedError("The downloads were cancelled before this one started.");
        // An item's own signal cancels that item; the batch's cancels them all.
        results[index] = await downloadFile({
          ...item,
          signal: item.signal ? AbortSignal.any([item.signal, signal]) : signal,
          onProgress: item.onProgress ?? options.onProgress,
        });
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  batch.end();
  return results;
}
