/**
 * Branches and tags, as Python's `create_branch`, `delete_branch`, `create_tag` and `delete_tag`:
 * a branch starts at a revision (default `main`), a tag names one; `existOk` turns the Hub's 409 for
 * a name in use into a quiet success, as Python's `exist_ok` does.
 */
import { ConflictError } from "../core/errors.js";
import { type HubCallOptions, hubSendJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

interface RefCall extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
}

const refPath = (options: RefCall, kind: "branch" | "tag", name: string) =>
  `/api/${options.repoType ?? "model"}s/${options.repoId}/${kind}/${encodeURIComponent(name)}`;

async function quietConflict(existOk: boolean | undefined, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof ConflictError && existOk)) throw error;
  }
}

export async function createBranch(
  options: RefCall & { branch: string; revision?: string; existOk?: boolean },
): Promise<void> {
  await quietConflict(options.existOk, () =>
    hubSendJson(
      "POST",
      refPath(options, "branch", options.branch),
      options.revision ? { startingPoint: options.revision } : {},
      options,
    ),
  );
}

export async function deleteBranch(options: RefCall & { branch: string }): Promise<void> {
  await hubSendJson("DELETE", refPath(options, "branch", options.branch), {}, options);
}

export async function createTag(
  options: RefCall & { tag: string; revision?: string; tagMessage?: string; existOk?: boolean },
): Promise<void> {
  await quietConflict(options.existOk, () =>
    hubSendJson(
      "POST",
      refPath(options, "tag", options.revision ?? "main"),
      { tag: options.tag, ...(options.tagMessage && { message: options.tagMessage }) },
      options,
    ),
  );
}

export async function deleteTag(options: RefCall & { tag: string }): Promise<void> {
  await hubSendJson("DELETE", refPath(options, "tag", options.tag), {}, options);
}
