/** `listRepoRefs`: a repo's branches, tags and converts (`GET /api/{type}s/{id}/refs`), as Python's `list_repo_refs`. */
import { type HubCallOptions, hubGetJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

export interface GitRef {
  name: string;
  /** `refs/heads/main`, `refs/tags/v1`. */
  ref: string;
  targetCommit: string;
}

export interface GitRefs {
  branches: GitRef[];
  tags: GitRef[];
  converts: GitRef[];
}

export async function listRepoRefs(
  options: HubCallOptions & { repoId: string; repoType?: RepoType },
): Promise<GitRefs> {
  const refs = await hubGetJson<Partial<GitRefs>>(
    `/api/${options.repoType ?? "model"}s/${options.repoId}/refs`,
    options,
  );
  return { branches: refs.branches ?? [], tags: refs.tags ?? [], converts: refs.converts ?? [] };
}
