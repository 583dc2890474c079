import { appendFile, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { hfHubDownload } from "./hf-hub-download.js";
import { scanCacheDir } from "./scan-cache-dir.js";
import { snapshotDownload } from "./snapshot-download.js";
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
    const result = await verifyCache(cacheDir);
    expect(result.checked).toBe(5);
    expect(result.corrupt).toEqual([expect.objectContaining({ blobPath: csv?.blobPath })]);
  });
});
