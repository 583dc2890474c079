/**
 * `npm run demo`: wharf's main job on embedded defaults, no internet, no credentials.
 *
 * First form (issue #2, the core layer): a local HTTP server on 127.0.0.1 (its own process) serves the real data files of
 * the npm package `vega-datasets` (CSV, JSON, Arrow, 3 million flights in parquet). wharf's download
 * engine fetches them all in parallel into a fresh folder, verifying each sha256 while it streams; the
 * server cuts the biggest file's connection once, and the engine resumes it with a Range request.
 * Later issues grow this into the whole path: serve a Hub, download, load, transform, push.
 */

import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { downloadMany, HttpClient } from "../dist/core/index.js";

// vega-datasets exports no package.json, so find its data folder beside this project's node_modules.
const dataDir = fileURLToPath(new URL("../node_modules/vega-datasets/data/", import.meta.url));
const CUT_FILE = "flights-3m.parquet";

/** Starts scripts/static-server.mjs over the vega data, cutting CUT_FILE's first transfer. */
async function startServer() {
  const script = fileURLToPath(new URL("./static-server.mjs", import.meta.url));
  const child = spawn(process.execPath, [script, dataDir, "--cut-once", CUT_FILE], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise((resolve) =>
    child.stdout.once("data", (chunk) => resolve(chunk.toString().trim())),
  );
  return { url, child };
}

async function sha256(path) {
  const hash = createHash("sha256");
  hash.update(await readFile(path));
  return hash.digest("hex");
}

const server = await startServer();
const base = server.url;
const names = (await readdir(dataDir)).filter((name) => !name.startsWith(".")).sort();
const expected = await Promise.all(
  names.map(async (name) => ({
    name,
    size: (await stat(join(dataDir, name))).size,
    sha256: await sha256(join(dataDir, name)),
  })),
);
const dest = await mkdtemp(join(tmpdir(), "wharf-demo-"));
console.log(`Serving ${names.length} vega-datasets files at ${base}; downloading into ${dest}\n`);

const client = new HttpClient({ retry: { baseDelayMs: 50 } });
const started = performance.now();
const results = await downloadMany(
  expected.map((file) => ({
    url: `${base}/${encodeURIComponent(file.name)}`,
    dest: join(dest, file.name),
    expectedSize: file.size,
    expectedSha256: file.sha256,
    label: file.name,
    client,
  })),
  { concurrency: 8 },
);
const seconds = (performance.now() - started) / 1000;
const bytes = results.reduce((sum, result) => sum + result.size, 0);
const transferred = results.reduce((sum, result) => sum + result.transferred, 0);

const biggest = [...results].sort((a, b) => b.size - a.size).slice(0, 5);
for (const result of biggest) {
  const name = result.path.slice(dest.length + 1);
  const note = name === CUT_FILE ? "  (connection cut at 40%, resumed with Range)" : "";
  console.log(
    `${name.padEnd(24)} ${(result.size / 2 ** 20).toFixed(1).padStart(7)} MiB  sha256 ${result.sha256?.slice(0, 12)}…${note}`,
  );
}
console.log(`… and ${results.length - biggest.length} more files.\n`);
console.log(
  `${results.length} files, ${(bytes / 2 ** 20).toFixed(1)} MiB, every sha256 verified, in ${seconds.toFixed(2)} s ` +
    `(${(transferred / 2 ** 20 / seconds).toFixed(0)} MiB/s).`,
);
console.log(`Files are in ${dest}. Next: \`npm test\` runs the test suite.`);
await client.close();
server.child.kill();
