/**
 * Collections and webhooks against a fixture of the Hub's API (the wharf server does not implement
 * them): each function's request is asserted (method, path, query, body, token), and each answer,
 * shaped as the Hub's, parsed into its typed result, with paging and error answers.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { useFixtureHub } from "../../test/support/fixture-hub.js";
import { ConflictError, EntryNotFoundError } from "../core/errors.js";
import {
  addCollectionItem,
  createCollection,
  deleteCollection,
  deleteCollectionItem,
  getCollection,
  listCollections,
  updateCollectionItem,
  updateCollectionMetadata,
} from "./collections.js";
import {
  createWebhook,
  createWebhookReceiver,
  deleteWebhook,
  disableWebhook,
  getWebhook,
  listWebhooks,
  updateWebhook,
} from "./webhooks.js";

const fixture = useFixtureHub();
const TOKEN = "hf_fixture_0123456789";
const SLUG = "alice/recent-models-64f9a55bb3115b4f513ec026";

const RAW_COLLECTION = {
  slug: SLUG,
  title: "Recent models",
  owner: { name: "alice", type: "user" },
  items: [
    {
      _id: "6500000000000000000000a1",
      id: "vega/flights",
      type: "dataset",
      position: 0,
      note: { text: "3M rows" },
    },
    { _id: "6500000000000000000000a2", id: "ignored", slug: "bob/other-65", type: "collection", position: 1 },
  ],
  lastUpdated: "2026-11-30T10:00:00.000Z",
  position: 1,
  private: false,
  theme: "green",
  upvotes: 4,
  description: "Models of the week",
};

describe("collections", () => {
  it("gets, creates, updates and deletes collections and their items, sending what Python sends", async () => {
    const options = { endpoint: fixture().url, token: TOKEN };
    fixture()
      .on(`GET /api/collections/${SLUG}`, { json: RAW_COLLECTION })
      .on("POST /api/collections", { json: RAW_COLLECTION })
      .on(`PATCH /api/collections/${SLUG}`, { json: { data: { ...RAW_COLLECTION, title: "Renamed" } } })
      .on(`POST /api/collections/${SLUG}/items`, { json: RAW_COLLECTION })
      .on(`PATCH /api/collections/${SLUG}/items/6500000000000000000000a1`, { json: {} })
      .on(`DELETE /api/collections/${SLUG}/items/6500000000000000000000a1`, { json: {} })
      .on(`DELETE /api/collections/${SLUG}`, { status: 404, json: { error: "Collection not found" } });

    const collection = await getCollection({ ...options, slug: SLUG });
    expect(collection).toEqual({
      slug: SLUG,
      title: "Recent models",
      owner: "alice",
      items: [
        {
          itemObjectId: "6500000000000000000000a1",
          itemId: "vega/flights",
          itemType: "dataset",
          position: 0,
          note: "3M rows",
        },
        {
          itemObjectId: "6500000000000000000000a2",
          itemId: "bob/other-65",
          itemType: "collection",
          position: 1,
        },
      ],
      lastUpdated: new Date("2026-11-30T10:00:00.000Z"),
      position: 1,
      private: false,
      theme: "green",
      upvotes: 4,
      description: "Models of the week",
      url: `${fixture().url}/collections/${SLUG}`,
    });
    await createCollection({
      ...options,
      title: "Recent models",
      namespace: "alice",
      description: "Models of the week",
    });
    const renamed = await updateCollectionMetadata({
      ...options,
      slug: SLUG,
      title: "Renamed",
      private: true,
    });
    expect(renamed.title).toBe("Renamed");
    await addCollectionItem({
      ...options,
      slug: SLUG,
      itemId: "vega/flights",
      itemType: "dataset",
      note: "3M rows",
    });
    await updateCollectionItem({
      ...options,
      slug: SLUG,
      itemObjectId: "6500000000000000000000a1",
      position: 3,
    });
    await deleteCollectionItem({ ...options, slug: SLUG, itemObjectId: "6500000000000000000000a1" });
    await deleteCollection({ ...options, slug: SLUG, missingOk: true });
    await expect(deleteCollection({ ...options, slug: SLUG })).rejects.toBeInstanceOf(EntryNotFoundError);

    expect(
      fixture().requests.map(({ method, path, body, authorization }) => ({
        method,
        path,
        body,
        authorization,
      })),
    ).toEqual([
      { method: "GET", path: `/api/collections/${SLUG}`, body: undefined, authorization: `Bearer ${TOKEN}` },
      {
        method: "POST",
        path: "/api/collections",
        body: {
          title: "Recent models",
          namespace: "alice",
          private: false,
          description: "Models of the week",
        },
        authorization: `Bearer ${TOKEN}`,
      },
      {
        method: "PATCH",
        path: `/api/collections/${SLUG}`,
        body: { private: true, title: "Renamed" },
        authorization: `Bearer ${TOKEN}`,
      },
      {
        method: "POST",
        path: `/api/collections/${SLUG}/items`,
        body: { item: { id: "vega/flights", type: "dataset" }, note: "3M rows" },
        authorization: `Bearer ${TOKEN}`,
      },
      {
        method: "PATCH",
        path: `/api/collections/${SLUG}/items/6500000000000000000000a1`,
        body: { position: 3 },
        authorization: `Bearer ${TOKEN}`,
      },
      {
        method: "DELETE",
        path: `/api/collections/${SLUG}/items/6500000000000000000000a1`,
        body: undefined,
        authorization: `Bearer ${TOKEN}`,
      },
      {
        method: "DELETE",
        path: `/api/collections/${SLUG}`,
        body: undefined,
        authorization: `Bearer ${TOKEN}`,
      },
      {
        method: "DELETE",
        path: `/api/collections/${SLUG}`,
        body: undefined,
        authorization: `Bearer ${TOKEN}`,
      },
    ]);
  });

  it("returns the existing collection on a 409 with existsOk, and pages a listing up to its limit", async () => {
    const options = { endpoint: fixture().url, token: TOKEN };
    fixture()
      .on("POST /api/collections", { status: 409, json: { error: "exists", slug: SLUG } })
      .on(`GET /api/collections/${SLUG}`, { json: RAW_COLLECTION })
      .on("GET /api/collections", (request, url) =>
        request.query.cursor === "2"
          ? { json: [{ ...RAW_COLLECTION, slug: "c/3" }] }
          : {
              json: [
                { ...RAW_COLLECTION, slug: "c/1" },
                { ...RAW_COLLECTION, slug: "c/2" },
              ],
              headers: { link: `<${url}/api/collections?owner=alice&cursor=2>; rel="next"` },
            },
      );
    expect(
      (await createCollection({ ...options, title: "Recent models", namespace: "alice", existsOk: true }))
        .slug,
    ).toBe(SLUG);
    await expect(
      createCollection({ ...options, title: "Recent models", namespace: "alice" }),
    ).rejects.toBeInstanceOf(ConflictError);

    const listed: string[] = [];
    for await (const collection of listCollections({ ...options, owner: "alice", sort: "upvotes" }))
      listed.push(collection.slug);
    expect(listed).toEqual(["c/1", "c/2", "c/3"]);
    const limited: Array<[string, number]> = [];
    for await (const collection of listCollections({ ...options, owner: "alice", limit: 2 }))
      limited.push([collection.slug, collection.position]);
    expect(limited).toEqual([
      ["c/1", 0],
      ["c/2", 1],
    ]);
    expect(
      fixture().requests.filter(
        (request) => request.path === "/api/collections" && request.method === "GET",
      )[0]?.query,
    ).toEqual({
      owner: "alice",
      sort: "upvotes",
    });
  });
});

describe("webhooks", () => {
  const RAW = {
    id: "654bbbc16f2ec14d77f109cc",
    url: "https://example.org/hook",
    watched: [{ type: "dataset", name: "vega/flights" }],
    domains: ["repo", "discussion"],
    secret: "s3cret",
    disabled: false,
  };

  it("lists, gets, creates, updates, disables and deletes webhooks as Python does", async () => {
    const options = { endpoint: fixture().url, token: TOKEN };
    fixture()
      .on("GET /api/settings/webhooks", { json: [RAW] })
      .on(`GET /api/settings/webhooks/${RAW.id}`, { json: { webhook: RAW } })
      .on("POST /api/settings/webhooks", { json: { webhook: RAW } })
      .on(`POST /api/settings/webhooks/${RAW.id}`, {
        json: { webhook: { ...RAW, url: "https://example.org/new" } },
      })
      .on(`POST /api/settings/webhooks/${RAW.id}/disable`, { json: { webhook: { ...RAW, disabled: true } } })
      .on(`DELETE /api/settings/webhooks/${RAW.id}`, { json: {} });
    const expected = {
      id: RAW.id,
      url: RAW.url,
      watched: RAW.watched,
      domains: RAW.domains,
      secret: "s3cret",
      disabled: false,
    };
    expect(await listWebhooks(options)).toEqual([expected]);
    expect(await getWebhook({ ...options, webhookId: RAW.id })).toEqual(expected);
    await createWebhook({
      ...options,
      url: RAW.url,
      watched: [{ type: "dataset", name: "vega/flights" }],
      domains: ["repo"],
      secret: "s3cret",
    });
    expect((await updateWebhook({ ...options, webhookId: RAW.id, url: "https://example.org/new" })).url).toBe(
      "https://example.org/new",
    );
    expect((await disableWebhook({ ...options, webhookId: RAW.id })).disabled).toBe(true);
    await deleteWebhook({ ...options, webhookId: RAW.id });
    await expect(createWebhook({ ...options, watched: [] })).rejects.toThrow(/exactly one/);
    expect(fixture().requests.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: "GET", path: "/api/settings/webhooks", body: undefined },
      { method: "GET", path: `/api/settings/webhooks/${RAW.id}`, body: undefined },
      {
        method: "POST",
        path: "/api/settings/webhooks",
        body: {
          watched: [{ type: "dataset", name: "vega/flights" }],
          domains: ["repo"],
          secret: "s3cret",
          url: RAW.url,
        },
      },
      {
        method: "POST",
        path: `/api/settings/webhooks/${RAW.id}`,
        body: { watched: [], url: "https://example.org/new" },
      },
      { method: "POST", path: `/api/settings/webhooks/${RAW.id}/disable`, body: undefined },
      { method: "DELETE", path: `/api/settings/webhooks/${RAW.id}`, body: undefined },
    ]);
  });

  it("receives deliveries only with the right secret", async () => {
    const payloads: unknown[] = [];
    const server = createServer(
      createWebhookReceiver({ secret: "s3cret", onPayload: (payload) => void payloads.push(payload) }),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const send = (headers: Record<string, string>, body = '{"event":{"action":"update","scope":"repo"}}') =>
        fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
      expect((await send({})).status).toBe(401);
      expect((await send({ "x-webhook-secret": "wrong" })).status).toBe(403);
      expect((await send({ "x-webhook-secret": "s3cret" }, "not json")).status).toBe(400);
      expect((await send({ "x-webhook-secret": "s3cret" })).status).toBe(200);
      expect(payloads).toEqual([{ event: { action: "update", scope: "repo" } }]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
