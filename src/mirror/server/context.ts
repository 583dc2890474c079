/**
 * What every route needs: the store, the access rules, and the steps each request repeats: find the
 * repo a URL names (as the caller may see it), resolve a revision to a commit, build absolute URLs
 * for `Link` headers. Routes call these and never build store keys or check tokens themselves.
 */
import type { FastifyRequest } from "fastify";
import { isValidIdPart, type RepoId, type RepoType, repoTypeFromPlural } from "../../hub/repo-id.js";
import type { CommitView, RepoRecord, RepoStore } from "../store/repo-store.js";
import type { Access, Caller } from "./access.js";
import { badRequest, repoNotFound, revisionNotFound } from "./hub-error.js";
import type { UploadSigner } from "./upload-signature.js";

export interface ServerDeps {
  store: RepoStore;
  access: Access;
  /** The URL clients reach the server at, for `Link` headers; default from the request's Host. */
  publicUrl?: string;
  /** Signs and checks the upload URLs of the LFS batch API. */
  signer: UploadSigner;
}

export interface OpenRepo {
  repo: RepoId;
  record: RepoRecord;
  caller: Caller;
}

/** The caller of a request; 401 for an unknown token. */
export function callerOf(deps: ServerDeps, request: FastifyRequest): Caller {
  return deps.access.identify(request.headers.authorization);
}

/** The repo type a plural URL segment names, or 404 for anything else. */
export function typeFromPlural(plural: string): RepoType {
  const type = repoTypeFromPlural(plural);
  if (!type) throw repoNotFound();
  return type;
}

/** The repo a request names, when it exists and the caller may read it; else the Hub's 404 (or 401). */
export async function openRepo(
  deps: ServerDeps,
  request: FastifyRequest,
  type: RepoType,
  namespace: string,
  name: string,
): Promise<OpenRepo> {
  const caller = callerOf(deps, request);
  if (!isValidIdPart(namespace) || !isValidIdPart(name)) throw repoNotFound();
  const repo = { type, namespace, name };
  const record = await deps.store.getRepo(repo);
  if (!record) throw repoNotFound();
  deps.access.assertCanRead(record, caller);
  return { repo, record, caller };
}

/** The repo a write request names, when the caller may write to it; else 404, 401 or 403 as the Hub answers. */
export async function openRepoForWrite(
  deps: ServerDeps,
  request: FastifyRequest,
  type: RepoType,
  namespace: string,
  name: string,
): Promise<OpenRepo> {
  const open = await openRepo(deps, request, type, namespace, name);
  deps.access.assertCanWrite(open.record, open.caller);
  return open;
}

/** The commit a revision names in an open repo, or 404 `RevisionNotFound`. */
export async function openRevision(deps: ServerDeps, open: OpenRepo, revision: string): Promise<CommitView> {
  assertCleanText(revision, "revision");
  const id = await deps.store.resolveRevision(open.repo, revision);
  const view = id === undefined ? undefined : await deps.store.commitView(open.repo, id);
  if (!view) throw revisionNotFound(revision);
  return view;
}

/** 400 for text with a NUL or another control character, which no repo path or revision holds. */
export function assertCleanText(text: string, what: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
  if (/[\x00-\x1f\x7f]/.test(text)) throw badRequest(`The ${what} holds a control character.`);
}

/** A repo path from a URL: no leading or trailing slash, no empty, `.` or `..` parts, no NUL. */
export function cleanRepoPath(path: string): string {
  assertCleanText(path, "path");
  return path.replace(/^\/+|\/+$/g, "");
}

/** The absolute URL of `pathAndQuery` on this server, as clients reached it. */
export function absoluteUrl(deps: ServerDeps, request: FastifyRequest, pathAndQuery: string): string {
  const base = deps.publicUrl ?? `${request.protocol}://${request.headers.host ?? request.hostname}`;
  return `${base.replace(/\/+$/, "")}${pathAndQuery}`;
}

/** `Link: <url>; rel="next"` for the page after this one. */
export function nextLink(deps: ServerDeps, request: FastifyRequest, query: Record<string, string>): string {
  const path = request.url.split("?")[0] ?? "/";
  const kept = new URLSearchParams(
    request.url.includes("?") ? request.url.slice(request.url.indexOf("?") + 1) : "",
  );
  for (const [key, value] of Object.entries(query)) kept.set(key, value);
  return `<${absoluteUrl(deps, request, `${path}?${kept.toString()}`)}>; rel="next"`;
}
