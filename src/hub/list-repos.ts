/**
 * `listModels`, `listDatasets`, `listSpaces`: the repos an endpoint lists (`GET /api/{type}s`), with
 * Python's filters (`search`, `author`, `filter` tags, `sort`, `direction`, `limit`), page after page as an async
 * iterable that stops at `limit`.
 */
import { type HubCallOptions, hubGetPages } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

export interface ListReposOptions extends HubCallOptions {
  search?: string;
  author?: string;
  /** Tags every listed repo must have (`license:mit`, `task_categories:...`, a card's own tags). */
  filter?: string | readonly string[];
  sort?: string;
  /** -1 for descending. */
  direction?: 1 | -1;
  limit?: number;
}

export interface RepoSummary {
  id: string;
  private: boolean;
  gated?: false | "auto" | "manual";
  downloads?: number;
  likes?: number;
  tags?: string[];
  createdAt?: Date;
  lastModified?: Date;
  sha?: string;
}

async function* listRepos(type: RepoType, options: ListReposOptions): AsyncIterable<RepoSummary> {
  const query = new URLSearchParams();
  for (const name of ["search", "author", "sort", "direction", "limit"] as const) {
    if (options[name] !== undefined) query.set(name, String(options[name]));
  }
  for (const tag of [options.filter ?? []].flat()) query.append("filter", tag);
  let count = 0;
  for await (const raw of hubGetPages<Record<string, unknown>>(`/api/${type}s?${query}`, options)) {
    if (options.limit !== undefined && count++ >= options.limit) return;
    yield {
      ...(raw as unknown as RepoSummary),
      createdAt: typeof raw.createdAt === "string" ? new Date(raw.createdAt) : undefined,
      lastModified: typeof raw.lastModified === "string" ? new Date(raw.lastModified) : undefined,
    };
  }
}

export const listModels = (options: ListReposOptions = {}) => listRepos("model", options);
export const listDatasets = (options: ListReposOptions = {}) => listRepos("dataset", options);
export const listSpaces = (options: ListReposOptions = {}) => listRepos("space", options);
