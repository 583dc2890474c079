/** `localDir` downloads and dry runs, against a real wharf server holding the sample repos. */
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../scripts/sample-repos.js";
import { type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { InvalidArgumentError, OfflineModeError } from "../core/errors.js";
import type { ProgressEvent } from "../core/progress.js";
import { hfHubDownload } from "./hf-hub-download.js";
import { repoInfo } from "./repo-info.js";
import { snapshotDownload } from "./snapshot-download.js";

let hub: SampleHub;
let work: string;
let api: { endpoint: string; token: false; cacheDir: string };
const dead = "http://127.0.0.1:1";
const flights = { repoId: "vega/flights", repoType: "dataset" as const };
const parquet = "data/train-00000-of-00001.parquet";
const model = { repoId: "vega/cars-regressor" };

beforeAll(async () => {
  hub = await startSampleHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), "wharf-local-dir-"));
  api = { endpoint: hub.url, token: false, cacheDir: join(work, "cache") };
  return () => rm(work, { recursive: true, force: true });
});

/** Downloads with a progress listener, and says how many bytes went over the wire. */
async function transferred(options: Parameters<typeof hfHubDownload>[0]): Promise<[string, number]> {
  const events: ProgressEvent[] = [];
  const path = (await hfHubDownload({ ...options, onProgress: (event) => events.push(event) })) as string;
  return [path, events.reduce((most, event) => Math.max(most, event.done), 0)];
}

describe("hfHubDownload into a local directory", () => {
  it("writes the file and Python's bookkeeping beside it", async () => {
    const localDir = join(work, "out");
    const path = await hfHubDownload({ ...api, ...model, filename: "training/cars.json", localDir });
    expect(path).toBe(join(localDir, "training", "cars.json"));
    expect(await readFile(path, "utf8")).toBe(await readFile(join(VEGA_DATA, "cars.json"), "utf8"));
    const info = await repoInfo({ ...api, ...model, filesMetadata: true });
    const [commit, etag, time, end] = (
      await readFile(join(localDir, ".cache/huggingface/download/training/cars.json.metadata"), "utf8")
    ).split("\n");
    expect(commit).toBe(info.sha);
    expect(etag).toBe(info.siblings.find((file) => file.rfilename === "training/cars.json")?.blobId);
    expect(Number(time)).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(end).toBe("");
    expect(await readFile(join(localDir, ".cache/huggingface/.gitignore"), "utf8")).toBe("*");
    expect(await readFile(join(localDir, ".cache/huggingface/CACHEDIR.TAG"), "utf8")).toMatch(
      /^Signature: 8a477f597d28d172789f06886806bc55\n/,
    );
    // Nothing went to the cache, and no temporary file is left.
    expect(existsSync(api.cacheDir)).toBe(false);
    expect(await readdir(join(localDir, ".cache/huggingface/download/training"))).toEqual([
      "cars.json.metadata",
    ]);

    // At that commit the metadata answers, with no request (the endpoint is dead).
    const again = await hfHubDownload({
      ...api,
      ...model,
      endpoint: dead,
      filename: "training/cars.json",
      localDir,
      revision: commit,
    });
    expect(again).toBe(path);
  });

  it("fetches an edited regular file again, and keeps an LFS file whose bytes match", async () => {
    const localDir = join(work, "out");
    const [config] = await transferred({ ...api, ...model, filename: "config.json", localDir });
    const original = await readFile(config, "utf8");
    await writeFile(config, "edited by hand");
    const later = new Date(Date.now() + 5000);
    await utimes(config, later, later);
    const [, bytes] = await transferred({ ...api, ...model, filename: "config.json", localDir });
    expect(await readFile(config, "utf8")).toBe(original);
    expect(bytes).toBe(Buffer.byteLength(original));

    const [file, first] = await transferred({ ...api, ...flights, filename: parquet, localDir });
    expect(first).toBe(13_493_022);
    // Metadata lost (a folder copied elsewhere): the sha256 of the bytes shows they are current.
    await rm(join(localDir, ".cache"), { recursive: true });
    const [, second] = await transferred({ ...api, ...flights, filename: parquet, localDir });
    expect(second).toBe(0);
    expect((await stat(file)).size).toBe(13_493_022);
    expect(
      existsSync(join(localDir, ".cache/huggingface/download/data", `${parquet.slice(5)}.metadata`)),
    ).toBe(true);
  });

  it("copies a file the cache holds instead of downloading it", async () => {
    await hfHubDownload({ ...api, ...flights, filename: parquet });
    const [file, bytes] = await transferred({
      ...api,
      ...flights,
      filename: parquet,
      localDir: join(work, "out"),
    });
    expect(bytes).toBe(0);
    expect((await stat(file)).isSymbolicLink()).toBe(false);
    expect((await stat(file)).size).toBe(13_493_022);
  });

  it("answers offline from the folder, and names the folder when the file is not there", async () => {
    const localDir = join(work, "out");
    const path = await hfHubDownload({ ...api, ...model, filename: "config.json", localDir });
    expect(await hfHubDownload({ ...api, ...model, filename: "config.json", localDir, offline: true })).toBe(
      path,
    );
    expect(await hfHubDownload({ ...api, ...model, endpoint: dead, filename: "config.json", localDir })).toBe(
      path,
    );
    const missing = hfHubDownload({ ...api, ...model, filename: "README.md", localDir, offline: true });
    await expect(missing).rejects.toBeInstanceOf(OfflineModeError);
    await expect(missing).rejects.toThrow(localDir);
  });

  it("refuses a path that leaves the folder", async () => {
    for (const filename of ["../escape.txt", "/etc/passwd", "a/../../b"]) {
      await expect(
        hfHubDownload({ ...api, ...model, filename, localDir: join(work, "out") }),
      ).rejects.toBeInstanceOf(InvalidArgumentError);
    }
  });
});

