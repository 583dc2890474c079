/**
 * The persisted search index (`index.json` in the catalog folder): for each repository source, its
 * stamp and what `search` and `info` need of each dataset. A source whose stamp is unchanged is
 * answered from the file; only new or changed ones are imported. Search terms are regular expressions,
 * all of which must match (`tag:`, `task:`, `repo:`/`repository:` and `type:` prefixes look at those
 * fields; a bare term at the id, aliases and name), as datamaestro's search does.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArgumentError } from "../core/errors.js";
import type { Repository } from "./repository.js";
import type { RepositorySource } from "./sources.js";

export interface IndexedDataset {
  id: string;
  aliases: string[];
  name: string;
  type?: string;
  tags: string[];
  tasks: string[];
  description: string;
  url: string;
  repository: string;
  /** The variant parameters' names. */
  variants: string[];
  /** The source that defines it (`builtin` or a module path), so a lookup imports only that one. */
  source: string;
}

interface IndexFile {
  version: 1;
  sources: Record<string, { stamp: string; datasets: IndexedDataset[] }>;
}

export function indexEntries(repository: Repository, source: string): IndexedDataset[] {
  return repository.definitions.map((definition) => ({
    id: definition.id,
    aliases: [...definition.aliases],
    name: definition.name,
    ...(definition.type ? { type: definition.type } : {}),
    tags: [...definition.tags],
    tasks: [...definition.tasks],
    description: definition.description,
    url: definition.url,
    repository: repository.id,
    variants: Object.keys(definition.variants).sort(),
    source,
  }));
}

/** The index, brought up to date with the sources (importing only those that changed). */
export async function loadIndex(
  catalogDir: string,
  sources: readonly RepositorySource[],
  load: (source: RepositorySource) => Promise<Repository>,
): Promise<IndexedDataset[]> {
  const path = join(catalogDir, "index.json");
  let file: IndexFile = { version: 1, sources: {} };
  try {
    const parsed = JSON.parse(await readFile(path, "utf8")) as IndexFile;
    if (parsed.version === 1) file = parsed;
  } catch {
    // No index yet, or a damaged one: it is rebuilt.
  }
  let changed = false;
  const next: IndexFile = { version: 1, sources: {} };
  for (const source of sources) {
    const known = file.sources[source.key];
    if (known && known.stamp === source.stamp) {
      next.sources[source.key] = known;
      continue;
    }
    next.sources[source.key] = {
      stamp: source.stamp,
      datasets: indexEntries(await load(source), source.key),
    };
    changed = true;
  }
  if (changed || Object.keys(file.sources).length !== sources.length) {
    await mkdir(catalogDir, { recursive: true });
    const temporary = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(temporary, `${JSON.stringify(next)}\n`);
    await rename(temporary, path);
  }
  return Object.values(next.sources).flatMap((entry) => entry.datasets);
}

function regex(term: string): RegExp {
  try {
    return new RegExp(term, "i");
  } catch (error) {
    throw new InvalidArgumentError(
      `The search term ${JSON.stringify(term)} is not a regular expression: ${(error as Error).message}`,
    );
  }
}

export function matches(entry: IndexedDataset, terms: readonly string[]): boolean {
  return terms.every((term) => {
    const colon = term.indexOf(":");
    const prefix = colon > 0 ? term.slice(0, colon) : "";
    const value = term.slice(colon + 1);
    switch (prefix) {
      case "tag":
        return entry.tags.some((tag) => regex(value).test(tag));
      case "task":
        return entry.tasks.some((task) => regex(value).test(task));
      case "repo":
      case "repository":
        return regex(value).test(entry.repository);
      case "type":
        return entry.type === value;
      default:
        return [entry.id, ...entry.aliases, entry.name].some((text) => regex(term).test(text));
    }
  });
}

/** One line per hit, as datamaestro prints them: `[repository] id[variant axes] (type)`. */
export function searchLine(entry: IndexedDataset): string {
  const axes = entry.variants.length > 0 ? `[${entry.variants.join(",")}]` : "";
  return `[${entry.repository}] ${entry.id}${axes} (${entry.type ?? "?"})`;
}
