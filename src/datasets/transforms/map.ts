/**
 * `map` and `filter`: run a function over rows or batches. `map` writes its result as new Arrow data
 * (beside file-backed data as `cache-{fingerprint}.arrow`, reused by the next identical call, as Python
 * does); `filter` keeps the rows whose predicate holds as an indices mapping and rewrites nothing.
 *
 * Calling convention, after Python's: the function gets the row (or a batch of columns), or with
 * `inputColumns` those columns' values as separate arguments; then the index (or indices) with
 * `withIndices`; then `fnKwargs`. It may be async.
 */
import { existsSync } from "node:fs";
import type { Data, RecordBatch, Schema } from "apache-arrow";
import { InvalidArgumentError } from "../../core/errors.js";
import { ArrowTable, batchOf } from "../arrow/arrow-table.js";
import { type Int64Mode, readValues } from "../arrow/read-values.js";
import type { Dataset } from "../dataset.js";
import { WRITER_BATCH_SIZE, writeBatches } from "../disk/write-batches.js";
import { encodeColumn } from "../encode-batch.js";
import { CastError } from "../errors.js";
import type { Feature, Features } from "../features/feature-types.js";
import { arrowSchemaOf, featuresOfSchema } from "../features/features-arrow.js";
import { inferFeatures } from "../features/infer-features.js";
import { updateFingerprint } from "../fingerprint.js";
import { type Columns, columnsOf, rowsOf } from "../format.js";
import { cacheFilePath } from "./flatten-indices.js";

// biome-ignore lint/suspicious/noExplicitAny: user functions take rows of any shape
export type MapFunction = (...args: any[]) => unknown;

export interface MapOptions {
  /** Give the function batches of columns instead of rows. */
  batched?: boolean;
  /** Rows per batch when batched (default 1000); 0 or less means the whole dataset. */
  batchSize?: number;
  dropLastBatch?: boolean;
  withIndices?: boolean;
  inputColumns?: string | readonly string[];
  /** Columns dropped from the output unless the function returns them. */
  removeColumns?: string | readonly string[];
  /** The output's features; inferred from the function's first output otherwise. */
  features?: Features;
  fnKwargs?: Record<string, unknown>;
  /** Reuse a cached result when present (default true). */
  loadFromCacheFile?: boolean;
  /** Keep the result in memory even for file-backed data. */
  keepInMemory?: boolean;
}

export type FilterOptions = Pick<
  MapOptions,
  "batched" | "batchSize" | "withIndices" | "inputColumns" | "fnKwargs"
>;

const asList = (value: string | readonly string[] | undefined): string[] =>
  value === undefined ? [] : typeof value === "string" ? [value] : [...value];

/**
 * Calls `fn` on each row or batch, yielding the Arrow batch it read and what the function returned.
 * Only the columns the function is given are decoded to JavaScript values.
 */
async function* applyFunction(
  dataset: Dataset,
  fn: MapFunction,
  options: MapOptions,
): AsyncGenerator<{ batch: RecordBatch; input: Columns; output: unknown; start: number }> {
  const inputColumns = asList(options.inputColumns);
  dataset.assertColumns(inputColumns);
  const format = {
    ...dataset.format,
    type: "python" as const,
    columns: inputColumns.length > 0 ? inputColumns : undefined,
    outputAllColumns: false,
    transform: undefined,
  };
  // Python's batch_size: 1000 by default; 0 or less (or None there) means the whole dataset at once.
  const asked = options.batchSize ?? 1000;
  const batchSize = options.batched ? (asked > 0 ? asked : Math.max(dataset.numRows, 1)) : WRITER_BATCH_SIZE;
  let start = 0;
  for (const batch of dataset.recordBatches(batchSize, options.batched ? options.dropLastBatch : false)) {
    const input = columnsOf(batch, format);
    if (options.batched) {
      const args: unknown[] = inputColumns.length > 0 ? inputColumns.map((name) => input[name]) : [input];
      if (options.withIndices) args.push(Array.from({ length: batch.numRows }, (_, i) => start + i));
      if (options.fnKwargs) args.push(options.fnKwargs);
      yield { batch, input, output: await fn(...args), start };
    } else {
      const rows = rowsOf(batch, format);
      const outputs: unknown[] = new Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i] as Record<string, unknown>;
        const args: unknown[] = inputColumns.length > 0 ? inputColumns.map((name) => row[name]) : [row];
        if (options.withIndices) args.push(start + i);
        if (options.fnKwargs) args.push(options.fnKwargs);
        outputs[i] = await fn(...args);
      }
      yield { batch, input, output: outputs, start };
    }
    start += batch.numRows;
  }
}

