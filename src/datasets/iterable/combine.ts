/**
 * `interleaveDatasets` and `splitDatasetByNode` for streams, as Python's: sources taken in turn, or at
 * random with `probabilities` (numpy's weighted `choice`, 1,000 draws at a time, from `seed`); stopping
 * when the first source runs out (`first_exhausted`, the default), when every source has run out at least
 * once with the finished ones started again (`all_exhausted`), or without starting them again
 * (`all_exhausted_without_replacement`). A node of `worldSize` gets whole shards when they divide evenly,
 * else every `worldSize`-th row.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Dataset } from "../dataset.js";
import { Pcg64 } from "../random/numpy-rng.js";
import { IterableDataset, type Row } from "./iterable-dataset.js";

export type StoppingStrategy = "first_exhausted" | "all_exhausted" | "all_exhausted_without_replacement";

export interface InterleaveOptions {
  probabilities?: readonly number[];
  seed?: number | bigint;
  stoppingStrategy?: StoppingStrategy;
}

const RANDOM_BATCH = 1000;

export function interleaveDatasets(
  sources: readonly IterableDataset[],
  options: InterleaveOptions = {},
): IterableDataset {
  if (sources.length === 0) throw new InvalidArgumentError("interleaveDatasets needs at least one dataset.");
  const { probabilities } = options;
  if (probabilities && probabilities.length !== sources.length) {
    throw new InvalidArgumentError(`${probabilities.length} probabilities for ${sources.length} datasets.`);
  }
  const strategy = options.stoppingStrategy ?? "first_exhausted";
  const shard = {
    name: "interleaved",
    async *rows(skip: number) {
      let emitted = 0;
      for await (const row of interleave(sources, probabilities, options.seed ?? 0, strategy)) {
        if (emitted++ >= skip) yield row;
      }
    },
  };
  return new IterableDataset([shard], sources[0]?.features);
}

async function* interleave(
  sources: readonly IterableDataset[],
  probabilities: readonly number[] | undefined,
  seed: number | bigint,
  strategy: StoppingStrategy,
): AsyncGenerator<Row> {
  const iterators = sources.map((source) => source[Symbol.asyncIterator]());
  const exhausted = sources.map(() => false);
  const rng = probabilities ? new Pcg64(seed) : undefined;
  let pending: number[] = [];
  let turn = 0;
  const next = (): number => {
    if (!rng) return turn++ % sources.length;
    if (pending.length === 0) pending = rng.choiceWeighted(probabilities as number[], RANDOM_BATCH).reverse();
    return pending.pop() as number;
  };
  for (;;) {
    const index = next();
    if (strategy === "all_exhausted_without_replacement" && exhausted[index]) continue;
    let result = await (iterators[index] as AsyncIterator<Row>).next();
    if (result.done) {
      exhausted[index] = true;
      if (strategy === "first_exhausted" || exhausted.every(Boolean)) return;
      if (strategy === "all_exhausted_without_replacement") continue;
      iterators[index] = (sources[index] as IterableDataset)[Symbol.asyncIterator]();
      result = await (iterators[index] as AsyncIterator<Row>).next();
      if (result.done) return;
    }
    yield result.value;
  }
}

/** The part of a dataset or stream node `rank` of `worldSize` works on. */
export function splitDatasetByNode<T extends Dataset | IterableDataset>(
  dataset: T,
  options: { rank: number; worldSize: number },
): T {
  const { rank, worldSize } = options;
  if (!(dataset instanceof IterableDataset)) {
    return (dataset as Dataset).shard({ numShards: worldSize, index: rank, contiguous: true }) as T;
  }
  if (dataset.numShards % worldSize === 0) return dataset.shard({ numShards: worldSize, index: rank }) as T;
  const shard = {
    name: `node ${rank} of ${worldSize}`,
    async *rows(skip: number) {
      let position = 0;
      let emitted = 0;
      for await (const row of dataset) {
        if (position++ % worldSize === rank && emitted++ >= skip) yield row;
      }
    },
  };
  return new IterableDataset([shard], dataset.features) as T;
}
