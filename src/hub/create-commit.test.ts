/** wharf's commit client against a real wharf server: inline and LFS files, deletions, a stale parent. */
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { ForbiddenError, PreconditionFailedError } from "../core/errors.js";
import { createCommit, uploadFile } from "./create-commit.js";
import { hfHubDownload } from "./hf-hub-download.js";
import { listRepoFiles } from "./list-repo-files.js";
import { repoInfo } from "./repo-info.js";

let hub: SampleHub;
let work: string;
const repo = { repoId: "team/secret-data", repoType: "dataset" as const };

beforeAll(async () => {
  hub = await startSampleHub();
  work = await mkdtemp(join(tmpdir(), "wharf-commit-"));
});
afterAll(async () => {
  await hub.close();
  await rm(work, { recursive: true, force: true });
});

describe("createCommit", () => {
  it("adds inline and LFS files and deletes others in one commit", async () => {
    const api = { endpoint: hub.url, token: ALICE, ...repo };
    const weights = randomBytes(12 * 2 ** 20);
    const more = randomBytes(17 * 2 ** 20);
    const weightsPath = join(work, "weights.bin");
    await writeFile(weightsPath, weights);
    const before = (await repoInfo(api)).sha;
    const result = await createCommit({
      ...api,
      commitMessage: "Weights and a note",
      parentCommit: before,
      operations: [
        { type: "add", pathInRepo: "README.md", content: "---\nlicense: mit\n---\n# Secret\n" },
        { type: "add", pathInRepo: "model/weights.bin", file: weightsPath },
        { type: "add", pathInRepo: "tables/part.parquet", content: new Uint8Array([80, 65, 82, 49]) },
        // Over one 8 MiB part each: both go up in parts (from a file above, from bytes here).
        { type: "add", pathInRepo: "model/more.bin", content: more },
        { type: "delete", pathInRepo: "data.csv" },
      ],
    });
    expect(result.oid).toBe((await repoInfo(api)).sha);
    expect(result.commitUrl).toBe(`${hub.url}/datasets/team/secret-data/commit/${result.oid}`);
    expect((await listRepoFiles(api)).sort()).toEqual([
      "README.md",
      "model/more.bin",
      "model/weights.bin",
      "tables/part.parquet",
    ]);
    const info = await repoInfo({ ...api, filesMetadata: true });
    const stored = info.siblings.find((file) => file.rfilename === "model/weights.bin");
    expect(stored?.lfs?.sha256).toBe(createHash("sha256").update(weights).digest("hex"));
    expect(info.siblings.find((file) => file.rfilename === "tables/part.parquet")?.lfs).toBeDefined();
    const cacheDir = join(work, "cache");
    const back = await hfHubDownload({ ...api, filename: "model/weights.bin", cacheDir });
    expect((await readFile(back)).equals(weights)).toBe(true);
    const moreBack = await hfHubDownload({ ...api, filename: "model/more.bin", cacheDir });
    expect((await readFile(moreBack)).equals(more)).toBe(true);

    // The same commit's parent again: the branch has moved, so the Hub refuses it.
    await expect(
      uploadFile({ ...api, pathInRepo: "late.txt", content: "late", parentCommit: before }),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
    const folder = await createCommit({
      ...api,
      commitMessage: "Drop tables",
      operations: [{ type: "delete", pathInRepo: "tables", isFolder: true }],
    });
    expect((await listRepoFiles({ ...api, revision: folder.oid })).sort()).toEqual([
      "README.md",
      "model/more.bin",
      "model/weights.bin",
    ]);
  });

  it("is refused for a token that may not write", async () => {
    await expect(
      uploadFile({
        endpoint: hub.url,
        token: ALICE,
        repoId: "vega/seattle-weather",
        repoType: "dataset",
        pathInRepo: "x.txt",
        content: "x",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      uploadFile({
        endpoint: hub.url,
        token: BOB,
        repoId: "vega/seattle-weather",
        repoType: "dataset",
        pathInRepo: "x.txt",
        content: "x",
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});
