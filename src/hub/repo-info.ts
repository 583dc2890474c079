/**
 * `repoInfo` and its named forms `modelInfo`, `datasetInfo`, `spaceInfo`: what
 * `GET /api/{type}s/{id}[/revision/{rev}]` says of a repo, typed, with dates as Dates (Python's
 * `repo_info` / `model_info` / `dataset_info` / `space_info`). `filesMetadata` asks for each file's
 * size, blob id and LFS facts (`blobs=true`), `expand` for a chosen set of fields (`expand[]=`), and
 * `securityStatus` for the Hub's scan results.
 */
import { type HubCallOptions, hubGetJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

export interface RepoSibling {
  rfilename: string;
  /** With `filesMetadata`. */
  size?: number;
  /** The git blob id, with `filesMetadata`. */
  blobId?: string;
  lfs?: { size: number; sha256: string; pointerSize: number };
}

export interface RepoInfo {
  id: string;
  /** The commit the revision resolved to. */
  sha: string;
  private: boolean;
  gated: false | "auto" | "manual";
  disabled?: boolean;
  author?: string;
  lastModified?: Date;
  createdAt?: Date;
  downloads?: number;
  likes?: number;
  tags: string[];
  cardData?: Record<string, unknown>;
  siblings: RepoSibling[];
  /** Models: the task and library the card names. */
  pipeline_tag?: string;
  library_name?: string;
  /** Spaces: the SDK. */
  sdk?: string;
  usedStorage?: number;
  securityRepoStatus?: Record<string, unknown>;
}

export interface RepoInfoOptions extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  revision?: string;
  /** Each sibling's size, blob id and LFS facts (Python's `files_metadata`). */
  filesMetadata?: boolean;
  /** Only these fields (the Hub's `expand[]`); cannot be combined with `filesMetadata`. */
  expand?: readonly string[];
  /** The Hub's security scan status (Python's `securityStatus`). */
  securityStatus?: boolean;
}

type RawRepoInfo = Omit<RepoInfo, "lastModified" | "createdAt"> & {
  lastModified?: string;
  createdAt?: string;
};

function infoQuery(options: RepoInfoOptions): string {
  if (options.expand && (options.filesMetadata || options.securityStatus))
    throw new TypeError("repoInfo: `expand` cannot be combined with `filesMetadata` or `securityStatus`.");
  const query = new URLSearchParams();
  if (options.filesMetadata) query.set("blobs", "true");
  if (options.securityStatus) query.set("securityStatus", "true");
  for (const field of options.expand ?? []) query.append("expand[]", field);
  const text = query.toString();
  return text ? `?${text}` : "";
}

export async function repoInfo(options: RepoInfoOptions): Promise<RepoInfo> {
  const revision = options.revision ? `/revision/${encodeURIComponent(options.revision)}` : "";
  const raw = await hubGetJson<RawRepoInfo>(
    `/api/${options.repoType ?? "model"}s/${options.repoId}${revision}${infoQuery(options)}`,
    options,
  );
  return {
    ...raw,
    tags: raw.tags ?? [],
    siblings: raw.siblings ?? [],
    lastModified: raw.lastModified ? new Date(raw.lastModified) : undefined,
    createdAt: raw.createdAt ? new Date(raw.createdAt) : undefined,
  };
}

export type NamedInfoOptions = Omit<RepoInfoOptions, "repoType">;

export function modelInfo(options: NamedInfoOptions): Promise<RepoInfo> {
  return repoInfo({ ...options, repoType: "model" });
}

export function datasetInfo(options: NamedInfoOptions): Promise<RepoInfo> {
  return repoInfo({ ...options, repoType: "dataset" });
}

export function spaceInfo(options: NamedInfoOptions): Promise<RepoInfo> {
  return repoInfo({ ...options, repoType: "space" });
}
