/**
 * An independent Hub client, `@huggingface/hub`, against the wharf server: if it can list, inspect and
 * download from the server as it does from huggingface.co, the server speaks the Hub's protocol.
 */
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  datasetInfo,
  downloadFile,
  fileDownloadInfo,
  fileExists,
  listDatasets,
  listFiles,
  listModels,
  modelInfo,
  pathsInfo,
  repoExists,
  snapshotDownload,
  whoAmI,
} from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { collect } from "../../../test/support/collect.js";
import { ALICE, type SampleHub, startSampleHub } from "../../../test/support/sample-hub.js";

let hub: SampleHub;
let hubUrl: string;
const flights = { type: "dataset", name: "vega/flights" } as const;
const parquetPath = "data/train-00000-of-00001.parquet";

beforeAll(async () => {
  hub = await startSampleHub();
  hubUrl = hub.url;
});
afterAll(async () => {
  await hub.close();
});

describe("@huggingface/hub against wharf serve", () => {
  it("downloads a file, and reads its size and etag", async () => {
    const expected = await readFile(join(VEGA_DATA, "flights-3m.parquet"));
    const blob = await downloadFile({ repo: flights, path: parquetPath, hubUrl });
    expect(Buffer.from(await (blob as Blob).arrayBuffer()).equals(expected)).toBe(true);
    const info = await fileDownloadInfo({ repo: flights, path: parquetPath, hubUrl });
    expect(info?.size).toBe(expected.length);
    expect(info?.etag).toBe(`"${createHash("sha256").update(expected).digest("hex")}"`);
  });

  it("downloads an empty file", async () => {
    const repo = { type: "dataset", name: "vega/many-files" } as const;
    expect((await fileDownloadInfo({ repo, path: "empty.bin", hubUrl }))?.size).toBe(0);
    const blob = await downloadFile({ repo, path: "empty.bin", hubUrl });
    expect(blob?.size).toBe(0);
  });

  it("lists files recursively and asks paths-info", async () => {
    const entries = await collect(listFiles({ repo: flights, recursive: true, hubUrl }));
    expect(entries.map((entry) => entry.path).sort()).toEqual(["README.md", "data", parquetPath]);
    const paths = await pathsInfo({ repo: flights, paths: [parquetPath, "README.md"], expand: true, hubUrl });
    expect(paths.map((entry) => entry.path)).toEqual([parquetPath, "README.md"]);
    expect(paths[0]?.lfs?.size).toBe(entries.find((e) => e.path === parquetPath)?.size);
    expect(paths[0]?.lastCommit?.title).toBe("Import vega/flights");
  });

  it("reads model and dataset info", async () => {
    const model = await modelInfo({
      name: "vega/cars-regressor",
      hubUrl,
      additionalFields: ["sha", "cardData"],
    });
    expect(model).toMatchObject({ name: "vega/cars-regressor", private: false, gated: false });
    expect(model.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(model.updatedAt).toBeInstanceOf(Date);
    const dataset = await datasetInfo({ name: "vega/flights", hubUrl, additionalFields: ["cardData"] });
    expect(dataset.name).toBe("vega/flights");
    expect((dataset.cardData as { pretty_name?: string }).pretty_name).toBe("Flights (3 million)");
  });

  it("tells which files and repos exist", async () => {
    expect(await fileExists({ repo: flights, path: parquetPath, hubUrl })).toBe(true);
    expect(await fileExists({ repo: flights, path: "flights.py", hubUrl })).toBe(false);
    expect(await repoExists({ repo: flights, hubUrl })).toBe(true);
    expect(await repoExists({ repo: { type: "dataset", name: "vega/nothing" }, hubUrl })).toBe(false);
  });

  it("lists datasets and models with a search", async () => {
    const datasets = await collect(listDatasets({ search: { query: "weather" }, hubUrl }));
    expect(datasets.map((dataset) => dataset.name)).toEqual(["vega/seattle-weather"]);
    const models = await collect(listModels({ search: { owner: "vega" }, hubUrl }));
    expect(models.map((model) => model.name).sort()).toEqual(["vega/cars-regressor", "vega/gated-model"]);
  });

  it("downloads a snapshot into a cache laid out as Python's", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "wharf-hfjs-cache-"));
    try {
      const snapshot = await snapshotDownload({
        repo: { type: "model", name: "vega/cars-regressor" },
        cacheDir,
        hubUrl,
      });
      const config = JSON.parse(await readFile(join(snapshot, "config.json"), "utf8"));
      expect(config.model_type).toBe("linear");
      expect(await readFile(join(snapshot, "training", "cars.json"))).toEqual(
        await readFile(join(VEGA_DATA, "cars.json")),
      );
      expect(await readlink(join(snapshot, "config.json"))).toMatch(/blobs\/[0-9a-f]{40}$/);
    } finally {
      await rm(cacheDir, { recursive: true, force: true });
    }
  });

  it("knows who a token belongs to, and reads a private repo only with it", async () => {
    const me = await whoAmI({ accessToken: ALICE, hubUrl });
    expect(me.name).toBe("alice");
    const secret = { type: "dataset", name: "team/secret-data" } as const;
    expect(await repoExists({ repo: secret, hubUrl })).toBe(false);
    await expect(downloadFile({ repo: secret, path: "data.csv", hubUrl })).rejects.toThrow();
    expect(await repoExists({ repo: secret, hubUrl, accessToken: ALICE })).toBe(true);
    const blob = await downloadFile({ repo: secret, path: "data.csv", hubUrl, accessToken: ALICE });
    expect(await (blob as Blob).text()).toBe("a,b\n1,2\n");
  });
});
