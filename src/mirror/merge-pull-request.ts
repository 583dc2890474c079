/**
 * Merging a pull request: its branch (`refs/pr/{num}`) into the branch it targets. When the target has
 * not moved since the pull request started, the target moves to the pull request's head (a fast
 * forward); otherwise a merge commit (two parents) takes the target's files with the pull request's
 * changes applied, unless a file changed on both sides in different ways, which is a conflict listed by
 * path and changes nothing. The target moves by compare-and-swap, so a merge racing a commit loses
 * neither: the loser is redone on the new head.
 */
import { InvalidArgumentError, WharfError } from "../core/errors.js";
import type { RepoId } from "../hub/repo-id.js";
import { RefMovedError } from "./errors.js";
import type { Commit, StoredFile } from "./store/commit.js";
import { type Discussion, DiscussionStore, statusEvent } from "./store/discussions.js";
import type { RepoStore } from "./store/repo-store.js";

/** The pull request changes files its target changed too, differently; nothing changed. */
export class MergeConflictError extends WharfError {
  override readonly code = "MergeConflict";
  constructor(
    message: string,
    readonly files: string[],
  ) {
    super(message);
  }
}

type Files = Record<string, StoredFile>;

/** Paths whose content differs between two file maps (added, removed or changed). */
function changedPaths(before: Files, after: Files): Set<string> {
  const paths = new Set<string>();
  for (const path of new Set([...Object.keys(before), ...Object.keys(after)]))
    if (before[path]?.sha256 !== after[path]?.sha256 || before[path]?.lfs !== after[path]?.lfs)
      paths.add(path);
  return paths;
}

export async function mergePullRequest(
  store: RepoStore,
  repo: RepoId,
  num: number,
  author: string,
  message?: string,
): Promise<Discussion> {
  const discussions = new DiscussionStore(store);
  const discussion = await discussions.get(repo, num);
  if (!discussion?.isPullRequest) throw new MergeConflictError(`#${num} is not a pull request.`, []);
  if (discussion.status !== "open")
    throw new MergeConflictError(
      `Pull request #${num} is ${discussion.status}; only an open one can be merged.`,
      [],
    );
  const branch = (discussion.target ?? "refs/heads/main").replace(/^refs\/heads\//, "");
  const head = await store.readRef(repo, "pr", String(num), { fresh: true });
  const base = discussion.baseCommit ? await store.getCommit(repo, discussion.baseCommit) : undefined;
  const prHead = head ? await store.getCommit(repo, head) : undefined;
  if (!prHead) throw new InvalidArgumentError(`Pull request #${num} has no commits to merge.`);
  for (;;) {
    const targetId = await store.readRef(repo, "heads", branch, { fresh: true });
    const target = targetId ? await store.getCommit(repo, targetId) : undefined;
    let merged: Commit;
    if (!target || (await store.isAncestor(repo, target.id, prHead.id))) {
      merged = prHead;
    } else {
      const baseFiles = base?.files ?? {};
      const ours = changedPaths(baseFiles, target.files);
      const theirs = changedPaths(baseFiles, prHead.files);
      const conflicts = [...theirs].filter(
        (path) => ours.has(path) && target.files[path]?.sha256 !== prHead.files[path]?.sha256,
      );
      if (conflicts.length > 0)
        throw new MergeConflictError(
          `Pull request #${num} conflicts with ${branch} in ${conflicts.join(", ")}.`,
          conflicts.sort(),
        );
      const files: Files = { ...target.files };
      for (const path of theirs) {
        const file = prHead.files[path];
        if (file) files[path] = file;
        else delete files[path];
      }
      const draft = {
        parents: [target.id, prHead.id],
        author,
        date: new Date().toISOString(),
        title: `Merge pull request #${num}: ${discussion.title}`,
        message: message ?? "",
        files: Object.fromEntries(Object.entries(files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      };
      try {
        merged = await store.commit(repo, branch, draft, target.id);
      } catch (error) {
        if (error instanceof RefMovedError) continue;
        throw error;
      }
      return close(merged.id);
    }
    try {
      await store.setRef(repo, "heads", branch, targetId, merged.id);
    } catch (error) {
      if (error instanceof RefMovedError) continue;
      throw error;
    }
    return close(merged.id);
  }

  function close(mergeCommitId: string): Promise<Discussion> {
    return discussions.update(repo, num, (current) => ({
      ...current,
      status: "merged",
      mergeCommitId,
      events: [...current.events, statusEvent(author, "merged")],
    }));
  }
}
