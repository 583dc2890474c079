/**
 * `hfHubDownload` into a local directory (`localDir`), as Python's `hf_hub_download(local_dir=...)`:
 * the file lands at `{localDir}/{path}` and its commit and etag go to its metadata file (LocalFolder),
 * so a later call knows which version is there. A file is taken as current when its metadata names the
 * Hub's etag, or, for an LFS file whose metadata is gone or stale (edited, copied in), when its sha256
 * is the etag; a regular file is not hashed, as in Python, and is fetched again. A file the shared
 * cache holds at that commit is copied from there instead of downloaded. Offline, or when the Hub
 * cannot be reached, a file already in the folder is the answer.
 */
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { downloadFile } from "../core/download/engine.js";
import { readEnv } from "../core/env.js";
import { LocalEntryNotFoundError, OfflineModeError } from "../core/errors.js";
import { sha256OfFile } from "../core/hash.js";
import { acquireLock } from "../core/lock.js";
import { copyAtomically } from "./cache-files.js";
import type { HfFileMetadata } from "./file-metadata.js";
import {
  COMMIT_ID,
  type DryRunFileInfo,
  dryRunInfo,
  type FileRequest,
  isUnreachable,
  SHA256,
} from "./file-request.js";
import { LocalFolder } from "./local-folder.js";
import { tryToLoadFromCache } from "./try-to-load-from-cache.js";

/** Whether the folder holds the version of the file the Hub names. */
async function isCurrent(folder: LocalFolder, path: string, etag: string, signal?: AbortSignal) {
  if ((await folder.readMetadata(path))?.etag === etag) return true;
  const file = folder.file(path);
  return SHA256.test(etag) && existsSync(file) && (await sha256OfFile(file, signal)) === etag;
}

export async function downloadToLocalDir(
  request: FileRequest,
  localDir: string,
): Promise<string | DryRunFileInfo> {
  const { options, path, revision } = request;
  const folder = new LocalFolder(resolve(localDir));
  const target = folder.file(path);
  const dryRun = options.dryRun === true;
  const present = async (commitHash: string) =>
    dryRun
      ? dryRunInfo(request, {
          commitHash,
          fileSize: (await stat(target)).size,
          localPath: target,
          isCached: true,
        })
      : target;

  const known = await folder.readMetadata(path);
  if (COMMIT_ID.test(revision) && known?.commitHash === revision && !options.forceDownload)
    return present(revision);
  const fromFolder = async (why: string, cause?: unknown) => {
    if (existsSync(target) && !options.forceDownload) return present(known?.commitHash ?? revision);
    const message =
      `${path} of ${options.repoId} at ${revision} is not in ${folder.root}, and ${why}. ` +
      "Connect to the Hub (or unset HF_HUB_OFFLINE) and run again.";
    throw request.offline
      ? new OfflineModeError(message, { cause })
      : new LocalEntryNotFoundError(message, { cause });
  };
  if (request.offline) return fromFolder("offline mode (HF_HUB_OFFLINE) forbids the network");

  let metadata: HfFileMetadata;
  try {
    metadata = await request.head();
  } catch (error) {
    if (isUnreachable(error)) return fromFolder("the Hub could not be reached", error);
    throw error;
  }
  const { commitHash, etag, location, size } = metadata;
  if (dryRun) {
    const isCached = !options.forceDownload && (await isCurrent(folder, path, etag, options.signal));
    return dryRunInfo(request, { commitHash, fileSize: size, localPath: target, isCached });
  }

  await folder.prepare();
  // Under the lock, so two processes neither fetch the file twice nor swap versions under each other.
  const release = await acquireLock(folder.lock(path), { signal: options.signal });
  try {
    if (options.forceDownload || !(await isCurrent(folder, path, etag, options.signal))) {
      const cached = await tryToLoadFromCache({
        repoId: options.repoId,
        repoType: request.repoType,
        filename: path,
        revision: commitHash,
        cacheDir: options.cacheDir ?? readEnv().hubCache,
      });
      if (typeof cached === "string" && !options.forceDownload) await copyAtomically(cached, target);
      else
        await downloadFile({
          url: location,
          dest: target,
          incompletePath: folder.incomplete(path, etag),
          lockPath: false,
          expectedSize: size,
          expectedSha256: SHA256.test(etag) ? etag : undefined,
          // What is at the target is another version (or edited): never kept.
          force: true,
          headers: request.downloadHeaders(location),
          client: options.client,
          signal: options.signal,
          onProgress: options.onProgress,
          label: path,
        });
    }
    await folder.writeMetadata(path, commitHash, etag);
  } finally {
    await release();
  }
  return target;
}
