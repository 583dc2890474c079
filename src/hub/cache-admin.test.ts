import { existsSync } from "node:fs";
import { appendFile, cp, mkdir, mkdtemp, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import type { ProgressEvent } from "../core/progress.js";
import { deleteRevisions, evictLru } from "./cache-delete.js";
import { hfHubDownload } from "./hf-hub-download.js";
import { scanCacheDir } from "./scan-cache-dir.js";
import { snapshotDownload } from "./snapshot-download.js";
import { CACHED_NO_EXIST, tryToLoadFromCache } from "./try-to-load-from-cache.js";
import { verifyCache } from "./verify-cache.js";

let hub: SampleHub;
let cacheDir: string;

beforeAll(async () => {
  hub = await startSampleHub();
  cacheDir = await mkdtemp(join(tmpdir(), "wharf-cache-admin-"));
  const api = { endpoint: hub.url, token: false as const, cacheDir };
  await snapshotDownload({ ...api, repoId: "vega/cars-regressor" });
  await hfHubDownload({
    ...api,
    repoId: "vega/flights",
    repoType: "dataset",
    filename: "data/train-00000-of-00001.parquet",
  });
  await hfHubDownload({
    ...api,
    repoId: "vega/seattle-weather",
    repoType: "dataset",
    filename: "data/train.csv",
    revision: "v1.0",
  });
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe("scanCacheDir", () => {
  it("reports every repo, revision, file and ref, with sizes counted once per blob", async () => {
    const info = await scanCacheDir(cacheDir);
    expect(info.warnings).toEqual([]);
    expect(info.repos.map((repo) => `${repo.repoType}:${repo.repoId}`)).toEqual([
      "dataset:vega/flights",
      "dataset:vega/seattle-weather",
      "model:vega/cars-regressor",
    ]);
    const model = info.repos.find((repo) => repo.repoId === "vega/cars-regressor");
    expect(model?.revisions[0]?.files.map((file) => file.fileName)).toEqual([
      "README.md",
      "config.json",
      "training/cars.json",
    ]);
    expect(model?.revisions[0]?.refs).toEqual(["main"]);
    const weather = info.repos.find((repo) => repo.repoId === "vega/seattle-weather");
    expect(weather?.revisions[0]?.refs).toEqual(["v1.0"]);
    const flights = info.repos.find((repo) => repo.repoId === "vega/flights");
    expect(flights?.sizeOnDisk).toBe(13_493_022);
    expect(info.sizeOnDisk).toBe(info.repos.reduce((sum, repo) => sum + repo.sizeOnDisk, 0));
  });

  it("warns about damage instead of failing", async () => {
    const damaged = await mkdtemp(join(tmpdir(), "wharf-cache-damaged-"));
    try {
      const repo = join(damaged, "models--me--broken");
      await mkdir(join(repo, "snapshots", "a".repeat(40)), { recursive: true });
      await mkdir(join(repo, "refs"), { recursive: true });
      await symlink("../../blobs/missing", join(repo, "snapshots", "a".repeat(40), "x.txt"));
      await writeFile(join(repo, "refs", "main"), "b".repeat(40));
      await mkdir(join(damaged, "datasets--me--no-snapshots"));
      await mkdir(join(damaged, "stray"));
      const info = await scanCacheDir(damaged);
      expect(info.warnings).toHaveLength(4);
      expect(info.warnings.join("\n")).toMatch(
        /broken link[\s\S]*has no snapshot|has no snapshot[\s\S]*broken link/,
      );
      expect(info.repos.map((repo) => repo.repoId)).toEqual(["me/broken"]);
    } finally {
      await rm(damaged, { recursive: true, force: true });
    }
  });
});

describe("verifyCache", () => {
  it("finds a blob whose bytes no longer match its name", async () => {
    expect((await verifyCache(cacheDir)).corrupt).toEqual([]);
    const info = await scanCacheDir(cacheDir);
    const csv = info.repos.find((repo) => repo.repoId === "vega/seattle-weather")?.revisions[0]?.files[0];
    await appendFile(csv?.blobPath as string, "tampered\n");
    const events: ProgressEvent[] = [];
    const result = await verifyCache(cacheDir, { onProgress: (event) => events.push(event) });
    expect(result.checked).toBe(5);
    expect(events.map((event) => [event.phase, event.done, event.total])).toEqual(
      [1, 2, 3, 4, 5].map((done) => ["files", done, 5]),
    );
    expect(result.corrupt).toEqual([expect.objectContaining({ blobPath: csv?.blobPath })]);
  });
});

describe("tryToLoadFromCache", () => {
  it("answers from the cache alone: a path, a known absence, or nothing", async () => {
    const model = { cacheDir, repoId: "vega/cars-regressor" };
    const path = await tryToLoadFromCache({ ...model, filename: "config.json" });
    expect(path).toMatch(/models--vega--cars-regressor\/snapshots\/[0-9a-f]{40}\/config\.json$/);
    expect(await tryToLoadFromCache({ ...model, filename: "config.json", revision: "v9" })).toBeUndefined();
    expect(await tryToLoadFromCache({ ...model, filename: "absent.json" })).toBeUndefined();
    await expect(
      hfHubDownload({ ...model, endpoint: hub.url, token: false, filename: "absent.json" }),
    ).rejects.toThrow();
    expect(await tryToLoadFromCache({ ...model, filename: "absent.json" })).toBe(CACHED_NO_EXIST);
    expect(await tryToLoadFromCache({ cacheDir, repoId: "vega/none", filename: "x" })).toBeUndefined();
  });
});

/** A copy of the shared cache with two revisions of one repo that share a blob, for deletion tests. */
async function cacheWithTwoRevisions(): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), "wharf-cache-delete-"));
  await cp(cacheDir, copy, { recursive: true, verbatimSymlinks: true });
  const repo = join(copy, "models--vega--cars-regressor");
  const [first] =
    (await scanCacheDir(copy)).repos.find((r) => r.repoId === "vega/cars-regressor")?.revisions ?? [];
  const old = "0".repeat(40);
  await mkdir(join(repo, "snapshots", old), { recursive: true });
  await symlink(
    `../../blobs/${first?.files
      .find((file) => file.fileName === "config.json")
      ?.blobPath.split("/")
      .pop()}`,
    join(repo, "snapshots", old, "config.json"),
  );
  await writeFile(join(repo, "blobs", "oldonly"), "x".repeat(1000));
  await symlink("../../blobs/oldonly", join(repo, "snapshots", old, "old.txt"));
  await writeFile(join(repo, "refs", "v0"), old);
  return copy;
}

