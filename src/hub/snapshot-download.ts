/**
 * `snapshotDownload`: every file of a repo at a revision (or those the allow/ignore patterns select)
 * into the Python-shared cache, `maxWorkers` at a time, returning the snapshot folder. The revision is
 * resolved once (repo info), the file list read at that commit (the tree), and each file fetched by
 * `hfHubDownload` at the commit, so files already cached cost no download. Offline, or when the Hub
 * cannot be reached, a snapshot folder the cache holds for the revision is the answer.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import pLimit from "p-limit";
import { readEnv } from "../core/env.js";
import { LocalEntryNotFoundError, NetworkError, OfflineModeError, ServerError } from "../core/errors.js";
import { filterPaths } from "../core/glob/fnmatch.js";
import type { OnProgress } from "../core/progress.js";
import { CacheLayout } from "./cache-layout.js";
import { hfHubDownload, writeAtomically } from "./hf-hub-download.js";
import type { HubCallOptions } from "./hub-request.js";
import { listRepoFiles } from "./list-repo-files.js";
import type { RepoType } from "./repo-id.js";
import { repoInfo } from "./repo-info.js";
import { DEFAULT_REVISION } from "./urls.js";

export interface SnapshotDownloadOptions extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  revision?: string;
  /** The cache; default `HF_HUB_CACHE`. */
  cacheDir?: string;
  /** fnmatch patterns, as `huggingface_hub`'s: only matching files (`*` crosses `/`; `dir/` is a folder). */
  allowPatterns?: string | readonly string[];
  ignorePatterns?: string | readonly string[];
  /** Files downloaded at once (default 8). */
  maxWorkers?: number;
  forceDownload?: boolean;
  /** No network at all (default `HF_HUB_OFFLINE`). */
  offline?: boolean;
  onProgress?: OnProgress;
}

export async function snapshotDownload(options: SnapshotDownloadOptions): Promise<string> {
  const env = readEnv();
  const repoType = options.repoType ?? "model";
  const revision = options.revision ?? DEFAULT_REVISION;
  const layout = new CacheLayout(options.cacheDir ?? env.hubCache, options.repoId, repoType);
  const offline = options.offline ?? env.hubOffline;

  const fromCache = async (why: string, cause?: unknown): Promise<string> => {
    const commit = await layout.cachedCommit(revision);
    const folder = commit ? join(layout.storage, "snapshots", commit) : undefined;
    if (folder && existsSync(folder)) return folder;
    const message =
      `No snapshot of ${options.repoId} at ${revision} is in the cache ${layout.cacheDir}, and ${why}. ` +
      "Connect to the Hub (or unset HF_HUB_OFFLINE) and run again.";
    throw offline
      ? new OfflineModeError(message, { cause })
      : new LocalEntryNotFoundError(message, { cause });
  };
  if (offline) return fromCache("offline mode (HF_HUB_OFFLINE) forbids the network");

  let commit: string;
  try {
    commit = (await repoInfo({ ...options, repoType, revision })).sha;
  } catch (error) {
    if (error instanceof NetworkError || error instanceof ServerError)
      return fromCache("the Hub could not be reached", error);
    throw error;
  }
  if (revision !== commit) await writeAtomically(layout.ref(revision), commit);

  const paths = await listRepoFiles({ ...options, repoType, revision: commit });
  const wanted = filterPaths(paths, {
    allowPatterns: options.allowPatterns,
    ignorePatterns: options.ignorePatterns,
  });
  const limit = pLimit(Math.max(1, options.maxWorkers ?? 8));
  await Promise.all(
    wanted.map((filename) =>
      limit(() =>
        hfHubDownload({
          repoId: options.repoId,
          repoType,
          filename,
          revision: commit,
          cacheDir: layout.cacheDir,
          endpoint: options.endpoint,
          token: options.token,
          client: options.client,
          forceDownload: options.forceDownload,
          signal: options.signal,
          onProgress: options.onProgress,
        }),
      ),
    ),
  );
  const folder = join(layout.storage, "snapshots", commit);
  await mkdir(folder, { recursive: true });
  return folder;
}
