import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { useSampleHub } from "../../../test/support/sample-hub.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import type { Dataset } from "../dataset.js";
import { DatasetDict } from "../dataset-dict.js";
import {
  CastError,
  ConfigNotFoundError,
  DatasetCardError,
  NonMatchingSplitsSizesError,
  SplitNotFoundError,
} from "../errors.js";
import { ClassLabel, Image, Pdf, Value, Video } from "../features/feature-types.js";
import { loadDataset } from "./load-dataset.js";

const tempFolder = useTempFolders("wharf-load-");
const sampleHub = useSampleHub();

describe("loadDataset from a Hub repo", () => {
  it("loads a CSV repo through its YAML config, then again from the prepared cache with the Hub gone", async () => {
    const cacheDir = tempFolder();
    const hubCacheDir = tempFolder();
    const first = (await loadDataset("vega/seattle-weather", {
      endpoint: sampleHub().url,
      cacheDir,
      hubCacheDir,
    })) as DatasetDict;
    expect(first).toBeInstanceOf(DatasetDict);
    expect(first.numRows).toEqual({ train: 1461 });
    const train = first.get("train");
    expect(train.features.temp_max).toEqual(new Value("float64"));
    expect(train.cacheFiles[0]?.filename).toMatch(
      /vega___seattle-weather\/default\/0\.0\.0\/[0-9a-f]{40}\/seattle-weather-train\.arrow$/,
    );
    const offline = (await loadDataset("vega/seattle-weather", {
      offline: true,
      cacheDir,
      hubCacheDir,
      split: "train[:10%]+train[-5:]",
    })) as Dataset;
    expect(offline.numRows).toBe(146 + 5);
    expect(offline.toList()).toEqual([...train.take(146).toList(), ...train.skip(1456).toList()]);
    await expect(loadDataset("vega/flights", { offline: true, cacheDir })).rejects.toThrow(
      /holds no prepared copy/,
    );
  });

  it("refuses a JSON repo whose column mixes strings and numbers, as pyarrow does, naming the column", async () => {
    const error = await loadDataset("vega/movies", {
      endpoint: sampleHub().url,
      cacheDir: tempFolder(),
      hubCacheDir: tempFolder(),
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CastError);
    expect((error as Error).message).toMatch(/Column "Title" mixes string and int/);
  });
});

describe("loadDataset from a folder", () => {
  const writeFolder = (): string => {
    const folder = join(tempFolder(), "weather");
    mkdirSync(join(folder, "train"), { recursive: true });
    mkdirSync(join(folder, "test"), { recursive: true });
    mkdirSync(join(folder, "tabbed"), { recursive: true });
    writeFileSync(join(folder, "train", "part-0.csv"), "city,temp\nparis,11.5\nlyon,13\n");
    writeFileSync(join(folder, "train", "part-1.csv"), "city,temp\nnice,16\n");
    writeFileSync(join(folder, "test", "part-0.csv"), "city,temp\nbrest,9\n");
    writeFileSync(join(folder, "tabbed", "all.tsv"), "city\ttemp\nlille\t8\n");
    return folder;
  };

  it("finds splits from folder names, caches the prepared rows, and cuts splits", async () => {
    const folder = writeFolder();
    const cacheDir = tempFolder();
    const dict = (await loadDataset(folder, { cacheDir })) as DatasetDict;
    expect(dict.numRows).toEqual({ train: 3, test: 1 });
    expect(dict.get("train").getColumn("city")).toEqual(["paris", "lyon", "nice"]);
    const again = (await loadDataset(folder, { cacheDir, split: "train[1:]" })) as Dataset;
    expect(again.getColumn("city")).toEqual(["lyon", "nice"]);
    expect(again.cacheFiles[0]?.filename.startsWith(cacheDir)).toBe(true);
    await expect(loadDataset(folder, { cacheDir, split: "validation" })).rejects.toThrow(SplitNotFoundError);
    await expect(loadDataset(folder, { cacheDir, split: "validation" })).rejects.toThrow(/train, test/);
  });

  it("follows README configs with builder options, and names the configs that exist", async () => {
    const folder = writeFolder();
    writeFileSync(
      join(folder, "README.md"),
      "---\nconfigs:\n- config_name: csv\n  default: true\n  data_files:\n  - split: train\n    path: train/*.csv\n- config_name: tabbed\n  data_files: tabbed/all.tsv\n---\n# Weather\n",
    );
    const cacheDir = tempFolder();
    expect(((await loadDataset(folder, { cacheDir })) as DatasetDict).numRows).toEqual({ train: 3 });
    const tabbed = (await loadDataset(folder, { cacheDir, name: "tabbed", split: "train" })) as Dataset;
    expect(tabbed.toList()).toEqual([{ city: "lille", temp: 8 }]);
    const missing = await loadDataset(folder, { cacheDir, name: "nope" }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(ConfigNotFoundError);
    expect((missing as Error).message).toMatch(/csv, tabbed/);
    writeFileSync(join(folder, "README.md"), "---\nconfigs: [unclosed\n---\n");
    await expect(loadDataset(folder, { cacheDir })).rejects.toThrow(DatasetCardError);
  });

  it("casts to the features the card declares", async () => {
    const folder = join(tempFolder(), "labelled");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "train.csv"), "text,label\ngood,pos\nbad,neg\n");
    writeFileSync(
      join(folder, "README.md"),
      "---\ndataset_info:\n  features:\n  - name: text\n    dtype: string\n  - name: label\n    dtype:\n      class_label:\n        names:\n          '0': neg\n          '1': pos\n---\n",
    );
    const train = (await loadDataset(folder, { cacheDir: tempFolder(), split: "train" })) as Dataset;
    expect(train.features.label).toEqual(new ClassLabel({ names: ["neg", "pos"] }));
    expect(train.getColumn("label")).toEqual([1, 0]);
  });

  it("checks the split sizes the card declares, unless told not to", async () => {
    const folder = join(tempFolder(), "declared");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "train.csv"), "n\n1\n2\n3\n");
    writeFileSync(
      join(folder, "README.md"),
      "---\ndataset_info:\n  splits:\n  - name: train\n    num_examples: 5\n---\n",
    );
    await expect(loadDataset(folder, { cacheDir: tempFolder() })).rejects.toThrow(
      NonMatchingSplitsSizesError,
    );
    await expect(loadDataset(folder, { cacheDir: tempFolder() })).rejects.toThrow(
      /declared with 5 rows but has 3/,
    );
    const unchecked = (await loadDataset(folder, {
      cacheDir: tempFolder(),
      verificationMode: "no_checks",
      split: "train",
    })) as Dataset;
    expect(unchecked.numRows).toBe(3);
  });

  it("reads compressed data files through a decompressed copy in the cache", async () => {
    const folder = join(tempFolder(), "zipped");
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, "train.jsonl.gz"), gzipSync('{"n": 1}\n{"n": 2}\n'));
    const cacheDir = tempFolder();
    const train = (await loadDataset(folder, { cacheDir, split: "train" })) as Dataset;
    expect(train.getColumn("n")).toEqual([1, 2]);
    expect(readdirSync(join(cacheDir, "downloads", "extracted")).length).toBe(1);
  });

  it("loads files by builder name", async () => {
    const folder = tempFolder();
    writeFileSync(join(folder, "a.jsonl"), '{"x": 1}\n{"x": 2}\n');
    const dict = (await loadDataset("json", {
      dataFiles: { train: join(folder, "*.jsonl") },
      cacheDir: tempFolder(),
    })) as DatasetDict;
    expect(dict.get("train").getColumn("x")).toEqual([1, 2]);
    await expect(loadDataset("csv", {})).rejects.toThrow(/needs dataFiles/);
  });
});

