import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { tableFromArrays, tableToIPC } from "apache-arrow";
import { describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { writeTar } from "../../../test/support/archives.js";
import { FaultServer } from "../../../test/support/fault-server.js";
import { useSampleHub } from "../../../test/support/sample-hub.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { Dataset } from "../dataset.js";
import { DataFileRowError } from "../errors.js";
import { loadDataset } from "../load/load-dataset.js";
import type { IterableDataset, Row } from "./iterable-dataset.js";
import type { IterableDatasetDict } from "./iterable-dataset-dict.js";
import { arrowShard, linesShard, parquetShard } from "./stream-shards.js";

const sampleHub = useSampleHub();
const tempFolder = useTempFolders("wharf-streams-");

async function collect(stream: AsyncIterable<Row>): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of stream) rows.push(row);
  return rows;
}

const numbers = (n: number, numShards = 1) =>
  Dataset.fromDict({ n: Array.from({ length: n }, (_, i) => i) }).toIterableDataset({ numShards });

describe("IterableDataset", () => {
  it("maps, filters, skips, takes and batches lazily", async () => {
    const stream = numbers(20, 4)
      .map((row: { n: number }) => ({ square: row.n * row.n }))
      .filter((row: { n: number }) => row.n % 2 === 0)
      .skip(2)
      .take(3);
    expect(await collect(stream)).toEqual([
      { n: 4, square: 16 },
      { n: 6, square: 36 },
      { n: 8, square: 64 },
    ]);
    expect(await collect(numbers(5).batch(2))).toEqual([{ n: [0, 1] }, { n: [2, 3] }, { n: [4] }]);
    const doubled = numbers(3).map((batch: { n: number[] }) => ({ n: batch.n.flatMap((n) => [n, n]) }), {
      batched: true,
    });
    expect((await collect(doubled)).map((row) => row.n)).toEqual([0, 0, 1, 1, 2, 2]);
    expect(numbers(10, 4).shard({ numShards: 2, index: 1 }).numShards).toBe(2);
  });

  it("shuffles with a buffer drawn as Python draws it", async () => {
    // numpy: default_rng(5), integers(0, 3, 1000) slot draws, then shuffle of the remaining buffer.
    const shuffled = await collect(numbers(10).shuffle({ seed: 5, bufferSize: 3 }));
    expect(shuffled.map((row) => row.n)).toEqual([2, 3, 0, 4, 1, 7, 8, 9, 5, 6]);
  });

  it("shuffles differently in each epoch, and the same way for the same epoch", async () => {
    const stream = numbers(30, 3).shuffle({ seed: 5, bufferSize: 4 });
    const order = async (epoch: number) => {
      stream.setEpoch(epoch);
      return (await collect(stream)).map((row) => row.n);
    };
    const first = await order(0);
    const second = await order(1);
    expect(second).not.toEqual(first);
    expect([...second].sort((a, b) => Number(a) - Number(b))).toEqual(
      [...first].sort((a, b) => Number(a) - Number(b)),
    );
    expect(await order(1)).toEqual(second);
    expect(await order(0)).toEqual(first);
    expect(() => stream.setEpoch(-1)).toThrow(/non-negative/);
  });

  it("resumes mid-epoch from a state dict", async () => {
    const stream = numbers(10, 3).take(8);
    const seen: number[] = [];
    for await (const row of stream) {
      seen.push(row.n as number);
      if (seen.length === 5) break;
    }
    const state = stream.stateDict();
    expect(state).toMatchObject({ shardIndex: 1, shardExampleIndex: 1 });
    const resumed = numbers(10, 3).take(8);
    resumed.loadStateDict(state);
    expect((await collect(resumed)).map((row) => row.n)).toEqual([5, 6, 7]);
  });
});

