/**
 * `npm run demo`: wharf's main job on embedded defaults: no internet, no S3, no credentials.
 *
 * Second form (issue #3, the mirror's store and server): sample Hub repos are built from the real files
 * of the npm package `vega-datasets` (3 million flights as a parquet dataset, a CSV and a JSON dataset,
 * a small model), imported into a fresh store with `wharf mirror import`, and served by `wharf serve`
 * as a Hub endpoint. The demo then reads it as any Hub client would: the repo listing, a dataset's card
 * and tree, the headers of a HEAD; then wharf's Hub client (issue #4) downloads a dataset into a fresh
 * Python-shared cache through `wharf download` (LFS files verified by sha256), shows that a second call
 * downloads nothing, fetches a file into a plain folder, and scans the cache. Then the datasets layer
 * (issues #6, #7), imported as a user imports `wharf/datasets`: `loadDataset` prepares the 3 million
 * flights into the datasets cache and loads them again warm, transforms them (filter, sort, a seeded
 * split drawn as Python draws it) and saves and reopens a split in Python's `save_to_disk` format.
 * A mapped column is added and the result pushed back to the server as a new dataset repo (parquet
 * shards and a card). Then the mirror (issue #9) pulls the flights from the server into a store of its
 * own, under the upstream's commit id, and pushes that store to another, as to a machine without the
 * network. Last, where to open the web viewer on the running server.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { writeSampleRepos } from "./sample-repos.js";

const bin = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const wharf = (args: string[]) => promisify(execFile)(process.execPath, [bin, ...args]);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const work = await mkdtemp(join(tmpdir(), "wharf-demo-"));
const keepServing = process.argv.includes("--serve");
const store = join(work, "store");
console.log(`1. Importing sample repos from vega-datasets into ${store}\n`);
for (const repo of await writeSampleRepos(join(work, "folders"))) {
  const { stdout } = await wharf([
    "mirror",
    "import",
    repo.folder,
    "--repo",
    repo.id,
    "--type",
    repo.type,
    "--store",
    store,
  ]);
  console.log(`   $ wharf mirror import … --repo ${repo.id} --type ${repo.type}\n   ${stdout.trim()}`);
}

// One write token, for the demo's own user, so the demo can push a dataset back.
const DEMO_TOKEN = "hf_demo_0123456789";
const serverConfig = join(work, "server.yaml");
await writeFile(serverConfig, `tokens:\n  - { token: ${DEMO_TOKEN}, user: demo, role: write }\n`);
const server = spawn(
  process.execPath,
  [bin, "serve", "--store", store, "--port", "0", "--config", serverConfig],
  {
    stdio: ["ignore", "pipe", "inherit"],
  },
);
const url = await new Promise<string>((resolve, reject) => {
  server.stdout.on("data", (chunk: Buffer) => {
    const found = /at (http:\/\/\S+)/.exec(chunk.toString())?.[1];
    if (found) resolve(found);
  });
  server.once("exit", (code) => reject(new Error(`wharf serve exited with ${code}`)));
});
console.log(
  `\n2. $ wharf serve --store ${store} --port 0\n   serving at ${url}  (set HF_ENDPOINT=${url} for any Hub client)\n`,
);

const json = async <T>(path: string): Promise<T> => (await fetch(`${url}${path}`)).json() as Promise<T>;
try {
  console.log("3. What it serves");
  for (const kind of ["datasets", "models"]) {
    const repos = await json<Array<{ id: string; sha: string }>>(`/api/${kind}`);
    for (const repo of repos)
      console.log(`   GET /api/${kind}  ${repo.id.padEnd(22)} at ${repo.sha.slice(0, 12)}`);
  }
  const info = await json<{ sha: string; cardData: { pretty_name: string; configs: unknown } }>(
    "/api/datasets/vega/flights",
  );
  console.log(
    `   vega/flights card: "${info.cardData.pretty_name}", configs ${JSON.stringify(info.cardData.configs)}`,
  );
  const tree = await json<Array<{ path: string; size: number; lfs?: { oid: string } }>>(
    "/api/datasets/vega/flights/tree/main?recursive=true",
  );
  for (const entry of tree)
    console.log(`   tree  ${entry.path.padEnd(36)} ${entry.lfs ? "LFS " : "    "}${mib(entry.size ?? 0)}`);

  const parquet = tree.find((entry) => entry.path.endsWith(".parquet"));
  if (!parquet?.lfs) throw new Error("the flights parquet file is missing from the tree");
  const resolveUrl = `${url}/datasets/vega/flights/resolve/main/${parquet.path}`;
  const head = await fetch(resolveUrl, { method: "HEAD" });
  console.log(`\n4. HEAD ${resolveUrl}`);
  for (const name of ["x-repo-commit", "etag", "content-length", "accept-ranges"]) {
    console.log(`   ${name}: ${head.headers.get(name)}`);
  }
  // The Hub client, as a user runs it: the CLI against this server, into a fresh Python-shared cache.
  const env = { ...process.env, HF_ENDPOINT: url, HF_HOME: join(work, "hf") };
  const hf = (args: string[]) => promisify(execFile)(process.execPath, [bin, ...args], { env });
  let started = performance.now();
  const snapshot = (await hf(["download", "vega/flights", "--type", "dataset", "--quiet"])).stdout.trim();
  const seconds = (performance.now() - started) / 1000;
  const downloaded = join(snapshot, ...parquet.path.split("/"));
  console.log(
    `\n5. $ HF_ENDPOINT=${url} wharf download vega/flights --type dataset\n   ${snapshot}\n` +
      `   ${mib((await stat(downloaded)).size)} in ${seconds.toFixed(2)} s into the cache Python shares, ` +
      `the parquet file's sha256 verified against ${parquet.lfs.oid.slice(0, 16)}…`,
  );
  started = performance.now();
  await hf(["download", "vega/flights", "--type", "dataset", "--quiet"]);
  console.log(
    `   again: ${((performance.now() - started) / 1000).toFixed(2)} s, nothing downloaded (the cache holds it)`,
  );
  const local = join(work, "weather");
  await hf([
    "download",
    "vega/seattle-weather",
    "data/train.csv",
    "--type",
    "dataset",
    "--local-dir",
    local,
    "--quiet",
  ]);
  console.log(`   $ wharf download vega/seattle-weather data/train.csv --type dataset --local-dir ${local}`);
  console.log("\n6. $ wharf cache scan");
  for (const line of (await hf(["cache", "scan"])).stdout.trimEnd().split("\n")) console.log(`   ${line}`);
  await datasetsStep(url, join(work, "hf"));
  await mirrorStep(url);
  console.log(
    `\nThe web viewer: ${url}/ (the repos), ${url}/datasets/demo/late-flights (the pushed dataset)`,
  );
  if (keepServing) {
    console.log("Serving until Ctrl-C.");
    await new Promise((resolve) => process.once("SIGINT", resolve));
  } else {
    console.log("(`npm run demo -- --serve` keeps the server up to open them.)");
  }
  console.log("Next: `npm test` runs the test suite.");
} finally {
  server.kill("SIGTERM");
}

/** Step 7: the datasets layer on the served flights repo. */
async function datasetsStep(endpoint: string, hfHome: string): Promise<void> {
  const datasets = await import("../src/datasets/index.js");
  const options = { endpoint, cacheDir: join(hfHome, "datasets"), hubCacheDir: join(hfHome, "hub") };
  let started = performance.now();
  const flights = (await datasets.loadDataset("vega/flights", {
    ...options,
    split: "train",
  })) as import("../src/datasets/index.js").Dataset;
  const cold = (performance.now() - started) / 1000;
  started = performance.now();
  await datasets.loadDataset("vega/flights", { ...options, split: "train" });
  const warm = (performance.now() - started) / 1000;
  console.log(
    `\n7. loadDataset("vega/flights", { split: "train" })  (wharf/datasets, HF_ENDPOINT=${endpoint})\n` +
      `   ${flights.toString()}\n   prepared into ${flights.cacheFiles[0]?.filename}\n` +
      `   cold ${cold.toFixed(2)} s, warm ${warm.toFixed(3)} s (reads the prepared Arrow file lazily)`,
  );
  started = performance.now();
  const late = await flights.filter((delays: number[]) => delays.map((delay) => delay > 60), {
    batched: true,
    inputColumns: "delay",
  });
  const sorted = late.sort("delay", { reverse: true });
  const worst = sorted.get(0) as Record<string, unknown>;
  const split = late.trainTestSplit({ testSize: 0.1, seed: 42 });
  console.log(
    `   filter(delay > 60): ${late.numRows.toLocaleString()} rows; worst: ${worst.delay} min ` +
      `${worst.origin} -> ${worst.destination}; trainTestSplit(seed 42): ${JSON.stringify(split.numRows)} ` +
      `(${((performance.now() - started) / 1000).toFixed(2)} s)`,
  );
  const saved = join(hfHome, "late-flights-test");
  await split.get("test").saveToDisk(saved);
  started = performance.now();
  const reopened = datasets.loadFromDisk(saved) as import("../src/datasets/index.js").Dataset;
  console.log(
    `   saveToDisk + loadFromDisk (Python's format): ${reopened.numRows.toLocaleString()} rows reopened in ` +
      `${((performance.now() - started) / 1000).toFixed(3)} s`,
  );
  // map a column in, and push the result back to the server as a new dataset repo (parquet shards + card).
  const withHours = await split.get("test").map(
    (batch: { delay: number[] }) => ({
      delay_hours: batch.delay.map((minutes) => Math.round((minutes / 60) * 10) / 10),
    }),
    { batched: true },
  );
  const pushed = await withHours.pushToHub("demo/late-flights", {
    endpoint,
    token: DEMO_TOKEN,
    split: "test",
  });
  console.log(
    `   map(delay_hours) + pushToHub("demo/late-flights"): ${withHours.numRows.toLocaleString()} rows, ` +
      `columns ${Object.keys(withHours.features).join(", ")}\n   ${pushed.commitUrl}`,
  );
}

