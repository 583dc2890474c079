/**
 * A commit as the store keeps it (`commits/{id}.json`): parents, author, date, title, message and the
 * full file map of the revision, each file with its size, sha256, git oid and LFS flag. A new commit's
 * id is the sha1 git would give it (over the git tree of its files), so ids look and behave like the
 * Hub's; commits pulled from a Hub keep the Hub's id.
 */
import { createHash } from "node:crypto";
import { lfsPointerText } from "../../core/hash.js";
import { RepoTree } from "./repo-tree.js";

export interface StoredFile {
  size: number;
  sha256: string;
  /** The git blob id: of the bytes for a regular file, of the LFS pointer text for an LFS file. */
  gitOid: string;
  lfs: boolean;
}

export interface Commit {
  id: string;
  parents: string[];
  author: string;
  /** ISO-8601 with `Z`. */
  date: string;
  title: string;
  message: string;
  files: Record<string, StoredFile>;
}

export type CommitDraft = Omit<Commit, "id">;

/** The size of the pointer text git holds for an LFS file (the Hub's `pointerSize`). */
export function lfsPointerSize(file: StoredFile): number {
  return Buffer.byteLength(lfsPointerText(file.sha256, file.size));
}

/** The git commit id of a draft: sha1 of the commit object over its files' git tree. */
export function gitCommitId(draft: CommitDraft): string {
  const seconds = Math.floor(Date.parse(draft.date) / 1000);
  const person = `${draft.author} <${draft.author}@users.noreply.wharf> ${seconds} +0000`;
  const message = draft.message ? `${draft.title}\n\n${draft.message}\n` : `${draft.title}\n`;
  const body = [
    `tree ${new RepoTree(draft.files).directoryOid("")}`,
    ...draft.parents.map((parent) => `parent ${parent}`),
    `author ${person}`,
    `committer ${person}`,
    "",
    message,
  ].join("\n");
  const bytes = Buffer.from(body, "utf8");
  return createHash("sha1").update(`commit ${bytes.length}\0`).update(bytes).digest("hex");
}
