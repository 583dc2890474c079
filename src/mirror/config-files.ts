/**
 * The files of one dataset config, as `loadDataset` would read them: the card's `configs` entry (its
 * `data_files` or `data_dir`) or the default patterns, plus the card itself and the metadata files
 * folder builders read beside the data. `wharf mirror pull --config` and `wharf mirror share` take
 * these and nothing else.
 */
// The card and data-file modules, not the layer's index: this file is loaded with every mirror, and the
// index brings apache-arrow and the readers.
import { configSplitFiles, METADATA_FILES } from "../datasets/load/data-files.js";
import { chooseConfig, parseDatasetCard } from "../datasets/load/dataset-card.js";

/** Files every config shares: the card, git's attributes, and the old dataset infos. */
const SHARED_FILES = new Set(["README.md", ".gitattributes", "dataset_infos.json"]);

export function configPaths(
  paths: readonly string[],
  cardText: string | undefined,
  /** Undefined: the card's default config, as `loadDataset` picks it. */
  configName: string | undefined,
  repoId: string,
): string[] {
  const card = cardText ? parseDatasetCard(cardText, `${repoId}/README.md`) : { configs: [], metadata: {} };
  const config = chooseConfig(card, configName);
  const data = new Set(Object.values(configSplitFiles(paths, config)).flat());
  const folders = new Set([...data].map((path) => path.slice(0, path.lastIndexOf("/") + 1)));
  return paths.filter((path) => {
    if (data.has(path) || SHARED_FILES.has(path)) return true;
    const slash = path.lastIndexOf("/");
    return METADATA_FILES.has(path.slice(slash + 1)) && folders.has(path.slice(0, slash + 1));
  });
}
