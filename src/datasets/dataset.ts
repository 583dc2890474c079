/**
 * `Dataset`: rows of typed columns over an Arrow table (in memory, or stream files read lazily), an
 * optional indices mapping as in Python (so `filter`, `shuffle`, `sort` and non-contiguous `select` move
 * no data), features, a fingerprint and an output format. A dataset never changes: every transform
 * returns a new one. Transforms that run your function or write files are async; the rest are not.
 *
 * Heavy transforms live beside this file (`transforms/`), disk formats in `disk/`.
 */
import { type Data, RecordBatch, type Schema } from "apache-arrow";
import { InvalidArgumentError } from "../core/errors.js";
import type { CommitInfo } from "../hub/create-commit.js";
import { ArrowTable, batchOf } from "./arrow/arrow-table.js";
import type { Int64Mode } from "./arrow/read-values.js";
import type { DatasetDict } from "./dataset-dict.js";
import { type SaveToDiskOptions, saveDatasetToDisk } from "./disk/save-to-disk.js";
import { encodeBatch } from "./encode-batch.js";
import { ColumnNotFoundError } from "./errors.js";
import { ClassLabel, type Feature, type Features } from "./features/feature-types.js";
import { arrowSchemaOf } from "./features/features-arrow.js";
import { randomFingerprint, updateFingerprint } from "./fingerprint.js";
import {
  type Columns,
  columnsOf,
  type DatasetFormat,
  DEFAULT_FORMAT,
  type FormatType,
  rowsOf,
} from "./format.js";
import { IterableDataset } from "./iterable/iterable-dataset.js";
import { type PushToHubOptions, pushSplitsToHub } from "./push/push-to-hub.js";
import { fromArrow, fromCsv, fromGenerator, fromJson, fromParquet, fromText } from "./readers/from-files.js";
import type { CsvReadOptions } from "./readers/read-csv.js";
import type { JsonReadOptions } from "./readers/read-json.js";
import type { ParquetReadOptions } from "./readers/read-parquet.js";
import { castDataset } from "./transforms/cast.js";
import { concatenateDatasets } from "./transforms/concatenate.js";
import { flattenDataset } from "./transforms/flatten.js";
import { flattenIndices } from "./transforms/flatten-indices.js";
import {
  type FilterOptions,
  filterDataset,
  type MapFunction,
  type MapOptions,
  mapDataset,
} from "./transforms/map.js";
import {
  type ShuffleOptions,
  shuffleDataset,
  type TrainTestSplitOptions,
  trainTestSplit,
} from "./transforms/shuffle.js";
import { type SortOptions, sortDataset } from "./transforms/sort.js";
import { type ToParquetOptions, toParquet } from "./writers/to-parquet.js";
import { type ToCsvOptions, toCsv, toJson } from "./writers/to-text.js";

/** What Python keeps in `dataset_info.json` besides the features, with Python's keys. */
export interface DatasetInfo {
  description: string;
  citation: string;
  homepage: string;
  license: string;
  [key: string]: unknown;
}

export const EMPTY_INFO: DatasetInfo = { description: "", citation: "", homepage: "", license: "" };

export interface DatasetState {
  table: ArrowTable;
  features: Features;
  /** Logical row i is table row indices[i]; no mapping means the table's own order. */
  indices: Uint32Array | Float64Array | undefined;
  fingerprint: string;
  info: DatasetInfo;
  split: string | null;
  format: DatasetFormat;
}

export interface FormatOptions {
  columns?: readonly string[];
  outputAllColumns?: boolean;
  int64?: Int64Mode;
}

export interface FromColumnsOptions {
  features?: Features;
  info?: Partial<DatasetInfo>;
  split?: string;
}

export class Dataset {
  readonly table: ArrowTable;
  readonly features: Features;
  readonly indices: Uint32Array | Float64Array | undefined;
  readonly fingerprint: string;
  readonly info: DatasetInfo;
  readonly split: string | null;
  /** How rows are handed out; `setFormat` changes it in place, as Python's `set_format` does. */
  format: DatasetFormat;

  constructor(state: DatasetState) {
    this.table = state.table;
    this.features = state.features;
    this.indices = state.indices;
    this.fingerprint = state.fingerprint;
    this.info = state.info;
    this.split = state.split;
    this.format = state.format;
  }

