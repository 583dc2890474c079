/**
 * `wharf datasets`: datasets as Python `datasets` loads them, from the Hub (`HF_ENDPOINT`; a wharf
 * server works), a folder, or files: `configs`, `splits` and `info` (from the card and the listing,
 * reading no data), `preview` (the first rows, streamed when the files allow it), `load` (prepared into
 * the datasets cache), `convert` (to parquet files) and `save` (Python's `save_to_disk` folder).
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import {
  type Dataset,
  DatasetDict,
  featuresToJson,
  getDatasetConfigNames,
  getDatasetInfos,
  getDatasetSplitNames,
  type IterableDataset,
  IterableDatasetDict,
  type LoadDatasetOptions,
  loadDataset,
} from "../datasets/index.js";
import { jsonOption } from "./options.js";
import { printJson, printTable } from "./output.js";
import { withProgressBars } from "./progress-bars.js";

interface LoadOptions {
  name?: string;
  split?: string;
  revision?: string;
  dataFiles?: string[];
  cacheDir?: string;
  token?: string;
  json?: boolean;
  quiet?: boolean;
}

function loadOptions(options: LoadOptions): LoadDatasetOptions {
  return {
    name: options.name,
    revision: options.revision,
    cacheDir: options.cacheDir,
    ...(options.dataFiles && { dataFiles: options.dataFiles }),
    ...(options.token !== undefined && { token: options.token }),
  };
}

function withLoadOptions(command: Command): Command {
  return command
    .argument(
      "<path>",
      "a Hub dataset (namespace/name), a folder, or a builder (csv, json, parquet, ...) with --data-files",
    )
    .option("--name <config>", "the config")
    .option("--revision <rev>", "a branch, tag or commit of a Hub dataset")
    .option("--data-files <files...>", "data files (paths, globs or URLs) for a builder")
    .option("--cache-dir <dir>", "the datasets cache (default HF_DATASETS_CACHE)")
    .option("--token <token>", "the token to send (default HF_TOKEN, then the stored one)")
    .option("-q, --quiet", "no progress bars")
    .addOption(jsonOption());
}

/** A dataset loaded (not streamed), with progress bars on the files it fetches (off with --quiet or --json). */
async function loadWithProgress(
  path: string,
  options: LoadOptions & { split?: string },
): Promise<Dataset | DatasetDict> {
  return withProgressBars(options, (onProgress) =>
    loadDataset(path, { ...loadOptions(options), split: options.split, onProgress }),
  );
}

/** A feature as a short type for people: `string`, `int64`, `list<float32>`, `struct{a, b}`, `Image`. */
function typeName(feature: unknown): string {
  const json = feature as Record<string, unknown>;
  if (json && typeof json === "object" && typeof json._type === "string") {
    if (json._type === "Value") return String(json.dtype);
    if (json._type === "ClassLabel")
      return `ClassLabel(${(json.names as string[] | undefined)?.length ?? 0} names)`;
    if (json._type === "List" || json._type === "LargeList" || json._type === "Sequence")
      return `list<${typeName(json.feature)}>`;
    return String(json._type);
  }
  if (json && typeof json === "object") return `struct{${Object.keys(json).join(", ")}}`;
  return String(feature);
}

function cell(value: unknown): string {
  const text =
    typeof value === "string"
      ? value
      : JSON.stringify(value, (_key, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v));
  const flat = (text ?? "null").replace(/\s+/g, " ");
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}

function printRows(rows: Array<Record<string, unknown>>): void {
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  printTable(
    columns,
    rows.map((row) => columns.map((column) => cell(row[column]))),
  );
}

/** The splits of what `loadDataset` gave, by name. */
function splitsOf(loaded: Dataset | DatasetDict, split: string | undefined): Record<string, Dataset> {
  return loaded instanceof DatasetDict
    ? { ...loaded.splits }
    : { [split ?? loaded.split ?? "train"]: loaded };
}