describe("streaming from where files live", () => {
  it("streams parquet from the Hub by ranged reads and a JSON Lines folder line by line", async () => {
    const flights = (await loadDataset("vega/flights", {
      endpoint: sampleHub().url,
      streaming: true,
      split: "train",
    })) as IterableDataset;
    const first = await collect(flights.take(3));
    const expected = (await Dataset.fromParquet(join(VEGA_DATA, "flights-3m.parquet"))).take(3).toList();
    expect(first).toEqual(expected);
    const weather = (await loadDataset("vega/seattle-weather", {
      endpoint: sampleHub().url,
      streaming: true,
      split: "train",
    })) as IterableDataset;
    expect(await collect(weather.take(2))).toEqual([
      { date: "2012-01-01", precipitation: 0, temp_max: 12.8, temp_min: 5, wind: 4.7, weather: "drizzle" },
      { date: "2012-01-02", precipitation: 10.9, temp_max: 10.6, temp_min: 2.8, wind: 4.5, weather: "rain" },
    ]);
    const lines = (await loadDataset("text", {
      dataFiles: { train: join(VEGA_DATA, "..", "package.json") },
      streaming: true,
    })) as IterableDatasetDict;
    expect((await collect(lines.get("train").take(1)))[0]).toEqual({ text: "{" });
  });

  it("streams compressed JSON Lines and TSV, and webdataset shards entry by entry", async () => {
    const folder = tempFolder();
    writeFileSync(
      join(folder, "rows.jsonl.gz"),
      gzipSync(Array.from({ length: 5 }, (_, i) => `{"i": ${i}}\n`).join("")),
    );
    writeFileSync(join(folder, "rows.tsv.gz"), gzipSync("a\tb\n1\tx\n2.5\t\n"));
    await writeTar(join(folder, "shard.tar"), [
      { name: "k0.txt", data: Buffer.from("zero") },
      { name: "k0.cls", data: Buffer.from("0") },
      { name: "k1.txt", data: Buffer.from("one") },
      { name: "k1.cls", data: Buffer.from("1") },
    ]);
    const stream = async (builder: string, file: string, builderOptions = {}) =>
      collect(
        (await loadDataset(builder, {
          dataFiles: { train: join(folder, file) },
          streaming: true,
          split: "train",
          builderOptions,
        })) as IterableDataset,
      );
    expect((await stream("json", "rows.jsonl.gz")).map((row) => row.i)).toEqual([0, 1, 2, 3, 4]);
    expect(await stream("csv", "rows.tsv.gz", { sep: "\t" })).toEqual([
      { a: 1, b: "x" },
      { a: 2.5, b: null },
    ]);
    expect(await stream("webdataset", "shard.tar")).toEqual([
      { __key__: "k0", __url__: join(folder, "shard.tar"), txt: "zero", cls: 0 },
      { __key__: "k1", __url__: join(folder, "shard.tar"), txt: "one", cls: 1 },
    ]);
  });

  it("reads a compressed stream again from its start when the connection drops, skipping what it gave", async () => {
    const server = await new FaultServer().start();
    try {
      const body = gzipSync(Array.from({ length: 3000 }, (_, i) => `{"i": ${i}}\n`).join(""));
      const url = server.serve("/rows.jsonl.gz", body, {
        faults: [{ kind: "drop", afterBytes: Math.floor(body.length / 2) }],
      });
      const rows = await collect(linesShard({ url, headers: {} }, "json", "gzip").rows(0));
      expect(rows.map((row) => row.i)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      expect(server.requestsFor("/rows.jsonl.gz").map((request) => request.headers.range)).toEqual([
        undefined,
        undefined,
      ]);
    } finally {
      await server.stop();
    }
  });

  it("streams a parquet file row group by row group as the loaded rows, from any row on", async () => {
    const folder = tempFolder();
    const path = join(folder, "mixed.parquet");
    const rows = Array.from({ length: 2500 }, (_, i) => ({
      n: i,
      label: i % 7 === 0 ? null : `row ${i}`,
      when: new Date(Date.UTC(2024, 0, 1) + i * 60_000),
      tags: i % 5 === 0 ? [] : [i, i + 1],
      score: i / 8,
    }));
    const written = Dataset.fromList(rows);
    await written.toParquet(path, { rowGroupSize: 1000 });
    const loaded = (await Dataset.fromParquet(path)).toList();
    expect(loaded).toHaveLength(2500);
    expect(await collect(parquetShard({ path }, "number").rows(0))).toEqual(loaded);
    // From the middle of the second row group on, as a resumed stream asks.
    const rest = await collect(parquetShard({ path }, "number").rows(1500));
    expect(rest).toEqual(loaded.slice(1500));
    // The chunks hold the same rows, a thousand or fewer at a time.
    const chunks: Row[][] = [];
    for await (const chunk of parquetShard({ path }, "number").chunks?.(0) ?? []) chunks.push(chunk);
    expect(chunks.every((chunk) => chunk.length > 0 && chunk.length <= 1000)).toBe(true);
    expect(chunks.flat()).toEqual(loaded);
    // A row group whose bytes are garbled is an error naming the file and the row group.
    const garbled = readFileSync(path);
    garbled.fill(0x5a, 8, 2000);
    const broken = join(folder, "broken.parquet");
    writeFileSync(broken, garbled);
    await expect(collect(parquetShard({ path: broken }, "number").rows(0))).rejects.toThrow(DataFileRowError);
  });

  it("streams JSON documents whole and Arrow stream files batch by batch, as they load", async () => {
    const folder = tempFolder();
    const rows = Array.from({ length: 30 }, (_, i) => ({ id: i, name: `n${i}`, score: i / 2 }));
    writeFileSync(join(folder, "train.json"), JSON.stringify(rows));
    writeFileSync(join(folder, "wrapped.json"), JSON.stringify({ version: 1, data: rows.slice(0, 5) }));
    const streamed = (await loadDataset("json", {
      dataFiles: { train: join(folder, "train.json") },
      streaming: true,
      split: "train",
    })) as IterableDataset;
    expect(await collect(streamed)).toEqual(rows);
    const wrapped = (await loadDataset("json", {
      dataFiles: { train: join(folder, "wrapped.json") },
      builderOptions: { field: "data" },
      streaming: true,
      split: "train",
    })) as IterableDataset;
    expect(await collect(wrapped)).toEqual(rows.slice(0, 5));

    // An Arrow stream file as save_to_disk writes it, streamed from a server from row 12 on.
    const saved = join(folder, "saved");
    await Dataset.fromList(rows).saveToDisk(saved);
    const arrowFile = join(saved, "data-00000-of-00001.arrow");
    const loaded = (await Dataset.fromArrow(arrowFile)).toList();
    const server = await new FaultServer().start();
    try {
      const url = server.serve("/data.arrow", readFileSync(arrowFile));
      expect(await collect(arrowShard({ url, headers: {} }, "number").rows(12))).toEqual(loaded.slice(12));
    } finally {
      await server.stop();
    }
    const arrowStream = (await loadDataset("arrow", {
      dataFiles: { train: arrowFile },
      streaming: true,
      split: "train",
    })) as IterableDataset;
    expect(await collect(arrowStream)).toEqual(loaded);
    // The IPC file format needs random access: refused with a way out.
    const ipcFile = join(folder, "file-format.arrow");
    writeFileSync(ipcFile, tableToIPC(tableFromArrays({ x: Int32Array.from([1, 2]) }), "file"));
    await expect(collect(arrowShard({ path: ipcFile }, "number").rows(0))).rejects.toThrow(
      /IPC file.*load it without streaming/,
    );
  });

  it("streams an image folder with class folders, labels as numbers and each image's bytes", async () => {
    const folder = tempFolder();
    for (const [kind, file] of [
      ["fox", "ffox.png"],
      ["gimp", "gimp.png"],
    ] as const) {
      mkdirSync(join(folder, "train", kind), { recursive: true });
      writeFileSync(join(folder, "train", kind, file), readFileSync(join(VEGA_DATA, file)));
    }
    const loaded = (await loadDataset(folder, { split: "train", cacheDir: tempFolder() })) as Dataset;
    const streamed = await collect(
      (await loadDataset(folder, { split: "train", streaming: true })) as IterableDataset,
    );
    expect(streamed.map((row) => row.label)).toEqual(loaded.getColumn("label"));
    expect(streamed.map((row) => row.label)).toEqual([0, 1]);
    const gimp = streamed[1]?.image as { bytes: Uint8Array; path: string };
    expect(Buffer.from(gimp.bytes).equals(readFileSync(join(VEGA_DATA, "gimp.png")))).toBe(true);
    expect(gimp.path).toBe(join(folder, "train", "gimp", "gimp.png"));
    // Skipping the first row leaves the second image.
    const rest = await collect(
      ((await loadDataset(folder, { split: "train", streaming: true })) as IterableDataset).skip(1),
    );
    expect(rest.map((row) => row.label)).toEqual([1]);
  });

  it("retries a parquet range read that fails mid-stream, and loses no row", async () => {
    const server = await new FaultServer().start();
    try {
      const folder = tempFolder();
      await Dataset.fromDict({ n: Array.from({ length: 3000 }, (_, i) => i) }).toParquet(
        join(folder, "n.parquet"),
        {
          rowGroupSize: 1000,
        },
      );
      const body = readFileSync(join(folder, "n.parquet"));
      const url = server.serve("/n.parquet", body);
      const seen: number[] = [];
      for await (const row of parquetShard({ url, headers: {} }, "number").rows(0)) {
        seen.push(row.n as number);
        // After the first row group, the next two range requests fail.
        if (seen.length === 1)
          server.serve("/n.parquet", body, {
            faults: [
              { kind: "status", status: 503 },
              { kind: "status", status: 502 },
            ],
          });
      }
      expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i));
      expect(
        server.requestsFor("/n.parquet").filter((request) => request.headers.range).length,
      ).toBeGreaterThanOrEqual(5);
    } finally {
      await server.stop();
    }
  });

  it("reopens a JSON Lines stream at the byte where the connection dropped", async () => {
    const server = await new FaultServer().start();
    try {
      const body = Buffer.from(Array.from({ length: 200 }, (_, i) => `{"i": ${i}}\n`).join(""));
      const url = server.serve("/rows.jsonl", body, { faults: [{ kind: "drop", afterBytes: 700 }] });
      const rows = await collect(linesShard({ url, headers: {} }, "json").rows(0));
      expect(rows.map((row) => row.i)).toEqual(Array.from({ length: 200 }, (_, i) => i));
      const requests = server.requestsFor("/rows.jsonl");
      expect(requests).toHaveLength(2);
      expect(requests[1]?.headers.range).toBe("bytes=700-");
    } finally {
      await server.stop();
    }
  });
});
