import { createHash, randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanCacheDir } from "@huggingface/hub";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../scripts/sample-repos.js";
import { FaultServer } from "../../test/support/fault-server.js";
import { runTs } from "../../test/support/processes.js";
import { ALICE, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import {
  EntryNotFoundError,
  LocalEntryNotFoundError,
  OfflineModeError,
  RepoNotFoundError,
} from "../core/errors.js";
import { hfHubDownload } from "./hf-hub-download.js";

let hub: SampleHub;
let cacheDir: string;
const dead = "http://127.0.0.1:1";
const flights = { repoId: "vega/flights", repoType: "dataset" as const };
const parquetPath = "data/train-00000-of-00001.parquet";

beforeAll(async () => {
  hub = await startSampleHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "wharf-hub-cache-"));
  return () => rm(cacheDir, { recursive: true, force: true });
});

describe("hfHubDownload against a server that drops the connection", () => {
  it("resumes a download cut at 50% and keeps a blob that hashes right", async () => {
    const server = await new FaultServer().start();
    try {
      const body = randomBytes(2 * 1024 * 1024);
      const sha = createHash("sha256").update(body).digest("hex");
      const path = "/datasets/cut/data/resolve/main/big.bin";
      server.serve(path, body, {
        headers: { "x-repo-commit": "c".repeat(40), etag: `"${sha}"` },
        // The HEAD takes the first entry (a stall that starts past the end: no effect on a HEAD).
        faults: [
          { kind: "stall", afterBytes: body.length * 2 },
          { kind: "drop", afterBytes: body.length / 2 },
        ],
      });
      const file = await hfHubDownload({
        repoId: "cut/data",
        repoType: "dataset",
        filename: "big.bin",
        cacheDir,
        endpoint: server.url,
        token: false,
      });
      expect((await readFile(file)).equals(body)).toBe(true);
      expect(await readlink(file)).toBe(`../../blobs/${sha}`);
      const gets = server.requestsFor(path);
      expect(gets).toHaveLength(2);
      expect(gets[1]?.headers.range).toMatch(/^bytes=[1-9]\d*-$/);
    } finally {
      await server.stop();
    }
  });
});

describe("hfHubDownload from several processes at once", () => {
  it("makes one transfer and one blob for eight processes, each getting the path", async () => {
    const server = await new FaultServer().start();
    try {
      const body = randomBytes(4 * 1024 * 1024);
      const sha = createHash("sha256").update(body).digest("hex");
      const path = "/datasets/many/procs/resolve/main/shared.bin";
      // Slow enough (64 chunks, 10 ms apart) that all eight are running while the bytes flow.
      server.serve(path, body, {
        headers: { "x-repo-commit": "d".repeat(40), etag: `"${sha}"` },
        chunkDelayMs: 10,
      });
      const child = "test/support/hub-download-child.ts";
      const results = await Promise.all(
        Array.from({ length: 8 }, () => runTs(child, ["many/procs", "shared.bin", server.url, cacheDir])),
      );
      for (const result of results) expect(result.code, result.stderr).toBe(0);
      expect(new Set(results.map((result) => result.stdout.trim())).size).toBe(1);
      expect(server.requestsFor(path, "GET")).toHaveLength(1);
      expect(server.bytesSent.get(path)).toBe(body.length);
      expect(await readdir(join(cacheDir, "datasets--many--procs", "blobs"))).toEqual([sha]);
    } finally {
      await server.stop();
    }
  });
});