describe("snapshotDownload into a local directory", () => {
  it("puts every file in the folder and records the revision in the cache", async () => {
    const localDir = join(work, "snapshot");
    const folder = await snapshotDownload({ ...api, ...model, localDir });
    expect(folder).toBe(localDir);
    expect(
      (await readdir(localDir, { recursive: true })).filter((name) => !name.startsWith(".cache")).sort(),
    ).toEqual(["README.md", "config.json", "training", "training/cars.json"]);
    const sha = (await repoInfo({ ...api, ...model })).sha;
    expect(await readFile(join(api.cacheDir, "models--vega--cars-regressor", "refs", "main"), "utf8")).toBe(
      sha,
    );
    expect(await snapshotDownload({ ...api, ...model, localDir, offline: true })).toBe(localDir);
  });
});

describe("dry runs", () => {
  it("say what would be downloaded and write nothing", async () => {
    const info = await hfHubDownload({ ...api, ...flights, filename: parquet, dryRun: true });
    const sha = (await repoInfo({ ...api, ...flights })).sha;
    expect(info).toEqual({
      commitHash: sha,
      fileSize: 13_493_022,
      filename: parquet,
      localPath: join(api.cacheDir, "datasets--vega--flights", "snapshots", sha, ...parquet.split("/")),
      isCached: false,
      willDownload: true,
    });
    expect(existsSync(api.cacheDir)).toBe(false);

    await hfHubDownload({ ...api, ...flights, filename: parquet });
    const cached = await hfHubDownload({ ...api, ...flights, filename: parquet, dryRun: true });
    expect(cached).toMatchObject({ isCached: true, willDownload: false });
    const forced = await hfHubDownload({
      ...api,
      ...flights,
      filename: parquet,
      dryRun: true,
      forceDownload: true,
    });
    expect(forced).toMatchObject({ isCached: true, willDownload: true });

    const plan = await snapshotDownload({ ...api, ...flights, dryRun: true });
    expect(plan.map((file) => [file.filename, file.willDownload]).sort()).toEqual([
      ["README.md", true],
      [parquet, false],
    ]);
    const local = await snapshotDownload({ ...api, ...model, localDir: join(work, "dry"), dryRun: true });
    expect(local.every((file) => file.willDownload && file.localPath.startsWith(join(work, "dry")))).toBe(
      true,
    );
    expect(existsSync(join(work, "dry"))).toBe(false);
  });
});
