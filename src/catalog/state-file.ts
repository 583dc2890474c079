/**
 * The states of a dataset's resources, `.state.json` in its folder, as datamaestro keeps them:
 * `{"version": 1, "resources": {"name": {"state": "none" | "partial" | "complete"}}}`. Written whole
 * to a temporary file and renamed, so a crash leaves the old states or the new, never a mix.
 */
import { randomBytes } from "node:crypto";
import { readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export type ResourceState = "none" | "partial" | "complete";

export const STATE_FILE = ".state.json";

interface StateDocument {
  version: 1;
  resources: Record<string, { state: ResourceState }>;
}

export async function readStates(folder: string): Promise<Map<string, ResourceState>> {
  const states = new Map<string, ResourceState>();
  let document: StateDocument;
  try {
    document = JSON.parse(await readFile(join(folder, STATE_FILE), "utf8")) as StateDocument;
  } catch {
    // No file yet, or one cut short by a crash before renames were atomic: every state is unknown.
    return states;
  }
  for (const [name, entry] of Object.entries(document.resources ?? {})) {
    if (entry?.state === "none" || entry?.state === "partial" || entry?.state === "complete")
      states.set(name, entry.state);
  }
  return states;
}

export async function writeStates(folder: string, states: ReadonlyMap<string, ResourceState>): Promise<void> {
  const document: StateDocument = {
    version: 1,
    resources: Object.fromEntries(
      [...states].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, state]) => [name, { state }]),
    ),
  };
  const path = join(folder, STATE_FILE);
  const temporary = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(temporary, `${JSON.stringify(document, null, 2)}\n`);
  await rename(temporary, path);
}
