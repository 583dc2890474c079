/**
 * A commit made of operations, as the Hub's commit API takes them: add a file (its bytes inline), add
 * an LFS file (its bytes uploaded to the store before, named by sha256), delete a file, delete a folder.
 * The operations apply in order to the branch's head; the new commit holds the result. With
 * `parentCommit`, the branch must still be there (else `ParentCommitMovedError`, nothing changed);
 * without it, a branch another writer moved meanwhile gets the operations applied to its new head,
 * as the Hub does, so no commit is ever lost.
 */
import pLimit from "p-limit";
import { InvalidArgumentError } from "../core/errors.js";
import { gitBlobOid, lfsPointerOid, sha256Hex } from "../core/hash.js";
import type { RepoId } from "../hub/repo-id.js";
import { NotInStoreError, ParentCommitMovedError, PathNotInCommitError, RefMovedError } from "./errors.js";
import type { Commit, StoredFile } from "./store/commit.js";
import type { RefKind } from "./store/keys.js";
import { DEFAULT_BRANCH, type RepoStore } from "./store/repo-store.js";

export type CommitOperation =
  | { kind: "add"; path: string; content: Uint8Array }
  | { kind: "addLfs"; path: string; sha256: string; size?: number }
  | { kind: "delete"; path: string }
  | { kind: "deleteFolder"; path: string };

export interface CommitOperationsOptions {
  branch?: string;
  /** What `branch` names: a branch (default), or a pull request's ref (`refs/pr/{branch}`). */
  refKind?: RefKind;
  title: string;
  message?: string;
  author: string;
  /** The commit the caller's changes were made against; the branch must still be there. */
  parentCommit?: string;
}

/**
 * How many times a commit without `parentCommit` is re-applied when other writers keep moving the
 * branch, and the longest pause between tries. Each loser waits a random, growing time before it tries
 * again, so writers racing through several servers over one bucket spread out instead of colliding
 * in step.
 */
const ATTEMPTS = 12;
const MAX_PAUSE_MS = 1000;

