import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Dataset } from "../dataset.js";
import { ClassLabel, Value } from "../features/feature-types.js";

interface StratifiedCase {
  seed: number;
  labels: number[];
  n_train: number;
  n_test: number;
  train: number[];
  test: number[];
}

// Reference rows drawn with numpy's Generator in the order Python datasets draws them (see the file's "what").
const vectors = JSON.parse(
  readFileSync(new URL("../../../test/vectors/stratified_split.json", import.meta.url), "utf8"),
) as {
  cases: StratifiedCase[];
};

describe("trainTestSplit stratified by a ClassLabel column", () => {
  it.each(vectors.cases)(
    "picks Python's rows for seed $seed",
    ({ seed, labels, n_train, n_test, train, test }) => {
      const names = [...new Set(labels)].sort().map(String);
      const ds = Dataset.fromDict(
        { label: labels, row: labels.map((_, i) => i) },
        { features: { label: new ClassLabel({ names }), row: new Value("int64") } },
      );
      const split = ds.trainTestSplit({
        trainSize: n_train,
        testSize: n_test,
        seed,
        stratifyByColumn: "label",
      });
      expect(split.get("train").getColumn("row")).toEqual(train);
      expect(split.get("test").getColumn("row")).toEqual(test);
    },
  );

  it("refuses a column that is not a ClassLabel and a class with one row", () => {
    const ds = Dataset.fromDict({ label: [0, 0, 1, 1, 2] });
    expect(() => ds.trainTestSplit({ testSize: 2, stratifyByColumn: "label" })).toThrow(/ClassLabel/);
    const labelled = ds.castColumn("label", new ClassLabel({ names: ["a", "b", "c"] }));
    expect(() => labelled.trainTestSplit({ testSize: 2, seed: 1, stratifyByColumn: "label" })).toThrow(
      /at least 2 rows/,
    );
  });
});
