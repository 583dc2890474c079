/**
 * `importFolder`: a folder on disk becomes a new commit on a branch of a store repo (`wharf mirror
 * import`). The commit holds exactly the folder's files (a snapshot: files absent from the folder are
 * absent from the commit), each hashed once for its sha256 and git blob id and stored once by content.
 * Symlinks to files are followed, so a snapshot folder of the Hub cache imports as the files it shows
 * (symlinks to folders are not, as git does not); `.git` and the `.cache/huggingface` bookkeeping of
 * local downloads are skipped at any depth.
 */
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import pLimit from "p-limit";
import { InvalidArgumentError } from "../core/errors.js";
import { digestFile, lfsPointerOid } from "../core/hash.js";
import type { OnProgress } from "../core/progress.js";
import { type RepoId, repoIdString } from "../hub/repo-id.js";
import { AlreadyInStoreError } from "./errors.js";
import type { Commit, StoredFile } from "./store/commit.js";
import { assertRefName } from "./store/keys.js";
import { defaultLfsPatterns, isLfsFile } from "./store/lfs-rules.js";
import { DEFAULT_BRANCH, type Gated, type RepoStore } from "./store/repo-store.js";

export interface ImportFolderOptions {
  /** The branch to commit on (default `main`); a new branch starts from the default branch's head. */
  branch?: string;
  /** The commit's title (default "Import {folder name}"). */
  title?: string;
  message?: string;
  author?: string;
  /** Visibility of a repo created by this import (an existing repo keeps its own). */
  private?: boolean;
  gated?: Gated;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

export interface ImportFolderResult {
  commit: Commit;
  /** True when the import created the repo. */
  createdRepo: boolean;
  /** Files whose content was new to the store. */
  newBlobs: number;
  /** Bytes copied into the store. */
  storedBytes: number;
}

/** Folders that are bookkeeping, not content, at any depth (as `huggingface_hub`'s upload ignores them). */
function isSkipped(parts: readonly string[]): boolean {
  return parts.some((part, i) => part === ".git" || (part === ".cache" && parts[i + 1] === "huggingface"));
}

/** The folder's files as repo paths (with `/`), sorted. Symlinks to files count as the files. */
async function listFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files: string[] = [];
  for (const entry of entries) {
    const path = relative(folder, join(entry.parentPath, entry.name));
    const parts = path.split(sep);
    if (isSkipped(parts)) continue;
    if (entry.isSymbolicLink()) {
      const target = await stat(join(folder, path)).catch(() => undefined);
      if (!target) {
        throw new InvalidArgumentError(
          `${join(folder, path)} is a symlink to nothing; remove it or fix it, then import again.`,
        );
      }
      if (!target.isFile()) continue;
    } else if (!entry.isFile()) {
      continue;
    }
    files.push(parts.join("/"));
  }
  return files.sort();
}

export async function importFolder(
  store: RepoStore,
  folder: string,
  repo: RepoId,
  options: ImportFolderOptions = {},
): Promise<ImportFolderResult> {
  const branch = options.branch ?? DEFAULT_BRANCH;
  assertRefName(branch);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new InvalidArgumentError(`${folder} is not a folder to import.`);

  const paths = await listFiles(folder);
  const patterns = defaultLfsPatterns(repo.type);
  // A Map, not an object: a file named `__proto__` must be a file like any other.
  const files = new Map<string, StoredFile>();
  let newBlobs = 0;
  let storedBytes = 0;
  let hashed = 0;
  const limit = pLimit(4);
  await Promise.all(
    paths.map((path) =>
      limit(async () => {
        const source = join(folder, path);
        const digest = await digestFile(source, options.signal);
        const lfs = isLfsFile(path, digest.size, patterns);
        files.set(path, {
          size: digest.size,
          sha256: digest.sha256,
          gitOid: lfs ? lfsPointerOid(digest.sha256, digest.size) : digest.gitBlobOid,
          lfs,
        });
        if (!(await store.hasBlob(digest.sha256))) {
          await store.putBlob(digest.sha256, { file: source, sha256: digest.sha256 });
          newBlobs++;
          storedBytes += digest.size;
        }
        hashed++;
        options.onProgress?.({
          id: repoIdString(repo),
          phase: "files",
          done: hashed,
          total: paths.length,
          finished: hashed === paths.length,
        });
      }),
    ),
  );

  let createdRepo = false;
  if (!(await store.getRepo(repo, { fresh: true }))) {
    try {
      await store.createRepo(repo, { private: options.private, gated: options.gated });
      createdRepo = true;
    } catch (error) {
      // Another import created it meanwhile: commit on top of that.
      if (!(error instanceof AlreadyInStoreError)) throw error;
    }
  }
  const fresh = { fresh: true };
  const head = await store.readRef(repo, "heads", branch, fresh);
  const parent =
    head ??
    (branch === DEFAULT_BRANCH ? undefined : await store.readRef(repo, "heads", DEFAULT_BRANCH, fresh));
  const folderName = folder.split(sep).filter(Boolean).pop() ?? folder;
  const commit = await store.commit(
    repo,
    branch,
    {
      parents: parent ? [parent] : [],
      author: options.author ?? "wharf",
      date: new Date().toISOString(),
      title: options.title ?? `Import ${folderName}`,
      message: options.message ?? "",
      files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    },
    head,
  );
  return { commit, createdRepo, newBlobs, storedBytes };
}
