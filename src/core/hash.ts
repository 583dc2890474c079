/**
 * The hashes the Hub names files by: sha256 (LFS objects, and the mirror's blob store), the git blob
 * sha1 (`sha1("blob <size>\0" + bytes)`, the ETag of a regular file), and the LFS pointer text whose
 * git oid stands for an LFS file in the git tree. Files are read once even when both hashes are wanted.
 */
import { createHash } from "node:crypto";
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { Transform } from "node:stream";
import { FileChangedError, WharfError } from "./errors.js";
import {
  DIGEST_WORKER,
  type DigestResult,
  type DigestTask,
  digestFileHere,
  gitBlobHasher,
} from "./workers/file-digest.js";
import { WorkerPool } from "./workers/worker-pool.js";

export const LFS_POINTER_VERSION = "https://git-lfs.github.com/spec/v1";

export function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** sha256 of everything a stream yields. */
export async function sha256OfStream(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of stream) hash.update(chunk);
  return hash.digest("hex");
}

/** `onHashed`, when given, hears the bytes hashed so far now and then while a large file is hashed. */
export async function sha256OfFile(
  path: string,
  signal?: AbortSignal,
  onHashed?: (bytes: number) => void,
): Promise<string> {
  return (await digest(path, false, signal, onHashed)).sha256;
}

export { gitBlobHasher };

/** The git blob id of some bytes, as `git hash-object` prints it. */
export function gitBlobOid(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return gitBlobHasher(bytes.length).update(bytes).digest("hex");
}

/** The pointer text git stores in place of an LFS file. */
export function lfsPointerText(sha256: string, size: number): string {
  return `version ${LFS_POINTER_VERSION}\noid sha256:${sha256}\nsize ${size}\n`;
}

/** The git oid of an LFS file: the blob id of its pointer text. */
export function lfsPointerOid(sha256: string, size: number): string {
  return gitBlobOid(lfsPointerText(sha256, size));
}

/** Reads an LFS pointer, or returns undefined when the text is not one. */
export function parseLfsPointer(text: string): { sha256: string; size: number } | undefined {
  const match =
    /^version https:\/\/git-lfs\.github\.com\/spec\/v1\noid sha256:([0-9a-f]{64})\nsize (\d+)\n?$/.exec(text);
  return match?.[1] && match[2] ? { sha256: match[1], size: Number(match[2]) } : undefined;
}

export interface FileDigest {
  size: number;
  sha256: string;
  /** The git blob id of the file's own bytes. */
  gitBlobOid: string;
}

/** sha256 and git blob id of a file in one read. */
export function digestFile(path: string, signal?: AbortSignal): Promise<FileDigest> {
  return digest(path, true, signal);
}

/**
 * Files this large are hashed on a worker thread (16 MiB): the event loop stays free for other work
 * meanwhile (an upload sending one commit while it hashes the next), and several large files hash at
 * once on as many cores. Smaller ones cost less to hash than to hand over.
 */
const WORKER_THRESHOLD = 16 * 1024 * 1024;

/** Digest workers at most: more would only make large files' reads take turns on the disk. */
const MAX_DIGEST_WORKERS = 8;

let digestPool: WorkerPool<DigestTask, DigestResult> | undefined;

/** How often the bytes a worker has hashed are read back for `onHashed`. */
const PROGRESS_MS = 200;

async function digest(
  path: string,
  git: boolean,
  signal?: AbortSignal,
  onHashed?: (bytes: number) => void,
): Promise<FileDigest> {
  signal?.throwIfAborted();
  const { size } = await stat(path);
  let result: DigestResult;
  if (size < WORKER_THRESHOLD) result = await digestFileHere({ path, git, size }, signal);
  else {
    digestPool ??= new WorkerPool(
      new URL("./workers/file-digest.js", import.meta.url),
      DIGEST_WORKER,
      // A system error (a file gone, unreadable) stays one, with its code, as the same failure in this
      // thread would be.
      (message, code) =>
        code
          ? Object.assign(new Error(message), { code })
          : new WharfError(`Hashing a file failed: ${message}`),
      Math.min(availableParallelism(), MAX_DIGEST_WORKERS),
    );
    // The worker counts what it hashed into shared memory, read here now and then: no message per piece.
    const progress = onHashed && new SharedArrayBuffer(8);
    const timer = progress && setInterval(tellMoves(new BigInt64Array(progress), onHashed), PROGRESS_MS);
    try {
      // The worker's hashing cannot be interrupted; an abort stops the wait for it.
      result = await unlessAborted(digestPool.run({ path, git, size, progress }), signal);
    } finally {
      clearInterval(timer);
    }
  }
  // A file that grew or shrank while we read it has no single digest; the git id would be wrong.
  if (result.read !== size) {
    throw new FileChangedError(
      `${path} changed size while it was being hashed (${size} then ${result.read} bytes); hash it again once it is written.`,
    );
  }
  return { size, sha256: result.sha256, gitBlobOid: result.gitBlobOid };
}

/** Tells `onHashed` the worker's count each time it has moved: a file waiting for a worker tells nothing. */
function tellMoves(hashed: BigInt64Array, onHashed: (bytes: number) => void): () => void {
  let told = 0;
  return () => {
    const now = Number(Atomics.load(hashed, 0));
    if (now <= told) return;
    told = now;
    onHashed(now);
  };
}

/** The work's outcome, or the signal's reason if it aborts first (the work itself goes on). */
async function unlessAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  // The work may fail after an abort won the race; that failure has no one left to hear it.
  work.catch(() => undefined);
  signal.throwIfAborted();
  let onAbort = () => {};
  const abort = new Promise<never>((_resolve, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, abort]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}

/**
 * A pass-through stream that hashes the bytes flowing through it and, at their end, fails with
 * `mismatch(actual)` unless they hash to `expected`: a consumer that waits for the end (a file
 * renamed into place, an upload completed) never takes bytes that are not the ones named.
 */
export function verifySha256(expected: string, mismatch: (actual: string) => Error): Transform {
  const hash = createHash("sha256");
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const actual = hash.digest("hex");
      callback(actual === expected ? null : mismatch(actual));
    },
  });
}
