import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../scripts/sample-repos.js";
import { MANY_FILES, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { OfflineModeError } from "../core/errors.js";
import { listRepoTree } from "./list-repo-tree.js";
import { repoInfo } from "./repo-info.js";
import { snapshotDownload } from "./snapshot-download.js";

let hub: SampleHub;
let cacheDir: string;
const model = { repoId: "vega/cars-regressor", token: false as const };

beforeAll(async () => {
  hub = await startSampleHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "wharf-snapshot-"));
  return () => rm(cacheDir, { recursive: true, force: true });
});

describe("snapshotDownload", () => {
  it("downloads every file of a revision into a snapshot folder", async () => {
    const folder = await snapshotDownload({ ...model, cacheDir, endpoint: hub.url });
    const info = await repoInfo({ ...model, endpoint: hub.url });
    expect(folder).toBe(join(cacheDir, "models--vega--cars-regressor", "snapshots", info.sha));
    expect((await readdir(folder)).sort()).toEqual(["README.md", "config.json", "training"]);
    expect(await readFile(join(folder, "training", "cars.json"))).toEqual(
      await readFile(join(VEGA_DATA, "cars.json")),
    );
    expect(await readFile(join(cacheDir, "models--vega--cars-regressor", "refs", "main"), "utf8")).toBe(
      info.sha,
    );
    expect(info.lastModified).toBeInstanceOf(Date);
  });

  it("keeps only the files the patterns select", async () => {
    const folder = await snapshotDownload({
      ...model,
      cacheDir,
      endpoint: hub.url,
      allowPatterns: ["*.json"],
      ignorePatterns: "training/",
    });
    expect(await readdir(folder)).toEqual(["config.json"]);
  });

  it("answers from the cache offline, and says so when it cannot", async () => {
    const folder = await snapshotDownload({ ...model, cacheDir, endpoint: hub.url });
    expect(
      await snapshotDownload({ ...model, cacheDir, endpoint: "http://127.0.0.1:1", offline: true }),
    ).toBe(folder);
    expect(await snapshotDownload({ ...model, cacheDir, endpoint: "http://127.0.0.1:1" })).toBe(folder);
    const missing = await snapshotDownload({ repoId: "vega/gated-model", cacheDir, offline: true }).catch(
      (e) => e,
    );
    expect(missing).toBeInstanceOf(OfflineModeError);
  });

  it("follows tree pages for a repo of more than one page", async () => {
    const files: string[] = [];
    for await (const entry of listRepoTree({
      repoId: "vega/many-files",
      repoType: "dataset",
      recursive: true,
      endpoint: hub.url,
      token: false,
    })) {
      if (entry.type === "file") files.push(entry.path);
    }
    expect(files).toHaveLength(MANY_FILES + 1);
    const folder = await snapshotDownload({
      repoId: "vega/many-files",
      repoType: "dataset",
      cacheDir,
      endpoint: hub.url,
      token: false,
      allowPatterns: "shards/part-10*",
    });
    expect((await readdir(join(folder, "shards"))).length).toBe(50);
    expect(existsSync(join(folder, "empty.bin"))).toBe(false);
  });
});