describe("hfHubDownload", () => {
  it("lays a download out in the cache as Python does", async () => {
    const path = await hfHubDownload({
      ...flights,
      filename: parquetPath,
      cacheDir,
      endpoint: hub.url,
      token: false,
    });
    const bytes = await readFile(join(VEGA_DATA, "flights-3m.parquet"));
    const sha = createHash("sha256").update(bytes).digest("hex");
    const storage = join(cacheDir, "datasets--vega--flights");
    const commit = (await readFile(join(storage, "refs", "main"), "utf8")).trim();
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(await readFile(join(storage, "refs", "main"), "utf8")).toBe(commit);
    expect(path).toBe(join(storage, "snapshots", commit, "data", "train-00000-of-00001.parquet"));
    expect((await lstat(path)).isSymbolicLink()).toBe(true);
    expect(await readlink(path)).toBe(`../../../blobs/${sha}`);
    expect((await readFile(path)).equals(bytes)).toBe(true);
    expect(await readFile(join(cacheDir, "CACHEDIR.TAG"), "utf8")).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55/,
    );
    expect(existsSync(join(storage, "blobs", `${sha}.incomplete`))).toBe(false);
  });

  it("fetches a small blob without a lock file, and several calls at once leave one intact blob", async () => {
    const paths = await Promise.all(
      Array.from({ length: 4 }, () =>
        hfHubDownload({ ...flights, filename: "README.md", cacheDir, endpoint: hub.url, token: false }),
      ),
    );
    expect(new Set(paths).size).toBe(1);
    const storage = join(cacheDir, "datasets--vega--flights");
    const blobs = await readdir(join(storage, "blobs"));
    expect(blobs).toHaveLength(1);
    expect(blobs[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(existsSync(join(cacheDir, ".locks"))).toBe(false);
    expect((await readFile(paths[0] as string)).length).toBeGreaterThan(0);
  });

  it("keeps the per-blob lock for a blob of 1 MiB or more", async () => {
    await hfHubDownload({ ...flights, filename: parquetPath, cacheDir, endpoint: hub.url, token: false });
    // The lock's folder is made on first use and the lock file removed once the blob is in place.
    expect(await readdir(join(cacheDir, ".locks", "datasets--vega--flights"))).toEqual([]);
  });

  it("writes a cache that @huggingface/hub's scanCacheDir reads", async () => {
    for (const filename of ["README.md", parquetPath]) {
      await hfHubDownload({ ...flights, filename, cacheDir, endpoint: hub.url, token: false });
    }
    const info = await scanCacheDir(cacheDir);
    expect(info.repos).toHaveLength(1);
    const [repo] = info.repos;
    expect(repo?.id).toEqual({ name: "vega/flights", type: "dataset" });
    expect(repo?.revisions).toHaveLength(1);
    expect(repo?.revisions[0]?.refs).toEqual(["main"]);
    // It lists the files at the top of a snapshot (it does not descend into folders, unlike Python's).
    const files = repo?.revisions[0]?.files ?? [];
    expect(files.map((file) => file.path.split("/").pop())).toEqual(["README.md"]);
    expect(files[0]?.blob.path).toMatch(/\/datasets--vega--flights\/blobs\/[0-9a-f]{40}$/);
    expect(repo?.size).toBeGreaterThan(0);
    expect(info.warnings).toEqual([]);
  });

  it("names a regular file's blob by its git blob id and needs no request for a cached commit", async () => {
    const path = await hfHubDownload({
      ...flights,
      filename: "README.md",
      cacheDir,
      endpoint: hub.url,
      token: false,
    });
    const storage = join(cacheDir, "datasets--vega--flights");
    expect(await readlink(path)).toMatch(/^\.\.\/\.\.\/blobs\/[0-9a-f]{40}$/);
    const commit = (await readFile(join(storage, "refs", "main"), "utf8")).trim();
    // The endpoint is dead: only the cache can answer.
    const again = await hfHubDownload({
      ...flights,
      filename: "README.md",
      revision: commit,
      cacheDir,
      endpoint: dead,
    });
    expect(again).toBe(path);
  });

  it("resolves tags and short commits, and records the tag in refs/", async () => {
    const weather = {
      repoId: "vega/seattle-weather",
      repoType: "dataset" as const,
      filename: "data/train.csv",
    };
    const byTag = await hfHubDownload({
      ...weather,
      revision: "v1.0",
      cacheDir,
      endpoint: hub.url,
      token: false,
    });
    const storage = join(cacheDir, "datasets--vega--seattle-weather");
    const commit = (await readFile(join(storage, "refs", "v1.0"), "utf8")).trim();
    expect(byTag).toContain(commit);
    expect(await readFile(byTag)).toEqual(await readFile(join(VEGA_DATA, "seattle-weather.csv")));
    const byBranch = await hfHubDownload({
      ...weather,
      revision: "feature/x",
      cacheDir,
      endpoint: hub.url,
      token: false,
    });
    expect(byBranch).toBe(byTag);
    expect(existsSync(join(storage, "refs", "feature", "x"))).toBe(true);
  });

  it("marks a missing file in .no_exist and raises EntryNotFound", async () => {
    const error = await hfHubDownload({
      ...flights,
      filename: "flights.py",
      cacheDir,
      endpoint: hub.url,
      token: false,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(EntryNotFoundError);
    const storage = join(cacheDir, "datasets--vega--flights");
    const commit = (await readFile(join(storage, "refs", "main"), "utf8")).trim();
    expect(existsSync(join(storage, ".no_exist", commit, "flights.py"))).toBe(true);
  });

  it("reads a private repo only with a token", async () => {
    const secret = {
      repoId: "team/secret-data",
      repoType: "dataset" as const,
      filename: "data.csv",
      cacheDir,
      endpoint: hub.url,
    };
    await expect(hfHubDownload({ ...secret, token: false })).rejects.toBeInstanceOf(RepoNotFoundError);
    const path = await hfHubDownload({ ...secret, token: ALICE });
    expect(await readFile(path, "utf8")).toBe("a,b\n1,2\n");
  });

  it("answers from the cache offline or when the Hub is down, and says so when it cannot", async () => {
    const first = await hfHubDownload({
      ...flights,
      filename: "README.md",
      cacheDir,
      endpoint: hub.url,
      token: false,
    });
    expect(
      await hfHubDownload({ ...flights, filename: "README.md", cacheDir, endpoint: dead, offline: true }),
    ).toBe(first);
    expect(
      await hfHubDownload({ ...flights, filename: "README.md", cacheDir, endpoint: dead, etagTimeout: 2 }),
    ).toBe(first);
    const offline = await hfHubDownload({
      ...flights,
      filename: parquetPath,
      cacheDir,
      endpoint: dead,
      offline: true,
    }).catch((e) => e);
    expect(offline).toBeInstanceOf(OfflineModeError);
    expect(offline.message).toContain(cacheDir);
    const down = await hfHubDownload({ ...flights, filename: parquetPath, cacheDir, endpoint: dead }).catch(
      (e) => e,
    );
    expect(down).toBeInstanceOf(LocalEntryNotFoundError);
  });
});
