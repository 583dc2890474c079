/** Likes with wharf's client against the wharf server (the sample hub). */
import { expect, it } from "vitest";
import { ALICE, BOB, useSampleHub } from "../../test/support/sample-hub.js";
import { UnauthorizedError } from "../core/errors.js";
import { like, listLikedRepos, listRepoLikers, unlike } from "./likes.js";
import { repoInfo } from "./repo-info.js";

const hub = useSampleHub();

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

it("likes and unlikes repos, counts and lists likers, and lists what a user likes", async () => {
  const weather = { repoId: "vega/seattle-weather", repoType: "dataset" as const, endpoint: hub().url };
  const secret = { repoId: "team/secret-data", repoType: "dataset" as const, endpoint: hub().url };
  await expect(like({ ...weather, token: false })).rejects.toBeInstanceOf(UnauthorizedError);
  await like({ ...weather, token: BOB });
  await like({ ...weather, token: BOB });
  await like({ ...weather, token: ALICE });
  await like({ ...secret, token: ALICE });
  await like({ repoId: "vega/cars-regressor", endpoint: hub().url, token: ALICE });

  expect((await repoInfo({ ...weather, token: false })).likes).toBe(2);
  expect(
    (await collect(listRepoLikers({ ...weather, token: false }))).map((liker) => liker.username).sort(),
  ).toEqual(["alice", "bob"]);
  expect(await listLikedRepos({ endpoint: hub().url, token: ALICE })).toEqual({
    user: "alice",
    total: 3,
    models: ["vega/cars-regressor"],
    datasets: ["team/secret-data", "vega/seattle-weather"],
    spaces: [],
  });
  // Others do not see that alice likes a private repo they may not see.
  expect((await listLikedRepos({ endpoint: hub().url, token: BOB, user: "alice" })).datasets).toEqual([
    "vega/seattle-weather",
  ]);

  await unlike({ ...weather, token: BOB });
  expect((await repoInfo({ ...weather, token: false })).likes).toBe(1);
  expect((await listLikedRepos({ endpoint: hub().url, token: BOB })).total).toBe(0);
});
