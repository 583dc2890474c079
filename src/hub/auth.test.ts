/** login, logout, authSwitch and authList against a real wharf server, with Python's file formats. */
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../test/support/sample-hub.js";
import { readEnv, type WharfEnv } from "../core/env.js";
import { InvalidArgumentError, UnauthorizedError } from "../core/errors.js";
import { authList, authSwitch, getStoredTokens, login, logout } from "./auth.js";
import { formatStoredTokens, parseStoredTokens } from "./stored-tokens.js";
import { getToken } from "./token.js";

let hub: SampleHub;
let home: string;
let env: WharfEnv;

beforeAll(async () => {
  hub = await startSampleHub();
});
afterAll(async () => {
  await hub.close();
});
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), "wharf-auth-"));
  env = readEnv({ HOME: home, HF_HOME: join(home, "hf") });
  return () => rm(home, { recursive: true, force: true });
});

describe("login and logout", () => {
  it("stores tokens by name in Python's files and switches between them", async () => {
    const alice = await login({ token: ALICE, endpoint: hub.url, env });
    expect(alice).toEqual({ tokenName: "alice-token", user: "alice", role: "write", warning: undefined });
    await login({ token: BOB, endpoint: hub.url, env });
    expect(await readFile(join(home, "hf", "token"), "utf8")).toBe(BOB);
    expect(await readFile(join(home, "hf", "stored_tokens"), "utf8")).toBe(
      `[alice-token]\nhf_token = ${ALICE}\n\n[bob-token]\nhf_token = ${BOB}\n\n`,
    );
    expect((await stat(join(home, "hf", "token"))).mode & 0o777).toBe(0o600);
    expect((await stat(join(home, "hf", "stored_tokens"))).mode & 0o777).toBe(0o600);
    expect(getToken(env)).toBe(BOB);
    expect(await authList({ env })).toEqual([
      { name: "alice-token", masked: `hf_****${ALICE.slice(-4)}`, active: false },
      { name: "bob-token", masked: `hf_****${BOB.slice(-4)}`, active: true },
    ]);

    await authSwitch({ tokenName: "alice-token", env });
    expect(getToken(env)).toBe(ALICE);
    await expect(authSwitch({ tokenName: "carol", env })).rejects.toBeInstanceOf(InvalidArgumentError);

    // Forgetting the active token forgets it as the active one too; another one stays stored.
    await logout({ tokenName: "alice-token", env });
    expect(getToken(env)).toBeUndefined();
    expect(await getStoredTokens({ env })).toEqual({ "bob-token": BOB });
    await logout({ env });
    expect(existsSync(join(home, "hf", "stored_tokens"))).toBe(false);
  });

  it("keeps nothing from a token the Hub refuses", async () => {
    await expect(login({ token: "hf_wrong", endpoint: hub.url, env })).rejects.toBeInstanceOf(
      UnauthorizedError,
    );
    expect(existsSync(join(home, "hf"))).toBe(false);
    await expect(login({ token: "api_org_x", endpoint: hub.url, env })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it("warns when HF_TOKEN overrides the stored token", async () => {
    const withEnv = readEnv({ HOME: home, HF_HOME: join(home, "hf"), HF_TOKEN: BOB });
    const result = await login({ token: ALICE, endpoint: hub.url, env: withEnv });
    expect(result.warning).toMatch(/HF_TOKEN/);
    expect(getToken(withEnv)).toBe(BOB);
    expect((await logout({ env: withEnv })).warning).toMatch(/HF_TOKEN/);
  });
});

describe("the stored_tokens file", () => {
  it("reads what Python writes, OAuth fields and dotted names included, and writes it back unchanged", () => {
    const python =
      "[my.laptop]\nhf_token = hf_aaa\n\n[oauth-ann]\nhf_token = hf_bbb\nrefresh_token = r1\nexpires_at = 1760000000\n\n";
    const sections = parseStoredTokens(python);
    expect(sections.get("my.laptop")).toEqual({ hf_token: "hf_aaa" });
    expect(sections.get("oauth-ann")?.expires_at).toBe("1760000000");
    expect(formatStoredTokens(sections)).toBe(python);
  });
});
