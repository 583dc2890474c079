/**
 * Where things live in the Hub cache that Python `huggingface_hub` shares (DESIGN.md): one folder per
 * repo (`datasets--org--name`), `blobs/{etag}`, `snapshots/{commit}/{path}` as relative symlinks into
 * `blobs/`, `refs/{revision}`, `.no_exist/{commit}/{path}`, and `.locks/{repo folder}/`. Paths only; the
 * download code decides what to write.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RepoType } from "./repo-id.js";

/** `models--org--name`, the repo's folder name in the cache. */
export function repoFolderName(repoId: string, repoType: RepoType = "model"): string {
  return [`${repoType}s`, ...repoId.split("/")].join("--");
}

export class CacheLayout {
  readonly repoFolder: string;
  readonly storage: string;

  constructor(
    readonly cacheDir: string,
    repoId: string,
    repoType: RepoType = "model",
  ) {
    this.repoFolder = repoFolderName(repoId, repoType);
    this.storage = join(cacheDir, this.repoFolder);
  }

  blob(etag: string): string {
    return join(this.storage, "blobs", etag);
  }

  /** A resumable partial blob (the older Python name; recent Python adds a random part per process). */
  incompleteBlob(etag: string): string {
    return `${this.blob(etag)}.incomplete`;
  }

  snapshot(commit: string, path: string): string {
    return join(this.storage, "snapshots", commit, ...path.split("/"));
  }

  /** `refs/{revision}`; a revision such as `refs/pr/1` keeps its slashes as folders. */
  ref(revision: string): string {
    return join(this.storage, "refs", ...revision.split("/"));
  }

  noExist(commit: string, path: string): string {
    return join(this.storage, ".no_exist", commit, ...path.split("/"));
  }

  /** The commit a revision names in the cache: itself when it is a commit id, else what `refs/` says. */
  async cachedCommit(revision: string): Promise<string | undefined> {
    if (/^[0-9a-f]{40}$/.test(revision)) return revision;
    try {
      return (await readFile(this.ref(revision), "utf8")).trim() || undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * wharf's lock for a blob. Python flocks `.locks/{repo}/{etag}.lock`; wharf's locks are files whose
   * existence is the lock, so they take their own suffix beside Python's (ARCHITECTURE.md).
   */
  lock(etag: string): string {
    return join(this.cacheDir, ".locks", this.repoFolder, `${etag}.wharf-lock`);
  }
}
