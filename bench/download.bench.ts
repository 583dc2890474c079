/**
 * bench/download: the download engine against curl, the limit, on the same files from the same local
 * server (its own process) in the same run.
 * - one 1 GiB file: `downloadFile` vs `curl -o`; and with sha256 verification vs `curl` then `sha256sum`
 * - 2,000 files of 8 KiB: `downloadMany` (8 at a time) vs one `curl --parallel --parallel-max 8`
 * - peak resident memory of the process running wharf's downloads
 * Goals (issue #2): within 1.25x of curl on both, peak memory under 150 MB.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { downloadFile, downloadMany, HttpClient, sha256OfFile } from "../src/core/index.js";
import { startServer, timeCommand } from "./support/processes.js";
import { median, printTable, type Row, watchMemory } from "./support/report.js";

const RUNS = 3;
const BIG = 1024 ** 3;
const SMALL_COUNT = 2000;
const SMALL_SIZE = 8 * 1024;
const work = join(import.meta.dirname, "..", ".bench-tmp", "download");
const served = join(work, "served");
const out = join(work, "out");

async function prepare(): Promise<void> {
  await mkdir(join(served, "small"), { recursive: true });
  if (!existsSync(join(served, "big.bin"))) {
    const stream = createWriteStream(join(served, "big.bin"));
    for (let written = 0; written < BIG; written += 1 << 24) {
      if (!stream.write(randomBytes(1 << 24)))
        await new Promise<void>((resolve) => stream.once("drain", () => resolve()));
    }
    await new Promise<void>((resolve) => stream.end(() => resolve()));
  }
  if (!existsSync(join(served, "small", `${SMALL_COUNT - 1}.bin`))) {
    for (let i = 0; i < SMALL_COUNT; i++)
      await writeFile(join(served, "small", `${i}.bin`), randomBytes(SMALL_SIZE));
  }
}

async function fresh(): Promise<void> {
  await rm(out, { recursive: true, force: true });
  await mkdir(out, { recursive: true });
}

async function main(): Promise<void> {
  await prepare();
  const server = await startServer(join(import.meta.dirname, "..", "scripts", "static-server.mjs"), [served]);
  const client = new HttpClient();
  const bigUrl = `${server.url}/big.bin`;
  const smallUrls = Array.from({ length: SMALL_COUNT }, (_, i) => `${server.url}/small/${i}.bin`);
  const curlConfig = join(work, "curl-small.cfg");
  await writeFile(
    curlConfig,
    smallUrls.map((url, i) => `url = "${url}"\noutput = "${join(out, `${i}.bin`)}"\n`).join(""),
  );
  const expectedSha =
    execFileSync("sha256sum", [join(served, "big.bin")], { encoding: "utf8" }).split(" ")[0] ?? "";

  const times = {
    curlBig: [] as number[],
    wharfBig: [] as number[],
    curlBigSha: [] as number[],
    wharfBigSha: [] as number[],
  };
  const small = { curl: [] as number[], wharf: [] as number[] };
  let peakMiB = 0;
  let curlPeakMiB = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      await fresh();
      const curlBig = await timeCommand("curl", ["-s", "-f", "-o", join(out, "big.bin"), bigUrl]);
      times.curlBig.push(curlBig.seconds);
      curlPeakMiB = Math.max(curlPeakMiB, curlBig.peakMiB);
      await fresh();
      const stopWatching = watchMemory();
      let started = performance.now();
      await downloadFile({ url: bigUrl, dest: join(out, "big.bin"), client });
      times.wharfBig.push((performance.now() - started) / 1000);

      await fresh();
      started = performance.now();
      await timeCommand("curl", ["-s", "-f", "-o", join(out, "big.bin"), bigUrl]);
      execFileSync("sha256sum", [join(out, "big.bin")]);
      times.curlBigSha.push((performance.now() - started) / 1000);
      await fresh();
      started = performance.now();
      await downloadFile({ url: bigUrl, dest: join(out, "big.bin"), client, expectedSha256: expectedSha });
      times.wharfBigSha.push((performance.now() - started) / 1000);

      await fresh();
      const curlSmall = await timeCommand("curl", [
        "-s",
        "-f",
        "--parallel",
        "--parallel-max",
        "8",
        "-K",
        curlConfig,
      ]);
      small.curl.push(curlSmall.seconds);
      curlPeakMiB = Math.max(curlPeakMiB, curlSmall.peakMiB);
      await fresh();
      started = performance.now();
      await downloadMany(
        smallUrls.map((url, i) => ({ url, dest: join(out, `${i}.bin`), client })),
        { concurrency: 8 },
      );
      small.wharf.push((performance.now() - started) / 1000);
      peakMiB = Math.max(peakMiB, stopWatching());
    }
    // The numbers only count if the bytes are right (the big file was checked by its sha256 above).
    for (const i of [0, SMALL_COUNT >> 1, SMALL_COUNT - 1]) {
      const [got, want] = await Promise.all([
        sha256OfFile(join(out, `${i}.bin`)),
        sha256OfFile(join(served, "small", `${i}.bin`)),
      ]);
      if (got !== want) throw new Error(`small file ${i} came out wrong`);
    }
  } finally {
    server.process.kill();
    await client.close();
    await rm(out, { recursive: true, force: true });
  }

  const rows: Row[] = [
    {
      what: "1 GiB file",
      wharf: median(times.wharfBig),
      peer: median(times.curlBig),
      peerName: "curl",
      unit: "s",
      goal: "<= 1.25x",
    },
    {
      what: "1 GiB file, sha256 verified",
      wharf: median(times.wharfBigSha),
      peer: median(times.curlBigSha),
      peerName: "curl + sha256sum",
      unit: "s",
    },
    {
      what: `${SMALL_COUNT} files of 8 KiB, 8 at a time`,
      wharf: median(small.wharf),
      peer: median(small.curl),
      peerName: "curl --parallel-max 8",
      unit: "s",
      goal: "<= 1.25x",
    },
    {
      what: "peak resident memory",
      wharf: peakMiB,
      peer: curlPeakMiB,
      peerName: "curl",
      unit: "MiB",
      goal: "wharf < 150 MB",
    },
  ];
  printTable(`bench/download (median of ${RUNS} runs; server: node static server in its own process)`, rows);
}

await main();
