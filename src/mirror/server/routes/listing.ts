/**
 * Repo listings: `GET /api/{models|datasets|spaces}?search=&author=&sort=&direction=&limit=`, holding
 * only the repos the caller may see, paged with `cursor` and a `Link` header (unless `limit` caps the
 * answer). `search` matches the id case-insensitively; `sort` takes `id`, `createdAt`, `lastModified`,
 * `downloads` or `likes`, descending unless `direction=1` (ids ascend unless `direction=-1`).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { repoIdString } from "../../../hub/repo-id.js";
import { DEFAULT_BRANCH, type RepoRecord } from "../../store/repo-store.js";
import { callerOf, nextLink, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest } from "../hub-error.js";

const PAGE_SIZE = 1000;

interface ListedRepo {
  record: RepoRecord;
  sha?: string;
  lastModified?: string;
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

      const needle = search?.toLowerCase();
      const visible = (await deps.store.listRepos(type)).filter(
        (record) =>
          deps.access.canSee(record, caller) &&
          (author === undefined || record.namespace === author) &&
          (needle === undefined || repoIdString(record).toLowerCase().includes(needle)),
      );
      const listed: ListedRepo[] = await Promise.all(
        visible.map(async (record) => {
          const sha = await deps.store.readRef(record, "heads", DEFAULT_BRANCH);
          const commit = sha ? await deps.store.getCommit(record, sha) : undefined;
          return { record, sha, lastModified: commit?.date };
        }),
      );
      sortRepos(listed, sort, direction);

      const pageSize = Math.min(limit ?? PAGE_SIZE, PAGE_SIZE);
      const page = listed.slice(start, start + pageSize);
      if (limit === undefined && start + pageSize < listed.length) {
        reply.header("link", nextLink(deps, request, { cursor: String(start + pageSize) }));
      }
      return page.map(({ record, sha, lastModified }) => ({
        _id: record.objectId,
        id: repoIdString(record),
        ...(type === "model" && { modelId: repoIdString(record) }),
        author: record.namespace,
        private: record.private,
        gated: record.gated,
        disabled: false,
        downloads: 0,
        likes: 0,
        tags: [],
        createdAt: record.createdAt,
        ...(lastModified && { lastModified }),
        ...(sha && { sha }),
      }));
    },
  );
}

function sortRepos(repos: ListedRepo[], sort: string, direction: string | undefined): void {
  const keyOf: Record<string, (repo: ListedRepo) => string | number> = {
    id: (repo) => repoIdString(repo.record).toLowerCase(),
    createdAt: (repo) => repo.record.createdAt,
    lastModified: (repo) => repo.lastModified ?? "",
    downloads: () => 0,
    likes: () => 0,
  };
  const key = keyOf[sort];
  if (!key) throw badRequest(`Cannot sort by ${sort}: use id, createdAt, lastModified, downloads or likes.`);
  const descending = direction === undefined ? sort !== "id" : direction === "-1";
  repos.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const order = x < y ? -1 : x > y ? 1 : 0;
    return descending ? -order : order;
  });
}
