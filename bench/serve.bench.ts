/**
 * bench/serve: `wharf serve` against nginx (Debian's, the peer) serving the same bytes as static files,
 * in the same run, each in its own processes, one server process each (nginx: one worker), each server
 * pinned to one CPU and the clients to the other (taskset), so the figures do not depend on how the
 * scheduler happens to place them.
 * - `HEAD .../resolve/main/README.md` requests per second, 64 keep-alive connections, after a warm-up the
 *   median of three 5 s runs (`ab -i`, from
 *   apache2-utils: autocannon and wrk wait for a body after a HEAD answer and measure nothing)
 * - GET throughput of a 1 GiB LFS file, 8 concurrent `curl` clients
 * - the servers' peak resident memory throughout
 * Goals (issue #3): at least half of nginx's requests per second, at least 80% of its GET throughput,
 * wharf's memory under 200 MB. nginx and ab are installed with apt-get when missing and we are root.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { link, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { parseRepoId } from "../src/hub/repo-id.js";
import { importFolder } from "../src/mirror/import-folder.js";
import { FsObjectStore } from "../src/mirror/store/fs-object-store.js";
import { blobKey } from "../src/mirror/store/keys.js";
import { RepoStore } from "../src/mirror/store/repo-store.js";
import { ensureRandomFile } from "./support/files.js";
import { onCpus, startServer, timeCommand, watchMemory } from "./support/processes.js";
import { median, printTable, type Row } from "./support/report.js";

const GIB = 1024 ** 3;
const RUNS = 3;
const CLIENTS = 8;
/** Each server runs on one CPU and the clients on another, so neither takes turns with the other. */
const SERVER_CPU = "1";
const CLIENT_CPU = "0";
const work = join(import.meta.dirname, "..", ".bench-tmp", "serve");
const repoPath = "datasets/bench/serve/resolve/main";

