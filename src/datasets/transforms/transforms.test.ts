import { describe, expect, it } from "vitest";
import { Dataset } from "../dataset.js";
import { CastError } from "../errors.js";
import { ClassLabel, Image, List, Value } from "../features/feature-types.js";
import { concatenateDatasets } from "./concatenate.js";

describe("cast", () => {
  it("converts what fits and names the row of what does not", () => {
    const ds = Dataset.fromDict({ n: [1, 2, 3], s: ["4", "5.5", "x"], label: ["b", "a", "b"] });
    const cast = ds
      .castColumn("n", new Value("float32"))
      .castColumn("label", new ClassLabel({ names: ["a", "b"] }));
    expect(cast.features.n).toEqual(new Value("float32"));
    expect(cast.getColumn("label")).toEqual([1, 0, 1]);
    expect(cast.castColumn("label", new Value("string")).getColumn("label")).toEqual(["b", "a", "b"]);
    expect(() => ds.castColumn("s", new Value("float64"))).toThrow(/s, row 2: "x" cannot be cast to float64/);
    expect(() => Dataset.fromDict({ f: [1.5] }).castColumn("f", new Value("int32"))).toThrow(CastError);
    expect(() => Dataset.fromDict({ big: [300] }).castColumn("big", new Value("uint8"))).toThrow(/row 0/);
    expect(
      Dataset.fromDict({ xs: [[1, 2], [3]] })
        .castColumn("xs", new List(new Value("string")))
        .getColumn("xs"),
    ).toEqual([["1", "2"], ["3"]]);
  });
});

describe("column transforms", () => {
  it("flattens structs into parent.child columns, keeping struct nulls", () => {
    const ds = Dataset.fromDict({ id: [1, 2], meta: [{ a: 1, b: { c: "x" } }, null] });
    const flat = ds.flatten();
    expect(flat.columnNames).toEqual(["id", "meta.a", "meta.b.c"]);
    expect(flat.toList()).toEqual([
      { id: 1, "meta.a": 1, "meta.b.c": "x" },
      { id: 2, "meta.a": null, "meta.b.c": null },
    ]);
  });

  it("finds unique values and class-encodes a string column with sorted names", () => {
    const ds = Dataset.fromDict({ animal: ["dog", "cat", "dog", null, "ant"] });
    expect(ds.unique("animal")).toEqual(["dog", "cat", null, "ant"]);
    const encoded = ds.classEncodeColumn("animal");
    expect((encoded.features.animal as ClassLabel).names).toEqual(["ant", "cat", "dog"]);
    expect(encoded.getColumn("animal")).toEqual([2, 1, 2, null, 0]);
  });

  it("stores media given as paths or bytes as {bytes, path}", () => {
    const ds = Dataset.fromDict(
      { image: ["cat.png", new Uint8Array([137, 80])] },
      { features: { image: new Image() } },
    );
    expect(ds.getColumn("image")).toEqual([
      { bytes: null, path: "cat.png" },
      { bytes: new Uint8Array([137, 80]), path: null },
    ]);
  });
});

describe("combining rows", () => {
  it("concatenates rows by column name, mappings included, and columns side by side", () => {
    const a = Dataset.fromDict({ x: [1, 2, 3], y: ["a", "b", "c"] }).select([2, 0]);
    const b = Dataset.fromDict({ y: ["d"], x: [4] });
    const rows = concatenateDatasets([a, b]);
    expect(rows.toList()).toEqual([
      { x: 3, y: "c" },
      { x: 1, y: "a" },
      { x: 4, y: "d" },
    ]);
    const side = concatenateDatasets([a, Dataset.fromDict({ z: [true, false] })], { axis: 1 });
    expect(side.toList()).toEqual([
      { x: 3, y: "c", z: true },
      { x: 1, y: "a", z: false },
    ]);
    expect(() => concatenateDatasets([a, Dataset.fromDict({ x: ["no"], y: ["e"] })])).toThrow(/differ/);
  });

  it("adds an item and batches rows", async () => {
    const ds = Dataset.fromDict({ n: [1, 2, 3, 4, 5] }).addItem({ n: 6 });
    expect(ds.getColumn("n")).toEqual([1, 2, 3, 4, 5, 6]);
    const batched = await ds.batch(4);
    expect(batched.getColumn("n")).toEqual([
      [1, 2, 3, 4],
      [5, 6],
    ]);
    expect((await ds.batch(4, { dropLastBatch: true })).numRows).toBe(1);
  });
});

