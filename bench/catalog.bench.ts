/**
 * bench/catalog: `prepare` of a dataset of 20 resources (ten 100 MiB files, five tar.gz and five zip
 * archives of four 25 MiB files each: 2 GiB in all) from a local static server, beside the pipeline a
 * shell script would run: `curl --parallel --parallel-max 4` fetching the same URLs, then `tar -xzf`
 * and `unzip` for each archive. Both run in their own process on CPU 0, the server on CPU 1, four
 * transfers at a time. Goal (issue #8): within 1.3x of the pipeline.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { BENCH_WORK } from "./support/bench-repos.js";
import { ensureRandomFile } from "./support/files.js";
import { onCpus, startServer, type Timed, timeCommand } from "./support/processes.js";
import { median, printTable } from "./support/report.js";

const RUNS = 3;
const MIB = 2 ** 20;
const work = join(BENCH_WORK, "catalog");
const served = join(work, "served");

interface Listed {
  name: string;
  kind: "file" | "tar" | "zip";
  path: string;
}

/** The 20 inputs, made once: files of random bytes, and archives of them. */
async function prepare(): Promise<Listed[]> {
  await mkdir(served, { recursive: true });
  const listed: Listed[] = [];
  for (let i = 0; i < 10; i++) {
    await ensureRandomFile(join(served, `file-${i}.bin`), 100 * MIB);
    listed.push({ name: `file-${i}.bin`, kind: "file", path: `file-${i}.bin` });
  }
  for (const kind of ["tar", "zip"] as const) {
    for (let i = 0; i < 5; i++) {
      const name = `${kind}-${i}`;
      const archive = kind === "tar" ? `${name}.tar.gz` : `${name}.zip`;
      if (!existsSync(join(served, archive))) {
        const folder = join(work, "parts", name);
        await mkdir(folder, { recursive: true });
        for (let part = 0; part < 4; part++)
          await ensureRandomFile(join(folder, `part-${part}.bin`), 25 * MIB);
        if (kind === "tar")
          execFileSync("tar", ["-czf", join(served, archive), "-C", join(work, "parts"), name]);
        else execFileSync("zip", ["-q", "-r", join(served, archive), name], { cwd: join(work, "parts") });
      }
      listed.push({ name, kind, path: archive });
    }
  }
  await rm(join(work, "parts"), { recursive: true, force: true });
  execFileSync("sync");
  return listed;
}

async function main(): Promise<void> {
  const listed = await prepare();
  const server = await startServer(
    join(import.meta.dirname, "..", "scripts", "static-server.mjs"),
    [served],
    "1",
  );
  try {
    const resources = join(work, "resources.json");
    await writeFile(
      resources,
      JSON.stringify(listed.map((entry) => ({ ...entry, url: `${server.url}/${entry.path}` }))),
    );
    const out = join(work, "out");
    const curlConfig = join(work, "curl.cfg");
    await writeFile(
      curlConfig,
      listed
        .map((entry) => `url = "${server.url}/${entry.path}"\noutput = "${join(out, entry.path)}"\n`)
        .join(""),
    );
    const script = [
      "set -e",
      `mkdir -p ${out}`,
      `curl -s --parallel --parallel-max 4 -K ${curlConfig}`,
      ...listed
        .filter((entry) => entry.kind !== "file")
        .map((entry) =>
          entry.kind === "tar"
            ? `mkdir -p ${out}/${entry.name}.d && tar -xzf ${out}/${entry.path} -C ${out}/${entry.name}.d && rm ${out}/${entry.path}`
            : `unzip -q ${out}/${entry.path} -d ${out}/${entry.name}.d && rm ${out}/${entry.path}`,
        ),
    ].join("\n");
    const client = join(import.meta.dirname, "support", "catalog-client.mjs");
    const wharf: Timed[] = [];
    const pipeline: Timed[] = [];
    for (let run = 0; run < RUNS; run++) {
      const catalogDir = join(work, "catalog-dir");
      const jobs = [
        async () =>
          wharf.push(await timeCommand(...onCpus("0", process.execPath, [client, resources, catalogDir]))),
        async () => pipeline.push(await timeCommand(...onCpus("0", "bash", ["-c", script]))),
      ];
      for (const job of run % 2 === 0 ? jobs : jobs.reverse()) await job();
      await rm(catalogDir, { recursive: true, force: true });
      await rm(out, { recursive: true, force: true });
    }
    printTable(`bench/catalog (20 resources, 2 GiB, from a static server on CPU 1; median of ${RUNS} runs)`, [
      {
        what: "prepare: 10 files, 5 tar.gz, 5 zip",
        wharf: median(wharf.map((timed) => timed.seconds)),
        peer: median(pipeline.map((timed) => timed.seconds)),
        peerName: "curl --parallel, tar, unzip",
        unit: "s",
        goal: "<= 1.3x",
      },
    ]);
  } finally {
    server.process.kill("SIGTERM");
  }
}

await main();