/** The path of a Debian tool, installed with apt-get when it is missing and we may. */
function ensureTool(paths: string[], debianPackage: string): string {
  const found = () => paths.find((path) => existsSync(path));
  if (!found()) {
    if (process.getuid?.() !== 0) {
      throw new Error(`${paths[0]} is missing: install it (apt-get install ${debianPackage}) and run again.`);
    }
    execFileSync("apt-get", ["install", "-y", "-q", debianPackage], { stdio: "inherit" });
  }
  const path = found();
  if (!path) throw new Error(`apt-get install ${debianPackage} did not provide ${paths[0]}`);
  return path;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A store holding one dataset with a README and a 1 GiB LFS file, and the same bytes as static files. */
async function prepare(): Promise<{ store: string; staticRoot: string }> {
  const folder = join(work, "repo");
  const store = join(work, "store");
  const staticRoot = join(work, "static");
  await mkdir(folder, { recursive: true });
  await ensureRandomFile(join(folder, "big.bin"), GIB);
  await writeFile(join(folder, "README.md"), "---\nlicense: mit\n---\n# Benchmark data\n");
  await rm(store, { recursive: true, force: true });
  await rm(staticRoot, { recursive: true, force: true });
  const repos = RepoStore.inFolder(store);
  const { commit } = await importFolder(repos, folder, parseRepoId("bench/serve", "dataset"));
  // nginx serves the very blobs wharf serves (hard links, no copy).
  const objects = new FsObjectStore(store);
  await mkdir(join(staticRoot, repoPath), { recursive: true });
  for (const [path, file] of Object.entries(commit.files)) {
    await link(objects.pathOf(blobKey(file.sha256)), join(staticRoot, repoPath, path));
  }
  // Write the copied gigabyte out now: the kernel flushing it during a measurement takes CPU from it.
  execFileSync("sync");
  return { store, staticRoot };
}

async function startNginx(nginx: string, root: string): Promise<{ url: string; pid: number; stop(): void }> {
  const port = await freePort();
  const temp = join(work, "nginx");
  await mkdir(temp, { recursive: true });
  const config = join(temp, "nginx.conf");
  await writeFile(
    config,
    `${process.getuid?.() === 0 ? "user root;\n" : ""}worker_processes 1;
daemon off;
pid ${temp}/nginx.pid;
error_log ${temp}/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  default_type application/octet-stream;
  client_body_temp_path ${temp}/body;
  proxy_temp_path ${temp}/proxy;
  fastcgi_temp_path ${temp}/fastcgi;
  uwsgi_temp_path ${temp}/uwsgi;
  scgi_temp_path ${temp}/scgi;
  server { listen 127.0.0.1:${port}; root ${root}; }
}
`,
  );
  const child = spawn(...onCpus(SERVER_CPU, nginx, ["-c", config, "-p", temp]), {
    stdio: ["ignore", "ignore", "inherit"],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    const up = await fetch(`${url}/${repoPath}/README.md`, { method: "HEAD" }).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (tries > 100) throw new Error("nginx did not start; see .bench-tmp/serve/nginx/error.log");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, pid: child.pid ?? 0, stop: () => child.kill("SIGQUIT") };
}

/** Requests per second of `ab -i` (HEAD) on one URL with 64 keep-alive connections for `seconds`. */
function abRate(ab: string, url: string, seconds: number): number {
  const [command, args] = onCpus(CLIENT_CPU, ab, [
    "-q",
    "-i",
    "-k",
    "-c",
    "64",
    "-t",
    String(seconds),
    "-n",
    "100000000",
    url,
  ]);
  const output = execFileSync(command, args, { encoding: "utf8" });
  const failed = Number(/Failed requests:\s+(\d+)/.exec(output)?.[1] ?? Number.NaN);
  const non2xx = Number(/Non-2xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  if (failed !== 0 || non2xx !== 0) throw new Error(`${url}: ${failed} failed, ${non2xx} not 2xx\n${output}`);
  return Number(/Requests per second:\s+([\d.]+)/.exec(output)?.[1]);
}

/** HEAD requests per second after a 2 s warm-up (the JIT compiles the path): median of RUNS 5 s runs. */
function headRate(ab: string, url: string): number {
  abRate(ab, url, 2);
  return median(Array.from({ length: RUNS }, () => abRate(ab, url, 5)));
}

/** MiB/s of CLIENTS curl processes each fetching the whole file at once; median of RUNS after a warm-up. */
async function getThroughput(url: string): Promise<number> {
  const rates: number[] = [];
  for (let run = -1; run < RUNS; run++) {
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, () =>
        timeCommand(...onCpus(CLIENT_CPU, "curl", ["-s", "-f", "-o", "/dev/null", url])),
      ),
    );
    if (run >= 0) rates.push((CLIENTS * GIB) / 2 ** 20 / ((performance.now() - started) / 1000));
  }
  return median(rates);
}

async function main(): Promise<void> {
  const nginxBinary = ensureTool(["/usr/sbin/nginx", "/usr/bin/nginx"], "nginx-light");
  const ab = ensureTool(["/usr/bin/ab"], "apache2-utils");
  const { store, staticRoot } = await prepare();
  const cli = join(import.meta.dirname, "..", "dist", "cli", "main.js");
  const wharf = await startServer(cli, ["serve", "--store", store, "--port", "0"], SERVER_CPU);
  const nginx = await startNginx(nginxBinary, staticRoot);
  const wharfMemory = watchMemory(wharf.process.pid ?? 0);
  const nginxMemory = watchMemory(nginx.pid);
  try {
    // The figures only count if both serve the same bytes under the same headers.
    const [a, b] = await Promise.all(
      [wharf.url, nginx.url].map((base) => fetch(`${base}/${repoPath}/big.bin`, { method: "HEAD" })),
    );
    if (a?.headers.get("content-length") !== b?.headers.get("content-length"))
      throw new Error("servers disagree");

    const wharfHead = headRate(ab, `${wharf.url}/${repoPath}/README.md`);
    const nginxHead = headRate(ab, `${nginx.url}/${repoPath}/README.md`);
    const wharfGet = await getThroughput(`${wharf.url}/${repoPath}/big.bin`);
    const nginxGet = await getThroughput(`${nginx.url}/${repoPath}/big.bin`);
    const rows: Row[] = [
      {
        what: "HEAD resolve, 64 connections",
        wharf: wharfHead,
        peer: nginxHead,
        peerName: "nginx",
        unit: "req/s",
        goal: ">= 0.5x",
      },
      {
        what: `GET 1 GiB, ${CLIENTS} clients at once`,
        wharf: wharfGet,
        peer: nginxGet,
        peerName: "nginx",
        unit: "MiB/s",
        goal: ">= 0.8x",
      },
      {
        what: "server peak resident memory",
        wharf: wharfMemory.stop(),
        peer: nginxMemory.stop(),
        peerName: "nginx",
        unit: "MiB",
        goal: "wharf < 200 MB",
      },
    ];
    printTable(
      `bench/serve (one server process each, pinned to CPU ${SERVER_CPU}, clients on CPU ${CLIENT_CPU}; HEAD: ab -i, median of ${RUNS} 5 s runs; GET: median of ${RUNS} rounds of ${CLIENTS} curl processes after a warm-up round)`,
      rows,
    );
  } finally {
    wharf.process.kill("SIGTERM");
    nginx.stop();
  }
}

await main();
