/**
 * bench/snapshot: wharf's `snapshotDownload` against `@huggingface/hub`'s, each fetching a repo from a
 * local `wharf serve` into an empty cache, in the same run, each client in its own process on the
 * built packages.
 * - a repo of 1,000 files of 4 KiB to 64 KiB (regular git files)
 * - a repo of four 256 MiB LFS files
 * - each client's peak resident memory (VmHWM)
 * The server runs pinned to one CPU and the clients to the other (taskset), so neither takes turns with
 * the other. Goals (issue #4): at least 4x faster on the small files, 1.2x on the big ones, peak memory
 * under 200 MB.
 */
import { execFileSync } from "node:child_process";
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { parseRepoId } from "../src/hub/repo-id.js";
import { importFolder } from "../src/mirror/import-folder.js";
import { RepoStore } from "../src/mirror/store/repo-store.js";
import { ensureRandomFile, ensureSmallFiles } from "./support/files.js";
import { onCpus, startServer, type Timed, timeCommand } from "./support/processes.js";
import { median, printTable, type Row } from "./support/report.js";

const RUNS = 3;
const SMALL_COUNT = 1000;
const BIG_COUNT = 4;
const BIG_SIZE = 256 * 2 ** 20;
const SERVER_CPU = "1";
const CLIENT_CPU = "0";
const work = join(import.meta.dirname, "..", ".bench-tmp", "snapshot");
const client = join(import.meta.dirname, "support", "snapshot-client.mjs");

/** The two repos as folders, imported into a store once (kept between runs). */
async function prepare(): Promise<string> {
  const small = join(work, "small");
  const big = join(work, "big");
  await ensureSmallFiles(small, SMALL_COUNT);
  await mkdir(big, { recursive: true });
  for (let i = 0; i < BIG_COUNT; i++) await ensureRandomFile(join(big, `weights-${i}.bin`), BIG_SIZE);

  const store = join(work, "store");
  const repos = RepoStore.inFolder(store);
  for (const [name, folder] of [
    ["bench/small-files", small],
    ["bench/big-files", big],
  ] as const) {
    const id = parseRepoId(name, "model");
    if (!(await repos.resolveRevision(id, "main"))) await importFolder(repos, folder, id);
  }
  execFileSync("sync");
  return store;
}

async function fetchSnapshot(who: "wharf" | "hf", url: string, repoId: string): Promise<Timed> {
  const cacheDir = join(work, `cache-${who}`);
  await rm(cacheDir, { recursive: true, force: true });
  const timed = await timeCommand(
    ...onCpus(CLIENT_CPU, process.execPath, [client, who, url, repoId, cacheDir]),
  );
  const files = await readdir(join(cacheDir, `models--${repoId.replace("/", "--")}`, "blobs"));
  if (files.length < (repoId.endsWith("small-files") ? SMALL_COUNT : BIG_COUNT))
    throw new Error(`${who} fetched ${files.length} files of ${repoId}`);
  await rm(cacheDir, { recursive: true, force: true });
  return timed;
}

async function main(): Promise<void> {
  const store = await prepare();
  const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
  const server = await startServer(cli, ["serve", "--store", store, "--port", "0"], SERVER_CPU);
  try {
    const results: Record<string, Timed[]> = {};
    for (const repoId of ["bench/small-files", "bench/big-files"]) {
      for (let run = 0; run < RUNS; run++) {
        // Alternate who goes first, so neither always finds a warmer page cache.
        const order = run % 2 === 0 ? (["wharf", "hf"] as const) : (["hf", "wharf"] as const);
        for (const who of order) {
          const key = `${who}:${repoId}`;
          results[key] = [...(results[key] ?? []), await fetchSnapshot(who, server.url, repoId)];
        }
      }
    }
    const time = (key: string) => median((results[key] ?? []).map((timed) => timed.seconds));
    const memory = (who: string) =>
      Math.max(
        ...Object.entries(results).flatMap(([key, runs]) =>
          key.startsWith(who) ? runs.map((r) => r.peakMiB) : [],
        ),
      );
    const rows: Row[] = [
      {
        what: `${SMALL_COUNT} files of 4-64 KiB`,
        wharf: time("wharf:bench/small-files"),
        peer: time("hf:bench/small-files"),
        peerName: "@huggingface/hub",
        unit: "s",
        goal: "<= 0.25x",
      },
      {
        what: `${BIG_COUNT} LFS files of 256 MiB`,
        wharf: time("wharf:bench/big-files"),
        peer: time("hf:bench/big-files"),
        peerName: "@huggingface/hub",
        unit: "s",
        goal: "<= 0.83x",
      },
      {
        what: "client peak resident memory",
        wharf: memory("wharf"),
        peer: memory("hf"),
        peerName: "@huggingface/hub",
        unit: "MiB",
        goal: "wharf < 200 MB",
      },
    ];
    printTable(
      `bench/snapshot (snapshotDownload into an empty cache from wharf serve on CPU ${SERVER_CPU}, clients on CPU ${CLIENT_CPU}; median of ${RUNS} runs each)`,
      rows,
    );
  } finally {
    server.process.kill("SIGTERM");
  }
}

await main();
