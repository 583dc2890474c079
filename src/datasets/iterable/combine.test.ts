import { describe, expect, it } from "vitest";
import { Dataset } from "../dataset.js";
import { interleaveDatasets, splitDatasetByNode } from "./combine.js";
import type { IterableDataset, Row } from "./iterable-dataset.js";

async function collect(stream: AsyncIterable<Row>): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const row of stream) rows.push(row.v);
  return rows;
}

const source = (name: string, size: number, numShards = 1): IterableDataset =>
  Dataset.fromDict({ v: Array.from({ length: size }, (_, i) => `${name}${i}`) }).toIterableDataset({
    numShards,
  });

describe("interleaveDatasets", () => {
  it("takes sources in turn, stopping at the first exhausted or cycling until all are", async () => {
    expect(await collect(interleaveDatasets([source("a", 2), source("b", 3)]))).toEqual([
      "a0",
      "b0",
      "a1",
      "b1",
    ]);
    expect(
      await collect(
        interleaveDatasets([source("a", 2), source("b", 3)], { stoppingStrategy: "all_exhausted" }),
      ),
    ).toEqual(["a0", "b0", "a1", "b1", "a0", "b2", "a1"]);
  });

  it("draws sources with probabilities as numpy's weighted choice does", async () => {
    // Reference: numpy default_rng(seed).choice(n, size=1000, p=p), consumed in Python's order.
    const first = await collect(
      interleaveDatasets([source("a", 5), source("b", 10)], { probabilities: [0.3, 0.7], seed: 42 }),
    );
    expect(first).toEqual(["b0", "b1", "b2", "b3", "a0", "b4", "b5", "b6", "a1", "b7", "b8", "b9"]);
    const all = await collect(
      interleaveDatasets([source("a", 3), source("b", 4)], {
        probabilities: [0.5, 0.5],
        seed: 1,
        stoppingStrategy: "all_exhausted",
      }),
    );
    expect(all).toEqual(["b0", "b1", "a0", "b2", "a1", "a2", "b3", "a0"]);
  });
});

describe("splitDatasetByNode", () => {
  it("gives whole shards when they divide evenly, else every world-size-th row", async () => {
    expect(await collect(splitDatasetByNode(source("x", 8, 4), { rank: 1, worldSize: 2 }))).toEqual([
      "x2",
      "x3",
      "x6",
      "x7",
    ]);
    expect(await collect(splitDatasetByNode(source("x", 7, 3), { rank: 1, worldSize: 2 }))).toEqual([
      "x1",
      "x3",
      "x5",
    ]);
    const table = Dataset.fromDict({ v: [1, 2, 3, 4, 5] });
    expect(splitDatasetByNode(table, { rank: 0, worldSize: 2 }).getColumn("v")).toEqual([1, 2, 3]);
  });
});