describe("loadDataset of media folders", () => {
  it("labels images by their folder, or joins a metadata file by file_name", async () => {
    const folder = join(tempFolder(), "pictures");
    for (const [split, animal, file] of [
      ["train", "cats", "7zip.png"],
      ["train", "dogs", "ffox.png"],
      ["test", "cats", "gimp.png"],
      ["test", "dogs", "7zip.png"],
    ] as const) {
      mkdirSync(join(folder, split, animal), { recursive: true });
      copyFileSync(join(VEGA_DATA, file), join(folder, split, animal, file));
    }
    const dict = (await loadDataset(folder, { cacheDir: tempFolder() })) as DatasetDict;
    expect(dict.numRows).toEqual({ train: 2, test: 2 });
    const train = dict.get("train");
    expect(train.features).toEqual({
      image: new Image(),
      label: new ClassLabel({ names: ["cats", "dogs"] }),
    });
    expect(train.get(0)).toEqual({
      image: { bytes: null, path: join(folder, "train", "cats", "7zip.png") },
      label: 0,
    });

    const flat = join(tempFolder(), "captioned");
    mkdirSync(flat, { recursive: true });
    copyFileSync(join(VEGA_DATA, "gimp.png"), join(flat, "gimp.png"));
    copyFileSync(join(VEGA_DATA, "ffox.png"), join(flat, "ffox.png"));
    writeFileSync(
      join(flat, "metadata.jsonl"),
      '{"file_name": "ffox.png", "caption": "a fox"}\n{"file_name": "gimp.png", "caption": "a gimp"}\n',
    );
    const captioned = (await loadDataset(flat, { cacheDir: tempFolder(), split: "train" })) as Dataset;
    expect(captioned.features).toEqual({ image: new Image(), caption: new Value("string") });
    expect(captioned.getColumn("caption")).toEqual(["a fox", "a gimp"]);
  });

  it("loads folders of PDFs and videos with pdffolder and videofolder", async () => {
    const folder = join(tempFolder(), "documents");
    for (const [kind, file, content] of [
      ["invoices", "a.pdf", "%PDF-1.4 a"],
      ["letters", "b.pdf", "%PDF-1.4 b"],
    ] as const) {
      mkdirSync(join(folder, kind), { recursive: true });
      writeFileSync(join(folder, kind, file), content);
    }
    const pdfs = (await loadDataset(folder, { cacheDir: tempFolder(), split: "train" })) as Dataset;
    expect(pdfs.features).toEqual({
      pdf: new Pdf(),
      label: new ClassLabel({ names: ["invoices", "letters"] }),
    });
    expect(pdfs.get(1)).toEqual({ pdf: { bytes: null, path: join(folder, "letters", "b.pdf") }, label: 1 });

    const clips = join(tempFolder(), "clips");
    mkdirSync(clips);
    writeFileSync(join(clips, "one.mp4"), "not really a video");
    writeFileSync(join(clips, "metadata.csv"), "file_name,seconds\none.mp4,3\n");
    const videos = (await loadDataset("videofolder", {
      dataFiles: { train: [join(clips, "*.mp4"), join(clips, "metadata.csv")] },
      cacheDir: tempFolder(),
      split: "train",
    })) as Dataset;
    expect(videos.features).toEqual({ video: new Video(), seconds: new Value("int64") });
    expect(videos.getColumn("seconds")).toEqual([3]);
  });
});
