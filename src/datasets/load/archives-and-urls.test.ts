/**
 * Data files beyond plain ones: webdataset tar shards, zip archives (their builder found inside them),
 * and URLs downloaded into the cache, all from real files (vega-datasets) and a real HTTP server.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { writeTar } from "../../../test/support/archives.js";
import { useFaultServer } from "../../../test/support/fault-server.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { Dataset } from "../dataset.js";
import type { DatasetDict } from "../dataset-dict.js";
import { Image, Value } from "../features/feature-types.js";
import type { IterableDataset } from "../iterable/iterable-dataset.js";
import { loadDataset } from "./load-dataset.js";

const temp = useTempFolders("wharf-archives-");
const fault = useFaultServer();

describe("webdataset", () => {
  it("groups each shard's entries by key into examples, decoding fields by extension", async () => {
    const folder = temp();
    const png = readFileSync(join(VEGA_DATA, "ffox.png"));
    const shard = (name: string, from: number) =>
      writeTar(
        join(folder, name),
        [from, from + 1].flatMap((i) => [
          { name: `samples/${i}.png`, data: png },
          {
            name: `samples/${i}.json`,
            data: Buffer.from(JSON.stringify({ caption: `fox ${i}`, score: i / 2 })),
          },
          { name: `samples/${i}.cls`, data: Buffer.from(`${i % 2}\n`) },
          { name: `samples/${i}.txt`, data: Buffer.from(`text ${i}`) },
        ]),
      );
    await shard("train-000.tar", 0);
    await shard("train-001.tar", 2);
    const dict = (await loadDataset(folder, { cacheDir: temp() })) as DatasetDict;
    const train = dict.get("train");
    expect(train.numRows).toBe(4);
    expect(train.features).toEqual({
      __key__: new Value("string"),
      __url__: new Value("string"),
      cls: new Value("int64"),
      json: { caption: new Value("string"), score: new Value("float64") },
      png: new Image(),
      txt: new Value("string"),
    });
    const row = train.get(3) as Record<string, unknown>;
    expect(row).toMatchObject({
      __key__: "samples/3",
      cls: 1,
      json: { caption: "fox 3", score: 1.5 },
      txt: "text 3",
    });
    expect(String(row.__url__).endsWith("train-001.tar")).toBe(true);
    const image = row.png as { bytes: Uint8Array; path: string };
    expect(image.path).toBe("samples/3.png");
    expect(Buffer.from(image.bytes).equals(png)).toBe(true);
  });
});

describe("zip archives and URLs", () => {
  it("reads the CSV files inside zip archives, finding the builder inside them", async () => {
    const folder = temp();
    const inner = temp();
    copyFileSync(join(VEGA_DATA, "seattle-weather.csv"), join(inner, "weather.csv"));
    writeFileSync(join(inner, "README.txt"), "not data\n");
    execFileSync("zip", ["-q", join(folder, "train.zip"), "weather.csv", "README.txt"], { cwd: inner });
    copyFileSync(join(VEGA_DATA, "seattle-weather.csv"), join(inner, "weather-copy.csv"));
    execFileSync("zip", ["-q", join(folder, "test.zip"), "weather-copy.csv"], { cwd: inner });
    const cacheDir = temp();
    const dict = (await loadDataset(folder, { cacheDir })) as DatasetDict;
    expect(dict.numRows).toEqual({ train: 1461, test: 1461 });
    expect(dict.get("train").features.weather).toEqual(new Value("string"));
    // Streamed, the archives' CSV members give the same rows (README.txt is not the builder's kind).
    const streamed: Array<Record<string, unknown>> = [];
    for await (const row of (await loadDataset(folder, {
      cacheDir,
      split: "train",
      streaming: true,
    })) as IterableDataset)
      streamed.push(row);
    expect(streamed).toHaveLength(1461);
    expect(streamed[0]).toEqual(dict.get("train").toList()[0]);
  });

  it("streams a gzipped parquet file from a copy decompressed once into the cache", async () => {
    const folder = temp();
    const parquet = join(folder, "plain.parquet");
    await Dataset.fromList(Array.from({ length: 40 }, (_, i) => ({ i, name: `row ${i}` }))).toParquet(
      parquet,
      {
        rowGroupSize: 16,
      },
    );
    writeFileSync(join(folder, "train.parquet.gz"), gzipSync(readFileSync(parquet)));
    const options = {
      dataFiles: { train: join(folder, "train.parquet.gz") },
      cacheDir: temp(),
      split: "train",
    };
    const loaded = (await loadDataset("parquet", options)) as Dataset;
    const streamed: Array<Record<string, unknown>> = [];
    for await (const row of (await loadDataset("parquet", {
      ...options,
      streaming: true,
    })) as IterableDataset)
      streamed.push(row);
    expect(streamed).toEqual(loaded.toList());
    expect(streamed).toHaveLength(40);
  });

  it("downloads URLs given as data files once, into the cache's downloads folder", async () => {
    const csv = readFileSync(join(VEGA_DATA, "seattle-weather.csv"));
    const url = fault().serve("/remote/weather.csv", csv);
    const cacheDir = temp();
    const first = (await loadDataset("csv", {
      dataFiles: { train: url },
      cacheDir,
      split: "train",
    })) as Dataset;
    expect(first.numRows).toBe(1461);
    const again = (await loadDataset("csv", {
      dataFiles: { train: url },
      cacheDir,
      split: "train",
    })) as Dataset;
    expect(again.numRows).toBe(1461);
    expect(fault().requestsFor("/remote/weather.csv")).toHaveLength(1);
  });
});
