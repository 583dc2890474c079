/**
 * `DatasetDict`: named splits, each a Dataset, with the same transforms applied across all of them and
 * Python's `save_to_disk` layout (`dataset_dict.json` plus one folder per split).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import type { CommitInfo } from "../hub/create-commit.js";
import type { Dataset } from "./dataset.js";
import { type SaveToDiskOptions, writeDatasetFolder } from "./disk/save-to-disk.js";
import { writeFolderStaged } from "./disk/staged-folder.js";
import { DICT_FILE, dictJson } from "./disk/state-files.js";
import { type PushToHubOptions, pushSplitsToHub } from "./push/push-to-hub.js";
import type { MapFunction, MapOptions } from "./transforms/map.js";
import type { SortOptions } from "./transforms/sort.js";

export class DatasetDict {
  readonly splits: Readonly<Record<string, Dataset>>;

  constructor(splits: Record<string, Dataset>) {
    this.splits = { ...splits };
  }

  get(split: string): Dataset {
    const dataset = this.splits[split];
    if (!dataset) {
      throw new InvalidArgumentError(
        `There is no split "${split}"; the splits are ${Object.keys(this.splits).join(", ")}.`,
      );
    }
    return dataset;
  }

  keys(): string[] {
    return Object.keys(this.splits);
  }

  /** Rows per split. */
  get numRows(): Record<string, number> {
    return this.mapSplits((dataset) => dataset.numRows);
  }

  get columnNames(): Record<string, string[]> {
    return this.mapSplits((dataset) => dataset.columnNames);
  }

  private mapSplits<T>(fn: (dataset: Dataset, split: string) => T): Record<string, T> {
    return Object.fromEntries(
      Object.entries(this.splits).map(([split, dataset]) => [split, fn(dataset, split)]),
    );
  }

  private each(fn: (dataset: Dataset) => Dataset): DatasetDict {
    return new DatasetDict(this.mapSplits(fn));
  }

  private async eachAsync(fn: (dataset: Dataset) => Promise<Dataset>): Promise<DatasetDict> {
    const out: Record<string, Dataset> = {};
    for (const [split, dataset] of Object.entries(this.splits)) out[split] = await fn(dataset);
    return new DatasetDict(out);
  }

  map(fn: MapFunction, options: MapOptions = {}): Promise<DatasetDict> {
    return this.eachAsync((dataset) => dataset.map(fn, options));
  }

  filter(predicate: MapFunction, options: MapOptions = {}): Promise<DatasetDict> {
    return this.eachAsync((dataset) => dataset.filter(predicate, options));
  }

  flattenIndices(): Promise<DatasetDict> {
    return this.eachAsync((dataset) => dataset.flattenIndices());
  }

  /** Each split shuffled, with one seed for all or a seed per split. */
  shuffle(options: { seed?: number | bigint; seeds?: Record<string, number | bigint> } = {}): DatasetDict {
    return new DatasetDict(
      this.mapSplits((dataset, split) => dataset.shuffle({ seed: options.seeds?.[split] ?? options.seed })),
    );
  }

  sort(columns: string | readonly string[], options: SortOptions = {}): DatasetDict {
    return this.each((dataset) => dataset.sort(columns, options));
  }

  selectColumns(names: string | readonly string[]): DatasetDict {
    return this.each((dataset) => dataset.selectColumns(names));
  }

  removeColumns(names: string | readonly string[]): DatasetDict {
    return this.each((dataset) => dataset.removeColumns(names));
  }

  renameColumn(from: string, to: string): DatasetDict {
    return this.each((dataset) => dataset.renameColumn(from, to));
  }

  renameColumns(mapping: Record<string, string>): DatasetDict {
    return this.each((dataset) => dataset.renameColumns(mapping));
  }

  withFormat(...args: Parameters<Dataset["withFormat"]>): DatasetDict {
    return this.each((dataset) => dataset.withFormat(...args));
  }

  /** Uploads every split to a Hub dataset repo (parquet shards, card updated), in one commit. */
  pushToHub(repoId: string, options: PushToHubOptions = {}): Promise<CommitInfo> {
    return pushSplitsToHub(repoId, { ...this.splits }, options);
  }

  /** Python's layout: `dataset_dict.json` and a folder per split, put in place only when complete. */
  async saveToDisk(path: string, options: SaveToDiskOptions = {}): Promise<void> {
    await writeFolderStaged(path, async (staging) => {
      for (const [split, dataset] of Object.entries(this.splits)) {
        mkdirSync(join(staging, split), { recursive: true });
        await writeDatasetFolder(dataset, join(staging, split), options);
      }
      writeFileSync(join(staging, DICT_FILE), dictJson(this.keys()));
    });
  }

  toString(): string {
    const body = Object.entries(this.splits)
      .map(([split, dataset]) => `    ${split}: ${dataset.toString()}`)
      .join("\n");
    return `DatasetDict({\n${body}\n})`;
  }
}
