/**
 * The `Dataset.from*` readers: files and globs of one format into one in-memory dataset (features
 * inferred as Python infers them, or given). Arrow stream files are not copied: the dataset reads them
 * lazily where they are. Preparing files into the datasets cache is `loadDataset`'s work (issue #7).
 */
import { closeSync, openSync, readFileSync, readSync } from "node:fs";
import { type RecordBatch, type Schema, tableFromIPC } from "apache-arrow";
import { ArrowTable } from "../arrow/arrow-table.js";
import { Dataset, EMPTY_INFO, type FromColumnsOptions } from "../dataset.js";
import { encodeBatch } from "../encode-batch.js";
import { CastError } from "../errors.js";
import { type Feature, type Features, Value } from "../features/feature-types.js";
import { arrowSchemaOf, featuresOfSchema } from "../features/features-arrow.js";
import { fingerprintOfFiles } from "../fingerprint.js";
import { type Columns, DEFAULT_FORMAT } from "../format.js";
import { type CsvReadOptions, readCsvColumns } from "./read-csv.js";
import { type JsonReadOptions, readJsonRows } from "./read-json.js";
import { type ParquetReadOptions, readParquetBatches } from "./read-parquet.js";
import { readTextLines } from "./read-text.js";
import { resolveDataFiles } from "./resolve-files.js";

type Paths = string | readonly string[];
const ARROW_FILE_MAGIC = Buffer.from("ARROW1");

/** Whether a file is in the IPC file format (it starts `ARROW1`), reading only its first bytes. */
function startsWithMagic(file: string): boolean {
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(ARROW_FILE_MAGIC.length);
    readSync(fd, head, 0, head.length, 0);
    return head.equals(ARROW_FILE_MAGIC);
  } finally {
    closeSync(fd);
  }
}

/** Record batches of one schema as a dataset; with features given, the batches must already match. */
function datasetOfBatches(
  schema: Schema,
  batches: RecordBatch[],
  files: readonly string[],
  options: FromColumnsOptions,
): Dataset {
  const features = options.features ?? featuresOfSchema(schema);
  const stored = arrowSchemaOf(features);
  for (const batch of batches) {
    if (String(batch.schema.fields.map((f) => f.type)) !== String(stored.fields.map((f) => f.type))) {
      throw new CastError(
        `The files' columns (${batch.schema.fields.map((f) => `${f.name}: ${f.type}`).join(", ")}) do not match the ` +
          "features given; leave features out or make them agree.",
      );
    }
  }
  return Dataset.fromBatches(stored, batches, features, options).derive({
    fingerprint: fingerprintOfFiles(files),
  });
}

export async function fromParquet(
  paths: Paths,
  options: FromColumnsOptions & ParquetReadOptions = {},
): Promise<Dataset> {
  const files = await resolveDataFiles(paths);
  const batches: RecordBatch[] = [];
  let schema: Schema | undefined;
  for (const file of files) {
    for await (const read of readParquetBatches(file, options)) {
      schema ??= read.schema;
      batches.push(read.batch);
    }
  }
  return datasetOfBatches(schema as Schema, batches, files, options);
}

/** Arrow files: stream files are read in place and lazily; IPC files (`ARROW1`) are read into memory. */
export async function fromArrow(paths: Paths, options: FromColumnsOptions = {}): Promise<Dataset> {
  const files = await resolveDataFiles(paths);
  const isFileFormat = (file: string) => startsWithMagic(file);
  if (!files.some(isFileFormat)) {
    const table = ArrowTable.fromIpcFiles(files);
    return new Dataset({
      table,
      features: options.features ?? featuresOfSchema(table.schema),
      indices: undefined,
      fingerprint: fingerprintOfFiles(files),
      info: { ...EMPTY_INFO, ...options.info },
      split: options.split ?? null,
      format: DEFAULT_FORMAT,
    });
  }
  const tables = files.map((file) => tableFromIPC(readFileSync(file)));
  return datasetOfBatches(
    tables[0]?.schema as Schema,
    tables.flatMap((table) => table.batches),
    files,
    options,
  );
}

export async function fromCsv(
  paths: Paths,
  options: FromColumnsOptions & CsvReadOptions = {},
): Promise<Dataset> {
  const files = await resolveDataFiles(paths);
  const parts = await Promise.all(files.map((file) => readCsvColumns(file, options)));
  return datasetOfColumns(parts, files, options);
}

export async function fromJson(
  paths: Paths,
  options: FromColumnsOptions & JsonReadOptions = {},
): Promise<Dataset> {
  const files = await resolveDataFiles(paths);
  const rows = (await Promise.all(files.map((file) => readJsonRows(file, options)))).flat();
  return Dataset.fromList(rows, options).derive({ fingerprint: fingerprintOfFiles(files) });
}

export async function fromText(
  paths: Paths,
  options: FromColumnsOptions & { keepLinebreaks?: boolean } = {},
): Promise<Dataset> {
  const files = await resolveDataFiles(paths);
  const lines = (await Promise.all(files.map((file) => readTextLines(file, options)))).flat();
  return Dataset.fromDict({ text: lines }, options).derive({ fingerprint: fingerprintOfFiles(files) });
}

/** Rows from a generator (sync or async), as Python's `from_generator`. */
export async function fromGenerator(
  generator: () => Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
  options: FromColumnsOptions = {},
): Promise<Dataset> {
  const rows: Record<string, unknown>[] = [];
  for await (const row of generator()) rows.push(row);
  return Dataset.fromList(rows, options);
}

/**
 * Columns read from several files, concatenated. Each file's inferred type wins unless another file
 * widened it: int64 in one file and float64 in another is float64, anything else mixed is string.
 */
function datasetOfColumns(
  read: readonly { columns: Columns; features: Features }[],
  files: readonly string[],
  options: FromColumnsOptions,
): Dataset {
  const parts = read.map((part) => part.columns);
  const names = Object.keys(parts[0] ?? {});
  for (const [i, part] of parts.entries()) {
    if (String(Object.keys(part)) !== String(names)) {
      throw new CastError(
        `${files[i]} has columns ${Object.keys(part).join(", ")}, but ${files[0]} has ${names.join(", ")}.`,
      );
    }
  }
  const columns: Columns = Object.fromEntries(
    names.map((name) => [name, parts.flatMap((part) => [...(part[name] as unknown[])])]),
  );
  const features: Features = Object.fromEntries(
    names.map((name) => [name, widest(read.map((part) => part.features[name] as Value))]),
  );
  const { batch } = encodeBatch(columns, options.features ?? features);
  return Dataset.fromBatches(batch.schema, [batch], features, options).derive({
    fingerprint: fingerprintOfFiles(files),
  });
}

function widest(features: readonly Value[]): Feature {
  const dtypes = new Set(features.map((feature) => feature.dtype));
  if (dtypes.size === 1) return features[0] as Value;
  if ([...dtypes].every((dtype) => dtype === "int64" || dtype === "float64")) return new Value("float64");
  return new Value("string");
}
