/**
 * Spaces and accounts against a fixture of the Hub's API (the wharf server does not implement them):
 * each request asserted, each answer (shaped as the Hub's) parsed, with paging and an error answer.
 */
import { describe, expect, it } from "vitest";
import { useFixtureHub } from "../../test/support/fixture-hub.js";
import { ForbiddenError } from "../core/errors.js";
import {
  getOrganizationOverview,
  getUserOverview,
  listOrganizationMembers,
  listUserFollowers,
} from "./accounts.js";
import {
  addSpaceSecret,
  addSpaceVariable,
  deleteSpaceSecret,
  deleteSpaceVariable,
  duplicateSpace,
  getSpaceRuntime,
  getSpaceVariables,
  pauseSpace,
  requestSpaceHardware,
  restartSpace,
  setSpaceSleepTime,
} from "./spaces.js";

const fixture = useFixtureHub();
const TOKEN = "hf_fixture_0123456789";
const RUNTIME = {
  stage: "RUNNING",
  hardware: { current: "cpu-basic", requested: "t4-small" },
  gcTimeout: 3600,
  storage: null,
  devMode: false,
};

describe("spaces", () => {
  it("reads and changes a Space's runtime, secrets and variables as Python does", async () => {
    const space = { repoId: "alice/demo", endpoint: fixture().url, token: TOKEN };
    const variables = {
      MODEL: { value: "gpt2", description: "which model", updatedAt: "2026-11-30T10:00:00.000Z" },
    };
    fixture()
      .on("GET /api/spaces/alice/demo/runtime", { json: RUNTIME })
      .on("POST /api/spaces/alice/demo/pause", { json: { ...RUNTIME, stage: "PAUSED" } })
      .on("POST /api/spaces/alice/demo/restart", { json: RUNTIME })
      .on("POST /api/spaces/alice/demo/hardware", { json: RUNTIME })
      .on("POST /api/spaces/alice/demo/sleeptime", { json: { ...RUNTIME, gcTimeout: 600 } })
      .on("POST /api/spaces/alice/demo/secrets", {})
      .on("DELETE /api/spaces/alice/demo/secrets", {})
      .on("GET /api/spaces/alice/demo/variables", { json: variables })
      .on("POST /api/spaces/alice/demo/variables", { json: variables })
      .on("DELETE /api/spaces/alice/demo/variables", { json: {} })
      .on("POST /api/spaces/alice/demo/duplicate", {
        json: { url: "https://huggingface.co/spaces/bob/demo" },
      });

    expect(await getSpaceRuntime(space)).toMatchObject({
      stage: "RUNNING",
      hardware: "cpu-basic",
      requestedHardware: "t4-small",
      sleepTime: 3600,
      devMode: false,
    });
    expect((await pauseSpace(space)).stage).toBe("PAUSED");
    await restartSpace({ ...space, factoryReboot: true });
    await requestSpaceHardware({ ...space, hardware: "t4-small", sleepTime: 3600 });
    expect((await setSpaceSleepTime({ ...space, sleepTime: 600 })).sleepTime).toBe(600);
    await addSpaceSecret({ ...space, key: "TOKEN", value: "v", description: "d" });
    await deleteSpaceSecret({ ...space, key: "TOKEN" });
    const expected = {
      MODEL: {
        key: "MODEL",
        value: "gpt2",
        description: "which model",
        updatedAt: new Date("2026-11-30T10:00:00.000Z"),
      },
    };
    expect(await getSpaceVariables(space)).toEqual(expected);
    expect(await addSpaceVariable({ ...space, key: "MODEL", value: "gpt2" })).toEqual(expected);
    expect(await deleteSpaceVariable({ ...space, key: "MODEL" })).toEqual({});
    expect(
      await duplicateSpace({
        fromId: "alice/demo",
        toId: "bob/demo",
        private: true,
        hardware: "cpu-upgrade",
        endpoint: fixture().url,
        token: TOKEN,
      }),
    ).toBe("https://huggingface.co/spaces/bob/demo");

    expect(
      fixture().requests.map(({ method, path, query, body }) => ({ method, path, query, body })),
    ).toEqual([
      { method: "GET", path: "/api/spaces/alice/demo/runtime", query: {}, body: undefined },
      { method: "POST", path: "/api/spaces/alice/demo/pause", query: {}, body: undefined },
      { method: "POST", path: "/api/spaces/alice/demo/restart", query: { factory: "true" }, body: undefined },
      {
        method: "POST",
        path: "/api/spaces/alice/demo/hardware",
        query: {},
        body: { flavor: "t4-small", sleepTimeSeconds: 3600 },
      },
      { method: "POST", path: "/api/spaces/alice/demo/sleeptime", query: {}, body: { seconds: 600 } },
      {
        method: "POST",
        path: "/api/spaces/alice/demo/secrets",
        query: {},
        body: { key: "TOKEN", value: "v", description: "d" },
      },
      { method: "DELETE", path: "/api/spaces/alice/demo/secrets", query: {}, body: { key: "TOKEN" } },
      { method: "GET", path: "/api/spaces/alice/demo/variables", query: {}, body: undefined },
      {
        method: "POST",
        path: "/api/spaces/alice/demo/variables",
        query: {},
        body: { key: "MODEL", value: "gpt2" },
      },
      { method: "DELETE", path: "/api/spaces/alice/demo/variables", query: {}, body: { key: "MODEL" } },
      {
        method: "POST",
        path: "/api/spaces/alice/demo/duplicate",
        query: {},
        body: { repository: "bob/demo", visibility: "private", hardware: "cpu-upgrade" },
      },
    ]);
    expect(fixture().requests.every((request) => request.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it("raises the Hub's typed error", async () => {
    fixture().on("POST /api/spaces/alice/demo/pause", {
      status: 403,
      json: { error: "not yours" },
      headers: { "x-error-code": "Forbidden" },
    });
    await expect(
      pauseSpace({ repoId: "alice/demo", endpoint: fixture().url, token: TOKEN }),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("accounts", () => {
  it("reads user and organization overviews, and pages followers and members", async () => {
    const options = { endpoint: fixture().url, token: TOKEN };
    fixture()
      .on("GET /api/users/alice/overview", {
        json: {
          user: "alice",
          fullname: "Alice A.",
          avatarUrl: "/a.png",
          type: "user",
          isPro: true,
          numModels: 3,
          numFollowers: 10,
          orgs: [{ name: "team", fullname: "The Team", avatarUrl: "" }],
          brandNew: 1,
        },
      })
      .on("GET /api/organizations/team/overview", {
        json: {
          name: "team",
          fullname: "The Team",
          avatarUrl: "",
          numUsers: 2,
          isVerified: false,
          plan: "team",
        },
      })
      .on("GET /api/users/alice/followers", (request, url) =>
        request.query.cursor
          ? { json: [{ user: "carol", fullname: "Carol", avatarUrl: "" }] }
          : {
              json: [{ user: "bob", fullname: "Bob", avatarUrl: "" }],
              headers: { link: `<${url}/api/users/alice/followers?cursor=1>; rel="next"` },
            },
      )
      .on("GET /api/organizations/team/members", {
        json: [{ user: "alice", fullname: "Alice A.", avatarUrl: "" }],
      });

    const alice = await getUserOverview({ ...options, username: "alice" });
    expect(alice).toMatchObject({
      username: "alice",
      fullname: "Alice A.",
      type: "user",
      isPro: true,
      numModels: 3,
      numFollowers: 10,
    });
    expect(alice.orgs.map((org) => org.name)).toEqual(["team"]);
    expect(alice.raw.brandNew).toBe(1);
    expect(await getOrganizationOverview({ ...options, organization: "team" })).toMatchObject({
      name: "team",
      numUsers: 2,
      isVerified: false,
      plan: "team",
    });
    const followers: string[] = [];
    for await (const user of listUserFollowers({ ...options, username: "alice" }))
      followers.push(user.username);
    expect(followers).toEqual(["bob", "carol"]);
    const members: string[] = [];
    for await (const user of listOrganizationMembers({ ...options, organization: "team" }))
      members.push(user.username);
    expect(members).toEqual(["alice"]);
  });
});