export async function mapDataset(dataset: Dataset, fn: MapFunction, options: MapOptions): Promise<Dataset> {
  const removed = asList(options.removeColumns);
  dataset.assertColumns(removed);
  const fingerprint = updateFingerprint(dataset.fingerprint, "map", {
    fn,
    batched: options.batched ?? false,
    batchSize: options.batchSize ?? 1000,
    dropLastBatch: options.dropLastBatch ?? false,
    withIndices: options.withIndices ?? false,
    inputColumns: options.inputColumns ?? null,
    removeColumns: removed,
    features: options.features ?? null,
    fnKwargs: options.fnKwargs ?? null,
  });
  const files = dataset.table.files;
  const cachePath = files.length > 0 && !options.keepInMemory ? cacheFilePath(files, fingerprint) : undefined;
  if (cachePath && options.loadFromCacheFile !== false && existsSync(cachePath)) {
    const table = ArrowTable.fromIpcFiles([cachePath]);
    return dataset.derive({
      table,
      indices: undefined,
      fingerprint,
      features: featuresOfSchema(table.schema),
    });
  }

  let features: Features | undefined = options.features;
  // The output schema of each set of column names met (one, almost always): made once, not per batch,
  // since each carries the features' JSON in its metadata.
  const schemas = new Map<string, Schema>();
  const encoded = (async function* () {
    for await (const { batch, input, output } of applyFunction(dataset, fn, options)) {
      const returned = returnedColumns(batch, input, output, options.batched ?? false, dataset.format.int64);
      const names = outputNames(dataset.columnNames, removed, returned);
      features ??= outputFeatures(dataset, names, returned);
      const known = features;
      const key = names.join("\0");
      let schema = schemas.get(key);
      if (!schema) {
        schema = arrowSchemaOf(Object.fromEntries(names.map((name) => [name, known[name] as Feature])));
        schemas.set(key, schema);
      }
      yield combine(batch, names, returned, known, schema);
    }
  })();

  if (cachePath) {
    const first = await encoded.next();
    if (first.done) return dataset.select([]).derive({ fingerprint });
    const schema = (first.value as RecordBatch).schema;
    await writeBatches(cachePath, schema, prepend(first.value as RecordBatch, encoded));
    const table = ArrowTable.fromIpcFiles([cachePath]);
    return dataset.derive({ table, indices: undefined, fingerprint, features: features as Features });
  }
  const batches: RecordBatch[] = [];
  for await (const batch of encoded) batches.push(batch);
  if (batches.length === 0) return dataset.select([]).derive({ fingerprint });
  const schema = arrowSchemaOf(features as Features);
  return dataset.derive({
    table: ArrowTable.fromBatches(schema, batches),
    indices: undefined,
    fingerprint,
    features: features as Features,
  });
}

export async function filterDataset(
  dataset: Dataset,
  predicate: MapFunction,
  options: FilterOptions,
): Promise<Dataset> {
  const fingerprint = updateFingerprint(dataset.fingerprint, "filter", {
    predicate,
    batched: options.batched ?? false,
    batchSize: options.batchSize ?? 1000,
    withIndices: options.withIndices ?? false,
    inputColumns: options.inputColumns ?? null,
    fnKwargs: options.fnKwargs ?? null,
  });
  // Row numbers kept, written into one array as long as the dataset (a push per row cost a third of
  // the time on millions of rows); cut to size at the end.
  const kept = new Uint32Array(dataset.numRows);
  let keptCount = 0;
  for await (const { batch, output, start } of applyFunction(dataset, predicate, options)) {
    const length = batch.numRows;
    const verdicts = output as ArrayLike<unknown>;
    if (!verdicts || verdicts.length !== length) {
      throw new InvalidArgumentError(
        `filter's function must return one boolean per row; got ${verdicts?.length ?? verdicts} for ${length} rows.`,
      );
    }
    for (let i = 0; i < length; i++) if (verdicts[i]) kept[keptCount++] = start + i;
  }
  return dataset.withIndices(kept.slice(0, keptCount), fingerprint);
}