  /** A dataset from columns: `{text: [...], label: [...]}`. Types are inferred unless `features` says. */
  static fromDict(columns: Columns, options: FromColumnsOptions = {}): Dataset {
    const { batch, features } = encodeBatch(columns, options.features);
    return Dataset.fromBatches(batch.schema, [batch], features, options);
  }

  /** A dataset from rows: `[{text, label}, ...]`; the columns are the keys seen, in first-seen order. */
  static fromList(rows: readonly Record<string, unknown>[], options: FromColumnsOptions = {}): Dataset {
    const names = options.features
      ? Object.keys(options.features)
      : [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const columns: Columns = Object.fromEntries(
      names.map((name) => [name, rows.map((row) => row[name] ?? null)]),
    );
    return Dataset.fromDict(columns, options);
  }

  /** Parquet files or globs (read row group by row group). */
  static fromParquet(
    paths: string | readonly string[],
    options: FromColumnsOptions & ParquetReadOptions = {},
  ): Promise<Dataset> {
    return fromParquet(paths, options);
  }

  /** CSV files or globs, typed as pandas types them unless `features` says. */
  static fromCsv(
    paths: string | readonly string[],
    options: FromColumnsOptions & CsvReadOptions = {},
  ): Promise<Dataset> {
    return fromCsv(paths, options);
  }

  /** JSON Lines or JSON array files or globs. */
  static fromJson(
    paths: string | readonly string[],
    options: FromColumnsOptions & JsonReadOptions = {},
  ): Promise<Dataset> {
    return fromJson(paths, options);
  }

  /** Text files or globs, one `text` row per line. */
  static fromText(
    paths: string | readonly string[],
    options: FromColumnsOptions & { keepLinebreaks?: boolean } = {},
  ): Promise<Dataset> {
    return fromText(paths, options);
  }

  /** Arrow stream files (read lazily in place) or IPC files. */
  static fromArrow(paths: string | readonly string[], options: FromColumnsOptions = {}): Promise<Dataset> {
    return fromArrow(paths, options);
  }

  /** Rows from a generator function, sync or async. */
  static fromGenerator(
    generator: () => Iterable<Record<string, unknown>> | AsyncIterable<Record<string, unknown>>,
    options: FromColumnsOptions = {},
  ): Promise<Dataset> {
    return fromGenerator(generator, options);
  }

  /** A dataset over Arrow record batches already in memory. */
  static fromBatches(
    schema: Schema,
    batches: readonly RecordBatch[],
    features: Features,
    options: FromColumnsOptions = {},
  ): Dataset {
    return new Dataset({
      table: ArrowTable.fromBatches(schema, batches),
      features,
      indices: undefined,
      fingerprint: randomFingerprint(),
      info: { ...EMPTY_INFO, ...options.info },
      split: options.split ?? null,
      format: DEFAULT_FORMAT,
    });
  }

  /** A copy with some state replaced. */
  derive(changes: Partial<DatasetState>): Dataset {
    return new Dataset({ ...this.state(), ...changes });
  }

  private state(): DatasetState {
    return {
      table: this.table,
      features: this.features,
      indices: this.indices,
      fingerprint: this.fingerprint,
      info: this.info,
      split: this.split,
      format: this.format,
    };
  }

  get numRows(): number {
    return this.indices ? this.indices.length : this.table.numRows;
  }

  get numColumns(): number {
    return this.columnNames.length;
  }

  get columnNames(): string[] {
    return Object.keys(this.features);
  }

  /** [rows, columns], as Python's `shape`. */
  get shape(): [number, number] {
    return [this.numRows, this.numColumns];
  }

  /** The Arrow files under this dataset, as Python's `cache_files`. */
  get cacheFiles(): { filename: string }[] {
    return this.table.files.map((filename) => ({ filename }));
  }

  // ---- reading ------------------------------------------------------------------------------------

  /** Logical rows [start, end) as one Arrow record batch, through the indices mapping if any. */
  recordBatch(start = 0, end = this.numRows): RecordBatch {
    const from = Math.max(0, Math.min(start, this.numRows));
    const to = Math.max(from, Math.min(end, this.numRows));
    return this.indices ? this.table.gather(this.indices.subarray(from, to)) : this.table.range(from, to);
  }

  /** Row `index` (negative counts from the end) in the dataset's format. */
  get(index: number): Record<string, unknown> | RecordBatch {
    const row = index < 0 ? this.numRows + index : index;
    if (!Number.isInteger(row) || row < 0 || row >= this.numRows) {
      throw new RangeError(`Row ${index} is outside this dataset of ${this.numRows} rows.`);
    }
    const batch = this.recordBatch(row, row + 1);
    return this.format.type === "arrow" ? batch : (rowsOf(batch, this.format)[0] as Record<string, unknown>);
  }

  /** Rows [start, end) as columns (Python's `dataset[start:end]`), or a record batch in arrow format. */
  getRange(start: number, end: number): Columns | RecordBatch {
    const batch = this.recordBatch(start, end);
    return this.format.type === "arrow" ? batch : columnsOf(batch, this.format);
  }

  /** One column's values (Python's `dataset[name]`). */
  getColumn(name: string): unknown[] | ArrayLike<unknown> {
    this.assertColumns([name]);
    const values = columnsOf(this.selectColumns([name]).recordBatch(), {
      ...this.format,
      columns: undefined,
      transform: undefined,
    });
    return values[name] as unknown[];
  }

  *[Symbol.iterator](): Generator<Record<string, unknown>> {
    for (const batch of this.recordBatches(1000)) yield* rowsOf(batch, this.format);
  }

  /** Batches of `batchSize` rows as columns (or record batches in arrow format). */
  *iter(options: { batchSize: number; dropLastBatch?: boolean }): Generator<Columns | RecordBatch> {
    for (const batch of this.recordBatches(options.batchSize, options.dropLastBatch)) {
      yield this.format.type === "arrow" ? batch : columnsOf(batch, this.format);
    }
  }

  /** Record batches of `batchSize` rows, in order. */
  *recordBatches(batchSize: number, dropLastBatch = false): Generator<RecordBatch> {
    if (!(batchSize > 0)) throw new InvalidArgumentError(`batchSize must be positive, got ${batchSize}.`);
    for (let start = 0; start < this.numRows; start += batchSize) {
      const end = Math.min(start + batchSize, this.numRows);
      if (dropLastBatch && end - start < batchSize) break;
      yield this.recordBatch(start, end);
    }
  }

  /**
   * All rows as record batches of at most `maxRows`, in order, following how the data is stored: without
   * a mapping, each batch is a zero-copy slice of one stored batch (sizes vary); with one, rows are
   * gathered. For work that needs every row but no particular batch size (writing, sorting keys).
   */
  *storedBatches(maxRows: number): Generator<RecordBatch> {
    if (this.indices) {
      yield* this.recordBatches(maxRows);
      return;
    }
    for (const segment of this.table.segments) {
      const batch = segment.load();
      for (let start = 0; start < batch.numRows; start += maxRows) {
        const slice = batch.slice(start, Math.min(start + maxRows, batch.numRows));
        yield slice.schema === this.table.schema ? slice : new RecordBatch(this.table.schema, slice.data);
      }
    }
  }

  /** Every row as an object. */
  toList(): Record<string, unknown>[] {
    return rowsOf(this.recordBatch(), { ...this.format, transform: undefined });
  }

  /** Every column as an array. */
  toDict(): Columns {
    return columnsOf(this.recordBatch(), { ...this.format, type: "python", transform: undefined });
  }

  // ---- format -------------------------------------------------------------------------------------

  /** The same rows handed out another way: `"python"` (objects), `"arrow"` or `"typed"`. */
  withFormat(type: FormatType | null = "python", options: FormatOptions = {}): Dataset {
    return this.derive({ format: this.formatOf(type, options) });
  }

  /** Changes how this dataset hands out rows, in place (Python's `set_format`). */
  setFormat(type: FormatType | null = "python", options: FormatOptions = {}): void {
    this.format = this.formatOf(type, options);
  }

  private formatOf(type: FormatType | null, options: FormatOptions): DatasetFormat {
    if (options.columns) this.assertColumns(options.columns);
    return {
      type: type ?? "python",
      columns: options.columns,
      outputAllColumns: options.outputAllColumns ?? false,
      int64: options.int64 ?? this.format.int64,
      transform: undefined,
    };
  }

  /** The same rows with `transform` applied to each batch handed out (Python's `with_transform`). */
  withTransform(
    transform: (batch: Columns) => Columns,
    options: { columns?: readonly string[] } = {},
  ): Dataset {
    return this.derive({ format: { ...this.format, type: "python", columns: options.columns, transform } });
  }

  /** Back to plain objects and arrays, in place (Python's `reset_format`). */
  resetFormat(): void {
    this.format = DEFAULT_FORMAT;
  }

  // ---- selecting rows -----------------------------------------------------------------------------

  /** The rows named, in that order. A contiguous ascending run slices; anything else adds a mapping. */
  select(indices: Iterable<number> | ArrayLike<number>): Dataset {
    const wanted = Float64Array.from(indices as ArrayLike<number>);
    for (const index of wanted) {
      if (!Number.isInteger(index) || index < 0 || index >= this.numRows) {
        throw new RangeError(`select: row ${index} is outside this dataset of ${this.numRows} rows.`);
      }
    }
    const fingerprint = updateFingerprint(this.fingerprint, "select", { indices: wanted });
    if (!this.indices && isContiguous(wanted)) {
      const start = wanted.length > 0 ? (wanted[0] as number) : 0;
      return this.derive({ table: this.table.slice(start, start + wanted.length), fingerprint });
    }
    return this.withIndices(wanted, fingerprint);
  }

  /** A dataset whose logical rows are `rows` (logical row numbers of this one). */
  withIndices(rows: Float64Array | Uint32Array, fingerprint: string): Dataset {
    const current = this.indices;
    let mapped: Float64Array | Uint32Array;
    if (current) {
      mapped = current instanceof Uint32Array ? new Uint32Array(rows.length) : new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) mapped[i] = current[rows[i] as number] as number;
    } else {
      mapped = this.table.numRows <= 0xffffffff ? Uint32Array.from(rows) : Float64Array.from(rows);
    }
    return this.derive({ indices: mapped, fingerprint });
  }

