/** Repo, branch and tag management against a real wharf server, through wharf's client and `@huggingface/hub`'s. */
import {
  createBranch as hfCreateBranch,
  createRepo as hfCreateRepo,
  deleteRepo as hfDeleteRepo,
} from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import {
  ConflictError,
  ForbiddenError,
  RepoNotFoundError,
  RevisionNotFoundError,
  UnauthorizedError,
} from "../core/errors.js";
import { createBranch, createTag, deleteBranch, deleteTag } from "./branches-tags.js";
import { listRepoFiles } from "./list-repo-files.js";
import { listRepoRefs } from "./list-repo-refs.js";
import { repoExists } from "./repo-exists.js";
import { repoInfo } from "./repo-info.js";
import { createRepo, deleteRepo, moveRepo, updateRepoSettings } from "./repo-management.js";

let hub: SampleHub;
let alice: { endpoint: string; token: string };

beforeAll(async () => {
  hub = await startSampleHub();
  alice = { endpoint: hub.url, token: ALICE };
});
afterAll(async () => {
  await hub.close();
});

describe("repo management", () => {
  it("creates repos from either client, refusing a second one with 409", async () => {
    const created = await hfCreateRepo({
      repo: { type: "dataset", name: "alice/new-data" },
      accessToken: ALICE,
      hubUrl: hub.url,
      private: true,
      files: [{ path: "README.md", content: new Blob(["# New\n"]) }],
    });
    expect(created.repoUrl).toBe(`${hub.url}/datasets/alice/new-data`);
    const info = await repoInfo({ ...alice, repoId: "alice/new-data", repoType: "dataset" });
    expect(info.private).toBe(true);
    expect(info.siblings.map((file) => file.rfilename).sort()).toEqual([".gitattributes", "README.md"]);
    await expect(
      hfCreateRepo({
        repo: { type: "dataset", name: "alice/new-data" },
        accessToken: ALICE,
        hubUrl: hub.url,
      }),
    ).rejects.toThrow(/already created/);
    expect(await createRepo({ ...alice, repoId: "alice/new-data", repoType: "dataset", existOk: true })).toBe(
      `${hub.url}/datasets/alice/new-data`,
    );
    expect(await createRepo({ ...alice, repoId: "team/empty-model" })).toBe(`${hub.url}/team/empty-model`);
    expect(await repoExists({ endpoint: hub.url, token: false, repoId: "team/empty-model" })).toBe(true);
  });

  it("changes settings, moves and deletes repos", async () => {
    await updateRepoSettings({ ...alice, repoId: "team/empty-model", private: true, gated: "manual" });
    expect(await repoExists({ endpoint: hub.url, token: false, repoId: "team/empty-model" })).toBe(false);
    expect(await repoInfo({ ...alice, repoId: "team/empty-model" })).toMatchObject({
      private: true,
      gated: "manual",
    });

    await moveRepo({ ...alice, fromId: "alice/new-data", toId: "team/moved-data", repoType: "dataset" });
    expect(
      (await listRepoFiles({ ...alice, repoId: "team/moved-data", repoType: "dataset" })).sort(),
    ).toEqual([".gitattributes", "README.md"]);
    expect(await repoExists({ ...alice, repoId: "alice/new-data", repoType: "dataset" })).toBe(false);

    await deleteRepo({ ...alice, repoId: "team/moved-data", repoType: "dataset" });
    expect(await repoExists({ ...alice, repoId: "team/moved-data", repoType: "dataset" })).toBe(false);
    await expect(
      deleteRepo({ ...alice, repoId: "team/moved-data", repoType: "dataset" }),
    ).rejects.toBeInstanceOf(RepoNotFoundError);
    await deleteRepo({ ...alice, repoId: "team/moved-data", repoType: "dataset", missingOk: true });
    await hfDeleteRepo({
      repo: { type: "model", name: "team/empty-model" },
      accessToken: ALICE,
      hubUrl: hub.url,
    });
    expect(await repoExists({ ...alice, repoId: "team/empty-model" })).toBe(false);
  });

  it("lets only write tokens of the namespace manage its repos", async () => {
    await expect(createRepo({ endpoint: hub.url, token: BOB, repoId: "team/bobs" })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(createRepo({ endpoint: hub.url, token: false, repoId: "team/anon" })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    await expect(
      deleteRepo({ ...alice, repoId: "vega/seattle-weather", repoType: "dataset" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      moveRepo({ ...alice, fromId: "vega/movies", toId: "team/movies", repoType: "dataset" }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    const weather = { ...alice, repoId: "vega/seattle-weather", repoType: "dataset" as const };
    await expect(updateRepoSettings({ ...weather, private: true })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createBranch({ ...weather, branch: "intruder" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(createTag({ ...weather, tag: "intruder" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteBranch({ ...weather, branch: "feature/x" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(deleteTag({ ...weather, tag: "v1.0" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(
      createBranch({ ...weather, endpoint: hub.url, token: false, branch: "anon" }),
    ).rejects.toBeInstanceOf(UnauthorizedError);

    // Nothing changed: no repo made, none deleted or moved, the settings and refs as they were.
    const anonymous = { endpoint: hub.url, token: false as const };
    expect(await repoExists({ ...anonymous, repoId: "team/bobs" })).toBe(false);
    expect(await repoExists({ ...anonymous, repoId: "team/anon" })).toBe(false);
    expect(await repoExists({ ...anonymous, repoId: "vega/movies", repoType: "dataset" })).toBe(true);
    expect(await repoExists({ ...anonymous, repoId: "team/movies", repoType: "dataset" })).toBe(false);
    const after = await repoInfo({ ...anonymous, repoId: "vega/seattle-weather", repoType: "dataset" });
    expect(after.private).toBe(false);
    const refs = await listRepoRefs({ ...anonymous, repoId: "vega/seattle-weather", repoType: "dataset" });
    expect(refs.branches.map((ref) => ref.name).sort()).toEqual(["feature/x", "main"]);
    expect(refs.tags.map((ref) => ref.name)).toEqual(["v1.0"]);
  });
});

describe("branches and tags", () => {
  const weather = { repoId: "team/secret-data", repoType: "dataset" as const };
  it("creates and deletes them, refusing a name in use unless existOk", async () => {
    const api = { ...alice, ...weather };
    const main = (await repoInfo(api)).sha;
    await createBranch({ ...api, branch: "dev" });
    await createTag({ ...api, tag: "v1", revision: "dev", tagMessage: "first" });
    const refs = await listRepoRefs(api);
    expect(refs.branches.find((ref) => ref.name === "dev")?.targetCommit).toBe(main);
    expect(refs.tags.find((ref) => ref.name === "v1")?.targetCommit).toBe(main);
    await expect(createBranch({ ...api, branch: "dev" })).rejects.toBeInstanceOf(ConflictError);
    await createBranch({ ...api, branch: "dev", existOk: true });
    await expect(createTag({ ...api, tag: "v1" })).rejects.toBeInstanceOf(ConflictError);
    await expect(createBranch({ ...api, branch: "x", revision: "nope" })).rejects.toBeInstanceOf(
      RevisionNotFoundError,
    );
    await hfCreateBranch({
      repo: { type: "dataset", name: "team/secret-data" },
      branch: "js",
      accessToken: ALICE,
      hubUrl: hub.url,
    });
    expect((await repoInfo({ ...api, revision: "js" })).sha).toBe(main);
    await deleteBranch({ ...api, branch: "dev" });
    await deleteTag({ ...api, tag: "v1" });
    const after = await listRepoRefs(api);
    expect(after.branches.map((ref) => ref.name).sort()).toEqual(["js", "main"]);
    expect(after.tags).toEqual([]);
    await expect(deleteBranch({ ...api, branch: "main" })).rejects.toThrow(/default branch/);
    await expect(
      createBranch({ endpoint: hub.url, token: BOB, ...weather, branch: "b" }),
    ).rejects.toBeInstanceOf(RepoNotFoundError);
  });
});
