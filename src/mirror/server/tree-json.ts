/**
 * Tree entries as the Hub's tree and paths-info endpoints answer them, and, when `expand` is asked,
 * each entry's `lastCommit`: the newest commit on the first-parent line that changed it (a file's git
 * oid or a folder's tree oid differs from its parent's), found by one walk back through history.
 */
import type { RepoId } from "../../hub/repo-id.js";
import { type Commit, lfsPointerSize } from "../store/commit.js";
import type { CommitView, RepoStore } from "../store/repo-store.js";
import type { TreeEntry } from "../store/repo-tree.js";

/**
 * How far back `lastCommit` looks; older changes are credited to the oldest commit it reached. Each step
 * reads a whole commit, so the bound keeps one request's work (and the commit cache's churn) small.
 */
const MAX_HISTORY_WALK = 100;

export interface LastCommitJson {
  id: string;
  title: string;
  date: string;
}

export function treeEntryJson(entry: TreeEntry, lastCommit?: LastCommitJson): Record<string, unknown> {
  if (entry.type === "directory") {
    return {
      type: "directory",
      oid: entry.oid,
      size: 0,
      path: entry.path,
      ...(lastCommit && { lastCommit }),
    };
  }
  const { file } = entry;
  return {
    type: "file",
    oid: file.gitOid,
    size: file.size,
    path: entry.path,
    ...(file.lfs && {
      lfs: {
        oid: file.sha256,
        size: file.size,
        pointerSize: lfsPointerSize(file),
      },
    }),
    ...(lastCommit && { lastCommit }),
  };
}

function commitJson(commit: Commit): LastCommitJson {
  return { id: commit.id, title: commit.title, date: commit.date };
}

/** The oid of a path in a commit view (file or folder), or undefined where it does not exist. */
function oidAt(view: CommitView | undefined, path: string): string | undefined {
  const entry = view?.tree.entry(path);
  if (!entry) return undefined;
  return entry.type === "file" ? entry.file.gitOid : entry.oid;
}

/** The last commit that changed each of `paths`, walking back from `head`. */
export async function lastCommits(
  store: RepoStore,
  repo: RepoId,
  head: CommitView,
  paths: readonly string[],
): Promise<Map<string, LastCommitJson>> {
  const found = new Map<string, LastCommitJson>();
  let pending = [...paths];
  let current: CommitView | undefined = head;
  for (let steps = 0; current && pending.length > 0; steps++) {
    const parentId: string | undefined = current.commit.parents[0];
    const parent: CommitView | undefined =
      parentId === undefined || steps >= MAX_HISTORY_WALK
        ? undefined
        : await store.commitView(repo, parentId);
    const stillPending: string[] = [];
    for (const path of pending) {
      if (parent === undefined || oidAt(parent, path) !== oidAt(current, path)) {
        found.set(path, commitJson(current.commit));
      } else {
        stillPending.push(path);
      }
    }
    pending = stillPending;
    current = parent;
  }
  return found;
}