  /** All rows but the first n. */
  skip(n: number): Dataset {
    return this.range(Math.min(n, this.numRows), this.numRows, "skip", { n });
  }

  /** The first n rows. */
  take(n: number): Dataset {
    return this.range(0, Math.min(n, this.numRows), "take", { n });
  }

  private range(start: number, end: number, transform: string, args: Record<string, unknown>): Dataset {
    const fingerprint = updateFingerprint(this.fingerprint, transform, args);
    if (this.indices) return this.derive({ indices: this.indices.subarray(start, end), fingerprint });
    return this.derive({ table: this.table.slice(start, end), fingerprint });
  }

  /**
   * Shard `index` of `numShards`: contiguous blocks (the first `n % k` one row longer) or, with
   * `contiguous: false`, every k-th row from `index`, as Python does.
   */
  shard(options: { numShards: number; index: number; contiguous?: boolean }): Dataset {
    const { numShards, index } = options;
    if (
      !Number.isInteger(numShards) ||
      numShards < 1 ||
      !Number.isInteger(index) ||
      index < 0 ||
      index >= numShards
    ) {
      throw new InvalidArgumentError(
        `shard needs 0 <= index < numShards, got index ${index} of ${numShards}.`,
      );
    }
    if (options.contiguous === false) {
      const rows: number[] = [];
      for (let row = index; row < this.numRows; row += numShards) rows.push(row);
      return this.select(rows);
    }
    const size = Math.floor(this.numRows / numShards);
    const longer = this.numRows % numShards;
    const start = size * index + Math.min(index, longer);
    const end = start + size + (index < longer ? 1 : 0);
    return this.range(start, end, "shard", options);
  }

