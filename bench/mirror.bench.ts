/**
 * bench/mirror: `wharf mirror pull` of one repo (1,000 files of 4-64 KiB and four 256 MiB LFS files)
 * from a local `wharf serve`, into an empty folder store and into an empty bucket on moto, beside
 * `snapshotDownload` of the same repo into an empty cache in the same run. Each client runs in its own
 * process on CPU 0 and the server on CPU 1. Goal (issue #9): the pull into a folder store within 1.2x
 * of the snapshot download. moto is an S3 emulator in Python answering one request at a time, so the
 * S3 figure says what the pull costs over S3's protocol here, not what AWS would take.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { startMoto } from "../test/support/moto-server.js";
import { BENCH_WORK, prepareBenchRepos } from "./support/bench-repos.js";
import { onCpus, startServer, type Timed, timeCommand } from "./support/processes.js";
import { median, printTable, type Row } from "./support/report.js";
import { emptyTrash, retire } from "./support/trash.js";

const RUNS = 3;
const REPO = "bench/mixed";
const SERVER_CPU = "1";
const CLIENT_CPU = "0";
const work = join(BENCH_WORK, "mirror");
const client = join(import.meta.dirname, "support", "mirror-client.mjs");

async function timeClient(
  what: "snapshot" | "pull",
  url: string,
  target: string,
  env: Record<string, string> = {},
): Promise<Timed> {
  // WHARF_HOME holds a pull's staging folder when the store is a bucket.
  const home = join(work, "home");
  Object.assign(process.env, { WHARF_HOME: home }, env);
  try {
    return await timeCommand(...onCpus(CLIENT_CPU, process.execPath, [client, what, url, REPO, target]));
  } finally {
    await retire(home);
  }
}

async function main(): Promise<void> {
  const store = await prepareBenchRepos();
  const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
  const server = await startServer(cli, ["serve", "--store", store, "--port", "0"], SERVER_CPU);
  const moto = await startMoto();
  try {
    const snapshot: Timed[] = [];
    const pulled: Timed[] = [];
    for (let run = 0; run < RUNS; run++) {
      const cache = join(work, "cache");
      const target = join(work, "store");
      // Alternate who goes first, so neither always finds a warmer page cache.
      const jobs = [
        async () => snapshot.push(await timeClient("snapshot", server.url, cache)),
        async () => pulled.push(await timeClient("pull", server.url, target)),
      ];
      for (const job of run % 2 === 0 ? jobs : jobs.reverse()) await job();
      // Moved aside, not deleted: the next run would pay for the deleted files (support/trash.ts).
      await retire(cache);
      await retire(target);
    }
    await moto.bucket("bench-mirror");
    const s3 = await timeClient("pull", server.url, "s3://bench-mirror/store", moto.env);

    const seconds = (runs: Timed[]) => median(runs.map((timed) => timed.seconds));
    const rows: Row[] = [
      {
        what: "pull into a folder store",
        wharf: seconds(pulled),
        peer: seconds(snapshot),
        peerName: "wharf snapshotDownload",
        unit: "s",
        goal: "<= 1.2x",
      },
      {
        what: "pull into S3 (moto, one run)",
        wharf: s3.seconds,
        peer: seconds(snapshot),
        peerName: "wharf snapshotDownload",
        unit: "s",
      },
      {
        what: "peak memory of the folder pull",
        wharf: Math.max(...pulled.map((timed) => timed.peakMiB)),
        peer: Math.max(...snapshot.map((timed) => timed.peakMiB)),
        peerName: "wharf snapshotDownload",
        unit: "MiB",
      },
    ];
    printTable(
      `bench/mirror (${REPO}: 1,000 small files and four 256 MiB files from wharf serve on CPU ${SERVER_CPU}, clients on CPU ${CLIENT_CPU}; median of ${RUNS} runs)`,
      rows,
    );
  } finally {
    server.process.kill("SIGTERM");
    await moto.stop();
    await rm(work, { recursive: true, force: true });
    await emptyTrash();
  }
}

await main();
