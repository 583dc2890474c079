/**
 * Repo listings: `GET /api/{models|datasets|spaces}?search=&author=&filter=&sort=&direction=&limit=`, holding
 * only the repos the caller may see, paged with `cursor` and a `Link` header on every page but the last
 * (`limit` sets the page size; Python's and JS's clients follow `Link` and stop at their own limit). `search` matches the
 * id case-insensitively; each `filter` (repeatable) is a tag the repo's card must name; `sort` takes `id`, `createdAt`, `lastModified`, `downloads`, `likes` or
 * `trendingScore`, descending unless `direction=1` (ids ascend unless `direction=-1`).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import pLimit from "p-limit";
import { repoIdString } from "../../../hub/repo-id.js";
import { DEFAULT_BRANCH, type RepoRecord } from "../../store/repo-store.js";
import { cardDataOf, tagsOf } from "../card-data.js";
import { callerOf, nextLink, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest } from "../hub-error.js";

const PAGE_SIZE = 1000;

interface ListedRepo {
  record: RepoRecord;
  sha?: string;
  lastModified?: string;
  tags?: string[];
}

export function registerListingRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get(
    "/api/:kind",
    async (
      request: FastifyRequest<{ Params: { kind: string }; Querystring: Record<string, string> }>,
      reply,
    ) => {
      const type = typeFromPlural(request.params.kind);
      const caller = callerOf(deps, request);
      const { search, author, sort = "id", direction } = request.query;
      const limit = request.query.limit === undefined ? undefined : Number.parseInt(request.query.limit, 10);
      const start = Number.parseInt(request.query.cursor ?? "0", 10);
      if ((limit !== undefined && !(limit > 0)) || !(start >= 0))
        throw badRequest("Invalid limit or cursor.");
      const keyOf = SORT_KEYS[sort];
      if (!keyOf) throw badRequest(`Cannot sort by ${sort}: use ${Object.keys(SORT_KEYS).join(", ")}.`);

      const needle = search?.toLowerCase();
      const visible = (await deps.store.listRepos(type)).filter(
        (record) =>
          deps.access.canSee(record, caller) &&
          (author === undefined || record.namespace === author) &&
          (needle === undefined || repoIdString(record).toLowerCase().includes(needle)),
      );
      // Every `filter`, not only the first the server's query parser keeps.
      const filters = new URLSearchParams(request.url.split("?")[1] ?? "").getAll("filter");
      // Head commits are read only where needed: for every repo when sorting or filtering by them, else
      // for the page.
      const limitReads = pLimit(16);
      const withHead = (repos: RepoRecord[]) =>
        Promise.all(repos.map((record) => limitReads(() => headOf(deps, record))));
      const everyHead = sort === "lastModified" || filters.length > 0;
      let listed: ListedRepo[] = everyHead ? await withHead(visible) : visible.map((record) => ({ record }));
      listed = listed.filter((repo) => filters.every((tag) => repo.tags?.includes(tag)));
      const total = listed.length;
      const descending = direction === undefined ? sort !== "id" : direction === "-1";
      listed.sort((a, b) => {
        const [x, y] = [keyOf(a), keyOf(b)];
        const order = x < y ? -1 : x > y ? 1 : 0;
        return descending ? -order : order;
      });

      const pageSize = Math.min(limit ?? PAGE_SIZE, PAGE_SIZE);
      listed = listed.slice(start, start + pageSize);
      if (start + pageSize < total) {
        reply.header("link", nextLink(deps, request, { cursor: String(start + pageSize) }));
      }
      const page = everyHead ? listed : await withHead(listed.map((repo) => repo.record));
      return page.map(({ record, sha, lastModified, tags }) => ({
        _id: record.objectId,
        id: repoIdString(record),
        ...(type === "model" && { modelId: repoIdString(record) }),
        author: record.namespace,
        private: record.private,
        gated: record.gated,
        disabled: false,
        downloads: 0,
        likes: 0,
        tags: tags ?? [],
        createdAt: record.createdAt,
        ...(lastModified && { lastModified }),
        ...(sha && { sha }),
      }));
    },
  );
}

async function headOf(deps: ServerDeps, record: RepoRecord): Promise<ListedRepo> {
  const sha = await deps.store.readRef(record, "heads", DEFAULT_BRANCH);
  const view = sha ? await deps.store.commitView(record, sha) : undefined;
  const tags = view ? tagsOf(await cardDataOf(deps.store, view)) : [];
  return { record, sha, lastModified: view?.commit.date, tags };
}

/** What each `sort` orders by; the Hub's popularity sorts are all 0 here (no downloads, likes or trends). */
const SORT_KEYS: Record<string, (repo: ListedRepo) => string | number> = {
  id: (repo) => repoIdString(repo.record).toLowerCase(),
  createdAt: (repo) => repo.record.createdAt,
  lastModified: (repo) => repo.lastModified ?? "",
  downloads: () => 0,
  likes: () => 0,
  trendingScore: () => 0,
};
