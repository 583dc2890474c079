/**
 * Cross-process locks on the file system (proper-lockfile: an atomic mkdir, kept fresh while held and
 * taken over when its holder died), so two processes that want the same file download it once.
 * The lock lives at the path given, which must not be a path another tool locks differently: Python's
 * `filelock` locks `.lock` files with flock, so wharf's lock paths use their own suffix.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import lockfile from "proper-lockfile";
import { AbortedError, LockTimeoutError } from "./errors.js";

export interface LockOptions {
  signal?: AbortSignal;
  /** Give up after this long, in milliseconds. Default: wait as long as the holder is alive. */
  timeoutMs?: number;
  /** A lock not refreshed for this long belongs to a dead process and is taken over. */
  staleMs?: number;
}

export type ReleaseLock = () => Promise<void>;

/** Takes the lock at `lockPath`, waiting while another live process holds it. */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<ReleaseLock> {
  await mkdir(dirname(lockPath), { recursive: true });
  const started = Date.now();
  let wait = 20;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError(`Cancelled while waiting for the lock ${lockPath}.`);
    try {
      const release = await lockfile.lock(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        retries: 0,
        stale: options.staleMs ?? 20_000,
        // A lock we lose (the machine slept past `stale`) must not crash the process; the work it guards
        // is still atomic (temporary file, then rename), so the worst outcome is a second transfer.
        onCompromised: () => {},
      });
      return async () => {
        try {
          await release();
        } catch {
          // Already released or taken over: nothing left to undo.
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== "ELOCKED") throw error;
    }
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new LockTimeoutError(
        `Another process has held ${lockPath} for over ${options.timeoutMs} ms. If no other wharf or ` +
          "download is running, remove that folder and try again.",
      );
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 250);
  }
}

/** Runs `work` while holding the lock at `lockPath`. */
export async function withLock<T>(
  lockPath: string,
  work: () => Promise<T>,
  options: LockOptions = {},
): Promise<T> {
  const release = await acquireLock(lockPath, options);
  try {
    return await work();
  } finally {
    await release();
  }
}
