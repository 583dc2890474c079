/**
 * Many downloads at once under a concurrency limit, over the engine's one-file downloads. The first
 * failure cancels the rest (their partial files stay, so a second run resumes them) and is thrown.
 *
 * A fixed set of workers takes the items in order, rather than a queue holding a pending task per
 * item (p-limit): 2,000 queued tasks outlived the young generation, and their bookkeeping took about
 * 25 µs of every small download (bench/download).
 */
import { setMaxListeners } from "node:events";
import { AbortedError } from "../errors.js";
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
  const concurrency = Math.max(1, options.concurrency ?? 8);
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Each download in flight listens on the shared signal a few times (request, body, file); that is
  // expected, not a leak.
  setMaxListeners(10 + concurrency * 4, signal);
  const results: DownloadResult[] = new Array(items.length);
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async () => {
    while (next < items.length && failure === undefined) {
      const index = next++;
      const item = items[index] as DownloadOptions;
      try {
        if (signal.aborted) throw new AbortedError("The downloads were cancelled before this one started.");
        // An item's own signal cancels that item; the batch's cancels them all.
        results[index] = await downloadFile({
          ...item,
          signal: item.signal ? AbortSignal.any([item.signal, signal]) : signal,
          onProgress: item.onProgress ?? options.onProgress,
        });
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failure !== undefined) throw failure.error;
  return results;
}
