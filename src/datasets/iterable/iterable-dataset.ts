/**
 * `IterableDataset`: rows streamed shard by shard and transformed lazily, as Python's streaming datasets.
 * A shard is anything that can give its rows from a position (a parquet file read row group by row group
 * with ranged requests, a JSON Lines or text file read line by line, a slice of a `Dataset`). Steps
 * (`map`, `filter`, `take`, `skip`, `batch`, `shuffle`) apply in order as rows flow.
 *
 * `shuffle({seed, bufferSize})` draws as Python does: the shard order from numpy's permutation of the
 * seed, then a buffer of `bufferSize` rows where, once full, a random slot (numpy's `integers`) is handed
 * out and refilled, the rest shuffled at the end. `stateDict()` records where the shards were read up to
 * and how far `take`/`skip` counted, so `loadStateDict` resumes mid-epoch; rows that were in a shuffle
 * buffer are lost on resume, as in Python.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Dataset } from "../dataset.js";
import type { Features } from "../features/feature-types.js";
import { epochSeed, Pcg64 } from "../random/numpy-rng.js";

export type Row = Record<string, unknown>;

/** One shard of a stream: its rows from `skip` on. */
export interface ShardReader {
  readonly name: string;
  rows(skip: number): AsyncIterable<Row>;
  /**
   * The same rows in arrays, for a shard that makes them that way (a parquet shard decodes a thousand
   * at a time): the stream then waits once per array instead of once per row.
   */
  chunks?(skip: number): AsyncIterable<Row[]>;
}

// biome-ignore lint/suspicious/noExplicitAny: user functions take rows of any shape
type RowFunction = (...args: any[]) => unknown;

type Step =
  | { kind: "map"; fn: RowFunction; batched: boolean; batchSize: number; removeColumns: readonly string[] }
  | { kind: "filter"; fn: RowFunction }
  | { kind: "take"; n: number }
  | { kind: "skip"; n: number }
  | { kind: "batch"; size: number; dropLast: boolean }
  | { kind: "shuffle"; seed: number | bigint; bufferSize: number };

export interface IterableState {
  /** Shards fully read, in the (possibly shuffled) shard order. */
  shardIndex: number;
  /** Rows read from the current shard. */
  shardExampleIndex: number;
  /** Rows counted so far by each take and skip step, by step position. */
  counted: Record<number, number>;
}

const START: IterableState = { shardIndex: 0, shardExampleIndex: 0, counted: {} };

export class IterableDataset {
  private state: IterableState = { ...START, counted: {} };
  private resumeFrom: IterableState | undefined;
  private epoch = 0;

  constructor(
    readonly shards: readonly ShardReader[],
    readonly features: Features | undefined = undefined,
    private readonly steps: readonly Step[] = [],
  ) {}

  /** A stream over a dataset's rows, in `numShards` contiguous shards (Python's `to_iterable_dataset`). */
  static fromDataset(dataset: Dataset, options: { numShards?: number } = {}): IterableDataset {
    const numShards = Math.max(1, Math.min(options.numShards ?? 1, dataset.numRows || 1));
    const shards = Array.from({ length: numShards }, (_, index): ShardReader => {
      const shard = dataset.shard({ numShards, index, contiguous: true });
      return {
        name: `shard ${index}`,
        async *rows(skip: number) {
          for (let row = skip; row < shard.numRows; row++) yield shard.get(row) as Row;
        },
      };
    });
    return new IterableDataset(shards, dataset.features);
  }

  get numShards(): number {
    return this.shards.length;
  }

  private with(step: Step): IterableDataset {
    return new IterableDataset(this.shards, this.features, [...this.steps, step]);
  }

  /** `fn` applied to each row (or batch of `batchSize` with `batched`); the result updates the row. */
  map(
    fn: RowFunction,
    options: { batched?: boolean; batchSize?: number; removeColumns?: readonly string[] } = {},
  ): IterableDataset {
    return this.with({
      kind: "map",
      fn,
      batched: options.batched ?? false,
      batchSize: options.batchSize ?? 1000,
      removeColumns: options.removeColumns ?? [],
    });
  }

