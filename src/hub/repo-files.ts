/**
 * What a snapshot download and a mirror pull share: the selection of a repo's files (one recursive
 * tree listing at the commit, filtered by the allow and ignore patterns), and running one job per file,
 * `maxWorkers` at a time, with an overall "files" progress count beside each file's own bytes.
 */
import pLimit from "p-limit";
import { filterPaths } from "../core/glob/fnmatch.js";
import type { OnProgress } from "../core/progress.js";
import type { HubCallOptions } from "./hub-request.js";
import { listRepoTree, type RepoFile } from "./list-repo-tree.js";
import type { RepoType } from "./repo-id.js";

/** Which files of which revision of a repo. */
export interface RepoFilesSelection extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  /** A branch, tag or commit id (default `main`). */
  revision?: string;
  /** fnmatch patterns, as `huggingface_hub`'s: only matching files (`*` crosses `/`; `dir/` is a folder). */
  allowPatterns?: string | readonly string[];
  ignorePatterns?: string | readonly string[];
  /** Files downloaded at once (default 8). */
  maxWorkers?: number;
  onProgress?: OnProgress;
}

/** Every file at the commit, by path, and the paths the patterns select. */
export async function selectRepoFiles(
  selection: RepoFilesSelection,
  commit: string,
): Promise<{ listed: Map<string, RepoFile>; selected: string[] }> {
  const listed = new Map<string, RepoFile>();
  // One listing gives every file's etag and size, so no file needs a HEAD of its own.
  for await (const entry of listRepoTree({ ...selection, revision: commit, recursive: true }))
    if (entry.type === "file") listed.set(entry.path, entry);
  const selected = filterPaths([...listed.keys()], {
    allowPatterns: selection.allowPatterns,
    ignorePatterns: selection.ignorePatterns,
  });
  return { listed, selected };
}

/** Runs `job` on each item, `maxWorkers` at a time, counting finished files in "files" progress events. */
export async function forEachFile<T, R>(
  items: readonly T[],
  selection: RepoFilesSelection,
  job: (item: T) => Promise<R>,
): Promise<R[]> {
  const limit = pLimit(Math.max(1, selection.maxWorkers ?? 8));
  let done = 0;
  const report = (finished: boolean) =>
    selection.onProgress?.({ id: selection.repoId, phase: "files", done, total: items.length, finished });
  report(items.length === 0);
  return Promise.all(
    items.map((item) =>
      limit(async () => {
        const result = await job(item);
        done++;
        report(done === items.length);
        return result;
      }),
    ),
  );
}