describe("deleteRevisions and evictLru", () => {
  it("plan what they free before touching anything, and keep blobs a kept revision uses", async () => {
    const copy = await cacheWithTwoRevisions();
    try {
      const info = await scanCacheDir(copy);
      const model = info.repos.find((repo) => repo.repoId === "vega/cars-regressor");
      expect(model?.revisions).toHaveLength(2);
      const old = "0".repeat(40);
      const plan = deleteRevisions(info, [old, "f".repeat(40)]);
      expect(plan.expectedFreedSize).toBe(1000);
      expect(plan.blobs.map((blob) => blob.split("/").pop())).toEqual(["oldonly"]);
      expect(plan.refs.map((ref) => ref.split("/").slice(-2).join("/"))).toEqual(["refs/v0"]);
      expect(plan.notFound).toEqual(["f".repeat(40)]);
      expect(plan.repos).toEqual([]);
      expect(existsSync(plan.snapshots[0] as string)).toBe(true);
      await plan.execute();
      const after = await scanCacheDir(copy);
      expect(after.warnings).toEqual([]);
      expect(after.sizeOnDisk).toBe(info.sizeOnDisk - 1000);
      expect(after.repos.find((repo) => repo.repoId === "vega/cars-regressor")?.revisions).toHaveLength(1);

      const whole = deleteRevisions(after, [
        after.repos.find((repo) => repo.repoId === "vega/flights")?.revisions[0]?.commitHash as string,
      ]);
      expect(whole.repos).toEqual([join(copy, "datasets--vega--flights")]);
      expect(whole.expectedFreedSize).toBe(13_493_022);
      await whole.execute();
      expect(existsSync(join(copy, "datasets--vega--flights"))).toBe(false);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });

  it("evict the least recently used revisions until the cache fits", async () => {
    const copy = await cacheWithTwoRevisions();
    try {
      // Make the flights parquet the oldest access and the weather CSV the newest.
      const info = await scanCacheDir(copy);
      const blobsOf = (id: string) =>
        info.repos.find((repo) => repo.repoId === id)?.revisions.flatMap((r) => r.files) ?? [];
      const ages: Record<string, number> = {
        "vega/flights": 1_000,
        "vega/cars-regressor": 2_000,
        "vega/seattle-weather": 3_000,
      };
      for (const [id, seconds] of Object.entries(ages))
        for (const file of blobsOf(id)) await utimes(file.blobPath, seconds, seconds);
      const aged = await scanCacheDir(copy);
      expect(evictLru(aged, { maxSize: aged.sizeOnDisk }).repos).toEqual([]);
      const plan = evictLru(aged, { maxSize: aged.sizeOnDisk - 1 });
      expect(plan.repos).toEqual([join(copy, "datasets--vega--flights")]);
      const small = evictLru(aged, { maxSize: 0 });
      expect(small.expectedFreedSize).toBe(aged.sizeOnDisk);
      await small.execute();
      expect((await scanCacheDir(copy)).repos).toEqual([]);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  });
});
