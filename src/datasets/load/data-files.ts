/**
 * Which files of a dataset folder or repo belong to which split, and which builder reads them, as
 * Python `datasets` decides (`data_files.py`, `load.py`). Works on a listing of `/`-separated relative
 * paths, so a local folder and a Hub repo's tree resolve the same way.
 *
 * Patterns given as a string or list mean `train`; a dict maps splits to patterns; a list of
 * `{split, path}` does too. With none given, the first default that matches anything wins: the sharded
 * `data/{split}-NNNNN-of-NNNNN` names, `.eval` logs, split keywords in folder names, split keywords in
 * file names, then everything as `train`.
 */

import { InvalidArgumentError } from "../../core/errors.js";
import { globMatch } from "../../core/glob/python-glob.js";

export type DataFilesSpec =
  | string
  | readonly string[]
  | Record<string, string | readonly string[]>
  | readonly { split: string; path: string | readonly string[] }[];

/** Split name to the files in it, in a stable order. */
export type SplitFiles = Record<string, string[]>;

const SPLIT_KEYWORDS: Record<string, readonly string[]> = {
  train: ["train", "training"],
  validation: ["validation", "valid", "dev", "val"],
  test: ["test", "testing", "eval", "evaluation"],
};
const SEPARATORS = "[-._ 0-9]";
const IN_DIR_NAME = [
  "**/{k}/**",
  `**/{k}${SEPARATORS}*/**`,
  `**/*${SEPARATORS}{k}/**`,
  `**/*${SEPARATORS}{k}${SEPARATORS}*/**`,
];
const IN_FILE_NAME = [`**/{k}${SEPARATORS}*`, `**/*${SEPARATORS}{k}${SEPARATORS}*`];
const SHARDED = /^data\/(.+?)-[0-9]{5}-of-[0-9]{5}[^/]*\.[^/]+$/;
const SPLIT_NAME = /^\w+(\.\w+)*$/;
const ALWAYS_IGNORED = new Set([
  "README.md",
  "config.json",
  "dataset_info.json",
  "dataset_infos.json",
  "dummy_data.zip",
  "dataset_dict.json",
]);
export const METADATA_FILES = new Set(["metadata.csv", "metadata.jsonl", "metadata.parquet"]);

/** Image and audio extensions, as the folder builders (and webdataset fields) recognise them. */
export const IMAGE =
  ".bmp .gif .ico .jpeg .jpg .jp2 .j2k .pbm .pcx .pgm .png .ppm .sgi .tga .tif .tiff .webp .xbm";
export const AUDIO =
  ".aiff .au .avr .caf .flac .htk .svx .mat4 .mat5 .mpc2k .ogg .paf .pvf .rf64 .sd2 .sds .ircam .voc .w64 .wav .nist .wavex .wve .xi .mp3 .opus";
const VIDEO = ".mkv .mp4 .avi .mov .mpeg .webm .m4v .wmv .flv";

/** Each extension a builder reads, and that builder (with its options). */
export const EXTENSION_BUILDERS: Readonly<
  Record<string, { builder: string; options?: Record<string, unknown> }>
> = {
  ".csv": { builder: "csv" },
  ".tsv": { builder: "csv", options: { sep: "\t" } },
  ".json": { builder: "json" },
  ".jsonl": { builder: "json" },
  ".ndjson": { builder: "json" },
  ".parquet": { builder: "parquet" },
  ".geoparquet": { builder: "parquet" },
  ".gpq": { builder: "parquet" },
  ".arrow": { builder: "arrow" },
  ".txt": { builder: "text" },
  ".tar": { builder: "webdataset" },
  ".xml": { builder: "xml" },
  ".h5": { builder: "hdf5" },
  ".hdf5": { builder: "hdf5" },
  ".eval": { builder: "eval" },
  ".pdf": { builder: "pdffolder" },
  ...Object.fromEntries(IMAGE.split(" ").map((extension) => [extension, { builder: "imagefolder" }])),
  ...Object.fromEntries(AUDIO.split(" ").map((extension) => [extension, { builder: "audiofolder" }])),
  ...Object.fromEntries(VIDEO.split(" ").map((extension) => [extension, { builder: "videofolder" }])),
};
const COMPRESSION = new Set([".gz", ".bz2", ".xz", ".zst", ".zip", ".lz4"]);

