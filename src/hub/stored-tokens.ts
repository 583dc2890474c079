/**
 * The `stored_tokens` file Python's `huggingface_hub` keeps beside the token file: every token a user
 * logged in with, by name, so `auth switch` can make another one active. It is the INI dialect Python's
 * `configparser` writes, read and written here byte for byte as Python does: sections sorted by name,
 * `key = value` lines, a blank line after each section. Read by hand because INI libraries for Node
 * split section names at dots, and a token's name may hold one.
 */
import { mkdir, readFile, rm } from "node:fs/promises";
import { dirname } from "node:path";
import { writeAtomically } from "./cache-files.js";

/** A stored token's fields: `hf_token`, and for OAuth tokens `refresh_token` and `expires_at`. */
export type StoredTokenFields = Record<string, string>;

export function parseStoredTokens(text: string): Map<string, StoredTokenFields> {
  const sections = new Map<string, StoredTokenFields>();
  let current: StoredTokenFields | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section?.[1] !== undefined) {
      current = {};
      sections.set(section[1], current);
      continue;
    }
    const separator = line.search(/[=:]/);
    if (current && separator > 0) {
      current[line.slice(0, separator).trim().toLowerCase()] = line.slice(separator + 1).trim();
    }
  }
  return sections;
}

export function formatStoredTokens(sections: Map<string, StoredTokenFields>): string {
  return [...sections.keys()]
    .sort()
    .map((name) => {
      const fields = Object.entries(sections.get(name) ?? {}).map(([key, value]) => `${key} = ${value}\n`);
      return `[${name}]\n${fields.join("")}\n`;
    })
    .join("");
}

export async function readStoredTokens(path: string): Promise<Map<string, StoredTokenFields>> {
  try {
    return parseStoredTokens(await readFile(path, "utf8"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return new Map();
    throw error;
  }
}

/** Writes a credentials file readable by its owner only, in a folder only its owner can enter. */
export async function writePrivateFile(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeAtomically(path, text, 0o600);
}

export async function writeStoredTokens(
  path: string,
  sections: Map<string, StoredTokenFields>,
): Promise<void> {
  if (sections.size === 0) await rm(path, { force: true });
  else await writePrivateFile(path, formatStoredTokens(sections));
}
