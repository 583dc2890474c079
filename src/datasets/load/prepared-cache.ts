/**
 * The datasets cache as Python lays it out: `{cacheDir}/{cacheName}/{configId}/{version}/{hash}/` holding
 * `{datasetName}-{split}.arrow` (Arrow stream files) and `dataset_info.json`. A prepared folder is written
 * in a staging folder beside it and renamed into place, so a folder under its final name is complete;
 * the second load reads it lazily and downloads and parses nothing.
 */
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ArrowTable } from "../arrow/arrow-table.js";
import { Dataset, EMPTY_INFO } from "../dataset.js";
import { writeFolderStaged } from "../disk/staged-folder.js";
import { STORED_BATCH_ROWS, writeBatches } from "../disk/write-batches.js";
import type { Features } from "../features/feature-types.js";
import { featuresOfSchema } from "../features/features-arrow.js";
import { featuresFromJson, featuresToJson } from "../features/features-json.js";
import { fingerprintOfFiles } from "../fingerprint.js";
import { DEFAULT_FORMAT } from "../format.js";
import { pythonJsonDumps } from "../python-json.js";

export const PACKAGED_VERSION = "0.0.0";
const INFO_FILE = "dataset_info.json";

export interface PreparedLocation {
  folder: string;
  datasetName: string;
}

interface PreparedInfo {
  builder_name: string;
  config_name: string;
  dataset_name: string;
  version: { version_str: string; major: number; minor: number; patch: number };
  splits: Record<string, { name: string; num_bytes: number; num_examples: number; dataset_name: string }>;
  features: unknown;
  [key: string]: unknown;
}

export function preparedFolder(cacheDir: string, cacheName: string, configId: string, hash: string): string {
  return join(cacheDir, cacheName, configId, PACKAGED_VERSION, hash);
}

/** The prepared splits in a folder, or undefined when it is not a complete prepared folder. */
export function readPrepared(location: PreparedLocation): Record<string, Dataset> | undefined {
  const infoPath = join(location.folder, INFO_FILE);
  if (!existsSync(infoPath)) return undefined;
  const info = JSON.parse(readFileSync(infoPath, "utf8")) as PreparedInfo;
  const out: Record<string, Dataset> = {};
  for (const split of Object.keys(info.splits ?? {})) {
    const file = join(location.folder, `${location.datasetName}-${split}.arrow`);
    if (!existsSync(file)) return undefined;
    const table = ArrowTable.fromIpcFiles([file]);
    out[split] = new Dataset({
      table,
      features: info.features ? featuresFromJson(info.features) : featuresOfSchema(table.schema),
      indices: undefined,
      fingerprint: fingerprintOfFiles([file]),
      info: {
        ...EMPTY_INFO,
        builder_name: info.builder_name,
        config_name: info.config_name,
        dataset_name: info.dataset_name,
      },
      split,
      format: DEFAULT_FORMAT,
    });
  }
  return out;
}

/** The newest complete prepared folder of a config, for loading when the source cannot be reached. */
export function newestPrepared(cacheDir: string, cacheName: string, configId: string): string | undefined {
  const versions = join(cacheDir, cacheName, configId, PACKAGED_VERSION);
  if (!existsSync(versions)) return undefined;
  const complete = readdirSync(versions)
    .filter((hash) => !hash.includes(".incomplete") && existsSync(join(versions, hash, INFO_FILE)))
    .map((hash) => ({
      folder: join(versions, hash),
      time: statSync(join(versions, hash, INFO_FILE)).mtimeMs,
    }))
    .sort((a, b) => b.time - a.time);
  return complete[0]?.folder;
}

/** Writes each split's rows and the info file, then moves the folder into place. */
export async function writePrepared(
  location: PreparedLocation,
  splits: Record<string, Dataset>,
  meta: { builderName: string; configName: string; features: Features },
): Promise<void> {
  await writeFolderStaged(location.folder, async (staging) => {
    const info: PreparedInfo = {
      builder_name: meta.builderName,
      config_name: meta.configName,
      dataset_name: location.datasetName,
      version: { version_str: PACKAGED_VERSION, major: 0, minor: 0, patch: 0 },
      splits: {},
      features: featuresToJson(meta.features),
    };
    let total = 0;
    for (const [split, dataset] of Object.entries(splits)) {
      const file = join(staging, `${location.datasetName}-${split}.arrow`);
      const { bytes } = await writeBatches(
        file,
        dataset.table.schema,
        dataset.storedBatches(STORED_BATCH_ROWS),
      );
      info.splits[split] = {
        name: split,
        num_bytes: bytes,
        num_examples: dataset.numRows,
        dataset_name: location.datasetName,
      };
      total += bytes;
    }
    info.dataset_size = total;
    writeFileSync(
      join(staging, INFO_FILE),
      pythonJsonDumps({ citation: "", description: "", homepage: "", license: "", ...info }, { indent: 2 }),
    );
  });
}
