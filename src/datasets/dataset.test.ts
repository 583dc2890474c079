import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecordBatch } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { useTempFolders } from "../../test/support/temp-folders.js";
import { Dataset } from "./dataset.js";
import { DatasetDict } from "./dataset-dict.js";
import { loadDatasetFromDisk, loadFromDisk } from "./disk/load-from-disk.js";
import { ArrowFileCorruptError, CastError, ColumnNotFoundError, Int64PrecisionError } from "./errors.js";
import { ClassLabel, List, Value } from "./features/feature-types.js";
import { numpyPermutation } from "./random/numpy-rng.js";

const tempFolder = useTempFolders("wharf-datasets-");

const people = () =>
  Dataset.fromDict({
    name: ["ada", "bob", "cy", "dee", "eve"],
    age: [36, 25, null, 41, 25],
    score: [1.5, 2, 3.25, -1, 0],
    tags: [["x"], [], ["y", "z"], null, ["x"]],
  });

describe("Dataset in memory", () => {
  it("infers features as pyarrow would and hands rows back unchanged", () => {
    const ds = people();
    expect(ds.features).toEqual({
      name: new Value("string"),
      age: new Value("int64"),
      score: new Value("float64"),
      tags: new List(new Value("string")),
    });
    expect(ds.shape).toEqual([5, 4]);
    expect(ds.get(2)).toEqual({ name: "cy", age: null, score: 3.25, tags: ["y", "z"] });
    expect(ds.get(-1)).toMatchObject({ name: "eve" });
    expect(ds.getRange(1, 3)).toEqual({
      name: ["bob", "cy"],
      age: [25, null],
      score: [2, 3.25],
      tags: [[], ["y", "z"]],
    });
    expect(ds.getColumn("age")).toEqual([36, 25, null, 41, 25]);
    expect([...ds].map((row) => row.name)).toEqual(["ada", "bob", "cy", "dee", "eve"]);
    expect(Dataset.fromList(ds.toList()).toDict()).toEqual(ds.toDict());
  });

  it("applies the int64 policy: numbers within 2^53, a typed error beyond, bigints on request", () => {
    const ds = Dataset.fromDict({ id: [1n, 2n ** 60n] });
    expect(ds.get(0)).toEqual({ id: 1 });
    expect(() => ds.get(1)).toThrow(Int64PrecisionError);
    expect(ds.withFormat("python", { int64: "bigint" }).get(1)).toEqual({ id: 2n ** 60n });
    expect(() => Dataset.fromDict({ id: [2 ** 60] }, { features: { id: new Value("int64") } })).toThrow(
      CastError,
    );
  });

  it("refuses values that do not fit, naming column and row", () => {
    expect(() => Dataset.fromDict({ small: [1, 300] }, { features: { small: new Value("uint8") } })).toThrow(
      /small, row 1/,
    );
    expect(() => Dataset.fromDict({ mixed: [1, "two"] })).toThrow(CastError);
    expect(() => Dataset.fromDict({ a: [1, 2], b: [1] })).toThrow(/same length/);
  });

  it("stores class labels given as names", () => {
    const ds = Dataset.fromDict(
      { label: ["pos", "neg", 1] },
      { features: { label: new ClassLabel({ names: ["neg", "pos"] }) } },
    );
    expect(ds.getColumn("label")).toEqual([1, 0, 1]);
  });

  it("selects, skips, takes and shards as Python does", () => {
    const ds = Dataset.fromDict({ n: Array.from({ length: 10 }, (_, i) => i) });
    expect(ds.select([3, 4, 5]).indices).toBeUndefined();
    expect(ds.select([5, 1, 1]).getColumn("n")).toEqual([5, 1, 1]);
    expect(ds.skip(8).getColumn("n")).toEqual([8, 9]);
    expect(ds.take(2).getColumn("n")).toEqual([0, 1]);
    expect(ds.shard({ numShards: 3, index: 0 }).getColumn("n")).toEqual([0, 1, 2, 3]);
    expect(ds.shard({ numShards: 3, index: 2 }).getColumn("n")).toEqual([7, 8, 9]);
    expect(ds.shard({ numShards: 3, index: 1, contiguous: false }).getColumn("n")).toEqual([1, 4, 7]);
    expect(ds.select([9, 8, 7]).select([2, 0]).getColumn("n")).toEqual([7, 9]);
    expect(() => ds.select([10])).toThrow(RangeError);
  });

  it("shuffles and splits with numpy's permutation", () => {
    const ds = Dataset.fromDict({ n: Array.from({ length: 100 }, (_, i) => i) });
    const expected = Array.from(numpyPermutation(42, 100));
    expect(ds.shuffle({ seed: 42 }).getColumn("n")).toEqual(expected);
    const split = ds.trainTestSplit({ testSize: 0.15, seed: 42 });
    expect(split.numRows).toEqual({ train: 85, test: 15 });
    expect(split.get("test").getColumn("n")).toEqual(expected.slice(0, 15));
    expect(split.get("train").getColumn("n")).toEqual(expected.slice(15));
    expect(ds.trainTestSplit({ testSize: 0.101, shuffle: false }).numRows).toEqual({ train: 89, test: 11 });
    expect(() => ds.trainTestSplit({ testSize: 1.5 })).toThrow(/testSize/);
  });

  it("sorts by several columns, stably, descending on request, nulls last", () => {
    const ds = people();
    expect(ds.sort("age").getColumn("name")).toEqual(["bob", "eve", "ada", "dee", "cy"]);
    expect(ds.sort(["age", "name"], { reverse: [false, true] }).getColumn("name")).toEqual([
      "eve",
      "bob",
      "ada",
      "dee",
      "cy",
    ]);
    expect(ds.sort("age", { reverse: true, nullPlacement: "at_start" }).getColumn("name")).toEqual([
      "cy",
      "dee",
      "ada",
      "bob",
      "eve",
    ]);
    expect(ds.sort("name", { reverse: true }).getColumn("name")).toEqual(["eve", "dee", "cy", "bob", "ada"]);
  });

  it("maps rows and batches, with indices, input columns and removed columns", async () => {
    const ds = people();
    const upper = await ds.map((row: { name: string }) => ({
      name: row.name.toUpperCase(),
      len: row.name.length,
    }));
    expect(upper.getColumn("name")).toEqual(["ADA", "BOB", "CY", "DEE", "EVE"]);
    expect(upper.features.len).toEqual(new Value("int64"));
    const indexed = await ds.map((name: string, index: number) => ({ tag: `${index}:${name}` }), {
      inputColumns: "name",
      withIndices: true,
      removeColumns: ["tags", "score"],
    });
    expect(indexed.columnNames).toEqual(["name", "age", "tag"]);
    expect(indexed.getColumn("tag")).toEqual(["0:ada", "1:bob", "2:cy", "3:dee", "4:eve"]);
    const exploded = await ds.map(
      (batch: { name: string[] }) => ({ letter: batch.name.flatMap((name) => [...name]) }),
      {
        batched: true,
        batchSize: 2,
        removeColumns: ds.columnNames,
      },
    );
    expect(exploded.getColumn("letter")).toEqual([..."adabobcydeeeve"]);
    await expect(ds.map(() => ({ n: [1] }), { batched: true })).rejects.toThrow(/removeColumns/);
  });

  it("filters into an indices mapping without rewriting data", async () => {
    const ds = people();
    const adults = await ds.filter((row: { age: number | null }) => (row.age ?? 0) > 30);
    expect(adults.getColumn("name")).toEqual(["ada", "dee"]);
    expect(adults.table).toBe(ds.table);
    const batched = await ds.filter((ages: (number | null)[]) => ages.map((age) => age === 25), {
      batched: true,
      inputColumns: "age",
    });
    expect(batched.getColumn("name")).toEqual(["bob", "eve"]);
    const flat = await batched.flattenIndices();
    expect(flat.indices).toBeUndefined();
    expect(flat.getColumn("name")).toEqual(["bob", "eve"]);
  });

  it("renames, removes, selects and adds columns", () => {
    const ds = people();
    expect(ds.renameColumn("name", "who").columnNames).toEqual(["who", "age", "score", "tags"]);
    expect(ds.removeColumns(["tags", "score"]).toList()[0]).toEqual({ name: "ada", age: 36 });
    expect(ds.selectColumns(["score", "name"]).get(0)).toEqual({ score: 1.5, name: "ada" });
    expect(ds.sort("age").addColumn("rank", [1, 2, 3, 4, 5]).get(0)).toMatchObject({ name: "bob", rank: 1 });
    expect(() => ds.renameColumns({ name: "age" })).toThrow(/two columns/);
    expect(() => ds.selectColumns("nope")).toThrow(ColumnNotFoundError);
  });

  it("hands out typed arrays and Arrow batches on request", () => {
    const ds = people();
    const typed = ds.withFormat("typed").getRange(0, 5) as Record<string, unknown>;
    expect(typed.score).toBeInstanceOf(Float64Array);
    expect(Array.from(typed.score as Float64Array)).toEqual([1.5, 2, 3.25, -1, 0]);
    const batch = ds.withFormat("arrow").getRange(1, 3) as RecordBatch;
    expect(batch.numRows).toBe(2);
    expect(ds.withFormat("python", { columns: ["name"] }).get(0)).toEqual({ name: "ada" });
    expect(ds.withTransform((b) => ({ n: (b.name as string[]).map((s) => s.length) })).get(0)).toEqual({
      n: 3,
    });
    ds.setFormat("arrow");
    expect(ds.get(0)).toHaveProperty("numRows", 1);
    ds.resetFormat();
    expect(ds.get(0)).toMatchObject({ name: "ada" });
  });

  it("reads rows through a mapping in batches across many record batches", () => {
    const batches = Array.from({ length: 5 }, (_, k) =>
      Dataset.fromDict({ n: [k * 3, k * 3 + 1, k * 3 + 2], s: ["a", null, "c"] }),
    );
    const first = batches[0] as Dataset;
    const table = first.table.concat(batches.slice(1).map((ds) => ds.table));
    const ds = first.derive({ table });
    expect(ds.numRows).toBe(15);
    const shuffled = ds.shuffle({ seed: 0 });
    const order = Array.from(numpyPermutation(0, 15));
    expect(shuffled.getColumn("n")).toEqual(order);
    expect(shuffled.getColumn("s")).toEqual(order.map((n) => (n % 3 === 1 ? null : n % 3 === 0 ? "a" : "c")));
    expect(ds.getRange(2, 7)).toEqual({ n: [2, 3, 4, 5, 6], s: ["c", "a", null, "c", "a"] });
  });
});

