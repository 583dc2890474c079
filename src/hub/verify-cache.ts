/**
 * `verifyCache`: re-hashes every blob of the cache against its name: a 64-hex name is the file's sha256
 * (LFS files), a 40-hex name its git blob id (regular files). A blob whose bytes changed on disk is
 * reported, with the hash it has; nothing is deleted (`hfHubDownload` with `forceDownload` replaces it).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { readEnv } from "../core/env.js";
import { digestFile, sha256OfFile } from "../core/hash.js";
import type { OnProgress } from "../core/progress.js";

export interface CorruptBlob {
  blobPath: string;
  expected: string;
  actual: string;
}

export interface CacheVerification {
  checked: number;
  corrupt: CorruptBlob[];
}

/** The hash a blob is named by: sha256 for a 64-hex name, the git blob id for a 40-hex one. */
async function hashAs(path: string, name: string): Promise<string> {
  return name.length === 64 ? sha256OfFile(path) : (await digestFile(path)).gitBlobOid;
}

/** Blobs hashed at once: large ones hash on worker threads, so this many keep the cores and the disk busy. */
const CONCURRENCY = 4;

export async function verifyCache(
  cacheDir: string = readEnv().hubCache,
  options: { onProgress?: OnProgress } = {},
): Promise<CacheVerification> {
  const blobs: Array<{ path: string; name: string }> = [];
  for (const repo of await readdir(cacheDir)) {
    const folder = join(cacheDir, repo, "blobs");
    for (const name of await readdir(folder).catch(() => [] as string[]))
      if (/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(name)) blobs.push({ path: join(folder, name), name });
  }
  const result: CacheVerification = { checked: 0, corrupt: [] };
  const limit = pLimit(CONCURRENCY);
  await Promise.all(
    blobs.map(({ path, name }) =>
      limit(async () => {
        const actual = await hashAs(path, name);
        result.checked++;
        if (actual !== name) result.corrupt.push({ blobPath: path, expected: name, actual });
        options.onProgress?.({
          id: cacheDir,
          phase: "files",
          done: result.checked,
          total: blobs.length,
          finished: result.checked === blobs.length,
        });
      }),
    ),
  );
  // In the order of the listing, whatever order the hashes finished in.
  result.corrupt.sort((a, b) => a.blobPath.localeCompare(b.blobPath));
  return result;
}
