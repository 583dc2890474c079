/**
 * loadDataset against repos laid out as real Hub datasets are, uploaded to a wharf server: split folders
 * of compressed JSON Lines, a TSV config with `sep`, and an image folder with metadata.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { VEGA_DATA } from "../../../scripts/sample-repos.js";
import { ALICE, useSampleHub } from "../../../test/support/sample-hub.js";
import { useTempFolders } from "../../../test/support/temp-folders.js";
import { createRepo } from "../../hub/repo-management.js";
import { uploadFolder } from "../../hub/upload-folder.js";
import type { Dataset } from "../dataset.js";
import type { DatasetDict } from "../dataset-dict.js";
import { Image, Value } from "../features/feature-types.js";
import type { IterableDataset, Row } from "../iterable/iterable-dataset.js";
import { loadDataset } from "./load-dataset.js";

const sampleHub = useSampleHub();
const tempFolder = useTempFolders("wharf-hub-layouts-");

async function upload(
  repoId: string,
  build: (folder: string) => void,
): Promise<{ endpoint: string; token: string }> {
  const call = { endpoint: sampleHub().url, token: ALICE };
  const folder = tempFolder();
  build(folder);
  await createRepo({ ...call, repoId, repoType: "dataset" });
  await uploadFolder({ ...call, repoId, repoType: "dataset", folderPath: folder });
  return call;
}

describe("loadDataset from Hub repos laid out as real datasets", () => {
  it("reads split folders of gzipped JSON Lines, and streams an uncompressed config", async () => {
    const call = await upload("alice/logs", (folder) => {
      for (const split of ["train", "test"]) mkdirSync(join(folder, split), { recursive: true });
      writeFileSync(join(folder, "train", "part-0.jsonl.gz"), gzipSync('{"n": 1}\n{"n": 2}\n'));
      writeFileSync(join(folder, "train", "part-1.jsonl.gz"), gzipSync('{"n": 3}\n'));
      writeFileSync(join(folder, "test", "part-0.jsonl.gz"), gzipSync('{"n": 4}\n'));
      writeFileSync(join(folder, "plain.jsonl"), '{"n": 10}\n{"n": 11}\n');
      writeFileSync(
        join(folder, "README.md"),
        "---\nconfigs:\n- config_name: default\n  data_files:\n  - split: train\n    path: train/*\n  - split: test\n    path: test/*\n- config_name: plain\n  data_files: plain.jsonl\n---\n",
      );
    });
    const options = { ...call, cacheDir: tempFolder(), hubCacheDir: tempFolder() };
    const dict = (await loadDataset("alice/logs", options)) as DatasetDict;
    expect(dict.numRows).toEqual({ train: 3, test: 1 });
    expect(dict.get("train").getColumn("n")).toEqual([1, 2, 3]);
    const stream = (await loadDataset("alice/logs", {
      ...options,
      name: "plain",
      streaming: true,
      split: "train",
    })) as IterableDataset;
    const rows: Row[] = [];
    for await (const row of stream) rows.push(row);
    expect(rows).toEqual([{ n: 10 }, { n: 11 }]);
  });

  it("reads a TSV config with its separator and an image folder with metadata", async () => {
    const call = await upload("alice/gallery", (folder) => {
      mkdirSync(join(folder, "images"), { recursive: true });
      copyFileSync(join(VEGA_DATA, "gimp.png"), join(folder, "images", "gimp.png"));
      copyFileSync(join(VEGA_DATA, "ffox.png"), join(folder, "images", "ffox.png"));
      writeFileSync(join(folder, "images", "metadata.csv"), "file_name,kind\nffox.png,fox\ngimp.png,gimp\n");
      writeFileSync(join(folder, "scores.tsv"), "name\tscore\nfox\t3\ngimp\t5\n");
      writeFileSync(
        join(folder, "README.md"),
        '---\nconfigs:\n- config_name: images\n  default: true\n  data_dir: images\n- config_name: scores\n  data_files: scores.tsv\n  sep: "\\t"\n---\n',
      );
    });
    const options = { ...call, cacheDir: tempFolder(), hubCacheDir: tempFolder() };
    const images = (await loadDataset("alice/gallery", { ...options, split: "train" })) as Dataset;
    expect(images.features).toEqual({ image: new Image(), kind: new Value("string") });
    expect(images.getColumn("kind")).toEqual(["fox", "gimp"]);
    expect(((images.get(0) as Record<string, unknown>).image as { path: string }).path).toMatch(
      /images\/ffox\.png$/,
    );
    // Streamed: the metadata joined the same way, each image's bytes read when its row comes.
    const streamed: Array<Record<string, unknown>> = [];
    for await (const row of (await loadDataset("alice/gallery", {
      ...options,
      streaming: true,
      split: "train",
    })) as IterableDataset)
      streamed.push(row);
    expect(streamed.map((row) => row.kind)).toEqual(["fox", "gimp"]);
    const fox = streamed[0]?.image as { bytes: Uint8Array; path: string };
    expect(Buffer.from(fox.bytes).equals(readFileSync(join(VEGA_DATA, "ffox.png")))).toBe(true);
    expect(fox.path).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/datasets\/alice\/gallery\/resolve\/[0-9a-f]{40}\/images\/ffox\.png$/,
    );
    const scores = (await loadDataset("alice/gallery", {
      ...options,
      name: "scores",
      split: "train",
    })) as Dataset;
    expect(scores.toList()).toEqual([
      { name: "fox", score: 3 },
      { name: "gimp", score: 5 },
    ]);
  });
});
