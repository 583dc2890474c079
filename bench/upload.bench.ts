import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ensureRandomFile, ensureSmallFiles } from "./support/files.js";
import { freshPageCache } from "./support/page-cache.js";
import { onCpus, startServer, type Timed, timeCommand } from "./support/processes.js";
import { median, printTable, type Row } from "./support/report.js";
import { emptyTrash, retire } from "./support/trash.js";

/** Runs per client, in alternating order: one run's figure swung by a factor of 1.5 with the disk. */
const RUNS = 3;
const SMALL_COUNT = 1000;
const BIG_SIZE = 2 ** 30;
const SERVER_CPU = "1";
const CLIENT_CPU = "0";
const TOKEN = "hf_bench_0123456789";
const work = join(import.meta.dirname, "..", ".bench-tmp", "upload");
const folder = join(work, "folder");
const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
const client = join(import.meta.dirname, "support", "upload-client.mjs");

async function prepare(): Promise<void> {
  await ensureSmallFiles(folder, SMALL_COUNT);
  await ensureRandomFile(join(folder, "weights.bin"), BIG_SIZE);
  await writeFile(join(work, "server.yaml"), `tokens:\n  - { token: ${TOKEN}, user: bench, role: write }\n`);
}

/**
 * One upload by one client into a fresh store, from an empty repo; the server is stopped after. The
 * store is moved aside, not deleted, so that the second client does not pay for the first one's
 * deleted files (support/trash.ts), and each run starts with the page cache emptied and the folder read
 * back in (support/page-cache.ts): each upload writes over 1 GiB, and a run that started with memory
 * full of an earlier run's pages took 5.5 s where it otherwise took 3.3 s.
 */
let pageCacheEmptied = false;

async function upload(who: "wharf" | "hf", run: number): Promise<Timed> {
  const store = join(work, `store-${who}-${run}`);
  await retire(store);
  const server = await startServer(
    cli,
    ["serve", "--store", store, "--port", "0", "--config", join(work, "server.yaml")],
    SERVER_CPU,
  );
  try {
    const created = await fetch(`${server.url}/api/repos/create`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ name: "upload", organization: "bench" }),
    });
    if (!created.ok) throw new Error(`creating the repo failed: ${created.status}`);
    pageCacheEmptied = freshPageCache([folder]);
    const timed = await timeCommand(
      ...onCpus(CLIENT_CPU, process.execPath, [client, who, server.url, TOKEN, "bench/upload", folder]),
    );
    const files = (await (await fetch(`${server.url}/api/models/bench/upload`)).json()) as {
      siblings: unknown[];
    };
    if (files.siblings.length < SMALL_COUNT + 1)
      throw new Error(`${who} uploaded ${files.siblings.length} files`);
    return timed;
  } finally {
    server.process.kill("SIGTERM");
    await retire(store);
  }
}

async function main(): Promise<void> {
  await prepare();
  const runs: Record<"wharf" | "hf", Timed[]> = { wharf: [], hf: [] };
  try {
    for (let run = 0; run < RUNS; run++) {
      // Alternate who goes first, so neither always finds the disk in the state the other left.
      for (const who of run % 2 === 0 ? (["wharf", "hf"] as const) : (["hf", "wharf"] as const))
        runs[who].push(await upload(who, run));
    }
  } finally {
    await emptyTrash();
  }
  const seconds = (who: "wharf" | "hf") => median(runs[who].map((timed) => timed.seconds));
  const peak = (who: "wharf" | "hf") => Math.max(...runs[who].map((timed) => timed.peakMiB));
  const rows: Row[] = [
    {
      what: `${SMALL_COUNT} files of 4-64 KiB + one 1 GiB file`,
      wharf: seconds("wharf"),
      peer: seconds("hf"),
      peerName: "@huggingface/hub",
      unit: "s",
      goal: "<= 0.5x",
    },
    {
      what: "client peak resident memory",
      wharf: peak("wharf"),
      peer: peak("hf"),
      peerName: "@huggingface/hub",
      unit: "MiB",
      goal: "wharf < 250 MB",
    },
  ];
  printTable(
    `bench/upload (into a fresh store on wharf serve, server on CPU ${SERVER_CPU}, clients on CPU ${CLIENT_CPU}; median of ${RUNS} runs each; ${pageCacheEmptied ? "page cache emptied before each run" : "page cache NOT emptied (needs root): figures depend on the order of runs"})`,
    rows,
  );
  // Each run, in the order run: the spread says how far to trust the medians.
  const each = (who: "wharf" | "hf") => runs[who].map((timed) => timed.seconds.toFixed(2)).join(", ");
  console.log(`\nruns (s): wharf ${each("wharf")}; @huggingface/hub ${each("hf")}`);
}

await main();
