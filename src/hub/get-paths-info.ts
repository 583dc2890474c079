/** `getPathsInfo`: tree entries for the given paths at a revision (`POST /api/{type}s/{id}/paths-info/{rev}`); absent paths are left out. */
import { type HubCallOptions, hubPostJson } from "./hub-request.js";
import type { RepoFile, RepoFolder } from "./list-repo-tree.js";
import type { RepoType } from "./repo-id.js";
import { DEFAULT_REVISION } from "./urls.js";

export async function getPathsInfo(
  options: HubCallOptions & {
    repoId: string;
    repoType?: RepoType;
    revision?: string;
    paths: readonly string[];
  },
): Promise<Array<RepoFile | RepoFolder>> {
  const revision = encodeURIComponent(options.revision ?? DEFAULT_REVISION);
  return hubPostJson(
    `/api/${options.repoType ?? "model"}s/${options.repoId}/paths-info/${revision}`,
    { paths: options.paths, expand: false },
    options,
  );
}
