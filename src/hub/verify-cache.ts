/**
 * `verifyCache`: re-hashes every blob of the cache against its name: a 64-hex name is the file's sha256
 * (LFS files), a 40-hex name its git blob id (regular files). A blob whose bytes changed on disk is
 * reported, with the hash it has; nothing is deleted (`hfHubDownload` with `forceDownload` replaces it).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { readEnv } from "../core/env.js";
import { gitBlobHasher } from "../core/hash.js";

export interface CorruptBlob {
  blobPath: string;
  expected: string;
  actual: string;
}

export interface CacheVerification {
  checked: number;
  corrupt: CorruptBlob[];
}

async function hashAs(path: string, name: string): Promise<string> {
  const hash = name.length === 64 ? createHash("sha256") : gitBlobHasher((await stat(path)).size);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

export async function verifyCache(cacheDir: string = readEnv().hubCache): Promise<CacheVerification> {
  const result: CacheVerification = { checked: 0, corrupt: [] };
  for (const repo of await readdir(cacheDir)) {
    const blobs = join(cacheDir, repo, "blobs");
    for (const name of await readdir(blobs).catch(() => [] as string[])) {
      if (!/^([0-9a-f]{40}|[0-9a-f]{64})$/.test(name)) continue;
      const actual = await hashAs(join(blobs, name), name);
      result.checked++;
      if (actual !== name) result.corrupt.push({ blobPath: join(blobs, name), expected: name, actual });
    }
  }
  return result;
}
