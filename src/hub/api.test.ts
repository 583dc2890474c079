/** The REST API functions against a real wharf server holding the sample repos. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect } from "../../test/support/collect.js";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { RepoNotFoundError, UnauthorizedError } from "../core/errors.js";
import { getPathsInfo } from "./get-paths-info.js";
import { listRepoCommits } from "./list-repo-commits.js";
import { listRepoFiles } from "./list-repo-files.js";
import { listRepoRefs } from "./list-repo-refs.js";
import { listDatasets, listModels } from "./list-repos.js";
import { fileExists, repoExists, revisionExists } from "./repo-exists.js";
import { datasetInfo, modelInfo, repoInfo } from "./repo-info.js";
import { whoami } from "./whoami.js";

let hub: SampleHub;
let api: { endpoint: string; token: false };
const weather = { repoId: "vega/seattle-weather", repoType: "dataset" as const };

beforeAll(async () => {
  hub = await startSampleHub();
  api = { endpoint: hub.url, token: false };
});
afterAll(async () => {
  await hub.close();
});

describe("the Hub API", () => {
  it("reads repo info at branches, tags and commits", async () => {
    const main = await repoInfo({ ...api, ...weather });
    expect(main).toMatchObject({ id: "vega/seattle-weather", private: false, tags: ["vega"] });
    expect((await repoInfo({ ...api, ...weather, revision: "v1.0" })).sha).toBe(main.sha);
    expect((await repoInfo({ ...api, ...weather, revision: main.sha.slice(0, 10) })).sha).toBe(main.sha);
    expect(main.createdAt).toBeInstanceOf(Date);
    expect(main.siblings[0]?.size).toBeUndefined();
  });

  it("names the info calls by type, with file metadata on request", async () => {
    const info = await datasetInfo({ ...api, repoId: "vega/flights", filesMetadata: true });
    const parquet = info.siblings.find((file) => file.rfilename.endsWith(".parquet"));
    expect(parquet).toMatchObject({ size: 13_493_022, lfs: { size: 13_493_022 } });
    expect(parquet?.lfs?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(parquet?.blobId).toMatch(/^[0-9a-f]{40}$/);
    expect((await modelInfo({ ...api, repoId: "vega/cars-regressor" })).id).toBe("vega/cars-regressor");
    await expect(modelInfo({ ...api, repoId: "vega/flights" })).rejects.toBeInstanceOf(RepoNotFoundError);
    await expect(
      modelInfo({ ...api, repoId: "vega/cars-regressor", expand: ["sha"], filesMetadata: true }),
    ).rejects.toThrow(/expand/);
  });

  it("lists files, refs, commits and paths", async () => {
    expect((await listRepoFiles({ ...api, ...weather })).sort()).toEqual(["README.md", "data/train.csv"]);
    const refs = await listRepoRefs({ ...api, ...weather });
    expect(refs.branches.map((ref) => ref.name)).toEqual(["feature/x", "main"]);
    expect(refs.tags).toEqual([expect.objectContaining({ name: "v1.0", ref: "refs/tags/v1.0" })]);
    expect(refs.converts).toEqual([]);
    const commits = await collect(listRepoCommits({ ...api, ...weather }));
    expect(commits).toHaveLength(1);
    expect(commits[0]).toMatchObject({ title: "Import vega/seattle-weather", authors: ["wharf"] });
    expect(commits[0]?.date).toBeInstanceOf(Date);
    const paths = await getPathsInfo({ ...api, ...weather, paths: ["data/train.csv", "data", "absent"] });
    expect(paths.map((entry) => [entry.type, entry.path])).toEqual([
      ["file", "data/train.csv"],
      ["directory", "data"],
    ]);
  });

  it("tells whether repos, revisions and files exist", async () => {
    expect(await repoExists({ ...api, ...weather })).toBe(true);
    expect(await repoExists({ ...api, repoId: "vega/nothing" })).toBe(false);
    expect(await revisionExists({ ...api, ...weather, revision: "v1.0" })).toBe(true);
    expect(await revisionExists({ ...api, ...weather, revision: "v9" })).toBe(false);
    expect(await fileExists({ ...api, ...weather, filename: "data/train.csv" })).toBe(true);
    expect(await fileExists({ ...api, ...weather, filename: "seattle-weather.py" })).toBe(false);
    expect(await fileExists({ ...api, ...weather, filename: "data/train.csv", revision: "nope" })).toBe(
      false,
    );
  });

  it("lists repos with search, author, sort and limit, private ones only for members", async () => {
    const ids = async (items: AsyncIterable<{ id: string }>) => (await collect(items)).map((repo) => repo.id);
    expect(await ids(listDatasets({ ...api, search: "weather" }))).toEqual(["vega/seattle-weather"]);
    expect(await ids(listDatasets({ ...api, limit: 2 }))).toEqual(["vega/flights", "vega/many-files"]);
    expect(await ids(listModels({ ...api, author: "vega", sort: "id", direction: -1 }))).toEqual([
      "vega/gated-model",
      "vega/cars-regressor",
    ]);
    expect(await ids(listDatasets({ ...api, author: "team" }))).toEqual([]);
    // Tags from the cards: the repo of many shards has no README, so no tags.
    expect(await ids(listDatasets({ ...api, filter: "vega" }))).toEqual([
      "vega/flights",
      "vega/movies",
      "vega/seattle-weather",
    ]);
    expect(await ids(listDatasets({ ...api, filter: ["vega", "nope"] }))).toEqual([]);
    expect((await collect(listModels({ ...api, search: "cars" })))[0]?.tags).toEqual(["vega"]);
    expect(await ids(listDatasets({ endpoint: hub.url, token: ALICE, author: "team" }))).toEqual([
      "team/secret-data",
    ]);
    await expect(
      repoInfo({ ...api, repoId: "team/secret-data", repoType: "dataset" }),
    ).rejects.toBeInstanceOf(RepoNotFoundError);
  });

  it("says who a token belongs to", async () => {
    expect(await whoami({ endpoint: hub.url, token: BOB })).toMatchObject({ name: "bob", orgs: [] });
    await expect(whoami({ ...api })).rejects.toBeInstanceOf(UnauthorizedError);
  });
});