/**
 * The columns the function returned, as full columns of the batch's length (or of the batched output's
 * length). A row function that leaves out a column another row returned keeps that row's old value, as
 * Python's `example.update(output)` does; a new column it leaves out is null.
 */
function returnedColumns(
  batch: RecordBatch,
  input: Columns,
  output: unknown,
  batched: boolean,
  int64: Int64Mode,
): Columns {
  if (batched) {
    if (output === undefined || output === null) return {};
    if (typeof output !== "object" || Array.isArray(output)) {
      throw new InvalidArgumentError("A batched map function must return an object of columns (or nothing).");
    }
    const returned = output as Columns;
    if (new Set(Object.values(returned).map((values) => values.length)).size > 1) {
      throw new CastError("A batched map function returned columns of different lengths.");
    }
    return returned;
  }
  const rows = output as unknown[];
  const names = new Set<string>();
  for (const row of rows) {
    if (row === undefined || row === null) continue;
    if (typeof row !== "object" || Array.isArray(row)) {
      throw new InvalidArgumentError("A map function must return an object (or nothing).");
    }
    for (const name of Object.keys(row)) names.add(name);
  }
  const columns: Columns = {};
  for (const name of names) {
    const index = batch.schema.fields.findIndex((field) => field.name === name);
    const original =
      input[name] ??
      (index >= 0 ? readValues(batch.data.children[index] as Data, { int64, where: name }) : undefined);
    const column = new Array<unknown>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i] as Record<string, unknown> | undefined | null;
      column[i] = row && name in row ? row[name] : original ? original[i] : null;
    }
    columns[name] = column;
  }
  return columns;
}

/** Python's column order: the input's (minus removed ones, updated in place), then new ones. */
function outputNames(inputNames: readonly string[], removed: readonly string[], returned: Columns): string[] {
  const kept = inputNames.filter((name) => !removed.includes(name) || name in returned);
  return [...kept, ...Object.keys(returned).filter((name) => !kept.includes(name))];
}

/** Features of the output: inferred for returned columns, the input's for the rest. */
function outputFeatures(dataset: Dataset, names: readonly string[], returned: Columns): Features {
  const inferred = inferFeatures(returned);
  return Object.fromEntries(
    names.map((name) => [name, (inferred[name] ?? dataset.features[name]) as Feature]),
  );
}

/** The output batch: returned columns encoded, the others taken over from the input as Arrow data. */
function combine(
  batch: RecordBatch,
  names: readonly string[],
  returned: Columns,
  features: Features,
  schema: Schema,
): RecordBatch {
  const lengths = Object.values(returned).map((values) => values.length);
  const length = lengths[0] ?? batch.numRows;
  const stale = names.filter((name) => !(name in returned));
  if (length !== batch.numRows && stale.length > 0) {
    throw new CastError(
      `The map function turned ${batch.numRows} rows into ${length}, so the input columns ${stale.join(", ")} cannot be ` +
        "kept; pass them in removeColumns.",
    );
  }
  const missing = Object.keys(returned).filter((name) => !(name in features));
  if (missing.length > 0) {
    throw new CastError(
      `The map function returned column(s) ${missing.join(", ")} that its first batch did not.`,
    );
  }
  const children = names.map((name) => {
    const values = returned[name];
    if (values) return encodeColumn(features[name] as Feature, values as ArrayLike<unknown>, name);
    return batch.data.children[batch.schema.fields.findIndex((field) => field.name === name)] as Data;
  });
  return batchOf(schema, children, length);
}

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}
