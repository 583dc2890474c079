// @ts-check
/**
 * A file's sha256, and its git blob sha1 when asked, from one read of its bytes. Runs in the calling
 * thread for small files and on the digest workers (hash.ts) for large ones. Plain JavaScript because a
 * worker thread runs it (see worker-pool.ts).
 */
import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { serveTasks } from "./serve-tasks.js";

/** The `workerData` that starts this module as a digest worker. */
export const DIGEST_WORKER = "wharf:file-digest";

/**
 * @typedef {{ path: string, git: boolean, size: number, progress?: SharedArrayBuffer }} DigestTask
 *   `size`: the file's size when the caller looked, which the git header holds; `progress`: where the
 *   bytes hashed so far are kept (one BigInt64), for a caller that shows them while a worker hashes
 * @typedef {{ read: number, sha256: string, gitBlobOid: string }} DigestResult `read`: the bytes hashed,
 *   which differ from `size` for a file that changed meanwhile; `gitBlobOid` is empty unless `git` was
 *   asked
 */

/**
 * A git blob hasher: git hashes a header with the size before the bytes, so the size comes first.
 *
 * @param {number} size
 */
export function gitBlobHasher(size) {
  return createHash("sha1").update(`blob ${size}\0`);
}

/** Bytes read at a time: a buffer this size stays in the CPU's cache between the read and the hash. */
const READ_SIZE = 1 << 20;

/**
 * Reads the file synchronously into one buffer, again and again, hashing each piece. Measured on a
 * 1 GiB file on one CPU: 0.66 s this way, 0.70 s with asynchronous reads into one buffer, and 0.92 to
 * 0.97 s with a read stream, which reads every piece into a new buffer (and, with the reads on the
 * thread pool's core, each piece reaches the hash from another core's cache).
 *
 * @param {DigestTask} task
 * @param {AbortSignal} [signal] checked between pieces
 * @returns {Promise<DigestResult>}
 */
export async function digestFileHere({ path, git, size, progress }, signal) {
  const sha256 = createHash("sha256");
  const sha1 = git ? gitBlobHasher(size) : undefined;
  const hashed = progress ? new BigInt64Array(progress) : undefined;
  const fd = openSync(path, "r");
  let read = 0;
  try {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(READ_SIZE, size)));
    for (;;) {
      signal?.throwIfAborted();
      const got = readSync(fd, buffer, 0, buffer.length, null);
      if (got === 0) break;
      const piece = buffer.subarray(0, got);
      sha256.update(piece);
      sha1?.update(piece);
      read += got;
      if (hashed) Atomics.store(hashed, 0, BigInt(read));
    }
  } finally {
    closeSync(fd);
  }
  return { read, sha256: sha256.digest("hex"), gitBlobOid: sha1 ? sha1.digest("hex") : "" };
}

serveTasks(DIGEST_WORKER, (/** @type {DigestTask} */ task) => digestFileHere(task));