export function registerDatasets(program: Command): void {
  const datasets = program
    .command("datasets")
    .description("load, preview, inspect and convert datasets as Python `datasets` does");

  withLoadOptions(datasets.command("configs").description("the configs a dataset's card names")).action(
    async (path: string, options: LoadOptions) => {
      const names = await getDatasetConfigNames(path, loadOptions(options));
      if (options.json) return printJson(names);
      process.stdout.write(`${names.join("\n")}\n`);
    },
  );

  withLoadOptions(datasets.command("splits").description("the splits of a config")).action(
    async (path: string, options: LoadOptions) => {
      const names = await getDatasetSplitNames(path, loadOptions(options));
      if (options.json) return printJson(names);
      process.stdout.write(`${names.join("\n")}\n`);
    },
  );

  withLoadOptions(
    datasets.command("info").description("what the card says of each config: features and split sizes"),
  ).action(async (path: string, options: LoadOptions) => {
    const infos = await getDatasetInfos(path, loadOptions(options));
    if (options.json) {
      return printJson(
        Object.fromEntries(
          Object.entries(infos).map(([name, info]) => [
            name,
            { ...info, features: info.features && featuresToJson(info.features) },
          ]),
        ),
      );
    }
    for (const [name, info] of Object.entries(infos)) {
      process.stdout.write(`config ${name}\n`);
      const features = info.features ? (featuresToJson(info.features) as Record<string, unknown>) : {};
      for (const [column, feature] of Object.entries(features))
        process.stdout.write(`  ${column}: ${typeName(feature)}\n`);
      for (const [split, size] of Object.entries(info.splits))
        process.stdout.write(
          `  split ${split}: ${size.numExamples ?? "?"} rows${size.numBytes ? `, ${size.numBytes} bytes` : ""}\n`,
        );
    }
    if (Object.keys(infos).length === 0)
      process.stdout.write("The card declares no dataset_info; `wharf datasets load` reads the data.\n");
  });

  withLoadOptions(
    datasets.command("preview").description("the first rows of a split, streamed when the files allow it"),
  )
    .option("--split <split>", "the split (default: the first)")
    .option("--rows <n>", "how many rows", "10")
    .action(async (path: string, options: LoadOptions & { rows: string }) => {
      const count = Math.max(1, Number(options.rows) || 10);
      let rows: Array<Record<string, unknown>> = [];
      try {
        const streamed = await loadDataset(path, { ...loadOptions(options), streaming: true });
        const stream =
          streamed instanceof IterableDatasetDict
            ? streamed.get(options.split ?? streamed.keys()[0] ?? "train")
            : (streamed as IterableDataset);
        for await (const row of stream.take(count)) rows.push(row as Record<string, unknown>);
      } catch {
        // Files that do not stream (a JSON array, say): load the split instead.
        const loaded = await loadWithProgress(path, { ...options, split: undefined });
        const splits = splitsOf(loaded, options.split);
        const dataset = splits[options.split ?? Object.keys(splits)[0] ?? "train"] as Dataset;
        rows = dataset.take(Math.min(count, dataset.numRows)).toList() as Array<Record<string, unknown>>;
      }
      if (options.json) return printJson(rows);
      printRows(rows);
    });

  withLoadOptions(
    datasets
      .command("load")
      .description("load (and prepare into the cache) a dataset; prints its splits and columns"),
  )
    .option("--split <split>", "one split, or a slice of splits (train[:10%]+test)")
    .action(async (path: string, options: LoadOptions) => {
      const loaded = await loadWithProgress(path, options);
      const splits = splitsOf(loaded, options.split);
      const summary = Object.fromEntries(
        Object.entries(splits).map(([name, dataset]) => [
          name,
          {
            numRows: dataset.numRows,
            features: featuresToJson(dataset.features),
            cacheFiles: dataset.cacheFiles.map((file) => file.filename),
          },
        ]),
      );
      if (options.json) return printJson(summary);
      for (const [name, split] of Object.entries(summary)) {
        const columns = Object.entries(split.features as Record<string, unknown>).map(
          ([column, feature]) => `${column}: ${typeName(feature)}`,
        );
        process.stdout.write(`${name}: ${split.numRows} rows; ${columns.join(", ")}\n`);
      }
    });

  withLoadOptions(
    datasets
      .command("convert")
      .description("write each split as a parquet file: DIR/{config}/{split}-00000-of-00001.parquet"),
  )
    .requiredOption("--to <dir>", "the folder to write")
    .option("--split <split>", "only this split")
    .action(async (path: string, options: LoadOptions & { to: string }) => {
      const loaded = await loadWithProgress(path, options);
      const folder = join(options.to, options.name ?? "default");
      await mkdir(folder, { recursive: true });
      const written: Record<string, { path: string; rows: number }> = {};
      for (const [name, dataset] of Object.entries(splitsOf(loaded, options.split))) {
        const file = join(folder, `${name}-00000-of-00001.parquet`);
        await dataset.toParquet(file);
        written[name] = { path: file, rows: dataset.numRows };
      }
      if (options.json) return printJson(written);
      for (const [name, { path: file, rows }] of Object.entries(written))
        process.stdout.write(`${name}: ${rows} rows -> ${file}\n`);
    });

  withLoadOptions(
    datasets
      .command("save")
      .description("save a dataset as Python's save_to_disk folder (load_from_disk reads it)"),
  )
    .requiredOption("--to <dir>", "the folder to write")
    .option("--split <split>", "only this split")
    .action(async (path: string, options: LoadOptions & { to: string }) => {
      const loaded = await loadWithProgress(path, options);
      await loaded.saveToDisk(options.to);
      if (options.json) return printJson({ path: options.to });
      process.stdout.write(`${options.to}\n`);
    });
}
