/**
 * Hub metadata (tags, papers, super-squash) and Inference Endpoints against a fixture of their APIs:
 * each request asserted, each answer parsed, and the "already running" answer of a resume.
 */
import { describe, expect, it } from "vitest";
import { useFixtureHub } from "../../test/support/fixture-hub.js";
import { HttpError } from "../core/errors.js";
import {
  createInferenceEndpoint,
  deleteInferenceEndpoint,
  getInferenceEndpoint,
  listInferenceEndpoints,
  pauseInferenceEndpoint,
  resumeInferenceEndpoint,
  scaleToZeroInferenceEndpoint,
  updateInferenceEndpoint,
} from "./inference-endpoints.js";
import { getDatasetTags, getModelTags, listPapers, paperInfo, superSquashHistory } from "./metadata.js";

const fixture = useFixtureHub();
const TOKEN = "hf_fixture_0123456789";

describe("metadata", () => {
  it("reads tags and papers, and squashes a branch", async () => {
    const options = { endpoint: fixture().url, token: TOKEN };
    const tags = { license: [{ id: "license:mit", label: "mit", type: "license" }] };
    const paper = {
      id: "2307.09288",
      title: "Llama 2",
      summary: "We develop and release Llama 2.",
      authors: [{ name: "Hugo Touvron", user: { user: "hugo" }, hidden: false }],
      publishedAt: "2023-07-18T14:31:57.000Z",
      upvotes: 240,
      numComments: 12,
      githubRepo: "https://github.com/facebookresearch/llama",
    };
    fixture()
      .on("GET /api/models-tags-by-type", { json: tags })
      .on("GET /api/datasets-tags-by-type", { json: tags })
      .on("GET /api/papers/2307.09288", { json: paper })
      .on("GET /api/papers/search", {
        json: [{ paper: { id: "2307.09288", summary: "s", upvotes: 3 }, title: "Llama 2", numComments: 1 }],
      })
      .on("POST /api/datasets/team/data/super-squash/dev%2Fx", { json: {} });
    expect(await getModelTags(options)).toEqual(tags);
    expect(await getDatasetTags(options)).toEqual(tags);
    expect(await paperInfo({ ...options, id: "2307.09288" })).toMatchObject({
      id: "2307.09288",
      title: "Llama 2",
      authors: [{ name: "Hugo Touvron", user: "hugo", hidden: false }],
      publishedAt: new Date("2023-07-18T14:31:57.000Z"),
      upvotes: 240,
      comments: 12,
    });
    const found = [];
    for await (const item of listPapers({ ...options, query: "llama", limit: 5 })) found.push(item);
    expect(found).toMatchObject([
      { id: "2307.09288", title: "Llama 2", summary: "s", upvotes: 3, comments: 1 },
    ]);
    await superSquashHistory({ ...options, repoId: "team/data", repoType: "dataset", branch: "dev/x" });
    const requests = fixture().requests;
    expect(requests[3]).toMatchObject({ path: "/api/papers/search", query: { q: "llama", limit: "5" } });
    expect(requests[4]).toMatchObject({
      method: "POST",
      body: { message: "Super-squash branch 'dev/x' using wharf" },
    });
  });
});

describe("Inference Endpoints", () => {
  const raw = (state: string) => ({
    name: "my-endpoint",
    type: "protected",
    healthRoute: "/health",
    model: { repository: "gpt2", framework: "pytorch", revision: "abc", task: "text-generation" },
    status: {
      state,
      url: state === "running" ? "https://my-endpoint.endpoints.huggingface.cloud" : undefined,
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-02T00:00:00.000Z",
    },
  });

  it("lists, creates, updates, pauses, resumes, scales to zero and deletes, on the endpoints API", async () => {
    const options = { endpointsApi: `${fixture().url}/v2`, namespace: "alice", token: TOKEN };
    fixture()
      .on("GET /v2/endpoint/alice", { json: { items: [raw("running")] } })
      .on("GET /v2/endpoint/alice/my-endpoint", { json: raw("running") })
      .on("POST /v2/endpoint/alice", { json: raw("pending") })
      .on("PUT /v2/endpoint/alice/my-endpoint", { json: raw("updating") })
      .on("POST /v2/endpoint/alice/my-endpoint/pause", { json: raw("paused") })
      .on("POST /v2/endpoint/alice/my-endpoint/resume", {
        status: 400,
        json: { error: "Endpoint is already running" },
      })
      .on("POST /v2/endpoint/alice/my-endpoint/scale-to-zero", { json: raw("scaledToZero") })
      .on("DELETE /v2/endpoint/alice/my-endpoint", {});

    const [listed] = await listInferenceEndpoints(options);
    expect(listed).toMatchObject({
      name: "my-endpoint",
      namespace: "alice",
      repository: "gpt2",
      status: "running",
      url: "https://my-endpoint.endpoints.huggingface.cloud",
      framework: "pytorch",
      task: "text-generation",
      createdAt: new Date("2026-11-01T00:00:00.000Z"),
    });
    expect((await getInferenceEndpoint({ ...options, name: "my-endpoint" })).status).toBe("running");
    const created = await createInferenceEndpoint({
      ...options,
      name: "my-endpoint",
      repository: "gpt2",
      framework: "pytorch",
      accelerator: "cpu",
      instanceSize: "x2",
      instanceType: "intel-icl",
      region: "us-east-1",
      vendor: "aws",
      task: "text-generation",
    });
    expect(created.status).toBe("pending");
    expect(
      (await updateInferenceEndpoint({ ...options, name: "my-endpoint", minReplica: 1, revision: "def" }))
        .status,
    ).toBe("updating");
    expect((await pauseInferenceEndpoint({ ...options, name: "my-endpoint" })).status).toBe("paused");
    // Already running: fine with runningOk (the default), an error without it.
    expect((await resumeInferenceEndpoint({ ...options, name: "my-endpoint" })).status).toBe("running");
    await expect(
      resumeInferenceEndpoint({ ...options, name: "my-endpoint", runningOk: false }),
    ).rejects.toBeInstanceOf(HttpError);
    expect((await scaleToZeroInferenceEndpoint({ ...options, name: "my-endpoint" })).status).toBe(
      "scaledToZero",
    );
    await deleteInferenceEndpoint({ ...options, name: "my-endpoint" });

    const sent = fixture().requests;
    expect(
      sent.find((request) => request.method === "POST" && request.path === "/v2/endpoint/alice")?.body,
    ).toEqual({
      accountId: null,
      compute: {
        accelerator: "cpu",
        instanceSize: "x2",
        instanceType: "intel-icl",
        scaling: { maxReplica: 1, minReplica: 0, scaleToZeroTimeout: null },
      },
      model: {
        framework: "pytorch",
        repository: "gpt2",
        revision: null,
        image: { huggingface: {} },
        task: "text-generation",
      },
      name: "my-endpoint",
      provider: { region: "us-east-1", vendor: "aws" },
      type: "public",
    });
    expect(sent.find((request) => request.method === "PUT")?.body).toEqual({
      compute: { scaling: { minReplica: 1 } },
      model: { revision: "def" },
    });
    expect(sent.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });
});
