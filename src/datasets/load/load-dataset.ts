/**
 * `loadDataset(path, options)`: Python's `load_dataset` for a Hub dataset repo, a local folder, or a
 * packaged builder name (`parquet`, `csv`, `json`, `text`, `arrow`, `webdataset`, and the media folders)
 * with `dataFiles`. The card's YAML
 * configs, the user's `dataFiles`/`dataDir`, or Python's default search decide the files of each split
 * (`data-files.ts`); their extensions decide the builder. The rows are prepared once into the datasets
 * cache (`prepared-cache.ts`) and read from there lazily; a second call with the same commit (or the same
 * local files) reads the prepared files and downloads and parses nothing. When the Hub cannot be reached,
 * the newest prepared copy is used, as Python does.
 *
 * With `streaming: true` the plan becomes shards streamed in place (`stream-dataset.ts`).
 */

import { createHash } from "node:crypto";
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import { readEnv } from "../../core/env.js";
import { InvalidArgumentError, NetworkError, OfflineModeError } from "../../core/errors.js";
import type { Int64Mode } from "../arrow/read-values.js";
import type { Dataset } from "../dataset.js";
import { DatasetDict } from "../dataset-dict.js";
import { loadFromDisk } from "../disk/load-from-disk.js";
import { NonMatchingSplitsSizesError, SplitNotFoundError } from "../errors.js";
import type { Features } from "../features/feature-types.js";
import { featuresToJson } from "../features/features-json.js";
import { featuresFromYaml } from "../features/features-yaml.js";
import { fingerprintOfFiles } from "../fingerprint.js";
import type { IterableDataset } from "../iterable/iterable-dataset.js";
import type { IterableDatasetDict } from "../iterable/iterable-dataset-dict.js";
import { resolveDataFiles as resolveReaderFiles } from "../readers/resolve-files.js";
import { castDataset } from "../transforms/cast.js";
import { concatenateDatasets } from "../transforms/concatenate.js";
import {
  builderOf,
  configSplitFiles,
  type DataFilesSpec,
  EXTENSION_BUILDERS,
  inferBuilder,
  isMetadataFor,
  METADATA_FILES,
  normaliseDataFiles,
  type SplitFiles,
} from "./data-files.js";
import {
  builderSource,
  type DataSource,
  type HubSourceOptions,
  hubSource,
  localSource,
} from "./data-source.js";
import { chooseConfig, type DatasetCard, parseDatasetCard } from "./dataset-card.js";
import { downloadUrl, isUrl, readablePaths, zipContents } from "./extract-files.js";
import {
  newestPrepared,
  type PreparedLocation,
  preparedFolder,
  readPrepared,
  writePrepared,
} from "./prepared-cache.js";
import { READABLE_BUILDERS, readBuilderFiles } from "./read-builder-files.js";
import { findLocalCopy, localDatasetsStore } from "./shared-copies.js";
import { parseSplitString, sliceRows } from "./split-string.js";
import { streamPlan } from "./stream-dataset.js";

export type DownloadMode = "reuse_dataset_if_exists" | "reuse_cache_if_exists" | "force_redownload";

export interface LoadDatasetOptions extends HubSourceOptions {
  /** The config (README YAML `config_name`). */
  name?: string;
  dataDir?: string;
  dataFiles?: DataFilesSpec;
  /** A split string (`train`, `train[:10%]`, `train+test`); all splits as a DatasetDict when left out. */
  split?: string;
  /** The datasets cache (default `HF_DATASETS_CACHE`). */
  cacheDir?: string;
  features?: Features;
  downloadMode?: DownloadMode;
  /** Builder options such as `sep` for CSV. */
  builderOptions?: Record<string, unknown>;
  /** Use only the datasets cache for Hub repos (default `HF_HUB_OFFLINE`). */
  offline?: boolean;
  /** Stream rows from where the files live instead of preparing them (an `IterableDataset`). */
  streaming?: boolean;
  /** `basic_checks` (default) compares the rows read with the card's `dataset_info`; `no_checks` does not. */
  verificationMode?: "basic_checks" | "all_checks" | "no_checks";
  /** Streaming only: 64-bit integers as numbers (default; beyond 2^53 an error) or bigints. */
  int64?: Int64Mode;
}

const PACKAGED = new Set([
  "parquet",
  "csv",
  "json",
  "text",
  "arrow",
  "webdataset",
  "imagefolder",
  "audiofolder",
  "videofolder",
  "pdffolder",
]);