  /** The dataset repeated `times` times. */
  repeat(times: number): Dataset {
    if (!Number.isInteger(times) || times < 0)
      throw new InvalidArgumentError(`repeat needs a whole number, got ${times}.`);
    const rows = new Float64Array(this.numRows * times);
    for (let i = 0; i < rows.length; i++) rows[i] = i % this.numRows;
    return this.withIndices(rows, updateFingerprint(this.fingerprint, "repeat", { times }));
  }

  shuffle(options: ShuffleOptions = {}): Dataset {
    return shuffleDataset(this, options);
  }

  trainTestSplit(options: TrainTestSplitOptions = {}): DatasetDict {
    return trainTestSplit(this, options);
  }

  sort(columns: string | readonly string[], options: SortOptions = {}): Dataset {
    return sortDataset(this, typeof columns === "string" ? [columns] : columns, options);
  }

  /** The rows for which `predicate` holds, as an indices mapping (no data is rewritten). */
  filter(predicate: MapFunction, options: FilterOptions = {}): Promise<Dataset> {
    return filterDataset(this, predicate, options);
  }

  /** `fn` applied to every row (or batch); see `MapOptions`. Cached beside file-backed data. */
  map(fn: MapFunction, options: MapOptions = {}): Promise<Dataset> {
    return mapDataset(this, fn, options);
  }

