/**
 * The catalog: the repositories (built-in, configured, installed npm packages, and any given in code),
 * the search index over them, and the operations `wharf catalog` offers: search, info, download
 * (run a dataset's resource DAG into its data folder), prepare (download, then the dataset's data as
 * JSON with its `id`), check (every URL answers), orphans (data folders no definition claims).
 *
 * Data folders are `{catalog}/data/{repository}/{id parts as folders}[.v{version}][/{variant}]`, as
 * datamaestro lays them out; manual downloads are dropped in `{catalog}/manual/`.
 */
import { readdir, rm } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { readEnv } from "../core/env.js";
import { defaultHttpClient, type HttpClient } from "../core/http/client.js";
import type { OnProgress } from "../core/progress.js";
import { ChecksumRegistry } from "./checksums.js";
import { type CatalogConfig, readCatalogConfig } from "./config.js";
import { type RunResult, runResources } from "./dag.js";
import type { DatasetDefinition, VariantParams } from "./definition.js";
import { DatasetNotFoundError } from "./errors.js";
import { parseVariantId } from "./ids.js";
import type { Repository } from "./repository.js";
import { type IndexedDataset, indexEntries, loadIndex, matches } from "./search-index.js";
import {
  BUILTIN_SOURCE,
  importRepository,
  npmSources,
  type RepositorySource,
  sourceFromPath,
} from "./sources.js";
import { STATE_FILE } from "./state-file.js";

export interface CatalogOptions {
  /** Default `WHARF_CATALOG_DIR` (`$WHARF_HOME/catalog`). */
  catalogDir?: string;
  /** Repositories given in code, ahead of all others. */
  repositories?: readonly Repository[];
  /** Leave out the built-in repository and installed packages (tests, isolated catalogs). */
  onlyGiven?: boolean;
  /** Where installed npm packages are looked for (default the working folder). */
  cwd?: string;
  /** Record downloads in the repositories' checksum registries instead of checking against them. */
  registerChecksums?: boolean;
  /** Resources made at once, per dataset (default 4). */
  concurrency?: number;
  client?: HttpClient;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

export interface ResolvedDataset {
  repository: Repository;
  definition: DatasetDefinition;
  params: VariantParams;
  /** The canonical id of the variant. */
  id: string;
}

export interface CheckResult {
  dataset: string;
  resource: string;
  resource_type: string;
  status: "ok" | "failed" | "error";
  url: string;
  message: string;
}

export class Catalog {
  private readonly repositories = new Map<string, Repository>();

  private constructor(
    readonly dir: string,
    readonly config: CatalogConfig,
    private readonly sources: readonly RepositorySource[],
    private readonly given: readonly Repository[],
    private readonly options: CatalogOptions,
  ) {}

  static async open(options: CatalogOptions = {}): Promise<Catalog> {
    const dir = options.catalogDir ?? readEnv().catalogDir;
    const config = await readCatalogConfig(dir);
    const sources = options.onlyGiven
      ? []
      : [
          BUILTIN_SOURCE,
          ...(await Promise.all(config.repositories.map((path) => sourceFromPath(path)))),
          ...(await npmSources(options.cwd ?? process.cwd())),
        ];
    return new Catalog(dir, config, sources, options.repositories ?? [], options);
  }

  private async repositoryOf(source: RepositorySource): Promise<Repository> {
    const known = this.repositories.get(source.key);
    if (known) return known;
    const repository = await importRepository(source);
    this.repositories.set(source.key, repository);
    return repository;
  }

  /** Every dataset's search entry: given repositories, then the persisted index of the sources. */
  async entries(): Promise<IndexedDataset[]> {
    const given = this.given.flatMap((repository) => indexEntries(repository, `given:${repository.id}`));
    return [...given, ...(await loadIndex(this.dir, this.sources, (source) => this.repositoryOf(source)))];
  }

  async search(terms: readonly string[]): Promise<IndexedDataset[]> {
    return (await this.entries()).filter((entry) => matches(entry, terms));
  }

  /** Every repository, imported (for `check`, `orphans` and `repositories`). */
  async allRepositories(): Promise<Repository[]> {
    return [...this.given, ...(await Promise.all(this.sources.map((source) => this.repositoryOf(source))))];
  }

  /** The definition behind an id, alias or variant id (`id[k=v]`), importing only its repository. */
  async resolve(text: string): Promise<ResolvedDataset> {
    const { id, params: given } = parseVariantId(text);
    const entry = (await this.entries()).find(
      (candidate) => candidate.id === id || candidate.aliases.includes(id),
    );
    if (!entry) {
      throw new DatasetNotFoundError(
        `No repository defines ${id}. Search with: wharf catalog search ${id.split(".").pop() ?? id}`,
      );
    }
    const repository = entry.source.startsWith("given:")
      ? (this.given.find((candidate) => `given:${candidate.id}` === entry.source) as Repository)
      : await this.repositoryOf(
          this.sources.find((source) => source.key === entry.source) as RepositorySource,
        );
    const definition = repository.definitions.find((candidate) => candidate.id === entry.id);
    if (!definition)
      throw new DatasetNotFoundError(
        `${entry.source} no longer defines ${id}; search again to refresh the index.`,
      );
    const params = definition.params(given);
    return { repository, definition, params, id: definition.variantId(params) };
  }

