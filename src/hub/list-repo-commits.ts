/**
 * `listRepoCommits`: a revision's history, newest first, page after page (`GET /api/{type}s/{id}/commits/{rev}`),
 * as Python's `list_repo_commits`, with dates as Dates.
 */
import { type HubCallOptions, hubGetPages } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";
import { DEFAULT_REVISION } from "./urls.js";

export interface GitCommitInfo {
  id: string;
  title: string;
  message: string;
  authors: string[];
  date: Date;
}

export async function* listRepoCommits(
  options: HubCallOptions & { repoId: string; repoType?: RepoType; revision?: string },
): AsyncIterable<GitCommitInfo> {
  const revision = encodeURIComponent(options.revision ?? DEFAULT_REVISION);
  const pages = hubGetPages<{
    id: string;
    title: string;
    message: string;
    authors: Array<{ user: string }>;
    date: string;
  }>(`/api/${options.repoType ?? "model"}s/${options.repoId}/commits/${revision}`, options);
  for await (const commit of pages) {
    yield { ...commit, authors: commit.authors.map((author) => author.user), date: new Date(commit.date) };
  }
}
