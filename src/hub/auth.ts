/**
 * Logging in and out, as Python's `login`, `logout`, `auth_switch` and `auth_list`: a token is checked
 * with `whoami` before it is kept, stored under its name (the token's display name on the Hub) in
 * `stored_tokens`, and made the active one by writing it to the token file (`HF_TOKEN_PATH`, default
 * `$HF_HOME/token`), which every call then sends. Both files are the owner's alone (0600). `HF_TOKEN`,
 * when set, wins over the token file; each call says so in its `warning` rather than hiding it.
 */
import { readFile, rm } from "node:fs/promises";
import { readEnv, type WharfEnv } from "../core/env.js";
import { InvalidArgumentError } from "../core/errors.js";
import type { HubCallOptions } from "./hub-request.js";
import { readStoredTokens, writePrivateFile, writeStoredTokens } from "./stored-tokens.js";
import { whoami } from "./whoami.js";

export interface AuthOptions {
  /** Default: read from the environment now. */
  env?: WharfEnv;
}

export interface LoginResult {
  /** The name the token is stored under. */
  tokenName: string;
  /** The account the token belongs to. */
  user: string;
  role?: string;
  /** Set when `HF_TOKEN` overrides the token just stored. */
  warning?: string;
}

function envTokenWarning(env: WharfEnv, what: string): string | undefined {
  return env.token
    ? `HF_TOKEN is set in the environment, so it stays the token wharf sends; ${what}. Unset HF_TOKEN to use it.`
    : undefined;
}

async function activeToken(env: WharfEnv): Promise<string | undefined> {
  try {
    return (await readFile(env.tokenPath, "utf8")).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function login(
  options: { token: string } & Omit<HubCallOptions, "token"> & AuthOptions,
): Promise<LoginResult> {
  const env = options.env ?? readEnv();
  const token = options.token.trim();
  if (token.startsWith("api_org"))
    throw new InvalidArgumentError(
      "Organization API tokens (api_org_...) cannot log in; use a user access token.",
    );
  const me = await whoami({ ...options, token });
  const tokenName = me.auth?.accessToken?.displayName ?? `token-${me.name}`;
  const stored = await readStoredTokens(env.storedTokensPath);
  stored.set(tokenName, { hf_token: token });
  await writeStoredTokens(env.storedTokensPath, stored);
  await writePrivateFile(env.tokenPath, token);
  return {
    tokenName,
    user: me.name,
    role: me.auth?.accessToken?.role,
    warning: envTokenWarning(env, `the token "${tokenName}" was stored and made active for when it is unset`),
  };
}

/**
 * Without a name, forgets every token (the token file and `stored_tokens`); with one, forgets that
 * stored token, and the active token too when it is that one.
 */
export async function logout(
  options: { tokenName?: string } & AuthOptions = {},
): Promise<{ warning?: string }> {
  const env = options.env ?? readEnv();
  if (options.tokenName === undefined) {
    await rm(env.tokenPath, { force: true });
    await rm(env.storedTokensPath, { force: true });
  } else {
    const stored = await readStoredTokens(env.storedTokensPath);
    const token = stored.get(options.tokenName)?.hf_token;
    if (token === undefined) throw unknownToken(options.tokenName, stored.keys());
    stored.delete(options.tokenName);
    await writeStoredTokens(env.storedTokensPath, stored);
    if ((await activeToken(env)) === token) await rm(env.tokenPath, { force: true });
  }
  return { warning: envTokenWarning(env, "logging out did not change it") };
}

function unknownToken(name: string, names: Iterable<string>): InvalidArgumentError {
  const known = [...names];
  return new InvalidArgumentError(
    `No stored token is named "${name}"; ${known.length ? `stored: ${known.join(", ")}` : "none is stored (log in first)"}.`,
  );
}

/** Makes a stored token the active one. */
export async function authSwitch(
  options: { tokenName: string } & AuthOptions,
): Promise<{ warning?: string }> {
  const env = options.env ?? readEnv();
  const stored = await readStoredTokens(env.storedTokensPath);
  const token = stored.get(options.tokenName)?.hf_token;
  if (token === undefined) throw unknownToken(options.tokenName, stored.keys());
  await writePrivateFile(env.tokenPath, token);
  return {
    warning:
      env.token && env.token !== token
        ? envTokenWarning(env, `"${options.tokenName}" is active for when it is unset`)
        : undefined,
  };
}

export interface StoredTokenInfo {
  name: string;
  /** The token masked as Python masks it: its first 3 and last 4 characters. */
  masked: string;
  active: boolean;
}

/** The stored tokens by name (Python's `get_stored_tokens`). */
export async function getStoredTokens(options: AuthOptions = {}): Promise<Record<string, string>> {
  const env = options.env ?? readEnv();
  const stored = await readStoredTokens(env.storedTokensPath);
  return Object.fromEntries([...stored].map(([name, fields]) => [name, fields.hf_token ?? ""]));
}

/** Every stored token, masked, with the active one marked (Python's `auth_list`). */
export async function authList(options: AuthOptions = {}): Promise<StoredTokenInfo[]> {
  const env = options.env ?? readEnv();
  const active = await activeToken(env);
  return Object.entries(await getStoredTokens({ env }))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, token]) => ({
      name,
      masked: `${token.slice(0, 3)}****${token.slice(-4)}`,
      active: token === active,
    }));
}
