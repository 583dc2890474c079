/**
 * The folder builders (`imagefolder`, `audiofolder`, `videofolder`, `pdffolder`) as Python's: each
 * media file is a row whose `image` (`audio`, `video`, `pdf`) column references it (`{bytes: null, path}`); a `metadata.csv`, `metadata.jsonl`
 * or `metadata.parquet` adds columns to the files it names in `file_name` (relative to its folder);
 * without metadata, when the files sit in more than one folder, a `label` ClassLabel of the sorted
 * folder names is added.
 */
import { basename, dirname, resolve } from "node:path";
import { Dataset } from "../dataset.js";
import { DataFileRowError } from "../errors.js";
import { Audio, ClassLabel, type Features, Image, Pdf, Video } from "../features/feature-types.js";
import { inferFeature } from "../features/infer-features.js";
import { fromParquet } from "../readers/from-files.js";
import { readCsvColumns } from "../readers/read-csv.js";
import { readJsonRows } from "../readers/read-json.js";
import { METADATA_FILES } from "./data-files.js";

type Row = Record<string, unknown>;

/** Each folder builder's column, and the feature that references its files. */
const FOLDER_BUILDERS = {
  imagefolder: { column: "image", feature: () => new Image() },
  audiofolder: { column: "audio", feature: () => new Audio() },
  videofolder: { column: "video", feature: () => new Video() },
  pdffolder: { column: "pdf", feature: () => new Pdf() },
} as const;

export type FolderBuilder = keyof typeof FOLDER_BUILDERS;

export function isFolderBuilder(builder: string): builder is FolderBuilder {
  return Object.hasOwn(FOLDER_BUILDERS, builder);
}

export async function readFolderBuilder(builder: FolderBuilder, files: readonly string[]): Promise<Dataset> {
  const media = files.filter((file) => !METADATA_FILES.has(basename(file))).map((file) => resolve(file));
  const metadata = new Map<string, Row>();
  for (const file of files.filter((name) => METADATA_FILES.has(basename(name)))) {
    for (const [name, row] of await readMetadataRows(file)) metadata.set(resolve(dirname(file), name), row);
  }
  const { rows, features } = folderRows(builder, media, metadata);
  return Dataset.fromList(rows, { features });
}

/**
 * The rows of a folder builder and their features: one per media file (named by `media`, the keys of
 * `metadata`), with the columns its metadata row adds, or a folder `label` when there is no metadata
 * and more than one folder. Files a metadata file leaves out are left out, as in Python.
 */
export function folderRows(
  builder: FolderBuilder,
  media: readonly string[],
  metadata: ReadonlyMap<string, Row>,
): { rows: Row[]; features: Features } {
  const { column } = FOLDER_BUILDERS[builder];
  const mediaFeature = FOLDER_BUILDERS[builder].feature();
  if (metadata.size > 0) {
    const rows = media
      .filter((path) => metadata.has(path))
      .map((path) => ({ [column]: path, ...metadata.get(path) }));
    const names = [...new Set(rows.flatMap((row) => Object.keys(row)))].filter((name) => name !== column);
    const features: Features = { [column]: mediaFeature };
    for (const name of names)
      features[name] = inferFeature(
        rows.map((row) => (row as Row)[name]),
        name,
      );
    return { rows, features };
  }
  const folders = [...new Set(media.map((path) => basename(dirname(path))))].sort();
  if (folders.length > 1) {
    const label = new ClassLabel({ names: folders });
    const rows = media.map((path) => ({ [column]: path, label: basename(dirname(path)) }));
    return { rows, features: { [column]: mediaFeature, label } };
  }
  return { rows: media.map((path) => ({ [column]: path })), features: { [column]: mediaFeature } };
}

/** The column holding a folder builder's media. */
export function mediaColumn(builder: FolderBuilder): string {
  return FOLDER_BUILDERS[builder].column;
}

/** A metadata file's rows by the `file_name` each names (relative to the metadata file's folder). */
export async function readMetadataRows(file: string, label = file): Promise<Array<[string, Row]>> {
  return (await readMetadata(file)).map((row) => {
    const name = row.file_name;
    if (typeof name !== "string")
      throw new DataFileRowError(label, 0, "every metadata row needs a file_name column.");
    const { file_name: _, ...rest } = row;
    return [name, rest];
  });
}

async function readMetadata(file: string): Promise<Row[]> {
  if (file.endsWith(".csv")) {
    const { columns } = await readCsvColumns(file);
    const names = Object.keys(columns);
    const length = (columns[names[0] as string] as unknown[] | undefined)?.length ?? 0;
    return Array.from({ length }, (_, i) =>
      Object.fromEntries(names.map((name) => [name, (columns[name] as unknown[])[i]])),
    );
  }
  if (file.endsWith(".jsonl")) return readJsonRows(file);
  return (await fromParquet(file)).toList();
}