  filter(fn: RowFunction): IterableDataset {
    return this.with({ kind: "filter", fn });
  }

  take(n: number): IterableDataset {
    return this.with({ kind: "take", n });
  }

  skip(n: number): IterableDataset {
    return this.with({ kind: "skip", n });
  }

  /** Rows grouped into batches: each item holds `batchSize` rows' values as lists. */
  batch(batchSize: number, options: { dropLastBatch?: boolean } = {}): IterableDataset {
    if (!(batchSize > 0)) throw new InvalidArgumentError(`batchSize must be positive, got ${batchSize}.`);
    return this.with({ kind: "batch", size: batchSize, dropLast: options.dropLastBatch ?? false });
  }

  /**
   * Sets the epoch, as Python's `set_epoch`: a shuffled stream is shuffled differently in each epoch
   * (the shard order and the buffer), reproducibly for a given seed and epoch.
   */
  setEpoch(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0)
      throw new InvalidArgumentError(`An epoch is a non-negative integer, not ${epoch}.`);
    this.epoch = epoch;
  }

  shuffle(options: { seed?: number | bigint; bufferSize?: number } = {}): IterableDataset {
    return this.with({
      kind: "shuffle",
      seed: options.seed ?? Math.floor(Math.random() * 2 ** 32),
      bufferSize: options.bufferSize ?? 1000,
    });
  }

  /** Shards `index`, `index + numShards`, ... of this stream, as Python's `shard` for iterables. */
  shard(options: { numShards: number; index: number }): IterableDataset {
    const { numShards, index } = options;
    if (numShards > this.shards.length) {
      throw new InvalidArgumentError(
        `This stream has ${this.shards.length} shards; it cannot be split into ${numShards}.`,
      );
    }
    return new IterableDataset(
      this.shards.filter((_, i) => i % numShards === index),
      this.features,
      this.steps,
    );
  }

  /** The stream read `times` times over. */
  repeat(times: number): IterableDataset {
    return new IterableDataset(
      Array.from({ length: times }, () => this.shards).flat(),
      this.features,
      this.steps,
    );
  }

  /** Where iteration has got to, for `loadStateDict`. */
  stateDict(): IterableState {
    return { ...this.state, counted: { ...this.state.counted } };
  }

  /** The next iteration starts where `state` was taken. */
  loadStateDict(state: IterableState): void {
    this.resumeFrom = { ...state, counted: { ...state.counted } };
  }

  /** The rows, through every step; the generators are chained directly, with no layer of its own. */
  [Symbol.asyncIterator](): AsyncGenerator<Row> {
    const resume = this.resumeFrom ?? START;
    this.resumeFrom = undefined;
    this.state = { ...resume, counted: { ...resume.counted } };
    let stream = this.baseRows(resume);
    this.steps.forEach((step, position) => {
      stream = applyStep(stream, step, position, this.state, this.epoch);
    });
    return stream;
  }

  private async *baseRows(resume: IterableState): AsyncGenerator<Row> {
    const shuffle = this.steps.find((step) => step.kind === "shuffle");
    let order = this.shards.map((_, i) => i);
    if (shuffle) {
      const permutation = new Pcg64(epochSeed(shuffle.seed, this.epoch)).permutation(this.shards.length);
      order = Array.from(permutation, (i) => order[i] as number);
    }
    for (let index = resume.shardIndex; index < order.length; index++) {
      const shard = this.shards[order[index] as number] as ShardReader;
      let read = index === resume.shardIndex ? resume.shardExampleIndex : 0;
      const chunks = shard.chunks ? shard.chunks(read) : oneRowChunks(shard.rows(read));
      for await (const chunk of chunks) {
        for (const row of chunk) {
          read++;
          this.state.shardIndex = index;
          this.state.shardExampleIndex = read;
          yield row;
        }
      }
      this.state.shardIndex = index + 1;
      this.state.shardExampleIndex = 0;
    }
  }
}

