/**
 * `pullRepo` from a real upstream (the sample hub, a wharf server on 127.0.0.1) into folder and S3
 * stores, checked through a second wharf server over the mirror, as its users would see it.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useMoto } from "../../test/support/moto.js";
import { ALICE, MANY, MANY_FILES, SECRET, useSampleHub } from "../../test/support/sample-hub.js";
import { useTempFolders } from "../../test/support/temp-folders.js";
import { AbortedError, ChecksumMismatchError, RepoNotFoundError } from "../core/errors.js";
import { hfHubDownload } from "../hub/hf-hub-download.js";
import { parseRepoId } from "../hub/repo-id.js";
import { repoInfo } from "../hub/repo-info.js";
import { importFolder } from "./import-folder.js";
import { type PullOptions, pullRepo } from "./pull.js";
import { startHubServer } from "./server/app.js";
import { RepoStore } from "./store/repo-store.js";
import { S3ObjectStore } from "./store/s3-object-store.js";

const hub = useSampleHub();
const moto = useMoto();
const temp = useTempFolders("wharf-pull-");
const WEATHER = parseRepoId("vega/seattle-weather", "dataset");

/** Pulls a dataset of the sample hub. */
function pullDataset(store: RepoStore, repoId: string, options: Partial<PullOptions> = {}) {
  return pullRepo(store, { repoId, repoType: "dataset", endpoint: hub().url, ...options });
}

function freshStore(): RepoStore {
  return RepoStore.inFolder(join(temp(), "store"), { metadataTtlMs: 0 });
}

