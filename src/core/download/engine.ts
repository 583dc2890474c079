/**
 * The download engine: one URL to one file, atomically. Bytes go to a temporary `*.incomplete` file
 * beside the target, which is renamed into place only when whole and verified (size, sha256), so a
 * half-written file never sits under the final name. A dropped or stalled connection resumes with
 * `Range` (and copes with a server that ignores it); an interrupted run leaves the partial file for the
 * next run to resume; a lock keeps two processes from fetching the same target twice. A download under
 * 1 MiB takes no lock and leaves nothing to resume (see `downloadFile`).
 * Callers: the hub layer's cache, the catalog's downloaders, the mirror's pull, and `downloadMany`.
 */
import { createHash, type Hash, randomUUID } from "node:crypto";
import { closeSync, createReadStream, fsync, ftruncateSync, openSync, renameSync, statSync } from "node:fs";
import { open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { promisify } from "node:util";
import {
  AbortedError,
  ChecksumMismatchError,
  NetworkError,
  SizeMismatchError,
  WharfError,
} from "../errors.js";
import { inFolderOf } from "../folder-files.js";
import { sha256Hex, sha256OfFile } from "../hash.js";
import { type BodyAnswer, defaultHttpClient, type HttpClient } from "../http/client.js";
import {
  backoffDelay,
  isNetworkError,
  type RetryPolicy,
  resolveRetryPolicy,
  waitBeforeRetry,
} from "../http/retry.js";
import { acquireLock } from "../lock.js";
import type { OnProgress } from "../progress.js";
import { FileSink } from "./file-sink.js";

export interface DownloadOptions {
  url: string;
  /** Where the file ends up. Its folder is created. */
  dest: string;
  headers?: Record<string, string | undefined>;
  client?: HttpClient;
  /** Refuse the download unless it is exactly this many bytes. */
  expectedSize?: number;
  /** Refuse the download unless its sha256 (hex) is this. */
  expectedSha256?: string;
  /** Compute the sha256 even when none is expected, and return it. */
  computeSha256?: boolean;
  /** Download even when `dest` already exists. */
  force?: boolean;
  /**
   * Take an existing `dest` of the expected size as the file without hashing it again: for targets only
   * ever made by a verified download (a content-addressed blob named by its hash), where a second process
   * that waited for the first would otherwise re-read a whole file it knows is right.
   */
  trustExisting?: boolean;
  /** The temporary file; default `${dest}.incomplete`. */
  incompletePath?: string;
  /**
   * Keep the partial file when the download fails, for a later run to resume (the default). False for a
   * temporary file of this call's own, which no later run would find: a failure then removes it.
   */
  keepPartial?: boolean;
  /**
   * The cross-process lock, taken for a download of 1 MiB or more (or of unknown size); default a file
   * named by the hash of `dest`'s absolute path in the user's `$TMPDIR/wharf-locks-<uid>`; false when
   * the caller holds one.
   */
  lockPath?: string | false;
  /** fsync the file before the rename and its folder after, so it survives a power cut. */
  durable?: boolean;
  signal?: AbortSignal;
  onProgress?: OnProgress;
  /** Name used in progress events and messages; default the destination path. */
  label?: string;
  /** Retries for failed requests and for resumes after a dropped connection that made no progress. */
  retry?: Partial<RetryPolicy>;
  /** How long to wait for an answer's headers, in milliseconds (default 60 s). */
  timeoutMs?: number;
  /** How long the body may stall before the connection counts as dropped (default 60 s). */
  stallTimeoutMs?: number;
}

export interface DownloadResult {
  path: string;
  size: number;
  /** The file's sha256 when it was expected, or asked for and the bytes were downloaded. */
  sha256?: string;
  /** Bytes that came over the network in this call. */
  transferred: number;
  /** True when `dest` already existed and nothing was downloaded. */
  skipped: boolean;
  /** The server's ETag of the file, when it sent one. */
  etag?: string;
}

interface Attempt {
  response: BodyAnswer;
  /** Where the answer's body starts in the file. */
  start: number;
  /** The file's whole size, when the answer says. */
  total: number | undefined;
}

/** Reads `bytes START-END/TOTAL`, or the unsatisfied form with a star for the range. */
export function parseContentRange(value: string | undefined): { start?: number; total?: number } | undefined {
  if (value === undefined) return undefined;
  const match = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i.exec(value.trim());
  if (!match) return undefined;
  return {
    start: match[1] === undefined ? undefined : Number(match[1]),
    total: match[3] === undefined || match[3] === "*" ? undefined : Number(match[3]),
  };
}

/*
 * The file's metadata calls (open, stat, truncate, close, rename) are made synchronously: each is a
 * quick call on a local disk, and through the thread pool its two hand-offs cost more than the call
 * itself, which a snapshot of a thousand small files feels (measured with bench/snapshot). The bytes
 * are written synchronously too (FileSink says why).
 */
function sizeOf(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.size;
}

const fsyncFd = promisify(fsync);

interface Incomplete {
  /** The open file's descriptor. */
  fd: number;
  /** Where writing resumes. */
  position: number;
  /** A partial file was there before this run (so its saved ETag may be too). */
  existed: boolean;
}

/**
 * Opens the temporary file, and says where writing resumes: the end of a partial file an earlier run
 * left (when resuming and it is not longer than the expected size), else 0 with the file emptied.
 * The common case, no partial file, costs one exclusive create.
 */
async function openIncomplete(
  incomplete: string,
  resume: boolean,
  expectedSize: number | undefined,
): Promise<Incomplete> {
  try {
    return { fd: inFolderOf(incomplete, () => openSync(incomplete, "wx")), position: 0, existed: false };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  const size = sizeOf(incomplete) ?? 0;
  if (!resume || (expectedSize !== undefined && size > expectedSize))
    return { fd: openSync(incomplete, "w"), position: 0, existed: true };
  return { fd: openSync(incomplete, "r+"), position: size, existed: true };
}

/** The temporary file a download writes: `incompletePath`, by default `${dest}.incomplete`. */
function incompletePathOf(options: DownloadOptions): string {
  return options.incompletePath ?? `${options.dest}.incomplete`;
}

/**
 * Where a partial file's ETag is kept between runs, so a later run resumes only bytes of the same
 * version of the file. Written only when a download stops with its partial file kept.
 */
const etagPathOf = (incomplete: string) => `${incomplete}.etag`;

async function readSavedEtag(incomplete: string): Promise<string | undefined> {
  try {
    return (await readFile(etagPathOf(incomplete), "utf8")) || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

async function saveEtag(incomplete: string, etag: string | undefined): Promise<void> {
  if (etag === undefined) await rm(etagPathOf(incomplete), { force: true });
  else await writeFile(etagPathOf(incomplete), etag);
}

/** Feeds the first `length` bytes of a file into a new hash, to resume hashing where a download stopped. */
async function hashPrefix(path: string, length: number, signal?: AbortSignal): Promise<Hash> {
  const hash = createHash("sha256");
  if (length === 0) return hash;
  for await (const chunk of createReadStream(path, {
    start: 0,
    end: length - 1,
    highWaterMark: 1 << 20,
    signal,
  })) {
    hash.update(chunk as Buffer);
  }
  return hash;
}

/** fsyncs a folder, so a rename into it survives a power cut. */
async function syncFolder(path: string): Promise<void> {
  const folder = await open(path, "r");
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}

/**
 * Where a download's lock lives by default: not beside `dest`, because a file system serializes the
 * creations and removals within one folder, and a lock file created and removed next to every small
 * download doubles the work that folder serializes. Every process of one user names the same file for
 * one `dest`; the folder is the user's own, because a shared one in /tmp would let another user block
 * or squat on it.
 */
export function defaultLockPath(dest: string): string {
  const user = process.getuid?.() ?? userInfo().username;
  return join(tmpdir(), `wharf-locks-${user}`, `${sha256Hex(resolve(dest)).slice(0, 40)}.lock`);
}

/**
 * The result for a `dest` that already holds the file, or undefined when it must be downloaded: absent,
 * another size, or (when a sha256 is expected, and the file is not trusted) other bytes; always
 * undefined with `force`.
 */
async function existingResult(options: DownloadOptions): Promise<DownloadResult | undefined> {
  if (options.force) return undefined;
  const size = sizeOf(options.dest);
  if (size === undefined) return undefined;
  if (options.expectedSize !== undefined && size !== options.expectedSize) return undefined;
  const sha256 = options.expectedSha256?.toLowerCase();
  if (sha256 !== undefined && !options.trustExisting) {
    if ((await sha256OfFile(options.dest, options.signal)) !== sha256) return undefined;
  }
  return { path: options.dest, size, sha256, transferred: 0, skipped: true };
}

/**
 * Downloads under this size take no lock (1 MiB): each writes a partial file of its own, named with a
 * random part as recent Python names them, renamed into place when whole and removed on failure. Two
 * processes may then both fetch one small file; the target still ends whole, once. The lock is a file
 * created and removed per download (Node has no `flock`), and for 2,000 files of 8 KiB it cost 0.2 to
 * 0.28 s of 0.72 to 1.04 s (bench/download); a small partial file is not worth resuming anyway.
 */
const UNLOCKED_BYTES = 1 << 20;

/**
 * A partial file that only this call writes: a random part before `.incomplete`. (From `randomUUID`,
 * which draws on a cached pool of random bytes: `randomBytes` asked the system for each and cost 6 µs.)
 */
function privateIncompletePath(incomplete: string): string {
  // A UUID's first twelve hex digits are random (the thirteenth is its version).
  const uuid = randomUUID();
  const random = `${uuid.slice(0, 8)}${uuid.slice(9, 13)}`;
  return incomplete.endsWith(".incomplete")
    ? `${incomplete.slice(0, -".incomplete".length)}.${random}.incomplete`
    : `${incomplete}.${random}.incomplete`;
}

export async function downloadFile(options: DownloadOptions): Promise<DownloadResult> {
  if (options.lockPath === false) return existingOrDownload(options);
  const incomplete = incompletePathOf(options);
  // A partial file an earlier run left is resumed under the lock, whatever its size.
  if (sizeOf(incomplete) !== undefined || (options.expectedSize ?? 0) >= UNLOCKED_BYTES)
    return locked(options);
  const unlocked = { ...options, incompletePath: privateIncompletePath(incomplete), keepPartial: false };
  if (options.expectedSize !== undefined) return existingOrDownload(unlocked);
  // The size is unknown until the answer comes: ask, and take the lock only for a large file.
  const existing = await existingResult(options);
  if (existing) return existing;
  const client = options.client ?? defaultHttpClient();
  const first = await request(client, options, 0, undefined, resolveRetryPolicy(options.retry));
  // ("complete" only answers a resumed request; this one started at 0.)
  if (first === "complete") return locked(options);
  if (first.total !== undefined && first.total < UNLOCKED_BYTES) return download(unlocked, first);
  return locked(options, first);
}

/**
 * Under the lock: the download another process may be making too, or resuming. `first` is the answer
 * to a request already sent; it is dropped if the lock must be waited for (its body would stall the
 * connection meanwhile) or if the file turns out to be there, or partly there, once the lock is held.
 */
async function locked(options: DownloadOptions, first?: Attempt): Promise<DownloadResult> {
  let answer = first;
  const drop = async () => {
    await answer?.response.discard();
    answer = undefined;
  };
  let release: (() => Promise<void>) | undefined;
  try {
    release = await acquireLock(options.lockPath || defaultLockPath(options.dest), {
      signal: options.signal,
      folderMode: options.lockPath === undefined ? 0o700 : undefined,
      onWait: drop,
    });
    const existing = await existingResult(options);
    if (existing) {
      await drop();
      return existing;
    }
    if (answer !== undefined && sizeOf(incompletePathOf(options)) !== undefined) await drop();
    return await download(options, answer);
  } catch (error) {
    await drop();
    throw error;
  } finally {
    await release?.();
  }
}

/** The file if `dest` holds it already, else the download. */
async function existingOrDownload(options: DownloadOptions): Promise<DownloadResult> {
  const existing = await existingResult(options);
  return existing ?? download(options);
}

/** The transfer, resuming a partial file if there is one; with `first`, the answer to a request already sent. */
async function download(options: DownloadOptions, first?: Attempt): Promise<DownloadResult> {
  try {
    return await transfer(options, true, first);
  } catch (error) {
    // A partial file left by an earlier run may have come from a different version of the file;
    // when the whole no longer verifies, one clean download settles it.
    if (error instanceof ResumedCorruptError) return await transfer(options, false);
    // An answer that failed before its body was read must not hold its connection.
    await first?.response.discard();
    throw error;
  }
}

/** Raised when bytes resumed from an earlier run's partial file make the whole fail verification. */
class ResumedCorruptError extends WharfError {}

async function transfer(
  options: DownloadOptions,
  resumeFromDisk: boolean,
  first?: Attempt,
): Promise<DownloadResult> {
  const { url, dest, signal } = options;
  const label = options.label ?? dest;
  const client = options.client ?? defaultHttpClient();
  const policy = resolveRetryPolicy(options.retry);
  const incomplete = incompletePathOf(options);
  const wantHash = options.expectedSha256 !== undefined || options.computeSha256 === true;
  const cancelled = () => new AbortedError(`Download of ${label} was cancelled; the partial file was kept.`);

  const opened = await openIncomplete(incomplete, resumeFromDisk, options.expectedSize);
  const { fd, position: resumedFrom } = opened;
  let position = resumedFrom;
  // The version of the bytes in the file: a resumed range must come from the same one.
  let etag = resumedFrom > 0 ? await readSavedEtag(incomplete) : undefined;
  let hash: Hash | undefined;
  let transferred = 0;
  let total = options.expectedSize;
  // The furthest the file has reached: a drop that does not take it further is a failure without
  // progress, even when the server made us start over and refill the file up to there.
  let highest = position;
  let failures = 0;
  let restarts = 0;
  let answered = first;
  /** Forgets the partial file and its ETag. */
  const discardPartial = async () => {
    await rm(incomplete, { force: true });
    if (opened.existed) await rm(etagPathOf(incomplete), { force: true });
  };
  try {
    if (wantHash) hash = await hashPrefix(incomplete, position, signal);
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const attempt = answered ?? (await request(client, options, position, etag, policy));
      answered = undefined;
      if (attempt === "complete") break;
      const { response } = attempt;
      if (attempt.start < position) {
        // The server ignored our Range (a plain 200), or answered an earlier one: keep what precedes it.
        restarts++;
        if (restarts > policy.maxRetries) {
          await response.discard();
          throw new NetworkError(
            `Download of ${label} from ${url} had to start over ${restarts} times: the server ignores ` +
              "Range requests and keeps dropping the connection. Try again later.",
            url,
          );
        }
        position = attempt.start;
        ftruncateSync(fd, position);
        if (wantHash) hash = await hashPrefix(incomplete, position, signal);
      }
      etag = response.headers.etag ?? (attempt.start > 0 ? etag : undefined);
      if (attempt.total !== undefined) {
        if (options.expectedSize !== undefined && attempt.total !== options.expectedSize) {
          await response.discard();
          throw new SizeMismatchError(label, options.expectedSize, attempt.total);
        }
        total = attempt.total;
      }
      const before = position;
      const sink = new FileSink({
        fd,
        position,
        hash,
        onWritten: (written) => {
          if (total !== undefined && written > total) throw new SizeMismatchError(label, total, written);
          options.onProgress?.({ id: label, phase: "download", done: written, total });
        },
      });
      let dropped: unknown;
      try {
        await response.receive(sink, signal);
      } catch (error) {
        dropped = error;
      }
      position = sink.position;
      transferred += position - before;
      if (dropped !== undefined) {
        if (signal?.aborted) throw cancelled();
        if (!isNetworkError(dropped)) throw dropped;
      }
      if (dropped === undefined && (total === undefined || position >= total)) break;
      // The connection dropped, or the answer ended short of the file (a server may send a shorter
      // range than asked): ask for the rest.
      if (position > highest) {
        highest = position;
        failures = 0;
      } else if (++failures > policy.maxRetries) {
        const why = dropped instanceof Error ? dropped.message : "the answer ended early";
        throw new NetworkError(
          `Download of ${label} from ${url} kept failing at byte ${position} (${why}); ` +
            "the partial file was kept, so running it again resumes.",
          url,
          { cause: dropped },
        );
      }
      const pause = Math.max(failures, restarts);
      if (pause > 0) await waitBeforeRetry(backoffDelay(policy, pause), signal);
    }
    if (options.durable) await fsyncFd(fd);
  } catch (error) {
    closeSync(fd);
    // Bytes known to be wrong are not worth resuming from, and an empty file (the request failed
    // before a byte arrived, say with a 404) is not worth leaving behind.
    if (error instanceof SizeMismatchError || position === 0 || options.keepPartial === false)
      await discardPartial();
    else await saveEtag(incomplete, etag);
    throw error;
  }
  closeSync(fd);

  const expectedSize = options.expectedSize ?? total;
  if (expectedSize !== undefined && position !== expectedSize) {
    await discardPartial();
    if (resumedFrom > 0) throw new ResumedCorruptError("resumed bytes did not verify");
    throw new SizeMismatchError(label, expectedSize, position);
  }
  const sha256 = hash?.digest("hex");
  if (options.expectedSha256 !== undefined && sha256 !== options.expectedSha256.toLowerCase()) {
    await discardPartial();
    if (resumedFrom > 0) throw new ResumedCorruptError("resumed bytes did not verify");
    throw new ChecksumMismatchError(label, "sha256", options.expectedSha256, sha256 ?? "");
  }
  try {
    inFolderOf(dest, () => renameSync(incomplete, dest));
  } catch (error) {
    // A partial file of this call's own would be found by no later run.
    if (options.keepPartial === false) await discardPartial();
    throw error;
  }
  if (options.durable) await syncFolder(dirname(dest));
  if (opened.existed) await rm(etagPathOf(incomplete), { force: true });
  options.onProgress?.({ id: label, phase: "download", done: position, total: position, finished: true });
  return { path: dest, size: position, sha256, transferred, skipped: false, etag };
}

/**
 * One GET from `position`, or "complete" when the server says the range starts at the file's end
 * (the previous run finished the bytes but not the rename).
 */
async function request(
  client: HttpClient,
  options: DownloadOptions,
  position: number,
  etag: string | undefined,
  policy: RetryPolicy,
): Promise<Attempt | "complete"> {
  const headers: Record<string, string | undefined> = { "accept-encoding": "identity", ...options.headers };
  if (position > 0) {
    headers.range = `bytes=${position}-`;
    // If the file changed since our first answer, a strong validator makes the server send it whole.
    if (etag && !etag.startsWith("W/")) headers["if-range"] = etag;
  }
  const response = await client.download(options.url, {
    headers,
    signal: options.signal,
    retry: policy,
    allowErrorStatus: position > 0,
    timeoutMs: options.timeoutMs,
    bodyTimeoutMs: options.stallTimeoutMs,
    context: `download of ${options.label ?? options.dest}`,
  });
  if (response.status === 416) {
    const range = parseContentRange(response.headers["content-range"]);
    await response.discard();
    if (range?.total === position) return "complete";
    // Our partial file is longer than the remote file: it belongs to another version. Start over.
    return request(client, options, 0, undefined, policy);
  }
  if (response.status >= 400) {
    // Only reachable for ranged requests (allowErrorStatus): ask again without the range to get the
    // typed error, or the whole file if the range itself was the problem.
    await response.discard();
    return request(client, options, 0, undefined, policy);
  }
  if (response.status === 206) {
    const range = parseContentRange(response.headers["content-range"]);
    const start = range?.start ?? position;
    const answerEtag = response.headers.etag;
    const sameVersion = etag === undefined || answerEtag === undefined || answerEtag === etag;
    if (start <= position && sameVersion) return { response, start, total: range?.total };
    await response.discard();
    if (position === 0) {
      throw new NetworkError(
        `The server answered a request for all of ${options.label ?? options.dest} with a part ` +
          `(${response.headers["content-range"]}); it cannot be downloaded from ${options.url}.`,
        options.url,
      );
    }
    // A range beyond the bytes we have, or bytes of another version of the file: ask for all of it.
    return request(client, options, 0, undefined, policy);
  }
  const length = response.headers["content-length"];
  return { response, start: 0, total: length === undefined ? undefined : Number(length) };
}
