import { describe, expect, it } from "vitest";
import { defaultDataFiles, inferBuilder, normaliseDataFiles, resolveDataFiles } from "./data-files.js";

describe("default data files, as Python finds them", () => {
  it("takes the sharded data/{split}-NNNNN-of-NNNNN names first, train, validation, test, then the rest", () => {
    const paths = [
      "README.md",
      "data/zeta-00000-of-00001.parquet",
      "data/test-00000-of-00001.parquet",
      "data/train-00001-of-00002.parquet",
      "data/train-00000-of-00002.parquet",
      "data/validation-00000-of-00001.parquet",
      "other/train.csv",
    ];
    expect(defaultDataFiles(paths)).toEqual({
      train: ["data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet"],
      validation: ["data/validation-00000-of-00001.parquet"],
      test: ["data/test-00000-of-00001.parquet"],
      zeta: ["data/zeta-00000-of-00001.parquet"],
    });
  });

  it("reads split keywords from folder names before file names", () => {
    expect(
      defaultDataFiles([
        "training/a.jsonl",
        "training/b.jsonl",
        "dev/c.jsonl",
        "eval_set/d.jsonl",
        "test.jsonl",
      ]),
    ).toEqual({
      train: ["training/a.jsonl", "training/b.jsonl"],
      validation: ["dev/c.jsonl"],
      test: ["eval_set/d.jsonl"],
    });
    expect(defaultDataFiles(["my_train.csv", "valid.csv", "test-2.csv", "notes.csv"])).toEqual({
      train: ["my_train.csv"],
      validation: ["valid.csv"],
      test: ["test-2.csv"],
    });
  });

  it("puts everything in train otherwise, skipping ignored, hidden and unreadable files", () => {
    expect(
      defaultDataFiles([
        "README.md",
        "dataset_info.json",
        ".hidden/x.csv",
        "__pycache__/y.csv",
        "script.py",
        "b.csv",
        "a.csv.gz",
        "trainer.csv",
      ]),
    ).toEqual({ train: ["a.csv.gz", "b.csv", "trainer.csv"] });
    expect(defaultDataFiles(["README.md", "model.py"])).toEqual({});
  });
});

describe("given data files", () => {
  it("takes every form Python takes", () => {
    expect(normaliseDataFiles("data/*.csv")).toEqual({ train: ["data/*.csv"] });
    expect(normaliseDataFiles({ train: "a.csv", test: ["b.csv", "c.csv"] })).toEqual({
      train: ["a.csv"],
      test: ["b.csv", "c.csv"],
    });
    expect(normaliseDataFiles([{ split: "train", path: "data/train-*" }])).toEqual({
      train: ["data/train-*"],
    });
    expect(() =>
      normaliseDataFiles([
        { split: "a", path: "x" },
        { split: "a", path: "y" },
      ]),
    ).toThrow(/twice/);
    const paths = ["data/train-00000-of-00001.parquet", "data/x/deep.parquet", "README.md"];
    expect(resolveDataFiles(paths, [{ split: "train", path: "data/train-*" }])).toEqual({
      train: ["data/train-00000-of-00001.parquet"],
    });
    expect(resolveDataFiles(paths, "data/**")).toEqual({
      train: ["data/train-00000-of-00001.parquet", "data/x/deep.parquet"],
    });
    expect(() => resolveDataFiles(paths, { test: "nothing/*" })).toThrow(/nothing\/\*/);
  });
});

describe("builder inference", () => {
  it("counts every suffix and breaks ties as Python does", () => {
    expect(inferBuilder(["a.parquet", "b.csv"])).toEqual({ builder: "parquet", options: {} });
    expect(inferBuilder(["a.json.gz", "b.jsonl", "c.jsonl"])).toEqual({ builder: "json", options: {} });
    expect(inferBuilder(["x.tsv"])).toEqual({ builder: "csv", options: { sep: "\t" } });
    expect(inferBuilder(["cats/1.png", "cats/2.png", "metadata.csv"])).toEqual({
      builder: "imagefolder",
      options: {},
    });
    expect(inferBuilder(["a.csv", "b.csv", "c.txt"])).toEqual({ builder: "csv", options: {} });
    expect(inferBuilder(["model.py"])).toBeUndefined();
  });
});
