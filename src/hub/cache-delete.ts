/**
 * Freeing space in the Python-shared cache: `deleteRevisions` plans the removal of some revisions (as
 * Python's `HFCacheInfo.delete_revisions`), and `evictLru` plans the removal of the least recently used
 * revisions until the cache fits a size. A plan says what it will delete and how many bytes that frees
 * before anything is touched; `execute()` carries it out. A blob goes only when no kept revision uses
 * it, and a repo whose revisions all go is removed whole.
 */
import { rm, stat } from "node:fs/promises";
import { join } from "node:path";
import type { CachedRepo, CachedRevision, CacheInfo } from "./scan-cache-dir.js";

export interface DeleteCacheStrategy {
  /** Bytes the plan frees: the blobs it removes, each counted once. */
  expectedFreedSize: number;
  /** Repo folders removed whole (all their revisions were asked for). */
  repos: string[];
  snapshots: string[];
  /** `refs/` files that point at a removed revision. */
  refs: string[];
  blobs: string[];
  /** Partial downloads (and their saved ETags) that nothing is writing any more. */
  incompleteFiles: string[];
  /** Revisions asked for that the cache does not hold. */
  notFound: string[];
  execute(): Promise<void>;
}

function blobSizes(revisions: readonly CachedRevision[]): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const revision of revisions)
    for (const file of revision.files) sizes.set(file.blobPath, file.sizeOnDisk);
  return sizes;
}

/** The plan that removes the revisions whose commit hashes are given. */
export function deleteRevisions(
  info: CacheInfo,
  commitHashes: Iterable<string>,
  incompleteFiles: readonly { path: string; size: number }[] = [],
): DeleteCacheStrategy {
  const wanted = new Set(commitHashes);
  const found = new Set<string>();
  const plan = { expectedFreedSize: 0, repos: [] as string[], snapshots: [] as string[] };
  const refs: string[] = [];
  const blobs: string[] = [];
  for (const repo of info.repos) {
    const doomed = repo.revisions.filter((revision) => wanted.has(revision.commitHash));
    if (doomed.length === 0) continue;
    for (const revision of doomed) found.add(revision.commitHash);
    if (doomed.length === repo.revisions.length) {
      plan.repos.push(repo.repoPath);
      plan.expectedFreedSize += repo.sizeOnDisk;
      continue;
    }
    const kept = blobSizes(repo.revisions.filter((revision) => !wanted.has(revision.commitHash)));
    for (const revision of doomed) {
      plan.snapshots.push(revision.snapshotPath);
      for (const ref of revision.refs) refs.push(join(repo.repoPath, "refs", ...ref.split("/")));
    }
    for (const [blob, size] of blobSizes(doomed)) {
      if (kept.has(blob)) continue;
      blobs.push(blob);
      plan.expectedFreedSize += size;
    }
  }
  const notFound = [...wanted].filter((hash) => !found.has(hash));
  const partial = incompleteFiles.filter(
    (file) => !plan.repos.some((repo) => file.path.startsWith(`${repo}/`)),
  );
  for (const file of partial) plan.expectedFreedSize += file.size;
  const incomplete = partial.flatMap((file) => [file.path, `${file.path}.etag`]);
  return {
    ...plan,
    refs,
    blobs,
    incompleteFiles: incomplete,
    notFound,
    async execute() {
      // Whole repos first, then snapshots before the refs and blobs they lean on, as Python does.
      for (const path of [...plan.repos, ...plan.snapshots]) await rm(path, { recursive: true, force: true });
      for (const path of [...refs, ...blobs, ...incomplete]) await rm(path, { force: true });
    },
  };
}

/**
 * The plan that removes the least recently used revisions (by their blobs' last access) until the cache
 * holds at most `maxSize` bytes. A blob shared with a kept revision frees nothing, so revisions are added
 * until the freed bytes, not the revisions' own sizes, are enough.
 */
export function evictLru(info: CacheInfo, options: { maxSize: number }): DeleteCacheStrategy {
  const revisions = info.repos
    .flatMap((repo: CachedRepo) => repo.revisions)
    .sort((a, b) => a.lastAccessed.getTime() - b.lastAccessed.getTime());
  const users = new Map<string, number>();
  for (const revision of revisions)
    for (const blob of blobSizes([revision]).keys()) users.set(blob, (users.get(blob) ?? 0) + 1);
  const chosen: string[] = [];
  let freed = 0;
  for (const revision of revisions) {
    if (info.sizeOnDisk - freed <= options.maxSize) break;
    chosen.push(revision.commitHash);
    for (const [blob, size] of blobSizes([revision])) {
      const left = (users.get(blob) ?? 1) - 1;
      users.set(blob, left);
      if (left === 0) freed += size;
    }
  }
  return deleteRevisions(info, chosen);
}

/**
 * The plan `hf cache prune` carries out: revisions no branch or tag points at any more (detached), and
 * partial downloads untouched for `incompleteAgeMs` (default an hour; a running download writes its
 * partial file all the time, so it is never taken for an abandoned one).
 */
export async function pruneCache(
  info: CacheInfo,
  options: { incompleteAgeMs?: number; now?: number } = {},
): Promise<DeleteCacheStrategy> {
  const detached = info.repos.flatMap((repo) =>
    repo.revisions.filter((revision) => revision.refs.length === 0).map((revision) => revision.commitHash),
  );
  const cutoff = (options.now ?? Date.now()) - (options.incompleteAgeMs ?? 3_600_000);
  const stale: { path: string; size: number }[] = [];
  for (const path of info.incompleteFiles) {
    const about = await stat(path).catch(() => undefined);
    if (about && about.mtimeMs < cutoff) stale.push({ path, size: about.size });
  }
  return deleteRevisions(info, detached, stale);
}
