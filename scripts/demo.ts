/**
 * `npm run demo`: wharf's main job on embedded defaults: no internet, no S3, no credentials.
 *
 * Second form (issue #3, the mirror's store and server): sample Hub repos are built from the real files
 * of the npm package `vega-datasets` (3 million flights as a parquet dataset, a CSV and a JSON dataset,
 * a small model), imported into a fresh store with `wharf repo import`, and served by `wharf serve`
 * as a Hub endpoint. The demo then reads it as any Hub client would: the repo listing, a dataset's card
 * and tree, and a download of the parquet file through wharf's download engine, verified against the
 * sha256 the tree gives. Later issues grow this into the whole path: download, load, transform.
 */
import { execFile, spawn } from "node:child_process";
import { mkdtemp, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { downloadFile } from "../src/core/download/engine.js";
import { writeSampleRepos } from "./sample-repos.js";

const bin = fileURLToPath(new URL("../dist/cli/main.js", import.meta.url));
const wharf = (args: string[]) => promisify(execFile)(process.execPath, [bin, ...args]);
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

const work = await mkdtemp(join(tmpdir(), "wharf-demo-"));
const store = join(work, "store");
console.log(`1. Importing sample repos from vega-datasets into ${store}\n`);
for (const repo of await writeSampleRepos(join(work, "folders"))) {
  const { stdout } = await wharf([
    "repo",
    "import",
    repo.folder,
    "--repo",
    repo.id,
    "--type",
    repo.type,
    "--store",
    store,
  ]);
  console.log(`   $ wharf repo import … --repo ${repo.id} --type ${repo.type}\n   ${stdout.trim()}`);
}

const server = spawn(process.execPath, [bin, "serve", "--store", store, "--port", "0"], {
  stdio: ["ignore", "pipe", "inherit"],
});
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
  const dest = join(work, "downloads", "flights.parquet");
  const started = performance.now();
  const result = await downloadFile({
    url: resolveUrl,
    dest,
    expectedSha256: parquet.lfs.oid,
    expectedSize: parquet.size,
  });
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\n5. Downloaded ${mib((await stat(dest)).size)} to ${dest} in ${seconds.toFixed(2)} s, sha256 verified ` +
      `(${result.sha256?.slice(0, 16)}…).`,
  );
  console.log("\nNext: `npm test` runs the test suite.");
} finally {
  server.kill("SIGTERM");
}
