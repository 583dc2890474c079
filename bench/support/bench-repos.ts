/**
 * The repos the download benchmarks serve, made once under `.bench-tmp/repos` and kept between runs:
 * `bench/small-files` (1,000 regular files of 4-64 KiB), `bench/big-files` (four 256 MiB LFS files)
 * and `bench/mixed` (both together), imported into one store that `wharf serve` serves.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { parseRepoId } from "../../src/hub/repo-id.js";
import { importFolder } from "../../src/mirror/import-folder.js";
import { RepoStore } from "../../src/mirror/store/repo-store.js";
import { ensureRandomFile, ensureSmallFiles } from "./files.js";

export const SMALL_COUNT = 1000;
export const BIG_COUNT = 4;
export const BIG_SIZE = 256 * 2 ** 20;
export const BENCH_WORK = join(import.meta.dirname, "..", "..", ".bench-tmp");

/** Makes the inputs and the store if missing; returns the store's folder. */
export async function prepareBenchRepos(): Promise<string> {
  const root = join(BENCH_WORK, "repos");
  const small = join(root, "small");
  const big = join(root, "big");
  const mixed = join(root, "mixed");
  await ensureSmallFiles(small, SMALL_COUNT);
  await mkdir(big, { recursive: true });
  for (let i = 0; i < BIG_COUNT; i++) await ensureRandomFile(join(big, `weights-${i}.bin`), BIG_SIZE);
  // The mixed repo's folder links to the others' files (the import follows links to files, not folders).
  if (!existsSync(`${mixed}.done`)) {
    await rm(mixed, { recursive: true, force: true });
    for (const entry of await readdir(small, { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const path = relative(small, join(entry.parentPath, entry.name));
      await mkdir(dirname(join(mixed, path)), { recursive: true });
      await symlink(join(small, path), join(mixed, path));
    }
    for (let i = 0; i < BIG_COUNT; i++)
      await symlink(join(big, `weights-${i}.bin`), join(mixed, `weights-${i}.bin`));
    await writeFile(`${mixed}.done`, "");
  }

  const store = join(root, "store");
  const repos = RepoStore.inFolder(store);
  for (const [name, folder] of [
    ["bench/small-files", small],
    ["bench/big-files", big],
    ["bench/mixed", mixed],
  ] as const) {
    const id = parseRepoId(name, "model");
    if (!(await repos.resolveRevision(id, "main"))) await importFolder(repos, folder, id);
  }
  execFileSync("sync");
  return store;
}
