/**
 * The YAML header of a dataset card (README.md) as `datasets` reads it: `configs` (each with
 * `config_name`, `data_files` or `data_dir`, `default`, and builder options such as `sep`) and which of
 * them is the default. A header that does not parse is a `DatasetCardError`; a config asked for that
 * does not exist is a `ConfigNotFoundError` listing those that do.
 */
import { parse } from "yaml";
import { ConfigNotFoundError, DatasetCardError } from "../errors.js";
import type { DataFilesSpec } from "./data-files.js";

export interface CardConfig {
  configName: string;
  dataFiles: DataFilesSpec | undefined;
  dataDir: string | undefined;
  isDefault: boolean;
  /** Everything else the config holds (builder options such as `sep`, `features`). */
  options: Record<string, unknown>;
}

export interface DatasetCard {
  configs: CardConfig[];
  /** The header's other keys (`license`, `dataset_info`, ...). */
  metadata: Record<string, unknown>;
}

/** The YAML header of a card; a card without one has no configs. */
export function parseDatasetCard(text: string, where = "README.md"): DatasetCard {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\s*(?:\r?\n|$)/.exec(text);
  if (!match) return { configs: [], metadata: {} };
  let header: unknown;
  try {
    header = parse(match[1] as string) ?? {};
  } catch (error) {
    throw new DatasetCardError(
      `${where}: its YAML header does not parse (${(error as Error).message}). Fix the header.`,
      {
        cause: error,
      },
    );
  }
  if (typeof header !== "object" || Array.isArray(header) || header === null) {
    throw new DatasetCardError(`${where}: its YAML header must be a mapping of keys.`);
  }
  const { configs: rawConfigs, ...metadata } = header as Record<string, unknown>;
  const configs = (Array.isArray(rawConfigs) ? rawConfigs : rawConfigs === undefined ? [] : [rawConfigs]).map(
    (raw, i) => parseConfig(raw, i, where),
  );
  const names = configs.map((config) => config.configName);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  if (twice) throw new DatasetCardError(`${where}: config "${twice}" is defined twice.`);
  if (configs.filter((config) => config.isDefault).length > 1) {
    throw new DatasetCardError(`${where}: more than one config says default: true.`);
  }
  return { configs, metadata };
}

function parseConfig(raw: unknown, index: number, where: string): CardConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new DatasetCardError(`${where}: configs[${index}] must be a mapping.`);
  }
  const {
    config_name,
    data_files,
    data_dir,
    default: isDefault,
    ...options
  } = raw as Record<string, unknown>;
  return {
    configName: typeof config_name === "string" ? config_name : "default",
    dataFiles: data_files as DataFilesSpec | undefined,
    dataDir: typeof data_dir === "string" ? data_dir : undefined,
    isDefault: isDefault === true,
    options,
  };
}

/**
 * The config to load: the one named, else the only one, the one named `default`, or the one marked
 * default; undefined when the card defines none.
 */
export function chooseConfig(card: DatasetCard, name: string | undefined): CardConfig | undefined {
  const names = card.configs.map((config) => config.configName);
  if (name !== undefined) {
    const found = card.configs.find((config) => config.configName === name);
    if (!found && (card.configs.length > 0 || name !== "default"))
      throw new ConfigNotFoundError(name, names.length > 0 ? names : ["default"]);
    return found;
  }
  if (card.configs.length <= 1) return card.configs[0];
  const chosen =
    card.configs.find((config) => config.isDefault) ??
    card.configs.find((config) => config.configName === "default");
  if (!chosen) throw new ConfigNotFoundError(undefined, names);
  return chosen;
}
