import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { Dataset } from "../dataset.js";
import { DataFileRowError, DataFilesNotFoundError } from "../errors.js";
import { ClassLabel, List, Value } from "../features/feature-types.js";

const tempFolder = useTempFolders("wharf-readers-");

describe("readers on real files", () => {
  it("reads 3 million flights from parquet with pyarrow's types", async () => {
    const flights = await Dataset.fromParquet(join(VEGA_DATA, "flights-3m.parquet"));
    expect(flights.numRows).toBe(3_000_000);
    expect(flights.features).toEqual({
      date: new Value("timestamp[us]"),
      delay: new Value("int64"),
      distance: new Value("int64"),
      origin: new Value("string"),
      destination: new Value("string"),
    });
    expect(flights.get(0)).toEqual({
      date: new Date("2001-01-01T00:01:00Z"),
      delay: 33,
      distance: 2176,
      origin: "LAS",
      destination: "PHL",
    });
  });

  it("types CSV columns as pandas does", async () => {
    const weather = await Dataset.fromCsv(join(VEGA_DATA, "seattle-weather.csv"));
    expect(weather.numRows).toBe(1461);
    expect(weather.features).toEqual({
      date: new Value("string"),
      precipitation: new Value("float64"),
      temp_max: new Value("float64"),
      temp_min: new Value("float64"),
      wind: new Value("float64"),
      weather: new Value("string"),
    });
    const folder = tempFolder();
    writeFileSync(join(folder, "a.csv"), "n,m,flag\n1,1,True\n2,,False\n");
    const small = await Dataset.fromCsv(join(folder, "a.csv"));
    expect(small.features).toEqual({
      n: new Value("int64"),
      m: new Value("float64"),
      flag: new Value("bool"),
    });
    expect(small.toList()).toEqual([
      { n: 1, m: 1, flag: true },
      { n: 2, m: null, flag: false },
    ]);
    const labelled = await Dataset.fromCsv(join(folder, "a.csv"), {
      features: {
        n: new Value("float32"),
        m: new Value("int8"),
        flag: new ClassLabel({ names: ["False", "True"] }),
      },
    });
    expect(labelled.getColumn("flag")).toEqual([1, 0]);
  });

  it("reads JSON arrays, JSON Lines with nested values, text and globs", async () => {
    const cars = await Dataset.fromJson(join(VEGA_DATA, "cars.json"));
    expect(cars.numRows).toBe(406);
    expect(cars.features.Horsepower).toEqual(new Value("int64"));
    expect(cars.features.Acceleration).toEqual(new Value("float64"));
    const folder = tempFolder();
    writeFileSync(join(folder, "part-1.jsonl"), '{"id": 1, "tags": ["a"], "meta": {"ok": true}}\n');
    writeFileSync(join(folder, "part-2.jsonl"), '{"id": 2, "tags": [], "meta": {"ok": false}}\n\n');
    const lines = await Dataset.fromJson(join(folder, "part-*.jsonl"));
    expect(lines.features).toEqual({
      id: new Value("int64"),
      tags: new List(new Value("string")),
      meta: { ok: new Value("bool") },
    });
    expect(lines.getColumn("id")).toEqual([1, 2]);
    writeFileSync(join(folder, "notes.txt"), "first\r\nsecond\n\nlast\n");
    expect((await Dataset.fromText(join(folder, "notes.txt"))).getColumn("text")).toEqual([
      "first",
      "second",
      "",
      "last",
    ]);
    await expect(Dataset.fromJson(join(folder, "nothing-*.jsonl"))).rejects.toThrow(DataFilesNotFoundError);
  });

  it("reads Arrow IPC files and stream files", async () => {
    const flights = await Dataset.fromArrow(join(VEGA_DATA, "flights-200k.arrow"));
    expect(flights.numRows).toBe(200_000);
    expect(flights.features).toEqual({
      delay: new Value("int16"),
      distance: new Value("int16"),
      time: new Value("float32"),
    });
    const folder = join(tempFolder(), "saved");
    await flights.take(10).saveToDisk(folder);
    const stream = await Dataset.fromArrow(join(folder, "*.arrow"));
    expect(stream.cacheFiles).toEqual([{ filename: join(folder, "data-00000-of-00001.arrow") }]);
    expect(stream.toList()).toEqual(flights.take(10).toList());
  });

  it("names the file and row of a bad CSV row and a bad JSON line", async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, "bad.csv"), "a,b\n1,2\n3\n");
    await expect(Dataset.fromCsv(join(folder, "bad.csv"))).rejects.toThrow(/bad\.csv, row 3/);
    writeFileSync(join(folder, "bad.jsonl"), '{"a": 1}\n{"a": \n');
    const error = await Dataset.fromJson(join(folder, "bad.jsonl")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DataFileRowError);
    expect(error).toMatchObject({ row: 2, file: join(folder, "bad.jsonl") });
    writeFileSync(join(folder, "typed.csv"), "n\n1\nx\n");
    await expect(
      Dataset.fromCsv(join(folder, "typed.csv"), { features: { n: new Value("int64") } }),
    ).rejects.toThrow(/row 2/);
  });
});

describe("writers", () => {
  const sample = () =>
    Dataset.fromDict({
      id: [1n, 2n ** 60n, 3n],
      score: [1, 2.5, null],
      name: ["a", 'quote "b"', "c,d"],
      ok: [true, false, null],
    });

  it("round-trips parquet with the features", async () => {
    const path = join(tempFolder(), "out.parquet");
    const ds = sample();
    const written = await ds.toParquet(path);
    expect(written).toBeGreaterThan(0);
    const back = await Dataset.fromParquet(path);
    expect(back.features).toEqual(ds.features);
    expect(back.withFormat("python", { int64: "bigint" }).toList()).toEqual(
      ds.withFormat("python", { int64: "bigint" }).toList(),
    );
  });

  it("writes CSV and JSON Lines as pandas writes them", async () => {
    const folder = tempFolder();
    await sample().toCsv(join(folder, "out.csv"));
    expect(readFileSync(join(folder, "out.csv"), "utf8")).toBe(
      'id,score,name,ok\n1,1.0,a,True\n1152921504606846976,2.5,"quote ""b""",False\n3,,"c,d",\n',
    );
    await sample().toJson(join(folder, "out.jsonl"));
    expect(readFileSync(join(folder, "out.jsonl"), "utf8").split("\n")[1]).toBe(
      '{"id":1152921504606846976,"score":2.5,"name":"quote \\"b\\"","ok":false}',
    );
    const back = await Dataset.fromCsv(join(folder, "out.csv"));
    expect(back.getColumn("name")).toEqual(["a", 'quote "b"', "c,d"]);
  });
});
