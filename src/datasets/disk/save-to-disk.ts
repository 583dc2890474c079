/**
 * `saveToDisk`: Python's `save_to_disk` folder, byte-compatible. Shards `data-{i:05d}-of-{n:05d}.arrow`
 * (count from `numShards`, else the data's size over `maxShardSize` (500 MB) plus one, never more than the
 * rows), written in stream format through the indices mapping, then `state.json` and `dataset_info.json`.
 * Everything is written in a folder beside the target and renamed into place at the end, so an interrupted
 * save never leaves a folder that loads.
 */
import { statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import bytes from "bytes";
import { InvalidArgumentError } from "../../core/errors.js";
import type { Dataset } from "../dataset.js";
import { writeFolderStaged } from "./staged-folder.js";
import { INFO_FILE, infoJson, STATE_FILE, stateJson } from "./state-files.js";
import { STORED_BATCH_ROWS, writeBatches } from "./write-batches.js";

export interface SaveToDiskOptions {
  /** Largest shard, in bytes or as "500MB" (decimal units, as Python); default 500 MB. */
  maxShardSize?: number | string;
  numShards?: number;
}

const DEFAULT_MAX_SHARD_SIZE = 500_000_000;

export function shardFileName(index: number, count: number): string {
  return `data-${String(index).padStart(5, "0")}-of-${String(count).padStart(5, "0")}.arrow`;
}

/** The dataset's size in bytes, as Python estimates it: its Arrow data, scaled through the mapping. */
export function estimateBytes(dataset: Dataset): number {
  const table = dataset.table;
  const files = table.files;
  let total = 0;
  if (files.length > 0) {
    for (const file of files) total += statSync(file).size;
  } else {
    for (const segment of table.segments) total += segment.load().data.byteLength;
  }
  return table.numRows === 0 ? 0 : (total * dataset.numRows) / table.numRows;
}

export function shardCount(dataset: Dataset, options: SaveToDiskOptions): number {
  if (options.numShards !== undefined) {
    if (!Number.isInteger(options.numShards) || options.numShards < 1) {
      throw new InvalidArgumentError(`numShards must be a positive whole number, got ${options.numShards}.`);
    }
    return Math.min(options.numShards, Math.max(dataset.numRows, 1));
  }
  const max = parseSize(options.maxShardSize ?? DEFAULT_MAX_SHARD_SIZE);
  return Math.max(1, Math.min(Math.floor(estimateBytes(dataset) / max) + 1, dataset.numRows));
}

/** "500MB" as Python reads it (decimal); bytes' own units are binary, so decimal suffixes are ours. */
function parseSize(size: number | string): number {
  if (typeof size === "number") return size;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)?\s*$/i.exec(size);
  if (!match) throw new InvalidArgumentError(`"${size}" is not a size; write it like 500MB or 1GiB.`);
  const unit = (match[2] ?? "B").toUpperCase();
  const decimal: Record<string, number> = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9, TB: 1e12 };
  return decimal[unit] !== undefined
    ? Number(match[1]) * (decimal[unit] as number)
    : (bytes.parse(size) ?? 0);
}

export async function saveDatasetToDisk(
  dataset: Dataset,
  path: string,
  options: SaveToDiskOptions,
): Promise<void> {
  const target = resolve(path);
  for (const file of dataset.table.files) {
    if (resolve(dirname(file)) === target) {
      throw new InvalidArgumentError(`${path} holds this dataset's own files; save it to another folder.`);
    }
  }
  await writeFolderStaged(target, (staging) => writeDatasetFolder(dataset, staging, options));
}

/** Writes the shards and JSON files of one dataset into an existing folder. */
export async function writeDatasetFolder(
  dataset: Dataset,
  folder: string,
  options: SaveToDiskOptions,
): Promise<void> {
  const count = shardCount(dataset, options);
  const files: string[] = [];
  for (let index = 0; index < count; index++) {
    const shard = dataset.shard({ numShards: count, index, contiguous: true });
    const name = shardFileName(index, count);
    await writeBatches(join(folder, name), dataset.table.schema, shard.storedBatches(STORED_BATCH_ROWS));
    files.push(name);
  }
  writeFileSync(join(folder, INFO_FILE), infoJson(dataset.info, dataset.features));
  writeFileSync(
    join(folder, STATE_FILE),
    stateJson(files, dataset.fingerprint, dataset.split, dataset.format),
  );
}
