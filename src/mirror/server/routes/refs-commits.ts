/**
 * A repo's refs (`GET /api/{type}s/{ns}/{name}/refs`: branches, tags, and the `converts` list Python
 * indexes even when empty) and its history (`GET .../commits/{rev}`, newest first along first parents,
 * paged with `p` and a `Link` header).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { nextLink, openRepo, openRevision, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest } from "../hub-error.js";

const COMMITS_PER_PAGE = 50;
/** How deep the history may be paged: each page walks every commit before it. */
const MAX_PAGES = 100;

interface Params {
  kind: string;
  namespace: string;
  name: string;
  revision: string;
}

export function registerRefsAndCommitsRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.get(
    "/api/:kind/:namespace/:name/refs",
    async (request: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>) => {
      const { kind, namespace, name } = request.params;
      const open = await openRepo(deps, request, typeFromPlural(kind), namespace, name);
      const refs = await deps.store.refs(open.repo);
      const list = (names: Record<string, string>, prefix: string) =>
        Object.entries(names)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
          .map(([refName, targetCommit]) => ({ name: refName, ref: `${prefix}${refName}`, targetCommit }));
      return {
        branches: list(refs.branches, "refs/heads/"),
        converts: [],
        tags: list(refs.tags, "refs/tags/"),
        ...(request.query.include_prs !== undefined && { pullRequests: list(refs.pullRequests, "refs/pr/") }),
      };
    },
  );

  app.get(
    "/api/:kind/:namespace/:name/commits/:revision",
    async (request: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>, reply) => {
      const { kind, namespace, name, revision } = request.params;
      const open = await openRepo(deps, request, typeFromPlural(kind), namespace, name);
      const view = await openRevision(deps, open, revision);
      const page = Number.parseInt(request.query.p ?? "0", 10);
      if (!Number.isSafeInteger(page) || page < 0 || page >= MAX_PAGES) {
        throw badRequest(`Invalid page number p: pages 0 to ${MAX_PAGES - 1} can be listed.`);
      }
      // One more than a page, to know whether another page follows.
      const commits = await deps.store.history(
        open.repo,
        view.commit.id,
        page * COMMITS_PER_PAGE,
        COMMITS_PER_PAGE + 1,
      );
      if (commits.length > COMMITS_PER_PAGE)
        reply.header("link", nextLink(deps, request, { p: String(page + 1) }));
      return commits.slice(0, COMMITS_PER_PAGE).map((commit) => ({
        id: commit.id,
        title: commit.title,
        message: commit.message,
        authors: [{ user: commit.author }],
        date: commit.date,
      }));
    },
  );
}
