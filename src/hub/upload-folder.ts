/**
 * `uploadFolder`: a local folder's files into a repo, as Python's `upload_folder`: the files the
 * allow/ignore patterns select (fnmatch, paths relative to the folder) go under `pathInRepo`; remote
 * files under `pathInRepo` that `deletePatterns` match, and that the upload does not replace, are
 * deleted in the same commit. `.git/` and `.cache/huggingface/` are never uploaded, and `.gitattributes`
 * is never deleted. Files the Hub already holds are not sent again (createCommit), so running it again
 * after an interruption sends only what is missing; many files are split over several commits of at
 * most `maxFilesPerCommit`.
 */
import { readdir } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { BatchAbort } from "../core/batch-abort.js";
import { filterPaths } from "../core/glob/fnmatch.js";
import {
  type CommitInfo,
  type CommitOperation,
  type CreateCommitOptions,
  prepareCommit,
  sendCommit,
} from "./create-commit.js";
import { listRepoFiles } from "./list-repo-files.js";

export interface UploadFolderOptions extends Omit<CreateCommitOptions, "operations" | "commitMessage"> {
  folderPath: string;
  /** The folder in the repo the files go to (default: its root). */
  pathInRepo?: string;
  allowPatterns?: string | readonly string[];
  ignorePatterns?: string | readonly string[];
  /** Remote files (relative to `pathInRepo`) to delete unless uploaded again. */
  deletePatterns?: string | readonly string[];
  commitMessage?: string;
  /** Default 1,000; each further batch of files is one more commit. */
  maxFilesPerCommit?: number;
}

/** Every file under `folder` as a repo path, without `.git/` and `.cache/huggingface/` at any depth. */
async function localFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .filter((path) => !/(^|\/)\.git\//.test(path) && !/(^|\/)\.cache\/huggingface\//.test(path))
    .sort();
}

export async function uploadFolder(options: UploadFolderOptions): Promise<CommitInfo> {
  const prefix = options.pathInRepo ? `${options.pathInRepo.replace(/\/+$/, "")}/` : "";
  const selected = filterPaths(await localFiles(options.folderPath), {
    allowPatterns: options.allowPatterns,
    ignorePatterns: options.ignorePatterns,
  });
  const adds: CommitOperation[] = selected.map((path) => ({
    type: "add",
    pathInRepo: `${prefix}${path}`,
    file: join(options.folderPath, ...path.split("/")),
  }));
  const deletes: CommitOperation[] = [];
  if (options.deletePatterns !== undefined) {
    const uploaded = new Set(adds.map((add) => add.pathInRepo));
    const remote = (await listRepoFiles(options))
      .filter((path) => path.startsWith(prefix) && !uploaded.has(path) && path !== ".gitattributes")
      .map((path) => path.slice(prefix.length));
    for (const path of filterPaths(remote, { allowPatterns: options.deletePatterns }))
      deletes.push({ type: "delete", pathInRepo: `${prefix}${path}` });
  }
  const message = options.commitMessage ?? "Upload folder using wharf";
  const perCommit = Math.max(1, options.maxFilesPerCommit ?? 1000);
  const batches: CommitOperation[][] = [];
  for (let start = 0; start < adds.length; start += perCommit)
    batches.push(adds.slice(start, start + perCommit));
  if (batches.length === 0) batches.push([]);
  batches[0]?.unshift(...deletes);
  const commitOptions = batches.map(
    (operations, index): CreateCommitOptions => ({
      ...options,
      operations,
      commitMessage: batches.length > 1 ? `${message} (part ${index + 1} of ${batches.length})` : message,
      // Only the first commit can be made against the caller's parent; later ones follow it.
      parentCommit: index === 0 ? options.parentCommit : undefined,
    }),
  );
  // Each commit's files are hashed while the one before is sent and applied by the Hub, so neither
  // side waits for the other; one commit ahead at most, so memory stays that of two commits. When a
  // commit fails, the hashing ahead stops too.
  const batch = new BatchAbort(options.signal);
  const prepare = (index: number) => {
    const prepared = prepareCommit({
      ...(commitOptions[index] as CreateCommitOptions),
      signal: batch.signal,
    });
    prepared.catch(() => undefined); // awaited below; a failure after an earlier one must not go unhandled
    return prepared;
  };
  let next = prepare(0);
  let last: CommitInfo | undefined;
  try {
    for (const [index, current] of commitOptions.entries()) {
      const prepared = await next;
      if (index + 1 < commitOptions.length) next = prepare(index + 1);
      last = await sendCommit(current, prepared);
    }
  } catch (error) {
    batch.stop();
    throw error;
  } finally {
    batch.release();
  }
  return last as CommitInfo;
}