  /** The rows written out in their mapped order, so reading them no longer goes through a mapping. */
  flattenIndices(): Promise<Dataset> {
    return flattenIndices(this);
  }

  saveToDisk(path: string, options: SaveToDiskOptions = {}): Promise<void> {
    return saveDatasetToDisk(this, path, options);
  }

  /** Uploads this dataset to a Hub dataset repo as one split (default `train`) of a config, in one commit. */
  pushToHub(repoId: string, options: PushToHubOptions & { split?: string } = {}): Promise<CommitInfo> {
    return pushSplitsToHub(repoId, { [options.split ?? this.split ?? "train"]: this }, options);
  }

  /** The rows as a stream of `numShards` contiguous shards (Python's `to_iterable_dataset`). */
  toIterableDataset(options: { numShards?: number } = {}): IterableDataset {
    return IterableDataset.fromDataset(this, options);
  }

  /** Writes parquet; resolves to the bytes written. */
  toParquet(path: string, options: ToParquetOptions = {}): Promise<number> {
    return toParquet(this, path, options);
  }

  /** Writes CSV as pandas would; resolves to the bytes written. */
  toCsv(path: string, options: ToCsvOptions = {}): Promise<number> {
    return toCsv(this, path, options);
  }

  /** Writes JSON Lines records; resolves to the bytes written. */
  toJson(path: string): Promise<number> {
    return toJson(this, path);
  }

  // ---- columns ------------------------------------------------------------------------------------

  assertColumns(names: readonly string[]): void {
    for (const name of names)
      if (!(name in this.features)) throw new ColumnNotFoundError(name, this.columnNames);
  }

  /** Only these columns, in this order. */
  selectColumns(names: string | readonly string[]): Dataset {
    const wanted = typeof names === "string" ? [names] : [...names];
    this.assertColumns(wanted);
    return this.projectColumns(
      wanted.map((name) => [name, name]),
      updateFingerprint(this.fingerprint, "selectColumns", { wanted }),
    );
  }

  removeColumns(names: string | readonly string[]): Dataset {
    const dropped = typeof names === "string" ? [names] : [...names];
    this.assertColumns(dropped);
    const kept = this.columnNames.filter((name) => !dropped.includes(name));
    return this.projectColumns(
      kept.map((name) => [name, name]),
      updateFingerprint(this.fingerprint, "removeColumns", { dropped }),
    );
  }

  renameColumn(from: string, to: string): Dataset {
    return this.renameColumns({ [from]: to });
  }

  renameColumns(mapping: Record<string, string>): Dataset {
    this.assertColumns(Object.keys(mapping));
    const renamed = this.columnNames.map((name): [string, string] => [name, mapping[name] ?? name]);
    const targets = renamed.map(([, to]) => to);
    const clash = targets.find((name, i) => targets.indexOf(name) !== i);
    if (clash) throw new InvalidArgumentError(`Renaming would give two columns the name "${clash}".`);
    return this.projectColumns(renamed, updateFingerprint(this.fingerprint, "renameColumns", { mapping }));
  }

  /** Keeps `[source, target]` columns, in that order, without reading any data. */
  private projectColumns(pairs: readonly [string, string][], fingerprint: string): Dataset {
    const features: Features = Object.fromEntries(
      pairs.map(([from, to]) => [to, this.features[from] as Feature]),
    );
    const schema = arrowSchemaOf(features);
    const sourceIndex = pairs.map(([from]) =>
      this.table.schema.fields.findIndex((field) => field.name === from),
    );
    const table = this.table.project(schema, (batch) => {
      const children = sourceIndex.map((index) => batch.data.children[index] as Data);
      return batchOf(schema, children, batch.numRows);
    });
    const keptFormatColumns = this.format.columns?.filter((name) => pairs.some(([from]) => from === name));
    return this.derive({
      table,
      features,
      fingerprint,
      format: { ...this.format, columns: keptFormatColumns },
    });
  }

