/**
 * Sample repos built from the real files of the npm package `vega-datasets`, laid out as Hub repos
 * are: a parquet dataset with the `datasets` naming (`data/train-00000-of-00001.parquet`, 3 million
 * flights), a CSV and a JSON dataset, each with a README whose YAML names its configs, and a small model
 * repo. Used by `npm run demo`, the tests and the benchmarks, which import these folders into a store.
 */
import { copyFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RepoType } from "../src/hub/repo-id.js";

/** vega-datasets exports no package.json, so its data folder is found beside this project's. */
export const VEGA_DATA = fileURLToPath(new URL("../node_modules/vega-datasets/data/", import.meta.url));

export interface SampleRepo {
  id: string;
  type: RepoType;
  /** Repo path to the vega-datasets file it holds, or to literal text. */
  files: Record<string, { vega: string } | { text: string }>;
}

function datasetCard(title: string, splits: Record<string, string>): string {
  const dataFiles = Object.entries(splits)
    .map(([split, path]) => `  - split: ${split}\n    path: ${path}`)
    .join("\n");
  return `---\nlicense: bsd-3-clause\npretty_name: ${title}\ntags:\n- vega\nconfigs:\n- config_name: default\n  data_files:\n${dataFiles}\n---\n\n# ${title}\n\nFrom the vega-datasets npm package.\n`;
}

export const SAMPLE_REPOS: readonly SampleRepo[] = [
  {
    id: "vega/flights",
    type: "dataset",
    files: {
      "README.md": { text: datasetCard("Flights (3 million)", { train: "data/train-*" }) },
      "data/train-00000-of-00001.parquet": { vega: "flights-3m.parquet" },
    },
  },
  {
    id: "vega/seattle-weather",
    type: "dataset",
    files: {
      "README.md": { text: datasetCard("Seattle weather", { train: "data/train.csv" }) },
      "data/train.csv": { vega: "seattle-weather.csv" },
    },
  },
  {
    id: "vega/movies",
    type: "dataset",
    files: {
      "README.md": { text: datasetCard("Movies", { train: "movies.json" }) },
      "movies.json": { vega: "movies.json" },
    },
  },
  {
    id: "vega/cars-regressor",
    type: "model",
    files: {
      "README.md": {
        text: "---\nlicense: bsd-3-clause\nlibrary_name: wharf-demo\ntags:\n- vega\n---\n\n# A model card\n",
      },
      "config.json": {
        text: `${JSON.stringify({ model_type: "linear", inputs: ["Horsepower"], output: "Miles_per_Gallon" }, null, 2)}\n`,
      },
      "training/cars.json": { vega: "cars.json" },
    },
  },
];

/** Writes each sample repo's files under `root/{type}s/{id}`, returning the folders. */
export async function writeSampleRepos(root: string): Promise<Array<SampleRepo & { folder: string }>> {
  const written: Array<SampleRepo & { folder: string }> = [];
  for (const repo of SAMPLE_REPOS) {
    const folder = join(root, `${repo.type}s`, repo.id);
    for (const [path, source] of Object.entries(repo.files)) {
      const target = join(folder, path);
      await mkdir(dirname(target), { recursive: true });
      if ("vega" in source) await copyFile(join(VEGA_DATA, source.vega), target);
      else await writeFile(target, source.text);
    }
    written.push({ ...repo, folder });
  }
  return written;
}
