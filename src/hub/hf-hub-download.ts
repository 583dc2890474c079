/**
 * `hfHubDownload`: one file of a Hub repo into the cache Python shares, laid out byte for byte as
 * `huggingface_hub` lays it out (CacheLayout), and its path in a snapshot folder returned. The steps, as
 * Python takes them: a revision that is a commit already in the cache needs no request; otherwise a
 * HEAD gives the commit, etag and size; `refs/{revision}` records the commit; a blob already there is
 * linked, else downloaded once under a per-blob lock (resuming a partial blob) and verified (size, and
 * the sha256 when the etag is one). A missing file leaves a `.no_exist` marker. Offline, or when the Hub
 * cannot be reached, the answer comes from the cache or is a typed error naming the file and the cache.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, mkdir, rename, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { downloadFile } from "../core/download/engine.js";
import { readEnv } from "../core/env.js";
import {
  EntryNotFoundError,
  LocalEntryNotFoundError,
  NetworkError,
  OfflineModeError,
  ServerError,
} from "../core/errors.js";
import type { HttpClient } from "../core/http/client.js";
import type { OnProgress } from "../core/progress.js";
import { CacheLayout } from "./cache-layout.js";
import { getHfFileMetadata } from "./file-metadata.js";
import { endpointOf, tokenOf } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";
import { DEFAULT_REVISION, hfHubUrl } from "./urls.js";

export interface HfHubDownloadOptions {
  repoId: string;
  filename: string;
  repoType?: RepoType;
  revision?: string;
  subfolder?: string;
  /** The cache; default `HF_HUB_CACHE`. */
  cacheDir?: string;
  /** Download again even when the cache holds the file. */
  forceDownload?: boolean;
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

const COMMIT_ID = /^[0-9a-f]{40}$/;
const CACHEDIR_TAG =
  "Signature: 8a477f597d28d172789f06886806bc55\n# This file is a cache directory tag created by huggingface_hub.\n" +
  "# For information about cache directory tags, see:\n#\thttps://bford.info/cachedir/\n";

/** A temporary name beside `path` that no other writer, in this process or another, also picks. */
function temporaryBeside(path: string): string {
  return `${path}.${randomBytes(6).toString("hex")}.tmp`;
}

export async function writeAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = temporaryBeside(path);
  await writeFile(temporary, text);
  await rename(temporary, path);
}

/** The snapshot entry: a relative symlink into blobs/, or a copy where symlinks are refused. */
async function linkSnapshot(blob: string, pointer: string): Promise<void> {
  await mkdir(dirname(pointer), { recursive: true });
  const temporary = temporaryBeside(pointer);
  try {
    await symlink(relative(dirname(pointer), blob), temporary);
  } catch {
    await copyFile(blob, temporary);
  }
  await rename(temporary, pointer);
}

export async function hfHubDownload(options: HfHubDownloadOptions): Promise<string> {
  const env = readEnv();
  const repoType = options.repoType ?? "model";
  const revision = options.revision ?? DEFAULT_REVISION;
  const path = options.subfolder ? `${options.subfolder}/${options.filename}` : options.filename;
  const layout = new CacheLayout(options.cacheDir ?? env.hubCache, options.repoId, repoType);
  const endpoint = endpointOf(options);

  const fromCache = async (why: string, cause?: unknown): Promise<string> => {
    const commit = await layout.cachedCommit(revision);
    const pointer = commit ? layout.snapshot(commit, path) : undefined;
    if (pointer && existsSync(pointer) && !options.forceDownload) return pointer;
    const message =
      `${path} of ${options.repoId} at ${revision} is not in the cache ${layout.cacheDir}, and ${why}. ` +
      "Connect to the Hub (or unset HF_HUB_OFFLINE) and run again.";
    throw (options.offline ?? env.hubOffline)
      ? new OfflineModeError(message, { cause })
      : new LocalEntryNotFoundError(message, { cause });
  };

  // A commit the cache holds already needs no request: commits do not change.
  if (COMMIT_ID.test(revision) && !options.forceDownload && existsSync(layout.snapshot(revision, path))) {
    return layout.snapshot(revision, path);
  }
  if (options.offline ?? env.hubOffline)
    return fromCache("offline mode (HF_HUB_OFFLINE) forbids the network");

  const token = tokenOf(options);
  const url = hfHubUrl({ repoId: options.repoId, filename: path, repoType, revision, endpoint });
  let metadata: Awaited<ReturnType<typeof getHfFileMetadata>>;
  try {
    metadata = await getHfFileMetadata({
      url,
      token,
      headers: options.headers,
      client: options.client,
      timeoutMs: (options.etagTimeout ?? env.etagTimeoutSeconds) * 1000,
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof EntryNotFoundError && error.repoCommit) {
      // Remembered, so a later offline call knows the file is absent at this commit.
      await writeAtomically(layout.noExist(error.repoCommit, path), "");
      if (revision !== error.repoCommit) await writeAtomically(layout.ref(revision), error.repoCommit);
    }
    // The Hub cannot be reached: what the cache holds still answers, as in Python.
    if (error instanceof NetworkError || error instanceof ServerError)
      return fromCache("the Hub could not be reached", error);
    throw error;
  }

  const { commitHash, etag, location, size } = metadata;
  if (revision !== commitHash) await writeAtomically(layout.ref(revision), commitHash);
  const pointer = layout.snapshot(commitHash, path);
  if (!options.forceDownload && existsSync(pointer)) return pointer;

  const blob = layout.blob(etag);
  if (options.forceDownload || !existsSync(blob)) {
    if (!existsSync(join(layout.cacheDir, "CACHEDIR.TAG")))
      await writeAtomically(join(layout.cacheDir, "CACHEDIR.TAG"), CACHEDIR_TAG);
    // The token goes only where the endpoint is: a CDN location gets none.
    const sameOrigin = new URL(location).origin === new URL(endpoint).origin;
    await downloadFile({
      url: location,
      dest: blob,
      incompletePath: layout.incompleteBlob(etag),
      lockPath: layout.lock(etag),
      expectedSize: size,
      expectedSha256: /^[0-9a-f]{64}$/.test(etag) ? etag : undefined,
      force: options.forceDownload,
      headers: { ...options.headers, ...(sameOrigin && token && { authorization: `Bearer ${token}` }) },
      client: options.client,
      signal: options.signal,
      onProgress: options.onProgress,
      label: path,
    });
  }
  await linkSnapshot(blob, pointer);
  return pointer;
}
