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
import type { RecordBatch } from "apache-arrow";
import { InvalidArgumentError } from "../../core/errors.js";
import { ArrowTable } from "../arrow/arrow-table.js";
import type { Dataset } from "../dataset.js";
import { WRITER_BATCH_SIZE, writeBatches } from "../disk/write-batches.js";
import { encodeBatch } from "../encode-batch.js";
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

/** Calls `fn` on each row or batch, yielding the input columns and what the function returned. */
async function* applyFunction(
  dataset: Dataset,
  fn: MapFunction,
  options: MapOptions,
): AsyncGenerator<{ input: Columns; output: unknown; start: number; length: number }> {
  const inputColumns = asList(options.inputColumns);
  dataset.assertColumns(inputColumns);
  const format = { ...dataset.format, type: "python" as const, columns: undefined, transform: undefined };
  const batchSize = options.batched
    ? options.batchSize && options.batchSize > 0
      ? options.batchSize
      : Math.max(dataset.numRows, 1)
    : WRITER_BATCH_SIZE;
  let start = 0;
  for (const batch of dataset.recordBatches(batchSize, options.batched ? options.dropLastBatch : false)) {
    const input = columnsOf(batch, format);
    const indices = Array.from({ length: batch.numRows }, (_, i) => start + i);
    if (options.batched) {
      const args: unknown[] = inputColumns.length > 0 ? inputColumns.map((name) => input[name]) : [input];
      if (options.withIndices) args.push(indices);
      if (options.fnKwargs) args.push(options.fnKwargs);
      yield { input, output: await fn(...args), start, length: batch.numRows };
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
      yield { input, output: outputs, start, length: batch.numRows };
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
  const encoded = (async function* () {
    for await (const { input, output, length } of applyFunction(dataset, fn, options)) {
      const { columns, returned } = mergeOutput(input, output, length, removed, options.batched ?? false);
      features ??= outputFeatures(dataset, columns, returned);
      yield encodeBatch(columns, features).batch;
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
  const kept: number[] = [];
  for await (const { output, start, length } of applyFunction(dataset, predicate, options)) {
    const verdicts = output as ArrayLike<unknown>;
    if (!verdicts || verdicts.length !== length) {
      throw new InvalidArgumentError(
        `filter's function must return one boolean per row; got ${verdicts?.length ?? verdicts} for ${length} rows.`,
      );
    }
    for (let i = 0; i < length; i++) if (verdicts[i]) kept.push(start + i);
  }
  return dataset.withIndices(Float64Array.from(kept), fingerprint);
}

/** The input columns (minus removed ones) updated with what the function returned. */
function mergeOutput(
  input: Columns,
  output: unknown,
  length: number,
  removed: readonly string[],
  batched: boolean,
): { columns: Columns; returned: Set<string> } {
  const merged: Columns = {};
  for (const [name, values] of Object.entries(input)) if (!removed.includes(name)) merged[name] = values;
  if (batched) {
    if (output === undefined || output === null) return { columns: merged, returned: new Set() };
    if (typeof output !== "object" || Array.isArray(output)) {
      throw new InvalidArgumentError("A batched map function must return an object of columns (or nothing).");
    }
    const returned = output as Columns;
    const lengths = new Set(Object.values(returned).map((values) => values.length));
    const outLength = lengths.size === 0 ? length : (lengths.values().next().value as number);
    if (lengths.size > 1)
      throw new CastError("A batched map function returned columns of different lengths.");
    if (outLength !== length) {
      const stale = Object.keys(merged).filter((name) => !(name in returned));
      if (stale.length > 0) {
        throw new CastError(
          `The map function turned ${length} rows into ${outLength}, so the input columns ${stale.join(", ")} cannot be kept; ` +
            "pass them in removeColumns.",
        );
      }
    }
    return { columns: { ...merged, ...returned }, returned: new Set(Object.keys(returned)) };
  }
  const rows = output as unknown[];
  const names = new Set(Object.keys(merged));
  const returned = new Set<string>();
  for (const row of rows) {
    if (row === undefined || row === null) continue;
    if (typeof row !== "object" || Array.isArray(row))
      throw new InvalidArgumentError("A map function must return an object (or nothing).");
    for (const name of Object.keys(row)) {
      names.add(name);
      returned.add(name);
    }
  }
  const out: Columns = {};
  for (const name of names) {
    const column = new Array<unknown>(length);
    const original = merged[name];
    for (let i = 0; i < length; i++) {
      const row = rows[i] as Record<string, unknown> | undefined | null;
      column[i] = row && name in row ? row[name] : original ? original[i] : null;
    }
    out[name] = column;
  }
  return { columns: out, returned };
}

/** Features of the output: the input's for columns the function did not return, inferred for the rest. */
function outputFeatures(dataset: Dataset, columns: Columns, returned: ReadonlySet<string>): Features {
  const fresh = Object.fromEntries(
    Object.entries(columns).filter(([name]) => returned.has(name) || !(name in dataset.features)),
  );
  const inferred = inferFeatures(fresh);
  return Object.fromEntries(
    Object.keys(columns).map((name) => [name, (inferred[name] ?? dataset.features[name]) as Feature]),
  );
}

async function* prepend<T>(first: T, rest: AsyncIterable<T>): AsyncGenerator<T> {
  yield first;
  yield* rest;
}
