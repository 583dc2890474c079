import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ALICE, useSampleHub } from "../../../test/support/sample-hub.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { hfHubDownload } from "../../hub/hf-hub-download.js";
import { listRepoFiles } from "../../hub/list-repo-files.js";
import { Dataset } from "../dataset.js";
import type { DatasetDict } from "../dataset-dict.js";
import { ClassLabel, List, Value } from "../features/feature-types.js";
import { parseDatasetCard } from "../load/dataset-card.js";
import { getDatasetConfigNames, getDatasetInfos, getDatasetSplitNames } from "../load/dataset-inspection.js";
import { loadDataset } from "../load/load-dataset.js";

const tempFolder = useTempFolders("wharf-push-");
const sampleHub = useSampleHub();

const reviews = () =>
  Dataset.fromDict(
    {
      text: Array.from({ length: 50 }, (_, i) => `review ${i}`),
      label: Array.from({ length: 50 }, (_, i) => (i % 3 === 0 ? "neg" : "pos")),
      tags: Array.from({ length: 50 }, (_, i) => (i % 2 ? ["a"] : [])),
    },
    {
      features: {
        text: new Value("string"),
        label: new ClassLabel({ names: ["neg", "pos"] }),
        tags: new List(new Value("string")),
      },
    },
  );

describe("pushToHub", () => {
  it("pushes splits as parquet shards with a card, and loads back equal", async () => {
    const call = { endpoint: sampleHub().url, token: ALICE };
    const dict = reviews().trainTestSplit({ testSize: 10, seed: 0 });
    await dict.pushToHub("alice/reviews", { ...call, numShards: 2 });
    const files = await listRepoFiles({ ...call, repoId: "alice/reviews", repoType: "dataset" });
    expect(files.filter((file) => file.startsWith("data/")).sort()).toEqual([
      "data/test-00000-of-00002.parquet",
      "data/test-00001-of-00002.parquet",
      "data/train-00000-of-00002.parquet",
      "data/train-00001-of-00002.parquet",
    ]);
    const loaded = (await loadDataset("alice/reviews", {
      ...call,
      cacheDir: tempFolder(),
      hubCacheDir: tempFolder(),
    })) as DatasetDict;
    expect(loaded.numRows).toEqual({ train: 40, test: 10 });
    expect(loaded.get("train").features).toEqual(reviews().features);
    expect(loaded.get("test").toList()).toEqual(dict.get("test").toList());

    // A second push of one split with fewer shards deletes the stale one and keeps the other split.
    await reviews()
      .take(5)
      .pushToHub("alice/reviews", { ...call, split: "train", numShards: 1, configName: "default" });
    const after = await listRepoFiles({ ...call, repoId: "alice/reviews", repoType: "dataset" });
    expect(after.filter((file) => file.startsWith("data/train")).sort()).toEqual([
      "data/train-00000-of-00001.parquet",
    ]);
    expect(after).toContain("data/test-00001-of-00002.parquet");
    const card = parseDatasetCard(
      await readFile(
        await hfHubDownload({
          ...call,
          repoId: "alice/reviews",
          repoType: "dataset",
          filename: "README.md",
          cacheDir: tempFolder(),
        }),
        "utf8",
      ),
    );
    expect(card.configs[0]?.dataFiles).toEqual([
      { split: "test", path: "data/test-*" },
      { split: "train", path: "data/train-*" },
    ]);
    const info = card.metadata.dataset_info as { splits: { name: string; num_examples: number }[] };
    expect(info.splits.map((split) => [split.name, split.num_examples])).toEqual([
      ["test", 10],
      ["train", 5],
    ]);
  });

  it("puts a second config in its own folder and card entry", async () => {
    const call = { endpoint: sampleHub().url, token: ALICE };
    await reviews().pushToHub("alice/configs", call);
    await reviews()
      .take(3)
      .pushToHub("alice/configs", { ...call, configName: "tiny" });
    const tiny = (await loadDataset("alice/configs", {
      ...call,
      name: "tiny",
      split: "train",
      cacheDir: tempFolder(),
      hubCacheDir: tempFolder(),
    })) as Dataset;
    expect(tiny.getColumn("text")).toEqual(["review 0", "review 1", "review 2"]);
    const files = await listRepoFiles({ ...call, repoId: "alice/configs", repoType: "dataset" });
    expect(files).toContain("tiny/train-00000-of-00001.parquet");
    await expect(reviews().pushToHub("alice/configs", { ...call, configName: "data" })).rejects.toThrow(
      /may not be named/,
    );
    expect(await getDatasetConfigNames("alice/configs", call)).toEqual(["default", "tiny"]);
    expect(
      await getDatasetSplitNames("alice/configs", { ...call, name: "tiny", cacheDir: tempFolder() }),
    ).toEqual(["train"]);
    const infos = await getDatasetInfos("alice/configs", call);
    expect(infos.tiny?.splits.train?.numExamples).toBe(3);
    expect(infos.default?.features).toEqual(reviews().features);
  });
});
