/**
 * `scanCacheDir`: what the Python-shared cache holds, as Python's `scan_cache_dir` reports it: each repo
 * with its revisions (the commits under `snapshots/`), their files and the blobs behind them, the refs
 * pointing at each, sizes counted once per blob, and last access and modification times. Problems (a
 * repo folder without `snapshots/`, a broken link, a ref to a missing snapshot, a folder that is not a
 * repo) become warnings, not failures, so a damaged cache can still be inspected and cleaned.
 */
import type { Stats } from "node:fs";
import { readdir, readFile, realpath, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { readEnv } from "../core/env.js";
import { isRepoType, type RepoType } from "./repo-id.js";

export interface CachedFile {
  /** The path in the repo (`data/train.parquet`). */
  fileName: string;
  /** The snapshot entry. */
  filePath: string;
  blobPath: string;
  sizeOnDisk: number;
  blobLastAccessed: Date;
  blobLastModified: Date;
}

export interface CachedRevision {
  commitHash: string;
  snapshotPath: string;
  /** Bytes of the distinct blobs this revision uses. */
  sizeOnDisk: number;
  files: CachedFile[];
  /** Branches and tags that point at this commit (`refs/` entries). */
  refs: string[];
  /** The latest access and modification of the revision's blobs. */
  lastAccessed: Date;
  lastModified: Date;
}

export interface CachedRepo {
  repoId: string;
  repoType: RepoType;
  repoPath: string;
  /** Bytes of the distinct blobs the repo holds. */
  sizeOnDisk: number;
  nbFiles: number;
  revisions: CachedRevision[];
  lastAccessed: Date;
  lastModified: Date;
}

export interface CacheInfo {
  repos: CachedRepo[];
  sizeOnDisk: number;
  warnings: string[];
  /** Partial blobs (`blobs/*.incomplete`) left by downloads that stopped or are still running. */
  incompleteFiles: string[];
}

/** The largest of many times (a loop: spreading a repo's worth of files into Math.max overflows the stack). */
function latest(times: number[]): number {
  let newest = 0;
  for (const time of times) if (time > newest) newest = time;
  return newest;
}

/** Every file below `folder` (following no links), as paths relative to it. */
async function filesBelow(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => !entry.isDirectory())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

async function scanRepo(
  repoPath: string,
  repoType: RepoType,
  repoId: string,
  found: Pick<CacheInfo, "warnings" | "incompleteFiles">,
): Promise<CachedRepo | undefined> {
  const { warnings } = found;
  for (const name of await readdir(join(repoPath, "blobs")).catch(() => [] as string[]))
    if (name.endsWith(".incomplete")) found.incompleteFiles.push(join(repoPath, "blobs", name));
  const snapshots = join(repoPath, "snapshots");
  let commits: string[];
  try {
    commits = (await readdir(snapshots)).sort();
  } catch {
    warnings.push(`${repoPath}: no snapshots/ folder; the repo's cache folder is incomplete.`);
    return undefined;
  }
  const refsByCommit = new Map<string, string[]>();
  for (const name of await filesBelow(join(repoPath, "refs")).catch(() => [])) {
    const commit = (await readFile(join(repoPath, "refs", name), "utf8")).trim();
    const ref = name.split(sep).join("/");
    if (!commits.includes(commit))
      warnings.push(`${repoPath}: ref ${ref} points to ${commit}, which has no snapshot.`);
    refsByCommit.set(commit, [...(refsByCommit.get(commit) ?? []), ref]);
  }
  const blobs = new Map<string, Stats>();
  const revisions: CachedRevision[] = [];
  for (const commit of commits) {
    const snapshotPath = join(snapshots, commit);
    const files: CachedFile[] = [];
    const used = new Set<string>();
    for (const fileName of await filesBelow(snapshotPath)) {
      const filePath = join(snapshotPath, fileName);
      let blobPath: string;
      let blob: Stats;
      try {
        blobPath = await realpath(filePath);
        blob = blobs.get(blobPath) ?? (await stat(blobPath));
      } catch {
        warnings.push(`${filePath}: a broken link; its blob is missing.`);
        continue;
      }
      blobs.set(blobPath, blob);
      used.add(blobPath);
      files.push({
        fileName: fileName.split(sep).join("/"),
        filePath,
        blobPath,
        sizeOnDisk: blob.size,
        blobLastAccessed: blob.atime,
        blobLastModified: blob.mtime,
      });
    }
    const sizes = [...used].map((path) => blobs.get(path)?.size ?? 0);
    const accessed = latest(files.map((file) => file.blobLastAccessed.getTime()));
    const modified = latest(files.map((file) => file.blobLastModified.getTime()));
    revisions.push({
      commitHash: commit,
      snapshotPath,
      sizeOnDisk: sizes.reduce((sum, size) => sum + size, 0),
      files,
      refs: (refsByCommit.get(commit) ?? []).sort(),
      lastAccessed: new Date(accessed),
      lastModified: new Date(modified),
    });
  }
  const all = [...blobs.values()];
  return {
    repoId,
    repoType,
    repoPath,
    sizeOnDisk: all.reduce((sum, blob) => sum + blob.size, 0),
    nbFiles: all.length,
    revisions,
    lastAccessed: new Date(latest(all.map((blob) => blob.atimeMs))),
    lastModified: new Date(latest(all.map((blob) => blob.mtimeMs))),
  };
}

export async function scanCacheDir(cacheDir: string = readEnv().hubCache): Promise<CacheInfo> {
  const warnings: string[] = [];
  const incompleteFiles: string[] = [];
  const repos: CachedRepo[] = [];
  for (const entry of (await readdir(cacheDir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : 1,
  )) {
    if (entry.name === ".locks" || entry.name === "CACHEDIR.TAG") continue;
    const [plural, ...idParts] = entry.name.split("--");
    const type = plural?.endsWith("s") ? plural.slice(0, -1) : "";
    if (!entry.isDirectory() || !isRepoType(type) || idParts.length === 0) {
      warnings.push(`${join(cacheDir, entry.name)}: not a repo folder of the cache.`);
      continue;
    }
    const repo = await scanRepo(join(cacheDir, entry.name), type, idParts.join("/"), {
      warnings,
      incompleteFiles,
    });
    if (repo) repos.push(repo);
  }
  const sizeOnDisk = repos.reduce((sum, repo) => sum + repo.sizeOnDisk, 0);
  return { repos, sizeOnDisk, warnings, incompleteFiles };
}
