/**
 * bench/datasets: wharf's Dataset against DuckDB doing the same work on the same file in the same run,
 * on `flights-3m.parquet` from vega-datasets (3 million real rows, 5 columns). Each step is timed as the
 * median of RUNS; opening a saved dataset is measured in fresh processes (time and resident memory).
 * Goals (issue #6): within 2x of DuckDB on every step; a saved dataset opens in under 50 ms and 100 MB.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { VEGA_DATA } from "../scripts/sample-repos.js";
import { Dataset } from "../src/datasets/index.js";
import { median, printTable, type Row } from "./support/report.js";

const RUNS = 3;
const parquet = join(VEGA_DATA, "flights-3m.parquet");
const work = join(import.meta.dirname, "..", ".bench-tmp", "datasets");
const opener = join(import.meta.dirname, "support", "open-saved.mjs");

async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const duck = await (await DuckDBInstance.create(":memory:")).connect();
await duck.run(`CREATE TABLE f AS SELECT * FROM read_parquet('${parquet}')`);
const flights = await Dataset.fromParquet(parquet);
const rows: Row[] = [];
const add = (what: string, wharf: number, peer: number, goal = "<= 2x") =>
  rows.push({ what, wharf, peer, peerName: "DuckDB", unit: "s", goal });

add(
  "load parquet into memory",
  await timeIt(() => Dataset.fromParquet(parquet)),
  await timeIt(() => duck.run(`CREATE OR REPLACE TABLE g AS SELECT * FROM read_parquet('${parquet}')`)),
);
add(
  "iterate all rows as JS values, 1000 a batch",
  await timeIt(() => {
    let count = 0;
    for (const batch of flights.iter({ batchSize: 1000 }))
      count += (batch as { delay: unknown[] }).delay.length;
    if (count !== flights.numRows) throw new Error("short iteration");
  }),
  await timeIt(async () => {
    const reader = await duck.runAndReadAll("SELECT * FROM f");
    if (reader.getColumnsJS()[0]?.length !== flights.numRows) throw new Error("short iteration");
  }),
);
add(
  "filter delay > 10",
  await timeIt(() =>
    flights.filter((delays: number[]) => delays.map((delay) => delay > 10), {
      batched: true,
      inputColumns: "delay",
    }),
  ),
  await timeIt(() => duck.run("CREATE OR REPLACE TABLE g AS SELECT * FROM f WHERE delay > 10")),
);
add(
  "batched map adding a column",
  await timeIt(() =>
    flights.map((delays: number[]) => ({ late: delays.map((delay) => delay > 10) }), {
      batched: true,
      inputColumns: "delay",
    }),
  ),
  await timeIt(() => duck.run("CREATE OR REPLACE TABLE g AS SELECT *, delay > 10 AS late FROM f")),
);
add(
  "sort by one column (the order)",
  await timeIt(() => flights.sort("delay")),
  await timeIt(() => duck.run("CREATE OR REPLACE TABLE g AS SELECT rowid FROM f ORDER BY delay")),
);
add(
  "shuffle, then flattenIndices",
  await timeIt(() => flights.shuffle({ seed: 42 }).flattenIndices()),
  await timeIt(() => duck.run("CREATE OR REPLACE TABLE g AS SELECT * FROM f ORDER BY random()")),
);
const wharfParquet = join(work, "wharf.parquet");
add(
  "toParquet",
  await timeIt(() => flights.toParquet(wharfParquet)),
  await timeIt(() => duck.run(`COPY f TO '${join(work, "duckdb.parquet")}' (FORMAT parquet)`)),
);
const saved = join(work, "saved");
const duckFile = join(work, "flights.duckdb");
add(
  "saveToDisk (DuckDB: its own file)",
  await timeIt(() => flights.saveToDisk(saved)),
  await timeIt(async () => {
    rmSync(duckFile, { force: true });
    await duck.run(`ATTACH '${duckFile}' AS saved`);
    await duck.run("CREATE TABLE saved.f AS SELECT * FROM f");
    await duck.run("DETACH saved");
  }),
);

/** Time and resident memory to open a saved dataset and read one row, in a fresh process. */
function openInProcess(kind: "wharf" | "duckdb", path: string): { seconds: number; rssMiB: number } {
  const runs = Array.from({ length: RUNS }, () => {
    const printed = execFileSync(process.execPath, [opener, kind, path], { encoding: "utf8" });
    return JSON.parse(printed) as { seconds: number; rssMiB: number };
  });
  return { seconds: median(runs.map((run) => run.seconds)), rssMiB: median(runs.map((run) => run.rssMiB)) };
}
const wharfOpen = openInProcess("wharf", saved);
const duckOpen = openInProcess("duckdb", duckFile);
add("open saved dataset, read one row", wharfOpen.seconds, duckOpen.seconds, "< 0.050 s");
rows.push({
  what: "resident memory after opening (process)",
  wharf: wharfOpen.rssMiB,
  peer: duckOpen.rssMiB,
  peerName: "DuckDB",
  unit: "MiB",
  goal: "< 100 MiB",
});
printTable(
  `datasets on flights-3m.parquet (${flights.numRows.toLocaleString()} rows), median of ${RUNS}`,
  rows,
);
rmSync(work, { recursive: true, force: true });
