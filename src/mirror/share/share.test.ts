/**
 * Sharing in hg_localization's layout on a real S3 server (moto): what lands in the bucket, byte for
 * byte where hg_localization reads it; a consumer with only the bucket's name getting a shared version
 * anonymously and loading it offline; a private-only version refused to strangers and read with
 * credentials; concurrent sharers; a damaged zip caught.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useMoto } from "../../../test/support/moto.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { ChecksumMismatchError } from "../../core/errors.js";
import type { ProgressEvent } from "../../core/progress.js";
import type { DatasetDict } from "../../datasets/dataset-dict.js";
import { loadFromDisk } from "../../datasets/disk/load-from-disk.js";
import { loadDataset } from "../../datasets/load/load-dataset.js";
import type { RepoId } from "../../hub/repo-id.js";
import { importFolder } from "../import-folder.js";
import { RepoStore } from "../store/repo-store.js";
import type { S3ObjectStore } from "../store/s3-object-store.js";
import { getSharedDataset, NotSharedError } from "./get-shared.js";
import { shareDataset } from "./share-dataset.js";

const moto = useMoto();
const temp = useTempFolders("wharf-share-");
const REPO: RepoId = { type: "dataset", namespace: "team", name: "weather" };
const CARD =
  "---\nconfigs:\n- config_name: seattle\n  data_files:\n  - split: train\n    path: seattle/train.csv\n  - split: test\n    path: seattle/test.csv\n" +
  "- config_name: tiny\n  data_files: tiny.csv\n---\n\n# Weather\n";
let store: RepoStore;
let buckets = 0;

let work: string;
beforeAll(async () => {
  // Not a per-test folder: the store lives for the whole file.
  work = await mkdtemp(join(tmpdir(), "wharf-share-store-"));
  const folder = join(work, "repo");
  await mkdir(join(folder, "seattle"), { recursive: true });
  await writeFile(join(folder, "README.md"), CARD);
  await writeFile(
    join(folder, "seattle", "train.csv"),
    "date,temp\n2012-01-01,12.8\n2012-01-02,10.6\n2012-01-03,11.7\n",
  );
  await writeFile(join(folder, "seattle", "test.csv"), "date,temp\n2015-12-31,5.6\n");
  await writeFile(join(folder, "tiny.csv"), "x\n1\n");
  store = RepoStore.inFolder(join(work, "store"));
  await importFolder(store, folder, REPO);
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function newBucket(): Promise<{ bucket: S3ObjectStore; address: string }> {
  const name = `shared-${++buckets}`;
  return {
    bucket: moto.current.store(await moto.current.bucket(name, "data")),
    address: `s3://${name}/data`,
  };
}

/** An anonymous GET, as a browser or curl without credentials sends it (path-style, as for moto). */
function anonymousGet(bucket: S3ObjectStore, key: string): Promise<Response> {
  return fetch(`${moto.current.endpoint}/${bucket.bucket}/${bucket.keyOf(key)}`);
}

