/**
 * One file asked of a Hub, as both download modes (the shared cache, a local directory) see it: the
 * options a caller passes, the path and revision they name, the metadata request (the HEAD of the
 * protocol, with its timeout), the headers the bytes are fetched with, and the dry-run answer.
 */
import { readEnv } from "../core/env.js";
import { NetworkError, ServerError } from "../core/errors.js";
import type { HttpClient } from "../core/http/client.js";
import type { OnProgress } from "../core/progress.js";
import { getHfFileMetadata, type HfFileMetadata } from "./file-metadata.js";
import { endpointOf, tokenOf } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";
import { checkRepoPath } from "./repo-path.js";
import { DEFAULT_REVISION, hfHubUrl } from "./urls.js";

export interface HfHubDownloadOptions {
  repoId: string;
  filename: string;
  repoType?: RepoType;
  revision?: string;
  subfolder?: string;
  /** The cache; default `HF_HUB_CACHE`. */
  cacheDir?: string;
  /**
   * Put the file at `{localDir}/{path}` instead of in the cache, with Python's bookkeeping in
   * `{localDir}/.cache/huggingface/`; a copy comes from the cache when it holds the file.
   */
  localDir?: string;
  /** Download again even when the cache (or local directory) holds the file. */
  forceDownload?: boolean;
  /** Say what would be downloaded, and download and write nothing. */
  dryRun?: boolean;
  /** Default: `HF_TOKEN`, then the token file; false sends none. */
  token?: string | false;
  /** Default: `HF_ENDPOINT`. */
  endpoint?: string;
  headers?: Record<string, string>;
  /** No network at all (default `HF_HUB_OFFLINE`). */
  offline?: boolean;
  /** How long the metadata request may take, in seconds (default `HF_HUB_ETAG_TIMEOUT`, 10). */
  etagTimeout?: number;
  client?: HttpClient;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

/** What a dry run says of one file (Python's `DryRunFileInfo`). */
export interface DryRunFileInfo {
  commitHash: string;
  /** The file's size in the repo (or on disk, when only the disk was asked). */
  fileSize: number;
  /** The path in the repo. */
  filename: string;
  /** Where the file is, or would be put. */
  localPath: string;
  /** The cache (or local directory) holds this version of the file. */
  isCached: boolean;
  willDownload: boolean;
}

export interface FileRequest {
  options: HfHubDownloadOptions;
  /** The path in the repo, subfolder included. */
  path: string;
  repoType: RepoType;
  revision: string;
  endpoint: string;
  token: string | undefined;
  offline: boolean;
  /** The HEAD of the protocol: commit, etag, size and where the bytes are. */
  head(): Promise<HfFileMetadata>;
  /** Headers for fetching the bytes: the caller's, and the token only where the endpoint is. */
  downloadHeaders(location: string): Record<string, string>;
}

export const COMMIT_ID = /^[0-9a-f]{40}$/;
export const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The request for one file. With `known` (what a tree listing at a commit says of the file), the HEAD
 * is answered from it instead of the network: a snapshot lists the tree once and needs no HEAD per file.
 */
export function fileRequest(
  options: HfHubDownloadOptions,
  known?: { commitHash: string; etag: string; size: number },
): FileRequest {
  const env = readEnv();
  const repoType = options.repoType ?? "model";
  const revision = options.revision ?? DEFAULT_REVISION;
  const path = checkRepoPath(
    options.subfolder ? `${options.subfolder}/${options.filename}` : options.filename,
  );
  const endpoint = endpointOf(options);
  const token = tokenOf(options);
  return {
    options,
    path,
    repoType,
    revision,
    endpoint,
    token,
    offline: options.offline ?? env.hubOffline,
    // A commit's resolve URL: redirects (a renamed repo, a CDN) are followed when the bytes are fetched.
    head: async () =>
      known
        ? {
            ...known,
            location: hfHubUrl({
              repoId: options.repoId,
              filename: path,
              repoType,
              revision: known.commitHash,
              endpoint,
            }),
          }
        : getHfFileMetadata({
            url: hfHubUrl({ repoId: options.repoId, filename: path, repoType, revision, endpoint }),
            token,
            headers: options.headers,
            client: options.client,
            timeoutMs: (options.etagTimeout ?? env.etagTimeoutSeconds) * 1000,
            signal: options.signal,
          }),
    downloadHeaders: (location) => {
      // The token goes only where the endpoint is: a CDN location gets none.
      const sameOrigin = new URL(location).origin === new URL(endpoint).origin;
      return { ...options.headers, ...(sameOrigin && token && { authorization: `Bearer ${token}` }) };
    },
  };
}

/** An unreachable Hub's answers: the cache may still answer; anything else (401, 404) is the answer. */
export function isUnreachable(error: unknown): boolean {
  return error instanceof NetworkError || error instanceof ServerError;
}

export function dryRunInfo(
  request: FileRequest,
  found: { commitHash: string; fileSize: number; localPath: string; isCached: boolean },
): DryRunFileInfo {
  return {
    ...found,
    filename: request.path,
    willDownload: request.options.forceDownload === true || !found.isCached,
  };
}