  dataFolder(resolved: Omit<ResolvedDataset, "id">): string {
    const { repository, definition, params } = resolved;
    const parts = definition.id.split(".");
    if (definition.version) parts[parts.length - 1] = `${parts.at(-1)}.v${definition.version}`;
    const variant = definition.variantId(params);
    const suffix = variant === definition.id ? [] : [variant.slice(definition.id.length)];
    return join(this.dir, "data", repository.id, ...parts, ...suffix);
  }

  /** Runs the dataset's resource DAG; returns its folder and each resource's final path. */
  async download(text: string): Promise<RunResult & { folder: string; resolved: ResolvedDataset }> {
    const resolved = await this.resolve(text);
    const folder = this.dataFolder(resolved);
    const result = await runResources({
      folder,
      resources: resolved.definition.resources(resolved.params),
      concurrency: this.options.concurrency,
      context: {
        datasetId: resolved.id,
        checksums: new ChecksumRegistry(resolved.repository.checksumsFile, this.options.registerChecksums),
        manualFolder: join(this.dir, "manual"),
        dataFolders: this.config.datafolders,
        prepareOther: async (other) => (await this.download(other)).folder,
        client: this.options.client,
        signal: this.options.signal,
        onProgress: this.options.onProgress,
      },
    });
    return { ...result, folder, resolved };
  }

  /** Downloads the dataset, then gives its data with `id` (what `wharf catalog prepare` prints). */
  async prepare(text: string): Promise<Record<string, unknown>> {
    const { paths, resolved } = await this.download(text);
    const prepared = resolved.definition.prepare(paths, resolved.params);
    const data = JSON.parse(JSON.stringify(prepared ?? null)) as unknown;
    return data !== null && typeof data === "object" && !Array.isArray(data)
      ? { ...(data as Record<string, unknown>), id: resolved.id }
      : { data, id: resolved.id };
  }

  /** Probes every URL of every resource (of one repository, or all): HEAD, or a one-byte GET on 405. */
  async check(repositoryId?: string): Promise<CheckResult[]> {
    const client = this.options.client ?? defaultHttpClient();
    const results: CheckResult[] = [];
    for (const repository of await this.allRepositories()) {
      if (repositoryId !== undefined && repository.id !== repositoryId) continue;
      for (const definition of repository.definitions) {
        const resources = definition.resources(definition.params({}));
        for (const [name, resource] of Object.entries(resources)) {
          for (const url of resource.urls) {
            const base = { dataset: definition.id, resource: name, resource_type: resource.kind, url };
            try {
              let answer = await client.request(url, {
                method: "HEAD",
                allowErrorStatus: true,
                retry: false,
              });
              await answer.discard();
              if (answer.status === 405) {
                answer = await client.request(url, {
                  headers: { range: "bytes=0-0" },
                  allowErrorStatus: true,
                  retry: false,
                });
                await answer.discard();
              }
              results.push({
                ...base,
                status: answer.status < 400 ? "ok" : "failed",
                message: `HTTP ${answer.status}`,
              });
            } catch (error) {
              results.push({ ...base, status: "error", message: (error as Error).message });
            }
          }
        }
      }
    }
    return results;
  }

  /** Data folders (holding a `.state.json`) that no definition's default variant or known variant claims. */
  async orphans(): Promise<string[]> {
    const claimed = new Set<string>();
    for (const repository of await this.allRepositories())
      for (const definition of repository.definitions)
        claimed.add(this.dataFolder({ repository, definition, params: definition.params({}) }));
    const root = join(this.dir, "data");
    const found: string[] = [];
    for (const entry of await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [])) {
      if (entry.name !== STATE_FILE) continue;
      const folder = entry.parentPath;
      const defaultFolder = [...claimed].some(
        (path) => folder === path || folder.startsWith(`${path}${sep}[`),
      );
      if (!defaultFolder) found.push(relative(root, folder));
    }
    return found.sort();
  }

  /** Removes a dataset's data folder. */
  async remove(text: string): Promise<string> {
    const folder = this.dataFolder(await this.resolve(text));
    await rm(folder, { recursive: true, force: true });
    return folder;
  }
}

/** `prepareDataset(id)`: the dataset's data, downloaded first, as `wharf catalog prepare` prints it. */
export async function prepareDataset(
  id: string,
  options: CatalogOptions = {},
): Promise<Record<string, unknown>> {
  return (await Catalog.open(options)).prepare(id);
}
