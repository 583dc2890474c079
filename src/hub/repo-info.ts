/**
 * `repoInfo`: what `GET /api/{type}s/{id}[/revision/{rev}]` says of a repo, typed, with dates as Dates
 * (Python's `repo_info` / `model_info` / `dataset_info`).
 */
import { type HubCallOptions, hubGetJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

export interface RepoInfo {
  id: string;
  /** The commit the revision resolved to. */
  sha: string;
  private: boolean;
  gated: false | "auto" | "manual";
  lastModified?: Date;
  createdAt?: Date;
  tags: string[];
  cardData?: Record<string, unknown>;
  siblings: Array<{ rfilename: string; size?: number }>;
}

export interface RepoInfoOptions extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  revision?: string;
}

export async function repoInfo(options: RepoInfoOptions): Promise<RepoInfo> {
  const revision = options.revision ? `/revision/${encodeURIComponent(options.revision)}` : "";
  const raw = await hubGetJson<
    Omit<RepoInfo, "lastModified" | "createdAt"> & { lastModified?: string; createdAt?: string }
  >(`/api/${options.repoType ?? "model"}s/${options.repoId}${revision}`, options);
  return {
    ...raw,
    tags: raw.tags ?? [],
    siblings: raw.siblings ?? [],
    lastModified: raw.lastModified ? new Date(raw.lastModified) : undefined,
    createdAt: raw.createdAt ? new Date(raw.createdAt) : undefined,
  };
}
