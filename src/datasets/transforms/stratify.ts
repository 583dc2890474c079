/**
 * The stratified split of Python `datasets` (`train_test_split(stratify_by_column=...)`), reproduced draw
 * for draw so that one seed gives the same rows in both: classes in sorted order, each class's rows in
 * row order; per class, train and test counts from the approximate mode of the multivariate
 * hypergeometric (proportional shares floored, the rest handed out by largest remainder, ties drawn
 * with numpy's `choice`); then each class's rows permuted and cut, and both splits permuted again.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { Pcg64 } from "../random/numpy-rng.js";

/** Train and test row numbers for labels `y`, drawing from `rng` as Python does. */
export function stratifiedSplit(
  y: ArrayLike<number>,
  nTrain: number,
  nTest: number,
  rng: Pcg64,
): { train: Uint32Array; test: Uint32Array } {
  const classes = [...new Set(Array.from(y))].sort((a, b) => a - b);
  const classOf = new Map(classes.map((label, i) => [label, i]));
  const counts = new Array<number>(classes.length).fill(0);
  const members: number[][] = classes.map(() => []);
  for (let row = 0; row < y.length; row++) {
    const index = classOf.get(y[row] as number) as number;
    counts[index] = (counts[index] as number) + 1;
    (members[index] as number[]).push(row);
  }
  if (Math.min(...counts) < 2) {
    throw new InvalidArgumentError(
      "Every class needs at least 2 rows to stratify by it; one class has fewer.",
    );
  }
  for (const [name, size] of [
    ["train", nTrain],
    ["test", nTest],
  ] as const) {
    if (size < classes.length) {
      throw new InvalidArgumentError(
        `The ${name} split of ${size} rows is smaller than the ${classes.length} classes.`,
      );
    }
  }
  const trainCounts = approximateMode(counts, nTrain, rng);
  const testCounts = approximateMode(
    counts.map((count, i) => count - (trainCounts[i] as number)),
    nTest,
    rng,
  );
  const train: number[] = [];
  const test: number[] = [];
  members.forEach((rows, i) => {
    const order = rng.permutation(rows.length);
    const picked = Array.from(order, (k) => rows[k] as number);
    const nTrainHere = trainCounts[i] as number;
    train.push(...picked.slice(0, nTrainHere));
    test.push(...picked.slice(nTrainHere, nTrainHere + (testCounts[i] as number)));
  });
  const trainOrder = rng.permutation(train.length);
  const testOrder = rng.permutation(test.length);
  return {
    train: Uint32Array.from(trainOrder, (k) => train[k] as number),
    test: Uint32Array.from(testOrder, (k) => test[k] as number),
  };
}

/** Draws per class: shares of `draws` floored, the rest to the largest remainders, ties broken at random. */
function approximateMode(counts: readonly number[], draws: number, rng: Pcg64): number[] {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const continuous = counts.map((count) => (draws * count) / total);
  const floored = continuous.map(Math.floor);
  let needed = draws - floored.reduce((sum, value) => sum + value, 0);
  if (needed > 0) {
    const remainders = continuous.map((value, i) => value - (floored[i] as number));
    const values = [...new Set(remainders)].sort((a, b) => b - a);
    for (const value of values) {
      const tied = remainders.flatMap((remainder, i) => (remainder === value ? [i] : []));
      const now = Math.min(tied.length, needed);
      for (const pick of rng.choiceWithoutReplacement(tied.length, now)) {
        const index = tied[pick] as number;
        floored[index] = (floored[index] as number) + 1;
      }
      needed -= now;
      if (needed === 0) break;
    }
  }
  return floored;
}
