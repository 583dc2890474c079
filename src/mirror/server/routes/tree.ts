/**
 * Listings of a revision's files: `GET /api/{type}s/{ns}/{name}/tree/{rev}[/{path}]?recursive=&expand=`,
 * paged with a `Link: <...>; rel="next"` header, and `POST .../paths-info/{rev}` with the paths in a
 * form body (Python) or a JSON body (JS). `expand` adds each entry's `lastCommit`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isTrue as isTrueText } from "../../../core/env.js";
import type { TreeEntry } from "../../store/repo-tree.js";
import {
  cleanRepoPath,
  nextLink,
  openRepo,
  openRevision,
  type ServerDeps,
  typeFromPlural,
} from "../context.js";
import { badRequest, entryNotFound } from "../hub-error.js";
import { lastCommits, treeEntryJson } from "../tree-json.js";

/** Entries per page: fewer when each one costs a history lookup. */
const PAGE_SIZE = 1000;
const EXPANDED_PAGE_SIZE = 100;
/** Paths one paths-info request may ask about. */
const MAX_PATHS = 1000;

interface Params {
  kind: string;
  namespace: string;
  name: string;
  revision: string;
  "*"?: string;
}

/** A flag from a query string or a JSON body: `true`, or what Python reads as true ("1", "true", ...). */
const isTrue = (value: unknown) => value === true || (typeof value === "string" && isTrueText(value));

export function registerTreeRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const tree = (
    request: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>,
    reply: FastifyReply,
  ) => listTree(deps, request, reply);
  app.get("/api/:kind/:namespace/:name/tree/:revision", tree);
  app.get("/api/:kind/:namespace/:name/tree/:revision/*", tree);
  app.post("/api/:kind/:namespace/:name/paths-info/:revision", (request, reply) =>
    pathsInfo(deps, request as FastifyRequest<{ Params: Params }>, reply),
  );
}

async function withLastCommits(
  deps: ServerDeps,
  entries: TreeEntry[],
  expand: boolean,
  context: { open: Awaited<ReturnType<typeof openRepo>>; view: Awaited<ReturnType<typeof openRevision>> },
) {
  if (!expand) return entries.map((entry) => treeEntryJson(entry));
  const last = await lastCommits(
    deps.store,
    context.open.repo,
    context.view,
    entries.map((entry) => entry.path),
  );
  return entries.map((entry) => treeEntryJson(entry, last.get(entry.path)));
}

async function listTree(
  deps: ServerDeps,
  request: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>,
  reply: FastifyReply,
) {
  const { kind, namespace, name, revision } = request.params;
  const open = await openRepo(deps, request, typeFromPlural(kind), namespace, name);
  const view = await openRevision(deps, open, revision);
  const folder = cleanRepoPath(request.params["*"] ?? "");
  if (folder !== "" && !view.tree.isDirectory(folder)) throw entryNotFound(folder, view.commit.id);
  const expand = isTrue(request.query.expand);
  const pageSize = expand ? EXPANDED_PAGE_SIZE : PAGE_SIZE;
  const start = Number.parseInt(request.query.cursor ?? "0", 10);
  if (!Number.isSafeInteger(start) || start < 0) throw badRequest("Invalid cursor.");
  const all = view.tree.list(folder, isTrue(request.query.recursive));
  const page = all.slice(start, start + pageSize);
  if (start + pageSize < all.length)
    reply.header("link", nextLink(deps, request, { cursor: String(start + pageSize) }));
  reply.header("x-repo-commit", view.commit.id);
  return withLastCommits(deps, page, expand, { open, view });
}

/** The paths and `expand` of a paths-info body: a parsed form (repeated `paths`) or JSON. */
function readPathsBody(body: unknown): { paths: string[]; expand: boolean } {
  if (!body || typeof body !== "object") throw badRequest("Send the paths as a form or JSON body.");
  const { paths, expand } = body as { paths?: unknown; expand?: unknown };
  const list = typeof paths === "string" ? [paths] : paths;
  if (!Array.isArray(list) || !list.every((path) => typeof path === "string")) {
    throw badRequest('"paths" must be a list of repo paths.');
  }
  if (list.length > MAX_PATHS) throw badRequest(`Ask about at most ${MAX_PATHS} paths at once.`);
  return { paths: list, expand: isTrue(Array.isArray(expand) ? expand[0] : expand) };
}

async function pathsInfo(deps: ServerDeps, request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) {
  const { kind, namespace, name, revision } = request.params;
  const open = await openRepo(deps, request, typeFromPlural(kind), namespace, name);
  const view = await openRevision(deps, open, revision);
  const { paths, expand } = readPathsBody(request.body);
  const entries: TreeEntry[] = [];
  for (const path of new Set(paths.map(cleanRepoPath))) {
    const entry = view.tree.entry(path);
    if (entry) entries.push(entry);
  }
  reply.header("x-repo-commit", view.commit.id);
  return withLastCommits(deps, entries, expand, { open, view });
}