describe("shareDataset", () => {
  it("writes the private layout, a public zip and a public manifest entry as hg_localization reads them", async () => {
    const { bucket } = await newBucket();
    const events: ProgressEvent[] = [];
    const result = await shareDataset(store, REPO, bucket, {
      config: "seattle",
      onProgress: (event) => events.push(event),
    });
    // One count of the files sent: each file of the version, then the zip.
    expect(events.map((event) => event.done)).toEqual(
      Array.from({ length: result.files + 1 }, (_, i) => i + 1),
    );
    expect(events.at(-1)).toMatchObject({ phase: "files", total: result.files + 1, finished: true });
    expect(result.key).toBe("team/weather---seattle---default_revision");
    expect(result.prefix).toBe("team_weather/seattle/default_revision/");

    const keys: string[] = [];
    for await (const object of bucket.list("")) keys.push(object.key);
    expect(keys).toEqual([
      "public_datasets.json",
      "public_datasets_zip/team_weather---seattle---default_revision.zip",
      "team_weather/seattle/default_revision/dataset_card.md",
      "team_weather/seattle/default_revision/dataset_dict.json",
      "team_weather/seattle/default_revision/test/data-00000-of-00001.arrow",
      "team_weather/seattle/default_revision/test/dataset_info.json",
      "team_weather/seattle/default_revision/test/state.json",
      "team_weather/seattle/default_revision/train/data-00000-of-00001.arrow",
      "team_weather/seattle/default_revision/train/dataset_info.json",
      "team_weather/seattle/default_revision/train/state.json",
    ]);
    const manifest = await (await anonymousGet(bucket, "public_datasets.json")).text();
    const entry = result.entry;
    expect(manifest).toBe(
      `{\n  "team/weather---seattle---default_revision": {\n    "dataset_id": "team/weather",\n    "config_name": "seattle",\n` +
        `    "revision": null,\n    "s3_zip_key": "public_datasets_zip/team_weather---seattle---default_revision.zip",\n` +
        `    "s3_bucket": "${bucket.bucket}",\n    "sha256": "${entry.sha256}",\n    "size": ${entry.size},\n` +
        `    "commit": "${entry.commit}",\n    "shared_at": "${entry.shared_at}"\n  }\n}`,
    );
    // The zip is public and Python's zipfile reads it; the private layout is not public.
    const zip = await anonymousGet(bucket, entry.s3_zip_key);
    expect(zip.status).toBe(200);
    const zipPath = join(temp(), "shared.zip");
    await writeFile(zipPath, Buffer.from(await zip.arrayBuffer()));
    const names = execFileSync(
      "python3",
      [
        "-c",
        "import sys, zipfile; print('\\n'.join(sorted(zipfile.ZipFile(sys.argv[1]).namelist())))",
        zipPath,
      ],
      { encoding: "utf8" },
    );
    expect(names.trim().split("\n")).toEqual(keys.slice(2).map((key) => key.slice(result.prefix.length)));
    expect((await anonymousGet(bucket, `${result.prefix}dataset_dict.json`)).status).toBe(403);
  });

  it("lets a consumer with only the bucket's name get a shared version anonymously and load it offline", async () => {
    const { bucket, address } = await newBucket();
    await shareDataset(store, REPO, bucket, { config: "seattle" });
    const localStore = temp();
    const env = { AWS_ENDPOINT_URL: moto.current.endpoint };
    const events: ProgressEvent[] = [];
    const copy = await getSharedDataset("team/weather", {
      config: "seattle",
      bucket: address,
      anonymous: true,
      localStore,
      env,
      onProgress: (event) => events.push(event),
    });
    expect(copy.source).toBe("public-manifest");
    // The zip's bytes, counted up to its size.
    expect(events.at(-1)).toEqual({
      id: copy.entry?.s3_zip_key,
      phase: "download",
      done: copy.entry?.size,
      total: copy.entry?.size,
      finished: true,
    });
    expect(copy.folder).toBe(join(localStore, "public", "team_weather", "seattle", "default_revision"));
    const dict = loadFromDisk(copy.folder) as DatasetDict;
    expect(dict.get("train").numRows).toBe(3);
    expect(dict.get("test").toList()).toEqual([{ date: "2015-12-31", temp: 5.6 }]);
    expect(await readFile(join(copy.folder, "dataset_card.md"), "utf8")).toBe(CARD);
    // Offline afterwards: no bucket, no network, the local public copy answers.
    const again = await getSharedDataset("team/weather", { config: "seattle", localStore, env: {} });
    expect(again).toEqual({ folder: copy.folder, source: "local-public" });
    // And loadDataset finds it offline by the dataset's id, as hg_localization's loader does.
    process.env.HGLOC_DATASETS_STORE_PATH = localStore;
    try {
      const loaded = (await loadDataset("team/weather", {
        name: "seattle",
        offline: true,
        cacheDir: temp(),
      })) as DatasetDict;
      expect(loaded.get("train").getColumn("temp")).toEqual([12.8, 10.6, 11.7]);
    } finally {
      delete process.env.HGLOC_DATASETS_STORE_PATH;
    }
  });

  it("refuses a version that is only in the private layout to a stranger, and gives it to a credentialed reader", async () => {
    const { bucket, address } = await newBucket();
    const shared = await shareDataset(store, REPO, bucket, { config: "tiny" });
    // The public entry removed: the version is now private only, as hg_localization's private uploads are.
    await bucket.putWith("public_datasets.json", "{}", { publicRead: true });
    const env = { AWS_ENDPOINT_URL: moto.current.endpoint };
    const stranger = getSharedDataset("team/weather", {
      config: "tiny",
      bucket: address,
      anonymous: true,
      localStore: temp(),
      env,
    });
    await expect(stranger).rejects.toBeInstanceOf(NotSharedError);
    await expect(stranger).rejects.toThrow(/no entry team\/weather---tiny---default_revision/);

    const teammate = await getSharedDataset("team/weather", {
      config: "tiny",
      bucket: address,
      localStore: temp(),
      env: moto.current.env,
    });
    expect(teammate.source).toBe("bucket-private");
    expect(teammate.folder.endsWith(join("team_weather", "tiny", "default_revision"))).toBe(true);
    expect((loadFromDisk(teammate.folder) as DatasetDict).get("train").toList()).toEqual([{ x: 1 }]);
    // The card, dataset_dict.json, and the train split's three files.
    expect(shared.files).toBe(5);
  });

  it("keeps every entry when several people share at once", async () => {
    const { bucket } = await newBucket();
    await Promise.all([
      shareDataset(store, REPO, bucket, { config: "seattle" }),
      shareDataset(store, REPO, bucket, { config: "tiny" }),
      shareDataset(store, REPO, bucket, { config: "tiny", revision: "main" }),
    ]);
    const manifest = JSON.parse((await bucket.readBytes("public_datasets.json"))?.toString() ?? "{}");
    expect(Object.keys(manifest).sort()).toEqual([
      "team/weather---seattle---default_revision",
      "team/weather---tiny---default_revision",
      "team/weather---tiny---main",
    ]);
  });

  it("catches a damaged zip before unpacking it", async () => {
    const { bucket, address } = await newBucket();
    const { entry } = await shareDataset(store, REPO, bucket, { config: "tiny" });
    const zip = (await bucket.readBytes(entry.s3_zip_key)) as Buffer;
    zip.writeUInt8((zip.at(-30) ?? 0) ^ 0xff, zip.length - 30);
    await bucket.client.send(
      new PutObjectCommand({
        Bucket: bucket.bucket,
        Key: bucket.keyOf(entry.s3_zip_key),
        Body: zip,
        ACL: "public-read",
      }),
    );
    const localStore = temp();
    await expect(
      getSharedDataset("team/weather", {
        config: "tiny",
        bucket: address,
        anonymous: true,
        localStore,
        env: { AWS_ENDPOINT_URL: moto.current.endpoint },
      }),
    ).rejects.toBeInstanceOf(ChecksumMismatchError);
    expect(existsSync(join(localStore, "public", "team_weather", "tiny", "default_revision"))).toBe(false);
  });
});