describe("sort on many rows", () => {
  it("matches a plain stable sort with negatives, ties, infinities and nulls", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const values = Array.from({ length: 5000 }, () => {
      const r = random();
      if (r < 0.05) return null;
      if (r < 0.07) return r < 0.06 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
      return Math.round((random() - 0.5) * 200) / 4;
    });
    const words: (string | null)[] = values.map((_, i) => ["b", "a", "c", null][i % 4] ?? null);
    const ds = Dataset.fromDict({ v: values, w: words, i: values.map((_, i) => i) });
    const reference = values
      .map((v, i) => ({ v, w: words[i] ?? null, i }))
      .sort((p, q) => {
        const nulls = Number(p.v === null) - Number(q.v === null);
        if (nulls !== 0) return nulls;
        if (p.v !== q.v) return (q.v as number) - (p.v as number) > 0 ? 1 : -1;
        const wn = Number(p.w === null) - Number(q.w === null);
        if (wn !== 0 || p.w === null || q.w === null) return wn;
        return p.w < q.w ? -1 : p.w > q.w ? 1 : 0;
      })
      .map((row) => row.i);
    expect(ds.sort(["v", "w"], { reverse: [true, false] }).getColumn("i")).toEqual(reference);
  });

  it("orders int64 columns with negatives, nulls and values far apart", () => {
    const values = [5, null, -3, 2 ** 40, 5, -(2 ** 40), 0, null, -3];
    const ds = Dataset.fromDict({ v: values }, { features: { v: new Value("int64") } });
    expect(ds.sort("v").getColumn("v")).toEqual([-(2 ** 40), -3, -3, 0, 5, 5, 2 ** 40, null, null]);
    expect(ds.sort("v", { reverse: true, nullPlacement: "at_start" }).getColumn("v")).toEqual([
      null,
      null,
      2 ** 40,
      5,
      5,
      0,
      -3,
      -3,
      -(2 ** 40),
    ]);
    const small = Dataset.fromDict({ v: [3, 1, 2, 1, 3] }, { features: { v: new Value("uint8") } });
    expect(small.sort("v").indices).toEqual(new Uint32Array([1, 3, 2, 0, 4]));
  });
});

describe("flattenIndices in memory", () => {
  it("writes the mapped rows of many in-memory batches, nulls and every kind of column included", async () => {
    const part = (offset: number) =>
      Dataset.fromList(
        Array.from({ length: 50 }, (_, i) => ({
          n: i % 7 === 0 ? null : offset + i,
          f: (offset + i) / 4,
          s: i % 5 === 0 ? null : `row-${offset + i}`.repeat((i % 3) + 1),
          b: i % 2 === 0,
          xs: i % 11 === 0 ? null : [offset, i],
          st: { k: `k${i}` },
        })),
      );
    // Three batches from three datasets, put together as one table of three segments.
    const all = concatenateDatasets([part(0), part(100).select([...Array(50).keys()].slice(10)), part(200)]);
    expect(all.table.segments.length).toBe(3);
    const shuffled = all.shuffle({ seed: 7 });
    const flat = await shuffled.flattenIndices();
    expect(flat.indices).toBeUndefined();
    expect(flat.toList()).toEqual(shuffled.toList());
    expect(flat.toList()).toHaveLength(140);
    // A mapping longer than the rows (a repeat) comes out whole too.
    const twice = all.repeat(2).shuffle({ seed: 1 });
    expect((await twice.flattenIndices()).toList()).toEqual(twice.toList());
  });

  it("gathers a large shuffle's columns on the workers as this thread would", async () => {
    const rows = 600_000; // past the size a gather is shared out at
    const ds = Dataset.fromDict({
      id: Array.from({ length: rows }, (_, i) => i),
      f: Array.from({ length: rows }, (_, i) => i / 8),
      s: Array.from({ length: rows }, (_, i) => `s${i % 997}`.repeat((i % 3) + 1)),
      nullable: Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i)),
      ok: Array.from({ length: rows }, (_, i) => i % 2 === 0),
    });
    const shuffled = ds.shuffle({ seed: 3 });
    const flat = await shuffled.flattenIndices();
    const picks = shuffled.indices as Uint32Array;
    const expected = ds.table.gather(picks);
    const gathered = flat.table.segments[0]?.load();
    // Compared by the rows that differ, not as whole arrays: a diff of 600,000 values would take minutes.
    for (const name of ["id", "f", "s", "nullable", "ok"]) {
      const ours = gathered?.getChild(name)?.toArray() as ArrayLike<unknown>;
      const theirs = expected.getChild(name)?.toArray() as ArrayLike<unknown>;
      expect(ours.length).toBe(rows);
      const differing = Array.from({ length: rows }, (_, i) => i).filter((i) => ours[i] !== theirs[i]);
      expect({ name, differing: differing.slice(0, 5) }).toEqual({ name, differing: [] });
    }
    expect(flat.get(0)).toEqual(ds.get(picks[0] as number));
  });
});