/** Whether a file may be a data file at all: not ignored, and of an extension some builder reads. */
function isCandidate(path: string, pattern: string): boolean {
  const segments = path.split("/");
  const name = segments[segments.length - 1] as string;
  if (ALWAYS_IGNORED.has(name)) return false;
  // Hidden files and folders, and folders starting "__", only when the pattern names them.
  if (
    segments.some((segment) => segment.startsWith(".")) &&
    !pattern.includes("/.") &&
    !pattern.startsWith(".")
  )
    return false;
  if (segments.slice(0, -1).some((segment) => segment.startsWith("__")) && !pattern.includes("__"))
    return false;
  const suffixes = name
    .toLowerCase()
    .split(".")
    .slice(1)
    .map((suffix) => `.${suffix}`);
  return suffixes.some(
    (suffix) => suffix in EXTENSION_BUILDERS || COMPRESSION.has(suffix) || METADATA_FILES.has(name),
  );
}

/** The files matching any of the patterns, sorted, each once. */
export function matchPatterns(paths: readonly string[], patterns: readonly string[]): string[] {
  const matched = new Set<string>();
  for (const pattern of patterns) {
    const bare = pattern.replace(/^\.\//, "");
    for (const path of paths) if (globMatch(path, bare) && isCandidate(path, bare)) matched.add(path);
  }
  return [...matched].sort();
}

/** Split → patterns from any form of `data_files`. */
export function normaliseDataFiles(spec: DataFilesSpec): Record<string, string[]> {
  const list = (value: string | readonly string[]) => (typeof value === "string" ? [value] : [...value]);
  if (typeof spec === "string" || (Array.isArray(spec) && spec.every((item) => typeof item === "string"))) {
    return { train: list(spec as string | string[]) };
  }
  if (Array.isArray(spec)) {
    const out: Record<string, string[]> = {};
    for (const entry of spec as readonly { split: string; path: string | readonly string[] }[]) {
      if (entry.split in out)
        throw new InvalidArgumentError(`Split "${entry.split}" is listed twice in data_files.`);
      out[entry.split] = list(entry.path);
    }
    return out;
  }
  return Object.fromEntries(
    Object.entries(spec as Record<string, string | readonly string[]>).map(([split, value]) => [
      split,
      list(value),
    ]),
  );
}

/** Files per split for given patterns; a split whose patterns match nothing is an error naming them. */
export function resolveDataFiles(paths: readonly string[], spec: DataFilesSpec): SplitFiles {
  const out: SplitFiles = {};
  for (const [split, patterns] of Object.entries(normaliseDataFiles(spec))) {
    const files = matchPatterns(paths, patterns);
    if (files.length === 0) {
      throw new InvalidArgumentError(`No data file matches ${patterns.join(", ")} (split "${split}").`);
    }
    out[split] = files;
  }
  return out;
}

/** Files per split found by Python's default search, or an empty object when there are none. */
export function defaultDataFiles(paths: readonly string[]): SplitFiles {
  const sharded = new Map<string, string[]>();
  for (const path of paths) {
    const match = SHARDED.exec(path);
    if (match && SPLIT_NAME.test(match[1] as string) && isCandidate(path, "data/*")) {
      const split = match[1] as string;
      sharded.set(split, [...(sharded.get(split) ?? []), path]);
    }
  }
  if (sharded.size > 0) {
    const known = ["train", "validation", "test"];
    const order = [
      ...known.filter((split) => sharded.has(split)),
      ...[...sharded.keys()].filter((split) => !known.includes(split)).sort(),
    ];
    return Object.fromEntries(order.map((split) => [split, (sharded.get(split) as string[]).sort()]));
  }
  const logs = matchPatterns(paths, ["**/*.eval"]);
  if (logs.length > 0) return { logs };
  for (const templates of [IN_DIR_NAME, IN_FILE_NAME]) {
    const found: SplitFiles = {};
    for (const [split, keywords] of Object.entries(SPLIT_KEYWORDS)) {
      const files = matchPatterns(
        paths,
        keywords.flatMap((keyword) => templates.map((template) => template.replaceAll("{k}", keyword))),
      );
      if (files.length > 0) found[split] = files;
    }
    if (Object.keys(found).length > 0) return found;
  }
  const all = matchPatterns(paths, ["**"]);
  return all.length > 0 ? { train: all } : {};
}

/**
 * The builder for data files, from their extensions as Python infers it: every suffix counts, data files
 * before metadata files, then the most common, ties broken .parquet, .arrow, .jsonl, .json, .csv, then
 * reverse alphabetical; compression suffixes are skipped for the one beneath.
 */
export function inferBuilder(
  files: readonly string[],
): { builder: string; options: Record<string, unknown> } | undefined {
  const counts = new Map<string, { extension: string; metadata: boolean; count: number }>();
  for (const file of files) {
    const name = file.split("/").pop() as string;
    const metadata = METADATA_FILES.has(name);
    for (const part of name.split(".").slice(1)) {
      const extension = `.${part.toLowerCase()}`;
      const key = `${extension}\0${metadata}`;
      const entry = counts.get(key) ?? { extension, metadata, count: 0 };
      entry.count++;
      counts.set(key, entry);
    }
  }
  const preference = [".csv", ".json", ".jsonl", ".arrow", ".lance", ".parquet"];
  const ranked = [...counts.values()].sort((a, b) => {
    if (a.metadata !== b.metadata) return a.metadata ? 1 : -1;
    if (a.count !== b.count) return b.count - a.count;
    const preferred = preference.indexOf(b.extension) - preference.indexOf(a.extension);
    if (preferred !== 0) return preferred;
    return a.extension < b.extension ? 1 : a.extension > b.extension ? -1 : 0;
  });
  for (const { extension } of ranked) {
    const found = EXTENSION_BUILDERS[extension];
    if (found) return { builder: found.builder, options: { ...found.options } };
  }
  return undefined;
}

/**
 * The files of each split of a config, from the repo's file list: the call's own `dataDir`/`dataFiles`
 * first, else the card config's, else the default patterns; `dataDir` limits the search to that folder.
 */
export function configSplitFiles(
  listing: readonly string[],
  config: { dataDir?: string; dataFiles?: DataFilesSpec } | undefined,
  options: { dataDir?: string; dataFiles?: DataFilesSpec } = {},
): SplitFiles {
  const dataDir = options.dataDir ?? (options.dataFiles === undefined ? config?.dataDir : undefined);
  const prefix = dataDir ? `${dataDir.replace(/\/+$/, "")}/` : "";
  const inDataDir = prefix ? listing.filter((file) => file.startsWith(prefix)) : listing;
  const spec = options.dataFiles ?? (options.dataDir === undefined ? config?.dataFiles : undefined);
  return spec !== undefined
    ? resolveDataFiles(inDataDir, prefixSpec(spec, prefix))
    : defaultDataFiles(inDataDir);
}

/** A data files spec whose patterns are relative to `prefix` (a config's `data_dir`). */
function prefixSpec(spec: DataFilesSpec, prefix: string): DataFilesSpec {
  if (prefix === "") return spec;
  return Object.fromEntries(
    Object.entries(normaliseDataFiles(spec)).map(([split, patterns]) => [
      split,
      patterns.map((pattern) => prefix + pattern),
    ]),
  );
}

/** The builder a data file's extensions name, if any (`train.jsonl.gz` is json). */
export function builderOf(file: string): string | undefined {
  const suffixes = (file.split("/").pop() as string)
    .toLowerCase()
    .split(".")
    .slice(1)
    .map((part) => `.${part}`);
  return suffixes
    .map((suffix) => EXTENSION_BUILDERS[suffix]?.builder)
    .find((builder) => builder !== undefined);
}

/** A folder builder's metadata file (`metadata.csv`, `.jsonl`, `.parquet`). */
export function isMetadataFor(builder: string, file: string): boolean {
  return builder.endsWith("folder") && METADATA_FILES.has(file.split("/").pop() as string);
}
