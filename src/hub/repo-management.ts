/**
 * Creating, deleting, moving and configuring repos, as Python's `create_repo`, `delete_repo`,
 * `move_repo` and `update_repo_settings`. `existOk` and `missingOk` turn the Hub's 409 and 404 into
 * quiet successes, as Python's `exist_ok` and `missing_ok` do.
 */
import { ConflictError, RepoNotFoundError } from "../core/errors.js";
import { endpointOf, type HubCallOptions, hubSendJson } from "./hub-request.js";
import { parseRepoId, type RepoType, repoUrlPrefix } from "./repo-id.js";

interface RepoCall extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
}

/** The body that names a repo as Python sends it: `name`, `organization`, and `type` unless a model. */
function nameBody(repoId: string, repoType: RepoType): Record<string, string> {
  const { namespace, name } = parseRepoId(repoId, repoType);
  return { name, organization: namespace, ...(repoType !== "model" && { type: repoType }) };
}

/** Creates a repo and returns its URL (`{endpoint}/{datasets/}ns/name`). */
export async function createRepo(
  options: RepoCall & { private?: boolean; existOk?: boolean; spaceSdk?: string },
): Promise<string> {
  const repoType = options.repoType ?? "model";
  const url = `${endpointOf(options)}/${repoUrlPrefix(repoType)}${options.repoId}`;
  try {
    const answer = await hubSendJson<{ url: string }>(
      "POST",
      "/api/repos/create",
      {
        ...nameBody(options.repoId, repoType),
        private: options.private ?? false,
        ...(repoType === "space" && { sdk: options.spaceSdk ?? "static" }),
      },
      options,
    );
    return answer.body.url;
  } catch (error) {
    if (error instanceof ConflictError && options.existOk) return url;
    throw error;
  }
}

export async function deleteRepo(options: RepoCall & { missingOk?: boolean }): Promise<void> {
  try {
    await hubSendJson(
      "DELETE",
      "/api/repos/delete",
      nameBody(options.repoId, options.repoType ?? "model"),
      options,
    );
  } catch (error) {
    if (error instanceof RepoNotFoundError && options.missingOk) return;
    throw error;
  }
}

/** Renames a repo (`fromId` to `toId`, both `namespace/name`, same type). */
export async function moveRepo(
  options: HubCallOptions & { fromId: string; toId: string; repoType?: RepoType },
): Promise<void> {
  const repoType = options.repoType ?? "model";
  parseRepoId(options.fromId, repoType);
  parseRepoId(options.toId, repoType);
  await hubSendJson(
    "POST",
    "/api/repos/move",
    { fromRepo: options.fromId, toRepo: options.toId, type: repoType },
    options,
  );
}

/** Makes a repo private or public, and gated or not. */
export async function updateRepoSettings(
  options: RepoCall & { private?: boolean; gated?: false | "auto" | "manual" },
): Promise<void> {
  const repoType = options.repoType ?? "model";
  await hubSendJson(
    "PUT",
    `/api/${repoType}s/${options.repoId}/settings`,
    {
      ...(options.private !== undefined && { private: options.private }),
      ...(options.gated !== undefined && { gated: options.gated }),
    },
    options,
  );
}
