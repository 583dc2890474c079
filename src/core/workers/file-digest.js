// @ts-check
/**
 * A file's sha256, and its git blob sha1 when asked, from one read of its bytes. Runs in the calling
 * thread for small files and on the digest workers (hash.ts) for large ones. Plain JavaScript because a
 * worker thread runs it (see worker-pool.ts).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { serveTasks } from "./serve-tasks.js";

/** The `workerData` that starts this module as a digest worker. */
export const DIGEST_WORKER = "wharf:file-digest";

/**
 * @typedef {{ path: string, git: boolean, size: number }} DigestTask `size`: the file's size when the
 *   caller looked, which the git header holds
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

/**
 * @param {DigestTask} task
 * @param {AbortSignal} [signal]
 * @returns {Promise<DigestResult>}
 */
export async function digestFileHere({ path, git, size }, signal) {
  const sha256 = createHash("sha256");
  const sha1 = git ? gitBlobHasher(size) : undefined;
  let read = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20, signal })) {
    sha256.update(/** @type {Buffer} */ (chunk));
    sha1?.update(/** @type {Buffer} */ (chunk));
    read += /** @type {Buffer} */ (chunk).length;
  }
  return { read, sha256: sha256.digest("hex"), gitBlobOid: sha1 ? sha1.digest("hex") : "" };
}

serveTasks(DIGEST_WORKER, (/** @type {DigestTask} */ task) => digestFileHere(task));
