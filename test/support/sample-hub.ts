/**
 * A real wharf Hub server on 127.0.0.1 over a fresh store, for the server and client tests: the sample
 * repos of `scripts/sample-repos.ts`, a private dataset of the organization `team`, a gated model, a
 * repo of 1,050 files (more than one page of tree listing), tags and a second branch. Two tokens:
 * alice (member of `team`, role write) and bob (no organization, role read).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { writeSampleRepos } from "../../scripts/sample-repos.js";
import { parseRepoId, type RepoId } from "../../src/hub/repo-id.js";
import { importFolder } from "../../src/mirror/import-folder.js";
import { type StartedHubServer, startHubServer } from "../../src/mirror/server/app.js";
import { RepoStore } from "../../src/mirror/store/repo-store.js";

export const ALICE = "hf_alice_0123456789";
export const BOB = "hf_bob_0123456789";

export const SECRET: RepoId = { type: "dataset", namespace: "team", name: "secret-data" };
export const GATED: RepoId = { type: "model", namespace: "vega", name: "gated-model" };
export const MANY: RepoId = { type: "dataset", namespace: "vega", name: "many-files" };
export const MANY_FILES = 1050;

export interface SampleHub {
  url: string;
  store: RepoStore;
  /** The folders the repos were imported from, by repo id. */
  folders: Map<string, string>;
  server: StartedHubServer;
  close(): Promise<void>;
}

export async function startSampleHub(): Promise<SampleHub> {
  const work = await mkdtemp(join(tmpdir(), "wharf-hub-"));
  const store = RepoStore.inFolder(join(work, "store"), { metadataTtlMs: 0 });
  const folders = new Map<string, string>();
  for (const sample of await writeSampleRepos(join(work, "repos"))) {
    await importFolder(store, sample.folder, parseRepoId(sample.id, sample.type), {
      title: `Import ${sample.id}`,
    });
    folders.set(sample.id, sample.folder);
  }
  const weather = parseRepoId("vega/seattle-weather", "dataset");
  const head = (await store.resolveRevision(weather, "main")) as string;
  await store.setRef(weather, "tags", "v1.0", undefined, head);
  await store.setRef(weather, "heads", "feature/x", undefined, head);

  const secret = join(work, "secret");
  await mkdir(secret);
  await writeFile(join(secret, "data.csv"), "a,b\n1,2\n");
  await importFolder(store, secret, SECRET, { private: true });
  folders.set("team/secret-data", secret);

  const gated = join(work, "gated");
  await mkdir(gated);
  await writeFile(join(gated, "config.json"), "{}\n");
  await importFolder(store, gated, GATED, { gated: "manual" });

  const many = join(work, "many");
  await mkdir(join(many, "shards"), { recursive: true });
  for (let i = 0; i < MANY_FILES; i++) {
    await writeFile(join(many, "shards", `part-${String(i).padStart(4, "0")}.txt`), `${i}\n`);
  }
  // An empty file with an LFS extension: the Hub keeps it regular, and clients probe it with a range.
  await writeFile(join(many, "empty.bin"), "");
  await importFolder(store, many, MANY);

  const server = await startHubServer(
    store,
    {},
    {
      config: {
        tokens: [
          { token: ALICE, user: "alice", orgs: ["team"], role: "write" },
          { token: BOB, user: "bob", orgs: [], role: "read" },
        ],
      },
    },
  );
  return {
    url: server.url,
    store,
    folders,
    server,
    close: async () => {
      await server.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** A sample hub started before a test file's tests and closed after them; call the result to get it. */
export function useSampleHub(): () => SampleHub {
  let hub: SampleHub | undefined;
  beforeAll(async () => {
    hub = await startSampleHub();
  });
  afterAll(async () => {
    await hub?.close();
  });
  return () => {
    if (!hub) throw new Error("The sample hub is not started yet: use it inside a test.");
    return hub;
  };
}

/** Adds a folder to the sample hub as a new repo (or a new commit of one), for tests below the mirror layer. */
export async function importIntoHub(
  hub: SampleHub,
  folder: string,
  id: string,
  type: RepoId["type"] = "model",
): Promise<void> {
  await importFolder(hub.store, folder, parseRepoId(id, type));
}