export interface LoadPlan {
  source: DataSource;
  card: DatasetCard;
  configName: string;
  builder: string;
  builderOptions: Record<string, unknown>;
  declared: Features | undefined;
  /** The files of each split, those the builder reads. */
  wanted: SplitFiles;
  location: PreparedLocation;
}

export function loadDataset(
  path: string,
  options: LoadDatasetOptions & { streaming: true },
): Promise<IterableDataset | IterableDatasetDict>;
export function loadDataset(path: string, options?: LoadDatasetOptions): Promise<Dataset | DatasetDict>;
export async function loadDataset(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<Dataset | DatasetDict | IterableDataset | IterableDatasetDict> {
  const cacheDir = options.cacheDir ?? readEnv().datasetsCache;
  const bare = path.replace(/^hf:\/\/datasets\//, "");
  if (options.streaming) {
    const plan = await planLoad(bare, options, cacheDir);
    if ("offline" in plan)
      throw new OfflineModeError(`${path} cannot be streamed offline; load it without streaming.`);
    return streamPlan(plan, options.split, options.int64 ?? "number", cacheDir);
  }
  const splits = await prepareSplits(bare, options, cacheDir);
  return options.split === undefined ? new DatasetDict(splits) : selectSplit(splits, options.split);
}

/**
 * Everything `loadDataset` decides before reading rows: the source, its card and config, the files of
 * each split, the builder and its options, the declared features and the prepared folder. When the Hub
 * cannot be reached, the newest prepared copy instead.
 */
export async function planLoad(
  path: string,
  options: LoadDatasetOptions,
  cacheDir: string,
): Promise<LoadPlan | { offline: Record<string, Dataset> }> {
  const isBuilder = PACKAGED.has(path);
  const isFolder = !isBuilder && existsSync(path) && statSync(path).isDirectory();
  if (isBuilder && options.dataFiles === undefined) {
    throw new InvalidArgumentError(
      `The ${path} builder needs dataFiles: loadDataset("${path}", { dataFiles: "data/*.${path}" }).`,
    );
  }
  if (!isBuilder && !isFolder && !/^[\w.-]+\/[\w.-]+$/.test(path)) {
    throw new InvalidArgumentError(
      `${path} is neither a folder, a builder name (${[...PACKAGED].join(", ")}), nor a Hub repo id (namespace/name).`,
    );
  }

  let source: DataSource;
  let splitFiles: SplitFiles;
  let builderFromPath: string | undefined;
  if (isBuilder) {
    const resolved: SplitFiles = {};
    for (const [split, patterns] of Object.entries(normaliseDataFiles(options.dataFiles as DataFilesSpec))) {
      const local = patterns.filter((pattern) => !isUrl(pattern));
      const urls = patterns.filter(isUrl);
      resolved[split] = [
        ...(local.length > 0 ? (await resolveReaderFiles(local)).map((file) => resolve(file)) : []),
        ...(await Promise.all(urls.map((url) => downloadUrl(url, cacheDir, options.onProgress)))),
      ];
    }
    source = builderSource(path, Object.values(resolved).flat());
    splitFiles = resolved;
    builderFromPath = path;
  } else {
    try {
      if (!isFolder && (options.offline ?? readEnv().hubOffline)) {
        throw new OfflineModeError(
          `Offline mode is on (HF_HUB_OFFLINE), so the Hub is not asked about ${path}.`,
        );
      }
      source = isFolder ? await localSource(path) : await hubSource(path, options);
    } catch (error) {
      if (isFolder || !(error instanceof NetworkError || error instanceof OfflineModeError)) throw error;
      return { offline: loadNewestPrepared(path, options, cacheDir, error) };
    }
    splitFiles = {};
  }

  const card: DatasetCard = source.cardText
    ? parseDatasetCard(source.cardText, `${path}/README.md`)
    : { configs: [], metadata: {} };
  const config = isBuilder || options.dataFiles !== undefined ? undefined : chooseConfig(card, options.name);
  const configName = options.name ?? config?.configName ?? "default";
  if (!isBuilder) {
    splitFiles = configSplitFiles(source.listing, config, options);
    if (Object.keys(splitFiles).length === 0) {
      throw new InvalidArgumentError(
        `${path} holds no data file wharf can read (looked for ${Object.keys(EXTENSION_BUILDERS).slice(0, 8).join(", ")}, ...).`,
      );
    }
  }

  const inferred = builderFromPath
    ? { builder: builderFromPath, options: {} }
    : (inferBuilder(Object.values(splitFiles).flat()) ??
      (await inferFromArchives(source, splitFiles, cacheDir)));
  if (!inferred || !READABLE_BUILDERS.has(inferred.builder)) {
    throw new InvalidArgumentError(
      `${path} needs the ${inferred?.builder ?? "unknown"} builder, which wharf does not have yet (it reads ${[...READABLE_BUILDERS].join(", ")}).`,
    );
  }
  const { features: configFeatures, ...configOptions } = config?.options ?? {};
  const builderOptions = { ...inferred.options, ...configOptions, ...options.builderOptions };
  const declared =
    options.features ?? declaredFeatures(configFeatures, card.metadata.dataset_info, configName, path);
  const wanted = Object.fromEntries(
    Object.entries(splitFiles).map(([split, files]) => [
      split,
      files.filter(
        (file) =>
          builderFromPath !== undefined ||
          builderOf(file) === inferred.builder ||
          isZip(file) ||
          (inferred.builder.endsWith("folder") && METADATA_FILES.has(file.split("/").pop() as string)),
      ),
    ]),
  );
  const configId = configIdOf(configName, options, builderOptions);
  const hash = isFolder || isBuilder ? filesHash(source, wanted) : source.fingerprint;
  const location = {
    folder: preparedFolder(cacheDir, source.cacheName, configId, hash),
    datasetName: source.datasetName,
  };
  return { source, card, configName, builder: inferred.builder, builderOptions, declared, wanted, location };
}

async function prepareSplits(
  path: string,
  options: LoadDatasetOptions,
  cacheDir: string,
): Promise<Record<string, Dataset>> {
  const plan = await planLoad(path, options, cacheDir);
  if ("offline" in plan) return plan.offline;
  const { source, configName, builder, builderOptions, declared, wanted, location } = plan;
  if (options.downloadMode !== "force_redownload") {
    const prepared = readPrepared(location);
    if (prepared) return prepared;
  }
  const local = await source.fetch(Object.values(wanted).flat());
  const splits: Record<string, Dataset> = {};
  for (const [split, files] of Object.entries(wanted)) {
    const given = files.map((file) => local.get(file) as string);
    // Files that came out of archives are read only when they are the builder's own kind.
    const readable = (await readablePaths(given, cacheDir)).filter(
      (file) => given.includes(file) || builderOf(file) === builder || isMetadataFor(builder, file),
    );
    let dataset = await readBuilderFiles(builder, readable, builderOptions);
    if (
      declared &&
      JSON.stringify(featuresToJson(declared)) !== JSON.stringify(featuresToJson(dataset.features))
    ) {
      dataset = castDataset(dataset, declared);
    }
    splits[split] = dataset;
  }
  if (options.verificationMode !== "no_checks") verifySplits(plan.card, configName, splits, path);
  const features = Object.values(splits)[0]?.features ?? {};
  await writePrepared(location, splits, { builderName: builder, configName, features });
  return readPrepared(location) as Record<string, Dataset>;
}

/** Features the card declares for a config: its own `features`, else its `dataset_info` entry's. */
/** The card's `dataset_info` entry for a config (a mapping, or a list keyed by `config_name`). */
function infoEntry(
  datasetInfo: unknown,
  configName: string,
): { features?: unknown; splits?: unknown } | undefined {
  const entries = Array.isArray(datasetInfo) ? datasetInfo : datasetInfo ? [datasetInfo] : [];
  return entries.find((item: { config_name?: string }) => (item?.config_name ?? "default") === configName);
}

/**
 * Python's basic split check: every split the card's `dataset_info` declares must have been read, with
 * the number of rows declared. `verificationMode: "no_checks"` skips it.
 */
function verifySplits(
  card: DatasetCard,
  configName: string,
  splits: Record<string, Dataset>,
  path: string,
): void {
  const declared = infoEntry(card.metadata.dataset_info, configName)?.splits;
  if (!Array.isArray(declared)) return;
  const problems: string[] = [];
  for (const entry of declared as { name?: string; num_examples?: number }[]) {
    const split = String(entry.name);
    const read = splits[split];
    if (!read) problems.push(`split "${split}" is declared but no data file holds it`);
    else if (typeof entry.num_examples === "number" && entry.num_examples !== read.numRows) {
      problems.push(`split "${split}" is declared with ${entry.num_examples} rows but has ${read.numRows}`);
    }
  }
  if (problems.length > 0) {
    throw new NonMatchingSplitsSizesError(
      `${path}: ${problems.join("; ")}. Fix the card's dataset_info, or pass verificationMode: "no_checks".`,
    );
  }
}

function declaredFeatures(
  configFeatures: unknown,
  datasetInfo: unknown,
  configName: string,
  path: string,
): Features | undefined {
  if (configFeatures !== undefined)
    return featuresFromYaml(configFeatures, `${path} config ${configName} features`);
  const entry = infoEntry(datasetInfo, configName);
  return entry?.features !== undefined
    ? featuresFromYaml(entry.features, `${path} dataset_info features`)
    : undefined;
}

function isZip(file: string): boolean {
  return file.toLowerCase().endsWith(".zip");
}

/**
 * The builder of data files that are zip archives, from the files inside them (Python looks inside the
 * archives too when `.zip` is the top extension): the archives are fetched and unpacked once, into the
 * cache where reading them will find them.
 */
async function inferFromArchives(
  source: DataSource,
  splitFiles: SplitFiles,
  cacheDir: string,
): Promise<{ builder: string; options: Record<string, unknown> } | undefined> {
  const archives = Object.values(splitFiles).flat().filter(isZip);
  if (archives.length === 0) return undefined;
  const local = await source.fetch(archives);
  const inner: string[] = [];
  for (const archive of archives) inner.push(...(await zipContents(local.get(archive) as string, cacheDir)));
  return inferBuilder(inner);
}

/** Patterns taken relative to `dataDir`. */
/** The config's folder name: its name, plus a hash of the options that change what is prepared. */
function configIdOf(
  configName: string,
  options: LoadDatasetOptions,
  builderOptions: Record<string, unknown>,
): string {
  const custom = {
    dataFiles: options.dataFiles ?? null,
    dataDir: options.dataDir ?? null,
    builderOptions,
    features: options.features ? Object.keys(options.features) : null,
  };
  if (
    options.dataFiles === undefined &&
    options.dataDir === undefined &&
    options.builderOptions === undefined &&
    !options.features
  )
    return configName;
  return `${configName}-${createHash("sha256").update(JSON.stringify(custom)).digest("hex").slice(0, 16)}`;
}

/** Local files: a hash of the chosen files' identities (paths, sizes, times) and their splits. */
function filesHash(source: DataSource, wanted: SplitFiles): string {
  const hash = createHash("sha256").update(source.fingerprint);
  for (const [split, files] of Object.entries(wanted)) {
    const paths = files.map((file) => (source.byteSource(file) as { path: string }).path);
    hash.update(`${split}:${fingerprintOfFiles(paths)}\n`);
  }
  return hash.digest("hex").slice(0, 16);
}

function loadNewestPrepared(
  path: string,
  options: LoadDatasetOptions,
  cacheDir: string,
  cause: Error,
): Record<string, Dataset> {
  const [namespace, name] = path.split("/") as [string, string];
  const folder = newestPrepared(cacheDir, `${namespace}___${name}`, options.name ?? "default");
  const prepared = folder ? readPrepared({ folder, datasetName: name }) : undefined;
  if (prepared) return prepared;
  // A copy hg_localization or `wharf mirror get` keeps, as that tool's own loader would find it.
  const shared = findLocalCopy({ datasetId: path, config: options.name, revision: options.revision });
  if (shared) {
    const loaded = loadFromDisk(shared.folder);
    return loaded instanceof DatasetDict ? { ...loaded.splits } : { [loaded.split ?? "train"]: loaded };
  }
  throw new OfflineModeError(
    `${path} could not be reached (${cause.message}), the datasets cache ${cacheDir} holds no prepared copy of it, ` +
      `and no shared copy is in ${localDatasetsStore()}. Load it once while the Hub can be reached, or get a shared copy (wharf mirror get).`,
    { cause },
  );
}

/** A split string applied to prepared splits: parts sliced and joined. */
function selectSplit(splits: Record<string, Dataset>, text: string): Dataset {
  const parts = parseSplitString(text).map((slice) => {
    const dataset = splits[slice.split];
    if (!dataset) throw new SplitNotFoundError(slice.split, Object.keys(splits));
    if (!slice.from && !slice.to) return dataset;
    const { start, end } = sliceRows(slice, dataset.numRows);
    return dataset.select(Array.from({ length: end - start }, (_, i) => start + i));
  });
  const joined = parts.length === 1 ? (parts[0] as Dataset) : concatenateDatasets(parts);
  return joined.derive({ split: text });
}
