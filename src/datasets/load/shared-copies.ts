/**
 * Copies of datasets that hg_localization (or `wharf mirror get`) keeps on disk as `save_to_disk`
 * output: `{store}/[public/]{safe_id}/{config}/{revision}/`, the store being
 * `HGLOC_DATASETS_STORE_PATH` or `$WHARF_HOME/hg_localization`. `loadDataset` falls back to them when
 * the Hub cannot be reached and its own cache has no prepared copy, as hg_localization's loader does.
 * The mirror writes these folders; the path rules live here, the lowest layer that reads them.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readEnv } from "../../core/env.js";

export const DEFAULT_CONFIG = "default_config";
export const DEFAULT_REVISION = "default_revision";
/** The files whose presence makes a version count as there: hg_localization's test. */
export const COMPLETION_FILES = ["dataset_info.json", "dataset_dict.json"] as const;

export interface SharedVersion {
  datasetId: string;
  config?: string;
  revision?: string;
}

/** hg_localization's filesystem-safe id: `/ \ : * ? " < > |` and spaces become `_` (lossy). */
export function safeId(datasetId: string): string {
  return datasetId.replace(/[/\\:*?"<>| ]/g, "_");
}

/** `{safe_id}/{config}/{revision}`, a missing config or revision spelled as hg_localization spells it. */
export function versionPath(version: SharedVersion): string[] {
  return [safeId(version.datasetId), version.config ?? DEFAULT_CONFIG, version.revision ?? DEFAULT_REVISION];
}

export function localDatasetsStore(env: Record<string, string | undefined> = process.env): string {
  return env.HGLOC_DATASETS_STORE_PATH || join(readEnv(env).wharfHome, "hg_localization");
}

/** Where a version lives locally: under `public/` when it came from a public manifest. */
export function localVersionFolder(
  store: string,
  version: SharedVersion,
  from: "public" | "private",
): string {
  return join(store, ...(from === "public" ? ["public"] : []), ...versionPath(version));
}

export function isCompleteCopy(folder: string): boolean {
  return COMPLETION_FILES.some((file) => existsSync(join(folder, file)));
}

/** The local copy of a version, public first as hg_localization looks, or undefined. */
export function findLocalCopy(
  version: SharedVersion,
  env: Record<string, string | undefined> = process.env,
): { folder: string; from: "public" | "private" } | undefined {
  const store = localDatasetsStore(env);
  for (const from of ["public", "private"] as const) {
    const folder = localVersionFolder(store, version, from);
    if (isCompleteCopy(folder)) return { folder, from };
  }
  return undefined;
}