/** A shard's rows as arrays of one, for shards that have no chunks of their own. */
async function* oneRowChunks(rows: AsyncIterable<Row>): AsyncGenerator<Row[]> {
  for await (const row of rows) yield [row];
}

async function* applyStep(
  rows: AsyncGenerator<Row>,
  step: Step,
  position: number,
  state: IterableState,
  epoch: number,
): AsyncGenerator<Row> {
  switch (step.kind) {
    case "map":
      yield* step.batched ? mapBatches(rows, step) : mapRows(rows, step);
      return;
    case "filter":
      for await (const row of rows) if (await step.fn(row)) yield row;
      return;
    case "take":
      if ((state.counted[position] ?? 0) >= step.n) return;
      for await (const row of rows) {
        state.counted[position] = (state.counted[position] ?? 0) + 1;
        yield row;
        if ((state.counted[position] as number) >= step.n) return;
      }
      return;
    case "skip":
      for await (const row of rows) {
        if ((state.counted[position] ?? 0) < step.n) {
          state.counted[position] = (state.counted[position] ?? 0) + 1;
          continue;
        }
        yield row;
      }
      return;
    case "batch": {
      let batch: Row[] = [];
      for await (const row of rows) {
        batch.push(row);
        if (batch.length === step.size) {
          yield columnsOfRows(batch);
          batch = [];
        }
      }
      if (batch.length > 0 && !step.dropLast) yield columnsOfRows(batch);
      return;
    }
    case "shuffle":
      yield* shuffleBuffer(rows, epochSeed(step.seed, epoch), step.bufferSize);
      return;
  }
}

async function* mapRows(
  rows: AsyncGenerator<Row>,
  step: Extract<Step, { kind: "map" }>,
): AsyncGenerator<Row> {
  for await (const row of rows) {
    const output = (await step.fn(row)) as Row | undefined;
    const merged: Row = { ...row, ...output };
    for (const name of step.removeColumns) if (!output || !(name in output)) delete merged[name];
    yield merged;
  }
}

async function* mapBatches(
  rows: AsyncGenerator<Row>,
  step: Extract<Step, { kind: "map" }>,
): AsyncGenerator<Row> {
  let batch: Row[] = [];
  const flush = async function* (): AsyncGenerator<Row> {
    const input = columnsOfRows(batch);
    const output = ((await step.fn(input)) ?? {}) as Record<string, unknown[]>;
    const merged: Record<string, unknown[]> = { ...(input as Record<string, unknown[]>), ...output };
    for (const name of step.removeColumns) if (!(name in output)) delete merged[name];
    const length = Math.max(0, ...Object.values(merged).map((values) => values.length));
    for (let i = 0; i < length; i++)
      yield Object.fromEntries(Object.entries(merged).map(([name, values]) => [name, values[i]]));
    batch = [];
  };
  for await (const row of rows) {
    batch.push(row);
    if (batch.length === step.batchSize) yield* flush();
  }
  if (batch.length > 0) yield* flush();
}

/** Python draws the buffer's random slots 1,000 at a time (`integers(0, size, 1000)`); so must we. */
const RANDOM_BATCH = 1000;

/** Python's BufferShuffledExamplesIterable, drawn with numpy's generator. */
async function* shuffleBuffer(
  rows: AsyncGenerator<Row>,
  seed: number | bigint,
  bufferSize: number,
): AsyncGenerator<Row> {
  const rng = new Pcg64(seed);
  const buffer: Row[] = [];
  let slots: number[] = [];
  for await (const row of rows) {
    if (buffer.length === bufferSize) {
      if (slots.length === 0)
        slots = Array.from({ length: RANDOM_BATCH }, () => rng.bounded(bufferSize - 1)).reverse();
      const slot = slots.pop() as number;
      yield buffer[slot] as Row;
      buffer[slot] = row;
    } else {
      buffer.push(row);
    }
  }
  const order = rng.permutation(buffer.length);
  for (const i of order) yield buffer[i] as Row;
}

function columnsOfRows(rows: readonly Row[]): Row {
  const names = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  return Object.fromEntries(names.map((name) => [name, rows.map((row) => row[name] ?? null)]));
}
