/**
 * `hg_localization`'s names, so a bucket (and a local folder) holds datasets both tools read: the
 * private layout `{safe_id}/{config}/{revision}/` of `save_to_disk` output, the public manifest
 * `public_datasets.json` keyed `{id}---{config}---{revision}`, and the public zips
 * `public_datasets_zip/{safe_id}---{config}---{revision}.zip`. A missing config or revision is spelled
 * `default_config` / `default_revision` in paths and keys, and null in the manifest's fields.
 * wharf adds `sha256`, `size`, `commit` and `shared_at` to each manifest entry; hg_localization ignores
 * fields it does not know.
 */
import { type SharedVersion, versionPath } from "../../datasets/load/shared-copies.js";

export {
  COMPLETION_FILES,
  DEFAULT_CONFIG,
  DEFAULT_REVISION,
  isCompleteCopy,
  localDatasetsStore,
  localVersionFolder,
  type SharedVersion,
  safeId,
} from "../../datasets/load/shared-copies.js";

export const PUBLIC_MANIFEST = "public_datasets.json";
export const PUBLIC_ZIP_FOLDER = "public_datasets_zip";
/** The dataset card, as hg_localization names it beside the data. */
export const CARD_FILE = "dataset_card.md";

export interface ManifestEntry {
  dataset_id: string;
  config_name: string | null;
  revision: string | null;
  s3_zip_key: string;
  s3_bucket: string;
  sha256?: string;
  size?: number;
  commit?: string;
  shared_at?: string;
}

export type Manifest = Record<string, ManifestEntry>;

/** The manifest key: the raw id (a `/` stays), then config and revision. */
export function manifestKey(version: SharedVersion): string {
  return [version.datasetId, ...versionPath(version).slice(1)].join("---");
}

/** The public zip's key, relative to the bucket prefix. */
export function zipKey(version: SharedVersion): string {
  return `${PUBLIC_ZIP_FOLDER}/${versionPath(version).join("---")}.zip`;
}

/** The private layout's folder, relative to the bucket prefix (ends with `/`). */
export function versionPrefix(version: SharedVersion): string {
  return `${versionPath(version).join("/")}/`;
}
