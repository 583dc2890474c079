/**
 * bench/load: `loadDataset` of a Hub repo holding `flights-3m.parquet` (3 million rows) from a local
 * `wharf serve`, with a cold cache (download, parse, prepare the Arrow file) and a warm one (the prepared
 * file opened again), beside DuckDB loading the same parquet file from disk into a table (DuckDB's HTTP
 * reader is an extension it would fetch from the internet, which this machine cannot reach).
 * Then streaming: time to the first row, and rows per second over the whole file, beside iterating the
 * rows of the loaded (downloaded) dataset. Goals (issue #7): warm load under 100 ms, first streamed row
 * under 300 ms, streaming at least half as fast as reading the downloaded file.
 */
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { writeSampleRepos } from "../scripts/sample-repos.js";
import { type Dataset, type IterableDataset, loadDataset } from "../src/datasets/index.js";
import { parseRepoId } from "../src/hub/repo-id.js";
import { importFolder } from "../src/mirror/import-folder.js";
import { RepoStore } from "../src/mirror/store/repo-store.js";
import { startServer } from "./support/processes.js";
import { median, printTable } from "./support/report.js";

const RUNS = 3;
const work = join(import.meta.dirname, "..", ".bench-tmp", "load");

/** Streams the whole flights file from the server: seconds to the first row, then rows per second. */
async function streamRates(endpoint: string): Promise<{ firstRow: number; rate: number }> {
  const started = performance.now();
  const stream = (await loadDataset("vega/flights", {
    endpoint,
    streaming: true,
    split: "train",
  })) as IterableDataset;
  let firstRow = 0;
  let count = 0;
  for await (const _row of stream) {
    if (count === 0) firstRow = (performance.now() - started) / 1000;
    count++;
  }
  if (count !== 3_000_000) throw new Error(`streamed ${count} rows`);
  return { firstRow, rate: count / ((performance.now() - started) / 1000) };
}

async function main(): Promise<void> {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const store = RepoStore.inFolder(join(work, "store"));
  const flights = (await writeSampleRepos(join(work, "repos"))).find((repo) => repo.id === "vega/flights");
  if (!flights) throw new Error("the sample flights repo is missing");
  await importFolder(store, flights.folder, parseRepoId("vega/flights", "dataset"));
  const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
  const server = await startServer(cli, ["serve", "--store", join(work, "store"), "--port", "0"]);
  try {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const options = {
        endpoint: server.url,
        cacheDir: join(work, `datasets-${run}`),
        hubCacheDir: join(work, `hub-${run}`),
        split: "train",
      };
      let started = performance.now();
      const loaded = (await loadDataset("vega/flights", options)) as Dataset;
      cold.push((performance.now() - started) / 1000);
      if (loaded.numRows !== 3_000_000) throw new Error(`loaded ${loaded.numRows} rows`);
      started = performance.now();
      await loadDataset("vega/flights", options);
      warm.push((performance.now() - started) / 1000);
    }
    const streamed = await streamRates(server.url);
    const local = (await loadDataset("vega/flights", {
      endpoint: server.url,
      cacheDir: join(work, "datasets-0"),
      hubCacheDir: join(work, "hub-0"),
      split: "train",
    })) as Dataset;
    const started = performance.now();
    let count = 0;
    for (const _row of local) count++;
    const localRate = count / ((performance.now() - started) / 1000);
    const parquet = join(flights.folder, "data", "train-00000-of-00001.parquet");
    const duck = await (await DuckDBInstance.create(":memory:")).connect();
    const duckTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const started = performance.now();
      await duck.run(`CREATE OR REPLACE TABLE f AS SELECT * FROM read_parquet('${parquet}')`);
      duckTimes.push((performance.now() - started) / 1000);
    }
    printTable(
      `bench/load (vega/flights, 3,000,000 rows, from wharf serve on 127.0.0.1; median of ${RUNS})`,
      [
        {
          what: "loadDataset, cold cache (download, parse, prepare)",
          wharf: median(cold),
          peer: median(duckTimes),
          peerName: "DuckDB from disk",
          unit: "s",
        },
        {
          what: "loadDataset, warm cache (prepared file)",
          wharf: median(warm),
          peer: median(duckTimes),
          peerName: "DuckDB from disk",
          unit: "s",
          goal: "< 0.100 s",
        },
        {
          what: "streaming: time to the first row",
          wharf: streamed.firstRow,
          peer: median(duckTimes),
          peerName: "DuckDB from disk",
          unit: "s",
          goal: "< 0.300 s",
        },
        {
          what: "streaming: rows per second",
          wharf: streamed.rate,
          peer: localRate,
          peerName: "wharf, downloaded file",
          unit: "rows/s",
          goal: ">= 0.5x",
        },
      ],
    );
  } finally {
    server.process.kill("SIGTERM");
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
