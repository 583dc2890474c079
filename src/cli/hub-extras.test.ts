/**
 * `wharf collections`, `wharf spaces` and `wharf webhooks` as a user runs them: the built bin against
 * a fixture of the Hub's API (set with HF_ENDPOINT), checking what it sends and what it prints.
 */
import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { useFixtureHub } from "../../test/support/fixture-hub.js";

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, "../../dist/cli/main.js");
const fixture = useFixtureHub();
const TOKEN = "hf_fixture_0123456789";

function wharf(...args: string[]) {
  return run(process.execPath, [bin, ...args, "--token", TOKEN], {
    env: { ...process.env, HF_ENDPOINT: fixture().url },
  });
}

it("shows a collection, a Space's runtime, and creates a webhook", async () => {
  fixture()
    .on("GET /api/collections/alice/picks-65", {
      json: {
        slug: "alice/picks-65",
        title: "Picks",
        owner: { name: "alice" },
        items: [{ _id: "a1", id: "vega/flights", type: "dataset", position: 0, note: { text: "big" } }],
        lastUpdated: "2026-11-30T10:00:00.000Z",
        position: 0,
        private: false,
        theme: "blue",
        upvotes: 2,
      },
    })
    .on("POST /api/spaces/alice/demo/sleeptime", {
      json: { stage: "RUNNING", hardware: { current: "t4-small" }, gcTimeout: 300 },
    })
    .on("POST /api/settings/webhooks", {
      json: {
        webhook: {
          id: "w1",
          url: "https://example.org/hook",
          watched: [{ type: "dataset", name: "team/data" }],
          domains: ["repo"],
          disabled: false,
        },
      },
    });
  expect((await wharf("collections", "show", "alice/picks-65")).stdout).toBe(
    "alice/picks-65  Picks  (1 items, public)\n  dataset\tvega/flights\tbig\n",
  );
  expect((await wharf("spaces", "sleep", "alice/demo", "300")).stdout).toBe(
    "RUNNING  hardware t4-small (requested -), sleep 300 s\n",
  );
  const created = JSON.parse(
    (
      await wharf(
        "webhooks",
        "create",
        "--url",
        "https://example.org/hook",
        "--watch",
        "dataset:team/data",
        "--domain",
        "repo",
        "--json",
      )
    ).stdout,
  );
  expect(created).toMatchObject({ id: "w1", watched: [{ type: "dataset", name: "team/data" }] });
  expect(
    fixture().requests.map(({ method, path, body, authorization }) => ({
      method,
      path,
      body,
      authorization,
    })),
  ).toEqual([
    {
      method: "GET",
      path: "/api/collections/alice/picks-65",
      body: undefined,
      authorization: `Bearer ${TOKEN}`,
    },
    {
      method: "POST",
      path: "/api/spaces/alice/demo/sleeptime",
      body: { seconds: 300 },
      authorization: `Bearer ${TOKEN}`,
    },
    {
      method: "POST",
      path: "/api/settings/webhooks",
      body: {
        watched: [{ type: "dataset", name: "team/data" }],
        domains: ["repo"],
        url: "https://example.org/hook",
      },
      authorization: `Bearer ${TOKEN}`,
    },
  ]);
});

it("says what it deleted, as a line or as JSON", async () => {
  fixture()
    .on("DELETE /api/collections/alice/picks-65", { json: {} })
    .on("DELETE /api/settings/webhooks/w1", { json: {} });
  expect((await wharf("collections", "delete", "alice/picks-65")).stdout).toBe("deleted alice/picks-65\n");
  expect(JSON.parse((await wharf("webhooks", "delete", "w1", "--json")).stdout)).toEqual({
    id: "w1",
    deleted: true,
  });
  expect(fixture().requests.map(({ method, path }) => `${method} ${path}`)).toEqual([
    "DELETE /api/collections/alice/picks-65",
    "DELETE /api/settings/webhooks/w1",
  ]);
});
