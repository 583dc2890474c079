/**
 * `hfHubDownload`: one file of a Hub repo into the cache Python shares, laid out byte for byte as
 * `huggingface_hub` lays it out (CacheLayout), and its path in a snapshot folder returned; with
 * `localDir`, into a plain folder instead (local-dir-download.ts); with `dryRun`, only what would be
 * done. The cache's steps, as Python takes them: a revision that is a commit already in the cache needs
 * no request; otherwise a HEAD gives the commit, etag and size; `refs/{revision}` records the commit; a
 * blob already there is linked, else downloaded once under a per-blob lock (resuming a partial blob)
 * and verified (size, and the sha256 when the etag is one); a blob under 1 MiB goes without the lock,
 * into a partial file of its own (core's download engine decides). A missing file leaves a `.no_exist`
 * marker.
 * Offline, or when the Hub cannot be reached, the answer comes from the cache or is a typed error
 * naming the file and the cache.
 */
import { existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { downloadFile } from "../core/download/engine.js";
import { readEnv } from "../core/env.js";
import { EntryNotFoundError, LocalEntryNotFoundError, OfflineModeError } from "../core/errors.js";
import { CACHEDIR_TAG, linkSnapshot, writeAtomically } from "./cache-files.js";
import { CacheLayout } from "./cache-layout.js";
import type { HfFileMetadata } from "./file-metadata.js";
import {
  COMMIT_ID,
  type DryRunFileInfo,
  dryRunInfo,
  type FileRequest,
  fileRequest,
  type HfHubDownloadOptions,
  isUnreachable,
  SHA256,
} from "./file-request.js";
import { downloadToLocalDir } from "./local-dir-download.js";

export type { DryRunFileInfo, HfHubDownloadOptions } from "./file-request.js";

export function hfHubDownload(options: HfHubDownloadOptions & { dryRun: true }): Promise<DryRunFileInfo>;
export function hfHubDownload(options: HfHubDownloadOptions & { dryRun?: false }): Promise<string>;
export function hfHubDownload(options: HfHubDownloadOptions): Promise<string | DryRunFileInfo>;
export async function hfHubDownload(options: HfHubDownloadOptions): Promise<string | DryRunFileInfo> {
  return downloadRequest(fileRequest(options));
}

/** One file into the cache or the local directory its options name (snapshots call this directly). */
export function downloadRequest(request: FileRequest): Promise<string | DryRunFileInfo> {
  return request.options.localDir !== undefined
    ? downloadToLocalDir(request, request.options.localDir)
    : downloadToCache(request);
}

/** Cache folders known to hold their CACHEDIR.TAG, so a snapshot of many files looks once. */
const taggedCacheDirs = new Set<string>();

async function tagCacheDir(cacheDir: string): Promise<void> {
  if (taggedCacheDirs.has(cacheDir)) return;
  const tag = join(cacheDir, "CACHEDIR.TAG");
  if (!existsSync(tag)) await writeAtomically(tag, CACHEDIR_TAG);
  taggedCacheDirs.add(cacheDir);
}

async function downloadToCache(request: FileRequest): Promise<string | DryRunFileInfo> {
  const { options, path, revision } = request;
  const layout = new CacheLayout(options.cacheDir ?? readEnv().hubCache, options.repoId, request.repoType);
  const dryRun = options.dryRun === true;
  const cached = async (commitHash: string, pointer: string) =>
    dryRun
      ? dryRunInfo(request, {
          commitHash,
          fileSize: (await stat(pointer)).size,
          localPath: pointer,
          isCached: true,
        })
      : pointer;

  const fromCache = async (why: string, cause?: unknown) => {
    const commit = await layout.cachedCommit(revision);
    const pointer = commit ? layout.snapshot(commit, path) : undefined;
    if (commit && pointer && existsSync(pointer) && !options.forceDownload) return cached(commit, pointer);
    const message =
      `${path} of ${options.repoId} at ${revision} is not in the cache ${layout.cacheDir}, and ${why}. ` +
      "Connect to the Hub (or unset HF_HUB_OFFLINE) and run again.";
    throw request.offline
      ? new OfflineModeError(message, { cause })
      : new LocalEntryNotFoundError(message, { cause });
  };

  // A commit the cache holds already needs no request: commits do not change.
  const checkedCommit = COMMIT_ID.test(revision) && !options.forceDownload;
  if (checkedCommit && existsSync(layout.snapshot(revision, path)))
    return cached(revision, layout.snapshot(revision, path));
  if (request.offline) return fromCache("offline mode (HF_HUB_OFFLINE) forbids the network");

  let metadata: HfFileMetadata;
  try {
    metadata = await request.head();
  } catch (error) {
    if (error instanceof EntryNotFoundError && error.repoCommit && !dryRun) {
      // Remembered, so a later offline call knows the file is absent at this commit.
      await writeAtomically(layout.noExist(error.repoCommit, path), "");
      if (revision !== error.repoCommit) await writeAtomically(layout.ref(revision), error.repoCommit);
    }
    if (isUnreachable(error)) return fromCache("the Hub could not be reached", error);
    throw error;
  }

  const { commitHash, etag, location, size } = metadata;
  const pointer = layout.snapshot(commitHash, path);
  const blob = layout.blob(etag);
  if (dryRun) {
    const isCached = existsSync(pointer) || existsSync(blob);
    return dryRunInfo(request, { commitHash, fileSize: size, localPath: pointer, isCached });
  }
  if (revision !== commitHash) await writeAtomically(layout.ref(revision), commitHash);
  // (When the revision is this commit, the pointer was looked for above.)
  const looked = checkedCommit && revision === commitHash;
  if (!options.forceDownload && !looked && existsSync(pointer)) return pointer;

  if (options.forceDownload || !existsSync(blob)) {
    await tagCacheDir(layout.cacheDir);
    await downloadFile({
      url: location,
      dest: blob,
      incompletePath: layout.incompleteBlob(etag),
      lockPath: layout.lock(etag),
      expectedSize: size,
      expectedSha256: SHA256.test(etag) ? etag : undefined,
      force: options.forceDownload,
      // A blob is only ever renamed into place after its bytes verified, and its name is its hash.
      trustExisting: true,
      headers: request.downloadHeaders(location),
      client: options.client,
      signal: options.signal,
      onProgress: options.onProgress,
      label: path,
    });
  }
  await linkSnapshot(blob, pointer);
  return pointer;
}