describe("saveToDisk / loadFromDisk", () => {
  const fixture = new URL("../../../shared/fixtures/python-save-to-disk/proxy_qa", import.meta.url).pathname;

  it("reads the folder Python wrote", () => {
    const ds = loadDatasetFromDisk(fixture);
    expect(ds.numRows).toBe(100);
    expect(ds.features).toEqual({
      meta_question: new Value("string"),
      wiki_cover: new Value("string"),
      time_sensitive: new Value("string"),
      id: new Value("int64"),
      domain: new Value("string"),
    });
    expect(ds.fingerprint).toBe("f53bc17d4f9cab6f");
    expect(ds.get(0)).toMatchObject({ id: 0, domain: "CS", wiki_cover: "no" });
    expect(ds.getColumn("id")).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it("writes the same files, keys and bytes Python writes", async () => {
    const python = loadDatasetFromDisk(fixture);
    const out = join(tempFolder(), "copy");
    await python.saveToDisk(out);
    expect(readdirSync(out).sort()).toEqual(readdirSync(fixture).sort());
    for (const name of ["state.json", "dataset_info.json"]) {
      expect(readFileSync(join(out, name), "utf8")).toBe(readFileSync(join(fixture, name), "utf8"));
    }
    const again = loadDatasetFromDisk(out);
    expect(again.toList()).toEqual(python.toList());
    expect(again.features).toEqual(python.features);
  });

  it("round-trips every kind of feature, through a mapping, in several shards", async () => {
    const ds = Dataset.fromDict(
      {
        id: [1, 2, 3, 4],
        label: [0, 1, 1, 0],
        when: [new Date(0), new Date(86_400_000), null, new Date(1_700_000_000_000)],
        money: ["1.50", "-2.25", null, "0"],
        blob: [new Uint8Array([1, 2]), new Uint8Array(), null, new Uint8Array([255])],
        nested: [{ a: true, b: [1.5] }, { a: false, b: [] }, null, { a: null, b: [2, 3] }],
        half: [0.5, -2, 65504, null],
      },
      {
        features: {
          id: new Value("uint16"),
          label: new ClassLabel({ names: ["no", "yes"] }),
          when: new Value("timestamp[ms]"),
          money: new Value("decimal128(8, 2)"),
          blob: new Value("large_binary"),
          nested: { a: new Value("bool"), b: new List(new Value("float32")) },
          half: new Value("float16"),
        },
      },
    );
    const reordered = ds.select([3, 1, 0, 2]);
    const out = join(tempFolder(), "saved");
    await reordered.saveToDisk(out, { numShards: 3 });
    expect(readdirSync(out).filter((name) => name.endsWith(".arrow"))).toEqual([
      "data-00000-of-00003.arrow",
      "data-00001-of-00003.arrow",
      "data-00002-of-00003.arrow",
    ]);
    const loaded = loadDatasetFromDisk(out);
    expect(loaded.features).toEqual(ds.features);
    expect(loaded.toList()).toEqual(reordered.toList());
    expect(loaded.get(0)).toMatchObject({ money: "0.00", half: null, nested: { a: null, b: [2, 3] } });
  });

  it("saves and loads a DatasetDict in Python's layout", async () => {
    const dict = people().trainTestSplit({ testSize: 2, seed: 1 });
    const out = join(tempFolder(), "dict");
    await dict.saveToDisk(out);
    expect(JSON.parse(readFileSync(join(out, "dataset_dict.json"), "utf8"))).toEqual({
      splits: ["train", "test"],
    });
    const loaded = loadFromDisk(out) as DatasetDict;
    expect(loaded).toBeInstanceOf(DatasetDict);
    expect(loaded.get("test").toList()).toEqual(dict.get("test").toList());
  });

  it("caches map results beside file-backed data and reuses them", async () => {
    const out = join(tempFolder(), "saved");
    await people().saveToDisk(out);
    const ds = loadDatasetFromDisk(out);
    let calls = 0;
    const double = (row: { score: number }) => {
      calls++;
      return { twice: row.score * 2 };
    };
    const first = await ds.map(double);
    expect(calls).toBe(5);
    const cacheFile = first.cacheFiles[0]?.filename as string;
    expect(cacheFile).toBe(join(out, `cache-${first.fingerprint}.arrow`));
    const second = await loadDatasetFromDisk(out).map(double);
    expect(calls).toBe(5);
    expect(second.getColumn("twice")).toEqual([3, 4, 6.5, -2, 0]);
    await loadDatasetFromDisk(out).map(double, { loadFromCacheFile: false });
    expect(calls).toBe(10);
  });

  it("reports a truncated Arrow file and a folder that is not a dataset", async () => {
    const out = join(tempFolder(), "saved");
    await people().saveToDisk(out);
    const shard = join(out, "data-00000-of-00001.arrow");
    writeFileSync(shard, readFileSync(shard).subarray(0, statSync(shard).size - 40));
    expect(() => loadDatasetFromDisk(out)).toThrow(ArrowFileCorruptError);
    expect(() => loadDatasetFromDisk(tempFolder())).toThrow(/state.json/);
  });

  it("never leaves a half-written folder under the target name", async () => {
    const parent = tempFolder();
    const failing = people().withTransform(() => ({}));
    const broken = failing.derive({
      table: failing.table.project(failing.table.schema, () => {
        throw new Error("disk on fire");
      }),
    });
    await expect(broken.saveToDisk(join(parent, "saved"))).rejects.toThrow(/disk on fire/);
    expect(readdirSync(parent)).toEqual([]);
  });
});

describe("a dataset saved again at the same path", () => {
  it("is read afresh, never from batches cached for the file it replaced", async () => {
    const folder = join(tempFolder(), "saved");
    await Dataset.fromDict({ n: [1, 2, 3] }).saveToDisk(folder);
    expect(loadDatasetFromDisk(folder).getColumn("n")).toEqual([1, 2, 3]);
    await Dataset.fromDict({ n: [7, 8, 9] }).saveToDisk(folder);
    expect(loadDatasetFromDisk(folder).getColumn("n")).toEqual([7, 8, 9]);
  });
});

describe("batched functions", () => {
  it("get batches of 1000 rows by default, as in Python, and the whole dataset with batchSize 0", async () => {
    const ds = Dataset.fromDict({ n: Array.from({ length: 2500 }, (_, i) => i) });
    const sizes: number[] = [];
    const recordSize = (n: number[]) => {
      sizes.push(n.length);
      return n.map(() => true);
    };
    await ds.filter(recordSize, { batched: true, inputColumns: "n" });
    expect(sizes).toEqual([1000, 1000, 500]);
    sizes.length = 0;
    await ds.filter(recordSize, { batched: true, batchSize: 0, inputColumns: "n" });
    expect(sizes).toEqual([2500]);
  });
});