function pauseBeforeRetry(attempt: number): Promise<void> {
  const ceiling = Math.min(MAX_PAUSE_MS, 10 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** A repo path as a commit may hold it: relative, no empty, `.` or `..` parts, nothing under `.git/`. */
function checkPath(path: string): string {
  const parts = path.split("/");
  if (parts.some((part) => part === "" || part === "." || part === "..") || parts[0] === ".git")
    throw new InvalidArgumentError(`"${path}" is not a file path a repo can hold.`);
  return path;
}

type AddOperation = Extract<CommitOperation, { kind: "add" }>;

/**
 * What each inline file is (hashed once, even when the commit is re-applied), without storing it: a
 * commit that is refused stores nothing.
 */
function describeInlineFiles(operations: readonly CommitOperation[]): Map<AddOperation, StoredFile> {
  const adds = operations.filter((operation): operation is AddOperation => operation.kind === "add");
  return new Map(
    adds.map((operation) => {
      checkPath(operation.path);
      const { content } = operation;
      return [
        operation,
        { size: content.length, sha256: sha256Hex(content), gitOid: gitBlobOid(content), lfs: false },
      ];
    }),
  );
}

/** Stores the inline files' bytes the store does not have yet, several at once. */
async function storeInlineFiles(store: RepoStore, inline: Map<AddOperation, StoredFile>): Promise<void> {
  const limit = pLimit(8);
  await Promise.all(
    [...inline].map(([operation, { sha256 }]) =>
      limit(async () => {
        if (!(await store.hasBlob(sha256))) await store.putBlob(sha256, operation.content);
      }),
    ),
  );
}

async function applyOperations(
  store: RepoStore,
  files: Map<string, StoredFile>,
  operations: readonly CommitOperation[],
  inline: Map<AddOperation, StoredFile>,
): Promise<void> {
  for (const operation of operations) {
    const path = checkPath(operation.path);
    if (operation.kind === "add") {
      files.set(path, inline.get(operation) as StoredFile);
    } else if (operation.kind === "addLfs") {
      const stored = await store.blobSize(operation.sha256);
      if (stored === undefined)
        throw new NotInStoreError(
          `The LFS object ${operation.sha256} for ${path} was not uploaded; upload it through the LFS batch API first.`,
        );
      if (operation.size !== undefined && stored !== operation.size)
        throw new InvalidArgumentError(
          `${path}: the LFS object ${operation.sha256} holds ${stored} bytes, not ${operation.size}.`,
        );
      files.set(path, {
        size: stored,
        sha256: operation.sha256,
        gitOid: lfsPointerOid(operation.sha256, stored),
        lfs: true,
      });
    } else if (operation.kind === "delete") {
      if (!files.delete(path))
        throw new PathNotInCommitError(`${path} is not in the revision to delete it from.`);
    } else {
      const prefix = `${path}/`;
      const doomed = [...files.keys()].filter((name) => name.startsWith(prefix));
      if (doomed.length === 0)
        throw new PathNotInCommitError(`No folder ${path} is in the revision to delete it from.`);
      for (const name of doomed) files.delete(name);
    }
  }
}

/**
 * The branch's head as it is now and its files with the operations applied; refused (with nothing
 * stored) when the head is not `parentCommit` or an operation cannot apply.
 */
async function applyToHead(
  store: RepoStore,
  repo: RepoId,
  operations: readonly CommitOperation[],
  inline: Map<AddOperation, StoredFile>,
  options: Pick<CommitOperationsOptions, "branch" | "refKind" | "parentCommit">,
): Promise<{ head: string | undefined; files: Map<string, StoredFile> }> {
  const branch = options.branch ?? DEFAULT_BRANCH;
  const kind = options.refKind ?? "heads";
  const head = await store.readRef(repo, kind, branch, { fresh: true });
  if (head === undefined && (branch !== DEFAULT_BRANCH || kind !== "heads"))
    throw new NotInStoreError(`No branch ${branch} to commit on; create it first.`);
  if (options.parentCommit !== undefined && options.parentCommit !== head)
    throw new ParentCommitMovedError(
      `${branch} is at ${head ?? "no commit"}, not at the parent commit ${options.parentCommit}; ` +
        "read the branch again and redo the changes on it.",
    );
  const parent = head === undefined ? undefined : await store.getCommit(repo, head);
  const files = new Map(Object.entries(parent?.files ?? {}));
  await applyOperations(store, files, operations, inline);
  return { head, files };
}

/**
 * Refuses what `commitOperations` would refuse on the branch as it is now (a stale parent, a path not
 * there to delete, an LFS object not uploaded), storing nothing; gives the branch's head. For a pull
 * request, which is opened only for a commit that can be made.
 */
export async function checkOperations(
  store: RepoStore,
  repo: RepoId,
  operations: readonly CommitOperation[],
  options: Pick<CommitOperationsOptions, "branch" | "refKind" | "parentCommit">,
): Promise<string | undefined> {
  return (await applyToHead(store, repo, operations, describeInlineFiles(operations), options)).head;
}

export async function commitOperations(
  store: RepoStore,
  repo: RepoId,
  operations: readonly CommitOperation[],
  options: CommitOperationsOptions,
): Promise<Commit> {
  const branch = options.branch ?? DEFAULT_BRANCH;
  const inline = describeInlineFiles(operations);
  let stored = false;
  for (let attempt = 1; ; attempt++) {
    const { head, files } = await applyToHead(store, repo, operations, inline, options);
    // Only once the operations apply: a refused commit leaves no object behind. (One that loses every
    // race for its branch leaves its inline files' objects, unreferenced.)
    if (!stored) await storeInlineFiles(store, inline);
    stored = true;
    try {
      return await store.commit(
        repo,
        branch,
        {
          parents: head ? [head] : [],
          author: options.author,
          date: new Date().toISOString(),
          title: options.title,
          message: options.message ?? "",
          files: Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        },
        head,
        options.refKind ?? "heads",
      );
    } catch (error) {
      if (!(error instanceof RefMovedError) || attempt >= ATTEMPTS) throw error;
      if (options.parentCommit !== undefined)
        throw new ParentCommitMovedError(`${branch} moved while the commit was made; nothing changed.`);
      await pauseBeforeRetry(attempt);
    }
  }
}