describe("pullRepo", () => {
  it("stores a revision under the upstream's commit id, and a server over the store serves it as the upstream does", async () => {
    const store = freshStore();
    const upstreamHead = await hub().store.resolveRevision(WEATHER, "main");
    const result = await pullDataset(store, "vega/seattle-weather");
    expect(result.commit.id).toBe(upstreamHead);
    expect(result.ref).toBe("refs/heads/main");
    expect(result.createdRepo).toBe(true);
    expect(Object.keys(result.commit.files).sort()).toEqual(["README.md", "data/train.csv"]);
    expect(await store.resolveRevision(WEATHER, "main")).toBe(upstreamHead);

    const mirror = await startHubServer(store, {});
    try {
      const cache = temp();
      const path = await hfHubDownload({
        repoId: "vega/seattle-weather",
        repoType: "dataset",
        filename: "data/train.csv",
        endpoint: mirror.url,
        cacheDir: cache,
        token: false,
      });
      // The cache folder is named by the commit: the same as a download from the upstream would make.
      expect(path).toContain(`/snapshots/${upstreamHead}/data/train.csv`);
      const original = join(hub().folders.get("vega/seattle-weather") as string, "data", "train.csv");
      expect((await readFile(path)).equals(await readFile(original))).toBe(true);
      const info = await repoInfo({
        repoId: "vega/seattle-weather",
        repoType: "dataset",
        endpoint: mirror.url,
        token: false,
      });
      expect(info.sha).toBe(upstreamHead);
    } finally {
      await mirror.close();
    }
  });

  it("pulls a tag as a tag, and links the history of the commits it has pulled", async () => {
    const store = freshStore();
    const result = await pullDataset(store, "vega/seattle-weather", { revision: "v1.0" });
    expect(result.ref).toBe("refs/tags/v1.0");
    expect(await store.readRef(WEATHER, "tags", "v1.0")).toBe(result.commit.id);
    expect(await store.readRef(WEATHER, "heads", "main")).toBeUndefined();

    // A new upstream commit, pulled: its parent is the commit pulled before.
    const upstream = await hub().store.commit(
      WEATHER,
      "main",
      {
        parents: [result.commit.id],
        author: "alice",
        title: "Add notes",
        message: "",
        date: new Date().toISOString(),
        files: result.commit.files,
      },
      await hub().store.resolveRevision(WEATHER, "main"),
    );
    const next = await pullDataset(store, "vega/seattle-weather");
    expect(next.commit.id).toBe(upstream.id);
    expect(next.commit.parents).toEqual([result.commit.id]);
    expect(next.commit.title).toBe("Add notes");
    expect(next.downloadedFiles).toBe(0);
  });

  it("keeps a private repo private, and needs a token that may read it", async () => {
    const store = freshStore();
    await expect(pullDataset(store, "team/secret-data", { token: false })).rejects.toBeInstanceOf(
      RepoNotFoundError,
    );
    await pullDataset(store, "team/secret-data", { token: ALICE });
    expect((await store.getRepo(SECRET))?.private).toBe(true);
    const mirror = await startHubServer(store, {});
    try {
      const anonymous = await fetch(`${mirror.url}/datasets/team/secret-data/resolve/main/data.csv`);
      // Hidden from strangers, as the upstream hides it.
      expect(anonymous.status).toBe(404);
    } finally {
      await mirror.close();
    }
  });

  it("downloads nothing twice, resumes an interrupted pull, and fills an S3 store the same way", async () => {
    const store = freshStore();
    const controller = new AbortController();
    const stopped = pullDataset(store, "vega/many-files", {
      signal: controller.signal,
      onProgress: (event) => {
        if (event.phase === "files" && event.done >= 300) controller.abort();
      },
    });
    await expect(stopped).rejects.toBeInstanceOf(AbortedError);
    // Nothing is visible until the pull is whole.
    expect(await store.getRepo(MANY)).toBeUndefined();

    const resumed = await pullDataset(store, "vega/many-files");
    expect(Object.keys(resumed.commit.files)).toHaveLength(MANY_FILES + 1);
    expect(resumed.downloadedFiles).toBeGreaterThan(0);
    expect(resumed.downloadedFiles).toBeLessThanOrEqual(MANY_FILES + 1 - 300);
    const twice = await pullDataset(store, "vega/many-files");
    expect(twice.downloadedFiles).toBe(0);
    expect(twice.commit.id).toBe(resumed.commit.id);

    const s3 = new RepoStore(new S3ObjectStore(await moto.current.bucket("pulled")), { metadataTtlMs: 0 });
    const inS3 = await pullDataset(s3, "vega/seattle-weather", { stagingDir: temp() });
    expect(inS3.commit.id).toBe(await hub().store.resolveRevision(WEATHER, "main"));
    expect(await s3.resolveRevision(WEATHER, "main")).toBe(inS3.commit.id);
    const blobs = new Set(Object.values(inS3.commit.files).map((file) => file.sha256));
    const stored: string[] = [];
    for await (const object of s3.objects.list("blobs/")) stored.push(object.key.split("/").pop() as string);
    expect(stored.sort()).toEqual([...blobs].sort());
    const again = await pullDataset(s3, "vega/seattle-weather", { stagingDir: temp() });
    expect(again.downloadedFiles).toBe(0);
  });

  it("pulls only one config's files, or the files patterns select", async () => {
    const repo = parseRepoId("vega/two-configs", "dataset");
    const folder = temp();
    const card =
      "---\nconfigs:\n- config_name: small\n  data_files: small/*.csv\n- config_name: large\n  data_files:\n  - split: train\n    path: large/train-*.csv\n---\n";
    await writeFile(join(folder, "README.md"), card);
    const { mkdir } = await import("node:fs/promises");
    await mkdir(join(folder, "small"));
    await mkdir(join(folder, "large"));
    await writeFile(join(folder, "small", "a.csv"), "x\n1\n");
    await writeFile(join(folder, "large", "train-0.csv"), "x\n2\n");
    await writeFile(join(folder, "large", "train-1.csv"), "x\n3\n");
    await writeFile(join(folder, "notes.txt"), "not data\n");
    await importFolder(hub().store, folder, repo);

    const store = freshStore();
    const large = await pullDataset(store, "vega/two-configs", { config: "large" });
    expect(Object.keys(large.commit.files).sort()).toEqual([
      "README.md",
      "large/train-0.csv",
      "large/train-1.csv",
    ]);
    // A second pull of the same commit adds to what the store holds of it.
    const small = await pullDataset(store, "vega/two-configs", { allowPatterns: "small/*" });
    expect(Object.keys(small.commit.files).sort()).toEqual([
      "README.md",
      "large/train-0.csv",
      "large/train-1.csv",
      "small/a.csv",
    ]);
    await expect(pullDataset(store, "vega/two-configs", { config: "medium" })).rejects.toThrow(/medium/);
  });

  it("refuses bytes that are not what the upstream lists, and stores no commit", async () => {
    const store = freshStore();
    // The upstream's stored copy of the card is damaged on its disk (same size, one byte changed).
    const movies = parseRepoId("vega/movies", "dataset");
    const head = await hub().store.getCommit(
      movies,
      (await hub().store.resolveRevision(movies, "main")) as string,
    );
    const blob = hub().store.blobPath(head?.files["README.md"]?.sha256 as string) as string;
    const original = await readFile(blob);
    const damaged = Buffer.from(original);
    damaged.writeUInt8((damaged.at(-2) ?? 0) ^ 1, damaged.length - 2);
    await writeFile(blob, damaged);
    try {
      await expect(pullDataset(store, "vega/movies")).rejects.toBeInstanceOf(ChecksumMismatchError);
      expect(await store.getRepo(movies)).toBeUndefined();
    } finally {
      await writeFile(blob, original);
    }
  });
});