/** Step 8: the mirror pulls from the served Hub into a store of its own, and carries it to another. */
async function mirrorStep(endpoint: string): Promise<void> {
  const mirror = join(work, "mirror-store");
  const offline = join(work, "offline-store");
  const pull = async () =>
    JSON.parse(
      (
        await wharf([
          "mirror",
          "pull",
          "vega/flights",
          "--type",
          "dataset",
          "--from",
          endpoint,
          "--store",
          mirror,
          "--json",
        ])
      ).stdout,
    ) as { commit: string; files: number; downloadedFiles: number; downloadedBytes: number };
  const pulled = await pull();
  console.log(
    `\n8. $ wharf mirror pull vega/flights --type dataset --from ${endpoint} --store ${mirror}\n` +
      `   ${pulled.files} files (${mib(pulled.downloadedBytes)}) at the upstream's commit ${pulled.commit.slice(0, 12)}, each verified`,
  );
  const again = await pull();
  console.log(`   again: ${again.downloadedFiles} files downloaded (the store holds them)`);
  const pushed = (await wharf(["mirror", "push", "--store", mirror, "--to", offline])).stdout.trim();
  console.log(`   $ wharf mirror push --store ${mirror} --to ${offline}\n   ${pushed}`);
  console.log(
    "   (an s3://bucket/prefix works in place of either folder; wharf serve --store serves either)",
  );
}
