/**
 * Every Hub URL wharf's client builds, in one place (as `huggingface_hub` keeps them in `constants.py`):
 * the revision percent-encoded whole (`refs%2Fpr%2F1`), file paths with their slashes kept.
 */
import { type RepoType, repoUrlPrefix } from "./repo-id.js";

export const DEFAULT_REVISION = "main";

/** A path's segments percent-encoded, its slashes kept, as Python's `quote(path)` does. */
export function quotePath(path: string): string {
  return path.split("/").map(encodeURIComponent).join("/");
}

export interface HfHubUrlOptions {
  repoId: string;
  filename: string;
  repoType?: RepoType;
  revision?: string;
  subfolder?: string;
  endpoint: string;
}

/** `{endpoint}/{prefix}{repoId}/resolve/{revision}/{path}`, as `hf_hub_url` builds it. */
export function hfHubUrl(options: HfHubUrlOptions): string {
  const path = options.subfolder ? `${options.subfolder}/${options.filename}` : options.filename;
  const revision = encodeURIComponent(options.revision ?? DEFAULT_REVISION);
  return `${options.endpoint.replace(/\/+$/, "")}/${repoUrlPrefix(options.repoType ?? "model")}${options.repoId}/resolve/${revision}/${quotePath(path)}`;
}
