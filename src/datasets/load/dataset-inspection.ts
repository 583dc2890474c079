/**
 * Questions about a dataset answered without loading its rows, as Python's `get_dataset_config_names`,
 * `get_dataset_split_names` and `get_dataset_infos`: from the card and the file listing only.
 */
import { existsSync, statSync } from "node:fs";
import { readEnv } from "../../core/env.js";
import type { Features } from "../features/feature-types.js";
import { featuresFromYaml } from "../features/features-yaml.js";
import { type DataSource, hubSource, localSource } from "./data-source.js";
import { parseDatasetCard } from "./dataset-card.js";
import { type LoadDatasetOptions, planLoad } from "./load-dataset.js";

export interface DatasetInfoSummary {
  configName: string;
  features: Features | undefined;
  splits: Record<string, { numExamples?: number; numBytes?: number }>;
  downloadSize?: number;
  datasetSize?: number;
}

async function sourceOf(path: string, options: LoadDatasetOptions): Promise<DataSource> {
  return existsSync(path) && statSync(path).isDirectory() ? localSource(path) : hubSource(path, options);
}

/** The configs the card names, or `default` when it names none. */
export async function getDatasetConfigNames(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<string[]> {
  const source = await sourceOf(path, options);
  const card = source.cardText ? parseDatasetCard(source.cardText, `${path}/README.md`) : undefined;
  const names = card?.configs.map((config) => config.configName) ?? [];
  return names.length > 0 ? names : ["default"];
}

/** The splits a config has, from its data files (nothing is downloaded but the card). */
export async function getDatasetSplitNames(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<string[]> {
  const plan = await planLoad(path, options, options.cacheDir ?? readEnv().datasetsCache);
  return Object.keys("offline" in plan ? plan.offline : plan.wanted);
}

/** What the card's `dataset_info` says of each config. */
export async function getDatasetInfos(
  path: string,
  options: LoadDatasetOptions = {},
): Promise<Record<string, DatasetInfoSummary>> {
  const source = await sourceOf(path, options);
  const card = source.cardText ? parseDatasetCard(source.cardText, `${path}/README.md`) : undefined;
  const raw = card?.metadata.dataset_info;
  const entries = (Array.isArray(raw) ? raw : raw ? [raw] : []) as Record<string, unknown>[];
  return Object.fromEntries(
    entries.map((entry) => {
      const configName = typeof entry.config_name === "string" ? entry.config_name : "default";
      const splits = (Array.isArray(entry.splits) ? entry.splits : []) as Record<string, unknown>[];
      return [
        configName,
        {
          configName,
          features:
            entry.features === undefined
              ? undefined
              : featuresFromYaml(entry.features, `${path} dataset_info`),
          splits: Object.fromEntries(
            splits.map((split) => [
              String(split.name),
              { numExamples: split.num_examples as number, numBytes: split.num_bytes as number },
            ]),
          ),
          downloadSize: entry.download_size as number | undefined,
          datasetSize: entry.dataset_size as number | undefined,
        },
      ];
    }),
  );
}
