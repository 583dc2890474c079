/**
 * Many downloads at once under a concurrency limit, over the engine's one-file downloads. The first
 * failure cancels the rest (their partial files stay, so a second run resumes them) and is thrown.
 */
import { setMaxListeners } from "node:events";
import pLimit from "p-limit";
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
  const limit = pLimit(concurrency);
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  // Each download in flight listens on the shared signal a few times (request, body, file); that is
  // expected, not a leak.
  setMaxListeners(10 + concurrency * 4, signal);
  let firstError: unknown;
  const results = await Promise.allSettled(
    items.map((item) =>
      limit(() => {
        if (signal.aborted) {
          throw firstError ?? new AbortedError("The downloads were cancelled before this one started.");
        }
        // An item's own signal cancels that item; the batch's cancels them all.
        const itemSignal = item.signal ? AbortSignal.any([item.signal, signal]) : signal;
        return downloadFile({
          ...item,
          signal: itemSignal,
          onProgress: item.onProgress ?? options.onProgress,
        });
      }).catch((error: unknown) => {
        if (firstError === undefined) {
          firstError = error;
          controller.abort();
        }
        throw error;
      }),
    ),
  );
  if (firstError !== undefined) throw firstError;
  return results.map((result) => (result as PromiseFulfilledResult<DownloadResult>).value);
}
