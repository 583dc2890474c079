/**
 * Where repositories come from, each with a stamp that changes when its definitions may have: the
 * built-in one (wharf's version), the modules and folders `config.json` lists (the module file's size
 * and time), and npm packages installed beside the working folder whose package.json has
 * `"wharf": {"catalog": "./dist/catalog.js"}` (the package's version and the module's time). The search
 * index is rebuilt for a source only when its stamp changes, so a search imports no definitions.
 */
import { existsSync } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { InvalidArgumentError } from "../core/errors.js";
import { WHARF_VERSION } from "../core/http/user-agent.js";
import type { Repository } from "./repository.js";

export interface RepositorySource {
  /** `builtin`, or the module's absolute path. */
  key: string;
  /** What to import. */
  module: string;
  stamp: string;
}

export const BUILTIN_SOURCE: RepositorySource = {
  key: "builtin",
  module: new URL("./builtin/index.js", import.meta.url).href,
  stamp: WHARF_VERSION,
};

async function moduleStamp(path: string, extra = ""): Promise<string> {
  const info = await stat(path);
  return `${extra}${info.size}-${Math.floor(info.mtimeMs)}`;
}

/** A package folder's catalog module, when its package.json names one. */
async function packageModule(folder: string): Promise<{ module: string; version: string } | undefined> {
  const manifest = join(folder, "package.json");
  if (!existsSync(manifest)) return undefined;
  const parsed = JSON.parse(await readFile(manifest, "utf8")) as {
    version?: string;
    wharf?: { catalog?: string };
  };
  const entry = parsed.wharf?.catalog;
  return entry ? { module: resolve(folder, entry), version: parsed.version ?? "" } : undefined;
}

/** A source from a `config.json` entry: a module file, or a package folder. */
export async function sourceFromPath(path: string): Promise<RepositorySource> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info)
    throw new InvalidArgumentError(
      `The catalog repository ${absolute} does not exist; fix the path (wharf catalog repositories).`,
    );
  if (info.isDirectory()) {
    const found = await packageModule(absolute);
    if (!found)
      throw new InvalidArgumentError(
        `${absolute} has no package.json naming a catalog module ("wharf": {"catalog": "./catalog.js"}).`,
      );
    return {
      key: found.module,
      module: found.module,
      stamp: await moduleStamp(found.module, `${found.version}:`),
    };
  }
  return { key: absolute, module: absolute, stamp: await moduleStamp(absolute) };
}

/** npm packages in `{cwd}/node_modules` (scoped ones too) that name a catalog module. */
export async function npmSources(cwd: string): Promise<RepositorySource[]> {
  const root = join(cwd, "node_modules");
  const folders: string[] = [];
  for (const name of await readdir(root).catch(() => [] as string[])) {
    if (name.startsWith(".")) continue;
    if (name.startsWith("@")) {
      for (const scoped of await readdir(join(root, name)).catch(() => [] as string[]))
        folders.push(join(root, name, scoped));
    } else folders.push(join(root, name));
  }
  const sources: RepositorySource[] = [];
  for (const folder of folders) {
    const found = await packageModule(folder).catch(() => undefined);
    if (found && existsSync(found.module))
      sources.push({
        key: found.module,
        module: found.module,
        stamp: await moduleStamp(found.module, `${found.version}:`),
      });
  }
  return sources;
}

export async function importRepository(source: RepositorySource): Promise<Repository> {
  const specifier = source.module.startsWith("file:") ? source.module : pathToFileURL(source.module).href;
  const loaded = (await import(specifier)) as { default?: Repository; repository?: Repository };
  const repository = loaded.repository ?? loaded.default;
  if (!repository || !Array.isArray(repository.definitions))
    throw new InvalidArgumentError(
      `${source.module} exports no repository (export default defineRepository({...})).`,
    );
  return repository;
}