  /** A new column from values (one per row) and an optional feature. */
  addColumn(name: string, values: ArrayLike<unknown>, feature?: Feature): Dataset {
    if (name in this.features)
      throw new InvalidArgumentError(`Column "${name}" exists already; rename or remove it first.`);
    if (values.length !== this.numRows) {
      throw new InvalidArgumentError(`addColumn got ${values.length} values for ${this.numRows} rows.`);
    }
    const added = Dataset.fromDict(
      { [name]: values as unknown[] },
      feature ? { features: { [name]: feature } } : {},
    );
    const fingerprint = updateFingerprint(this.fingerprint, "addColumn", { name, values, feature });
    return concatenateDatasets([this, added], { axis: 1 }).derive({ fingerprint });
  }

  /** The rows converted to new features (one per column); see `castValue` for what converts. */
  cast(features: Features): Dataset {
    return castDataset(this, features);
  }

  /** One column converted to a new feature. */
  castColumn(name: string, feature: Feature): Dataset {
    this.assertColumns([name]);
    return castDataset(this, { ...this.features, [name]: feature });
  }

  /** Struct columns replaced by their fields, named `parent.child`. */
  flatten(options: { maxDepth?: number } = {}): Dataset {
    return flattenDataset(this, options.maxDepth);
  }

  /** The distinct values of a column, in the order they first appear. */
  unique(column: string): unknown[] {
    this.assertColumns([column]);
    const seen = new Map<unknown, unknown>();
    const view = this.selectColumns([column]).withFormat("python", { int64: this.format.int64 });
    for (const batch of view.storedBatches(65_536)) {
      for (const value of columnsOf(batch, view.format)[column] as unknown[]) {
        const key = value instanceof Date ? `date:${value.getTime()}` : value;
        if (!seen.has(key)) seen.set(key, value);
      }
    }
    return [...seen.values()];
  }

  /** A string column turned into a ClassLabel whose names are its sorted distinct values. */
  classEncodeColumn(column: string, options: { includeNulls?: boolean } = {}): Dataset {
    const values = this.unique(column);
    const names = values.filter((value): value is string => typeof value === "string").sort();
    if (names.length !== values.filter((value) => value !== null).length) {
      throw new InvalidArgumentError(
        `classEncodeColumn needs a string column; "${column}" holds other values.`,
      );
    }
    if (options.includeNulls && values.includes(null)) names.push("None");
    const label = new ClassLabel({ names });
    const encoded = this.withFormat().selectColumns([column]).toDict()[column] as (string | null)[];
    const labels = encoded.map((value) =>
      value === null ? (options.includeNulls ? label.str2int("None") : null) : value,
    );
    const rest = this.removeColumns([column]).materialise();
    const added = rest.addColumn(column, labels, label);
    return added.selectColumns(this.columnNames).derive({
      fingerprint: updateFingerprint(this.fingerprint, "classEncodeColumn", { column, options }),
    });
  }

  /** Rows grouped into batches: each new row holds `batchSize` rows' values as lists. */
  batch(batchSize: number, options: { dropLastBatch?: boolean } = {}): Promise<Dataset> {
    return this.map(
      (columns: Columns) =>
        Object.fromEntries(Object.entries(columns).map(([name, values]) => [name, [values]])),
      {
        batched: true,
        batchSize,
        dropLastBatch: options.dropLastBatch,
        removeColumns: this.columnNames,
      },
    );
  }

  /** The dataset with one more row at the end. */
  addItem(row: Record<string, unknown>): Dataset {
    const extra = Dataset.fromList([row], { features: this.features });
    return concatenateDatasets([this, extra]).derive({
      fingerprint: updateFingerprint(this.fingerprint, "addItem", { row }),
    });
  }

  /** The rows through the mapping, in memory, as a dataset without one. */
  materialise(): Dataset {
    if (!this.indices) return this;
    const batch = this.recordBatch();
    return this.derive({ table: ArrowTable.fromBatches(batch.schema, [batch]), indices: undefined });
  }

  toString(): string {
    return `Dataset({ features: [${this.columnNames.map((name) => `'${name}'`).join(", ")}], num_rows: ${this.numRows} })`;
  }
}

function isContiguous(rows: Float64Array): boolean {
  for (let i = 1; i < rows.length; i++) if ((rows[i] as number) !== (rows[i - 1] as number) + 1) return false;
  return true;
}
