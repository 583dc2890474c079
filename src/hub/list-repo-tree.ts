/**
 * `listRepoTree`: the files and folders of a repo at a revision, as Python's `list_repo_tree` gives them,
 * page after page (`GET /api/{type}s/{id}/tree/{rev}[/{path}]?recursive=&expand=`).
 */
import { type HubCallOptions, hubGetPages } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";
import { DEFAULT_REVISION, quotePath } from "./urls.js";

export interface RepoFile {
  type: "file";
  path: string;
  size: number;
  /** The git blob id. */
  oid: string;
  lfs?: { oid: string; size: number; pointerSize: number };
}

export interface RepoFolder {
  type: "directory";
  path: string;
  oid: string;
}

export interface ListRepoTreeOptions extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  revision?: string;
  /** A folder of the repo; default its root. */
  pathInRepo?: string;
  recursive?: boolean;
}

export function listRepoTree(options: ListRepoTreeOptions): AsyncIterable<RepoFile | RepoFolder> {
  const revision = encodeURIComponent(options.revision ?? DEFAULT_REVISION);
  const folder = options.pathInRepo ? `/${quotePath(options.pathInRepo)}` : "";
  const query = `recursive=${options.recursive === true}&expand=false`;
  return hubGetPages(
    `/api/${options.repoType ?? "model"}s/${options.repoId}/tree/${revision}${folder}?${query}`,
    options,
  );
}
