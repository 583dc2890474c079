/**
 * `tryToLoadFromCache`: what the cache alone says of one file at a revision, with no request at all
 * (Python's `try_to_load_from_cache`): its path in a snapshot, `CACHED_NO_EXIST` when a `.no_exist`
 * marker records that the file is absent at that commit, or `undefined` when the cache does not know.
 */
import { existsSync } from "node:fs";
import { readEnv } from "../core/env.js";
import { CacheLayout } from "./cache-layout.js";
import type { RepoType } from "./repo-id.js";
import { DEFAULT_REVISION } from "./urls.js";

/** The answer for a file the cache knows is absent at the revision. */
export const CACHED_NO_EXIST: unique symbol = Symbol("wharf.cachedNoExist");

export interface TryToLoadFromCacheOptions {
  repoId: string;
  filename: string;
  repoType?: RepoType;
  /** A branch, tag or commit (default `main`). */
  revision?: string;
  /** Default `HF_HUB_CACHE`. */
  cacheDir?: string;
}

export async function tryToLoadFromCache(
  options: TryToLoadFromCacheOptions,
): Promise<string | typeof CACHED_NO_EXIST | undefined> {
  const layout = new CacheLayout(options.cacheDir ?? readEnv().hubCache, options.repoId, options.repoType);
  const commit = await layout.cachedCommit(options.revision ?? DEFAULT_REVISION);
  if (!commit) return undefined;
  const pointer = layout.snapshot(commit, options.filename);
  if (existsSync(pointer)) return pointer;
  if (existsSync(layout.noExist(commit, options.filename))) return CACHED_NO_EXIST;
  return undefined;
}
