/**
 * bench/download: the download engine against curl, the limit, on the same files from the same local
 * server (its own process) in the same run.
 * - one 1 GiB file: `downloadFile` vs `curl -o`; and with sha256 verification vs `curl` then `sha256sum`
 * - 2,000 files of 8 KiB: `downloadMany` (8 at a time) vs one `curl --parallel --parallel-max 8`
 * - peak resident memory of each client's process (VmHWM)
 * wharf runs in its own process on the built package (support/wharf-download.mjs), like curl. The small
 * files are also fetched by a minimal Node.js client (support/bare-node-download.mjs), for scale: what
 * Node.js's start, event loop and sockets cost on this machine, with none of a real client's work.
 * Goals (issue #2): within 1.25x of curl on both, peak memory under 150 MB.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sha256OfFile } from "../src/core/index.js";
import { ensureRandomFile } from "./support/files.js";
import { startServer, type Timed, timeCommand } from "./support/processes.js";
import { median, printTable, type Row } from "./support/report.js";
import { emptyTrash, retire } from "./support/trash.js";

const RUNS = 3;
const BIG = 1024 ** 3;
const SMALL_COUNT = 2000;
const SMALL_SIZE = 8 * 1024;
const work = join(import.meta.dirname, "..", ".bench-tmp", "download");
const served = join(work, "served");
const out = join(work, "out");

async function prepare(): Promise<void> {
  await mkdir(join(served, "small"), { recursive: true });
  await ensureRandomFile(join(served, "big.bin"), BIG);
  if (!existsSync(join(served, "small", `${SMALL_COUNT - 1}.bin`))) {
    for (let i = 0; i < SMALL_COUNT; i++)
      await writeFile(join(served, "small", `${i}.bin`), randomBytes(SMALL_SIZE));
  }
}

async function main(): Promise<void> {
  await prepare();
  // Write freshly made inputs out now: the kernel flushing them during a measurement takes CPU from it.
  execFileSync("sync");
  const server = await startServer(join(import.meta.dirname, "..", "scripts", "static-server.mjs"), [served]);
  const worker = join(import.meta.dirname, "support", "wharf-download.mjs");
  const bareNode = join(import.meta.dirname, "support", "bare-node-download.mjs");
  const bigUrl = `${server.url}/big.bin`;
  const smallUrls = Array.from({ length: SMALL_COUNT }, (_, i) => `${server.url}/small/${i}.bin`);
  const curlConfig = join(work, "curl-small.cfg");
  await writeFile(
    curlConfig,
    smallUrls.map((url, i) => `url = "${url}"\noutput = "${join(out, `${i}.bin`)}"\n`).join(""),
  );
  const wharfList = join(work, "wharf-small.tsv");
  await writeFile(wharfList, smallUrls.map((url, i) => `${url}\t${join(out, `${i}.bin`)}\n`).join(""));
  const expectedSha =
    execFileSync("sha256sum", [join(served, "big.bin")], { encoding: "utf8" }).split(" ")[0] ?? "";
  const bigOut = join(out, "big.bin");

  const runs: Record<string, Timed[]> = {
    curlBig: [],
    wharfBig: [],
    curlSha: [],
    wharfSha: [],
    curlSmall: [],
    wharfSmall: [],
    bareSmall: [],
  };
  /** The figures only count if the bytes are right: a sample of each client's small files, after its run. */
  const checkSmall = async () => {
    for (const i of [0, SMALL_COUNT >> 1, SMALL_COUNT - 1]) {
      const [got, want] = await Promise.all([
        sha256OfFile(join(out, `${i}.bin`)),
        sha256OfFile(join(served, "small", `${i}.bin`)),
      ]);
      if (got !== want) throw new Error(`small file ${i} came out wrong`);
    }
  };
  const measure = async (key: string, command: string, args: string[], check?: () => Promise<void>) => {
    // The big file is deleted (one inode); many small files are moved aside (support/trash.ts).
    await rm(bigOut, { force: true });
    await retire(out);
    await mkdir(out, { recursive: true });
    runs[key]?.push(await timeCommand(command, args));
    await check?.();
  };
  try {
    for (let run = 0; run < RUNS; run++) {
      await measure("curlBig", "curl", ["-s", "-f", "-o", bigOut, bigUrl]);
      await measure("wharfBig", process.execPath, [worker, "file", bigUrl, bigOut]);
      await measure("curlSha", "sh", [
        "-c",
        `curl -s -f -o '${bigOut}' '${bigUrl}' && sha256sum '${bigOut}' >/dev/null`,
      ]);
      await measure("wharfSha", process.execPath, [worker, "file", bigUrl, bigOut, expectedSha]);
      await measure(
        "curlSmall",
        "curl",
        ["-s", "--no-progress-meter", "-f", "--parallel", "--parallel-max", "8", "-K", curlConfig],
        checkSmall,
      );
      await measure("bareSmall", process.execPath, [bareNode, wharfList, "8"], checkSmall);
      await measure("wharfSmall", process.execPath, [worker, "many", wharfList, "8"], checkSmall);
    }
    // (The big file is checked by its sha256, which wharf's verified run expects.)
  } finally {
    server.process.kill();
    await rm(out, { recursive: true, force: true });
    await emptyTrash();
  }

  const seconds = (key: string) => median((runs[key] ?? []).map((timed) => timed.seconds));
  const peak = (...keys: string[]) =>
    Math.max(...keys.flatMap((key) => (runs[key] ?? []).map((timed) => timed.peakMiB)));
  const rows: Row[] = [
    {
      what: "1 GiB file",
      wharf: seconds("wharfBig"),
      peer: seconds("curlBig"),
      peerName: "curl",
      unit: "s",
      goal: "<= 1.25x",
    },
    {
      what: "1 GiB file, sha256 verified",
      wharf: seconds("wharfSha"),
      peer: seconds("curlSha"),
      peerName: "curl + sha256sum",
      unit: "s",
    },
    {
      what: `${SMALL_COUNT} files of 8 KiB, 8 at a time`,
      wharf: seconds("wharfSmall"),
      peer: seconds("curlSmall"),
      peerName: "curl --parallel-max 8",
      unit: "s",
      goal: "<= 1.25x",
    },
    {
      what: `${SMALL_COUNT} files of 8 KiB, beside a minimal Node.js client`,
      wharf: seconds("wharfSmall"),
      peer: seconds("bareSmall"),
      peerName: "support/bare-node-download.mjs",
      unit: "s",
    },
    {
      what: "peak resident memory (VmHWM)",
      wharf: peak("wharfBig", "wharfSha", "wharfSmall"),
      peer: peak("curlBig", "curlSmall"),
      peerName: "curl",
      unit: "MiB",
      goal: "wharf < 150 MB",
    },
  ];
  printTable(
    `bench/download (median of ${RUNS} runs; each client in its own process, startup included; server: scripts/static-server.mjs)`,
    rows,
  );
}

await main();
