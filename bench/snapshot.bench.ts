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
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { BENCH_WORK, BIG_COUNT, prepareBenchRepos, SMALL_COUNT } from "./support/bench-repos.js";
import { onCpus, startServer, type Timed, timeCommand } from "./support/processes.js";
import { median, printTable, type Row } from "./support/report.js";
import { emptyTrash, retire } from "./support/trash.js";

const RUNS = 3;
const SERVER_CPU = "1";
const CLIENT_CPU = "0";
const work = join(BENCH_WORK, "snapshot");
const client = join(import.meta.dirname, "support", "snapshot-client.mjs");

/**
 * A cache of the small files is moved aside after its run, not deleted (support/trash.ts says why); one
 * of the big files holds a few inodes and 1 GiB, so it is deleted.
 */
async function clearCache(cacheDir: string, repoId: string): Promise<void> {
  if (repoId.endsWith("small-files")) await retire(cacheDir);
  else await rm(cacheDir, { recursive: true, force: true });
}

async function fetchSnapshot(who: "wharf" | "hf", url: string, repoId: string): Promise<Timed> {
  const cacheDir = join(work, `cache-${who}`);
  await clearCache(cacheDir, repoId);
  const timed = await timeCommand(
    ...onCpus(CLIENT_CPU, process.execPath, [client, who, url, repoId, cacheDir]),
  );
  const files = await readdir(join(cacheDir, `models--${repoId.replace("/", "--")}`, "blobs"));
  if (files.length < (repoId.endsWith("small-files") ? SMALL_COUNT : BIG_COUNT))
    throw new Error(`${who} fetched ${files.length} files of ${repoId}`);
  await clearCache(cacheDir, repoId);
  return timed;
}

async function main(): Promise<void> {
  const store = await prepareBenchRepos();
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
    await emptyTrash();
  }
}

await main();
