// Opens a saved dataset (wharf's loadFromDisk on the built package, or a DuckDB file), reads its last
// row, and prints the time that took and the process's resident memory as JSON. Run by bench/datasets
// in a fresh process each time; modules load before the clock starts, so the figure is the opening.
import { performance } from "node:perf_hooks";

const [kind, path] = process.argv.slice(2);
const start = { at: 0 };
if (kind === "wharf") {
  const { loadDatasetFromDisk } = await import("../../dist/datasets/index.js");
  start.at = performance.now();
  const dataset = loadDatasetFromDisk(path);
  dataset.get(dataset.numRows - 1);
} else {
  const { DuckDBInstance } = await import("@duckdb/node-api");
  start.at = performance.now();
  const connection = await (await DuckDBInstance.create(path)).connect();
  await connection.runAndReadAll("SELECT * FROM f LIMIT 1 OFFSET 2999999");
}
const seconds = (performance.now() - start.at) / 1000;
console.log(JSON.stringify({ seconds, rssMiB: process.memoryUsage().rss / 2 ** 20 }));
