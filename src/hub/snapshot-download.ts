/**
 * `snapshotDownload`: every file of a repo at a revision (or those the allow/ignore patterns select)
 * into the Python-shared cache, or into a plain folder with `localDir`, `maxWorkers` at a time,
 * returning the snapshot folder (or the local folder); with `dryRun`, what each file would need. The
 * revision is resolved once (repo info), the file list read at that commit (the tree), and each file
 * fetched by `hfHubDownload` at the commit, so files already there cost no download. Offline, or when
 * the Hub cannot be reached, a snapshot folder the cache holds for the revision (or a local folder that
 * is not empty) is the answer.
 */
import { existsSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { readEnv } from "../core/env.js";
import { LocalEntryNotFoundError, OfflineModeError } from "../core/errors.js";
import { writeAtomically } from "./cache-files.js";
import { CacheLayout } from "./cache-layout.js";
import { type DryRunFileInfo, fileRequest, isUnreachable } from "./file-request.js";
import { downloadRequest } from "./hf-hub-download.js";
import { tokenOf } from "./hub-request.js";
import type { RepoFile } from "./list-repo-tree.js";
import { forEachFile, type RepoFilesSelection, selectRepoFiles } from "./repo-files.js";
import { repoInfo } from "./repo-info.js";
import { DEFAULT_REVISION } from "./urls.js";

export interface SnapshotDownloadOptions extends RepoFilesSelection {
  /** The cache; default `HF_HUB_CACHE`. */
  cacheDir?: string;
  /** Put the files under this folder instead of the cache (see `hfHubDownload`). */
  localDir?: string;
  forceDownload?: boolean;
  /** Say what each file would need, and download and write nothing. */
  dryRun?: boolean;
  /** No network at all (default `HF_HUB_OFFLINE`). */
  offline?: boolean;
}

/** The etag the Hub gives a file, and the name of its blob: the sha256 for LFS, else the git blob id. */
function etagOf(file: RepoFile): string {
  return file.lfs?.oid ?? file.oid;
}

async function isNonEmptyFolder(path: string): Promise<boolean> {
  return (await readdir(path).catch(() => [])).length > 0;
}

export function snapshotDownload(
  options: SnapshotDownloadOptions & { dryRun: true },
): Promise<DryRunFileInfo[]>;
export function snapshotDownload(options: SnapshotDownloadOptions & { dryRun?: false }): Promise<string>;
export function snapshotDownload(options: SnapshotDownloadOptions): Promise<string | DryRunFileInfo[]>;
export async function snapshotDownload(options: SnapshotDownloadOptions): Promise<string | DryRunFileInfo[]> {
  const env = readEnv();
  const repoType = options.repoType ?? "model";
  const revision = options.revision ?? DEFAULT_REVISION;
  const layout = new CacheLayout(options.cacheDir ?? env.hubCache, options.repoId, repoType);
  const offline = options.offline ?? env.hubOffline;
  const localDir = options.localDir === undefined ? undefined : resolve(options.localDir);

  const fromDisk = async (why: string, cause?: unknown): Promise<string> => {
    if (localDir !== undefined && (await isNonEmptyFolder(localDir))) return localDir;
    const commit = await layout.cachedCommit(revision);
    const folder = commit ? join(layout.storage, "snapshots", commit) : undefined;
    if (localDir === undefined && folder && existsSync(folder)) return folder;
    const message =
      `No snapshot of ${options.repoId} at ${revision} is in ${localDir ?? `the cache ${layout.cacheDir}`}, ` +
      `and ${why}. Connect to the Hub (or unset HF_HUB_OFFLINE) and run again.`;
    throw offline
      ? new OfflineModeError(message, { cause })
      : new LocalEntryNotFoundError(message, { cause });
  };
  if (offline && options.dryRun)
    throw new OfflineModeError(
      `A dry run of ${options.repoId} asks the Hub what the revision holds, and offline mode (HF_HUB_OFFLINE) forbids the network.`,
    );
  if (offline) return fromDisk("offline mode (HF_HUB_OFFLINE) forbids the network");

  let commit: string;
  try {
    commit = (await repoInfo({ ...options, repoType, revision })).sha;
  } catch (error) {
    if (isUnreachable(error) && !options.dryRun) return fromDisk("the Hub could not be reached", error);
    throw error;
  }
  // As Python, the cache learns the revision's commit even when the files go to a local folder.
  if (revision !== commit && !options.dryRun) await writeAtomically(layout.ref(revision), commit);

  const { listed, selected } = await selectRepoFiles({ ...options, repoType }, commit);
  const wanted = selected.map((path) => listed.get(path) as RepoFile);
  const results = await forEachFile(wanted, options, (file) =>
    downloadRequest(
      fileRequest(
        {
          repoId: options.repoId,
          repoType,
          filename: file.path,
          revision: commit,
          cacheDir: layout.cacheDir,
          localDir,
          endpoint: options.endpoint,
          // Resolved once here: the default reads the token file, which a thousand files need not do.
          token: tokenOf(options) ?? false,
          client: options.client,
          forceDownload: options.forceDownload,
          dryRun: options.dryRun,
          signal: options.signal,
          onProgress: options.onProgress,
        },
        { commitHash: commit, etag: etagOf(file), size: file.size },
      ),
    ),
  );
  if (options.dryRun) return results as DryRunFileInfo[];
  const folder = localDir ?? join(layout.storage, "snapshots", commit);
  await mkdir(folder, { recursive: true });
  return folder;
}
