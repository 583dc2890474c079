/**
 * The server's YAML config: who may read what. Each token names a user, the organizations the user
 * belongs to, and a role (`read` or `write`):
 *
 *     tokens:
 *       - { token: hf_abc, user: alice, orgs: [team], role: write }
 *
 * Loaded once at start; a config that is not what this expects stops the server with a message that
 * names the entry at fault.
 */
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { InvalidArgumentError } from "../../core/errors.js";

export type Role = "read" | "write";

export interface TokenGrant {
  token: string;
  user: string;
  orgs: string[];
  role: Role;
}

export interface ServerConfig {
  tokens: TokenGrant[];
}

export const EMPTY_CONFIG: ServerConfig = { tokens: [] };

/** Checks a parsed config document and fills defaults (no orgs, role `read`). */
export function readServerConfig(document: unknown, source = "the server config"): ServerConfig {
  if (document === null || document === undefined) return EMPTY_CONFIG;
  if (typeof document !== "object" || Array.isArray(document)) {
    throw new InvalidArgumentError(`${source} must be a YAML mapping with a "tokens" list.`);
  }
  const raw = (document as { tokens?: unknown }).tokens ?? [];
  if (!Array.isArray(raw)) throw new InvalidArgumentError(`${source}: "tokens" must be a list.`);
  const tokens = raw.map((entry: unknown, index): TokenGrant => {
    const where = `${source}: tokens[${index}]`;
    const { token, user, orgs = [], role = "read" } = (entry ?? {}) as Record<string, unknown>;
    if (typeof token !== "string" || token.length < 8) {
      throw new InvalidArgumentError(`${where}: "token" must be a string of 8 or more characters.`);
    }
    if (typeof user !== "string" || user === "")
      throw new InvalidArgumentError(`${where}: "user" is missing.`);
    if (!Array.isArray(orgs) || !orgs.every((org) => typeof org === "string")) {
      throw new InvalidArgumentError(`${where}: "orgs" must be a list of organization names.`);
    }
    if (role !== "read" && role !== "write") {
      throw new InvalidArgumentError(`${where}: "role" must be read or write, not ${JSON.stringify(role)}.`);
    }
    return { token, user, orgs: orgs as string[], role };
  });
  const seen = new Set<string>();
  for (const grant of tokens) {
    if (seen.has(grant.token)) throw new InvalidArgumentError(`${source}: a token is listed twice.`);
    seen.add(grant.token);
  }
  return { tokens };
}

export async function loadServerConfig(path: string): Promise<ServerConfig> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`Cannot read the server config ${path}: ${(error as Error).message}`);
  }
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new InvalidArgumentError(`${path} is not valid YAML: ${(error as Error).message}`);
  }
  return readServerConfig(document, path);
}
