/**
 * `shuffle` and `trainTestSplit`, drawing their order from numpy's `default_rng(seed).permutation(n)` so
 * that a seed picks the same rows here as in Python. Both add an indices mapping; no data moves.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Dataset } from "../dataset.js";
import { DatasetDict } from "../dataset-dict.js";
import { ClassLabel } from "../features/feature-types.js";
import { updateFingerprint } from "../fingerprint.js";
import { numpyPermutation, Pcg64, randomSeed } from "../random/numpy-rng.js";
import { stratifiedSplit } from "./stratify.js";

export interface ShuffleOptions {
  /** numpy seed; a random one when left out. */
  seed?: number | bigint;
}

export interface TrainTestSplitOptions {
  /** A fraction (rounded up) or a row count; 0.25 when neither size is given. */
  testSize?: number;
  /** A fraction (rounded down) or a row count; the rest of the rows when left out. */
  trainSize?: number;
  /** Shuffle before splitting (default true). */
  shuffle?: boolean;
  seed?: number | bigint;
  /** A ClassLabel column whose class proportions both splits keep, drawn exactly as Python draws them. */
  stratifyByColumn?: string;
}

export function shuffleDataset(dataset: Dataset, options: ShuffleOptions): Dataset {
  const seed = options.seed ?? randomSeed();
  const permutation = numpyPermutation(seed, dataset.numRows);
  return dataset.withIndices(permutation, updateFingerprint(dataset.fingerprint, "shuffle", { seed }));
}

/** Row counts for a split, with Python's rounding and checks. */
export function splitSizes(
  n: number,
  testSize: number | undefined,
  trainSize: number | undefined,
): { nTrain: number; nTest: number } {
  const test = testSize === undefined && trainSize === undefined ? 0.25 : testSize;
  const isFraction = (size: number | undefined) => size !== undefined && !Number.isInteger(size);
  for (const [name, size] of [
    ["testSize", test],
    ["trainSize", trainSize],
  ] as const) {
    if (size === undefined) continue;
    if (isFraction(size) ? size <= 0 || size >= 1 : size < 0 || size > n) {
      throw new InvalidArgumentError(
        `${name}=${size} should be a fraction strictly between 0 and 1 or a row count between 0 and ${n}.`,
      );
    }
  }
  let nTest = test === undefined ? undefined : isFraction(test) ? Math.ceil(test * n) : test;
  let nTrain =
    trainSize === undefined ? undefined : isFraction(trainSize) ? Math.floor(trainSize * n) : trainSize;
  if (nTrain === undefined) nTrain = n - (nTest as number);
  if (nTest === undefined) nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new InvalidArgumentError(
      `trainSize and testSize add up to ${nTrain + nTest} rows, more than the ${n} there are.`,
    );
  }
  if (nTrain === 0) {
    throw new InvalidArgumentError(
      `With ${n} rows, testSize=${testSize} and trainSize=${trainSize}, the train split would be empty.`,
    );
  }
  return { nTrain, nTest };
}

export function trainTestSplit(dataset: Dataset, options: TrainTestSplitOptions): DatasetDict {
  const n = dataset.numRows;
  const { nTrain, nTest } = splitSizes(n, options.testSize, options.trainSize);
  const shuffle = options.shuffle ?? true;
  const seed = shuffle ? (options.seed ?? randomSeed()) : undefined;
  const args = { nTrain, nTest, shuffle, seed, stratify: options.stratifyByColumn ?? null };
  let trainRows: Float64Array | Uint32Array;
  let testRows: Float64Array | Uint32Array;
  if (options.stratifyByColumn !== undefined) {
    const column = options.stratifyByColumn;
    dataset.assertColumns([column]);
    if (!(dataset.features[column] instanceof ClassLabel)) {
      throw new InvalidArgumentError(
        `stratifyByColumn needs a ClassLabel column; "${column}" is not one (see classEncodeColumn).`,
      );
    }
    if (!shuffle) throw new InvalidArgumentError("A stratified split is always shuffled; leave shuffle on.");
    const labels = dataset.withFormat("typed").getColumn(column) as ArrayLike<number>;
    ({ train: trainRows, test: testRows } = stratifiedSplit(
      labels,
      nTrain,
      nTest,
      new Pcg64(seed as number | bigint),
    ));
  } else if (seed === undefined) {
    trainRows = Float64Array.from({ length: nTrain }, (_, i) => i);
    testRows = Float64Array.from({ length: nTest }, (_, i) => nTrain + i);
  } else {
    const permutation = numpyPermutation(seed, n);
    testRows = Float64Array.from(permutation.subarray(0, nTest));
    trainRows = Float64Array.from(permutation.subarray(nTest, nTest + nTrain));
  }
  return new DatasetDict({
    train: dataset.withIndices(
      trainRows,
      updateFingerprint(dataset.fingerprint, "trainTestSplit:train", args),
    ),
    test: dataset.withIndices(testRows, updateFingerprint(dataset.fingerprint, "trainTestSplit:test", args)),
  });
}
