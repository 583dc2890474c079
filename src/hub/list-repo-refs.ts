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
  /** With `includePullRequests`: each pull request's ref (`refs/pr/{num}`). */
  pullRequests?: GitRef[];
}

export async function listRepoRefs(
  options: HubCallOptions & { repoId: string; repoType?: RepoType; includePullRequests?: boolean },
): Promise<GitRefs> {
  const query = options.includePullRequests ? "?include_prs=1" : "";
  const refs = await hubGetJson<Partial<GitRefs>>(
    `/api/${options.repoType ?? "model"}s/${options.repoId}/refs${query}`,
    options,
  );
  return {
    branches: refs.branches ?? [],
    tags: refs.tags ?? [],
    converts: refs.converts ?? [],
    ...(options.includePullRequests && { pullRequests: refs.pullRequests ?? [] }),
  };
}
