/**
 * Cross-process locks on the file system, so two processes that want the same file download it once.
 * proper-lockfile does the locking (atomic creation, kept fresh while held, taken over when its holder
 * died); wharf gives it an empty file created with O_EXCL instead of its usual directory, because a
 * directory allocates a disk block and freeing it costs a TRIM on disks mounted with `discard`, which
 * made every small download several times slower. The lock lives at the path given, which must not be
 * one another tool locks differently: Python's `filelock` flocks `.lock` files, so wharf's use their own
 * suffix.
 */
import fs from "node:fs";
import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type ProperLockfile from "proper-lockfile";
import { AbortedError, LockTimeoutError } from "./errors.js";

/**
 * proper-lockfile, loaded with the first lock: with graceful-fs and signal-exit it took 15 ms of CPU
 * at every start, and most processes take no lock (a download under 1 MiB takes none unless it resumes
 * an earlier run's partial file).
 */
const lazily = createRequire(import.meta.url);
const lockfile = () => lazily("proper-lockfile") as typeof ProperLockfile;

export interface LockOptions {
  signal?: AbortSignal;
  /** Give up after this long, in milliseconds. Default: wait as long as the holder is alive. */
  timeoutMs?: number;
  /** A lock not refreshed for this long belongs to a dead process and is taken over. */
  staleMs?: number;
  /** The mode of the lock's folder when this call creates it (0o700 keeps other users out). */
  folderMode?: number;
  /** Called once, when the lock is held by another process and the wait begins. */
  onWait?: () => void | Promise<void>;
}

export type ReleaseLock = () => Promise<void>;

/** Runs a quick synchronous call and reports it the way a callback API does, on a later tick. */
function later<T>(call: () => T, callback: (error: NodeJS.ErrnoException | null, value?: T) => void): void {
  let value: T;
  try {
    value = call();
  } catch (error) {
    process.nextTick(callback, error as NodeJS.ErrnoException);
    return;
  }
  process.nextTick(callback, null, value);
}

/**
 * proper-lockfile's file-system calls, with its lock directory made an empty exclusive file. Taking and
 * dropping a lock is a few tiny metadata calls; made synchronously they skip the thread pool's hand-offs,
 * which cost more than the calls themselves when a snapshot takes a thousand locks.
 */
const fileLockFs = {
  ...fs,
  mkdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
    later(() => fs.closeSync(fs.openSync(path, "wx")), callback),
  stat: (path: string, callback: (error: NodeJS.ErrnoException | null, stats?: fs.Stats) => void) =>
    later(() => fs.statSync(path), callback),
  rmdir: (path: string, callback: (error: NodeJS.ErrnoException | null) => void) =>
    later(() => fs.unlinkSync(path), callback),
  // Used on process exit (Ctrl-C included) to drop the locks still held; without it a lock would stay
  // behind and the next run would wait for it to go stale.
  rmdirSync: (path: string) => fs.unlinkSync(path),
};

/** The first pause between tries while another process holds a lock, in milliseconds; it doubles. */
const FIRST_WAIT = 20;

/** Takes the lock at `lockPath`, waiting while another live process holds it. */
export async function acquireLock(lockPath: string, options: LockOptions = {}): Promise<ReleaseLock> {
  const started = Date.now();
  let wait = FIRST_WAIT;
  for (;;) {
    if (options.signal?.aborted) throw new AbortedError(`Cancelled while waiting for the lock ${lockPath}.`);
    try {
      const release = await lockfile().lock(lockPath, {
        lockfilePath: lockPath,
        realpath: false,
        fs: fileLockFs,
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
      const code = (error as { code?: string }).code;
      if (code === "ENOENT") {
        // The lock's folder does not exist yet; made here, not before every lock, to save a syscall.
        await mkdir(dirname(lockPath), { recursive: true, mode: options.folderMode });
        continue;
      }
      if (code !== "ELOCKED") throw error;
    }
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) {
      throw new LockTimeoutError(
        `Another process has held ${lockPath} for over ${options.timeoutMs} ms. If no other wharf or ` +
          "download is running, remove that file and try again.",
      );
    }
    if (wait === FIRST_WAIT) await options.onWait?.();
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
