/**
 * The Hub's commit API: `POST .../preupload/{rev}` says how each file goes up (inline, or through LFS,
 * as the Hub's rules decide, with the oid of the file already there so an unchanged one can be skipped),
 * and `POST .../commit/{rev}` takes NDJSON lines (`header`, `file` with base64 bytes, `lfsFile`,
 * `deletedFile`, `deletedFolder`) and makes one commit of them (commit-operations.ts). Both need a write
 * token of the namespace, except proposals: with `create_pr=1` the commit opens a pull request (its
 * ref `refs/pr/{num}` started from the branch in the URL), and a commit to `refs/pr/{num}` adds to one;
 * any signed-in reader may do either (the pull request's author, or a writer, for the second). A stale
 * `parentCommit` gets 412 and changes nothing.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { InvalidArgumentError } from "../../../core/errors.js";
import { repoIdString, repoUrlPrefix } from "../../../hub/repo-id.js";
import { type CommitOperation, checkOperations, commitOperations } from "../../commit-operations.js";
import {
  NotInStoreError,
  ParentCommitMovedError,
  PathNotInCommitError,
  RefMovedError,
} from "../../errors.js";
import { commitEvent, DiscussionStore } from "../../store/discussions.js";
import { defaultLfsPatterns, isLfsFile } from "../../store/lfs-rules.js";
import {
  absoluteUrl,
  assertCleanText,
  type OpenRepo,
  openRepo,
  openRepoForWrite,
  type ServerDeps,
  typeFromPlural,
} from "../context.js";
import { badRequest, HubHttpError, revisionNotFound } from "../hub-error.js";
import { discussionPath, openDiscussion } from "./discussions.js";

interface Params {
  kind: string;
  namespace: string;
  name: string;
  "*": string;
}

/** Inline files arrive base64 in one body: regular files are at most 10 MB each, and a commit may hold many. */
const COMMIT_BODY_LIMIT = 512 * 2 ** 20;

async function openForWrite(
  deps: ServerDeps,
  request: FastifyRequest<{ Params: Params }>,
): Promise<OpenRepo> {
  const { kind, namespace, name } = request.params;
  assertCleanText(request.params["*"], "revision");
  return openRepoForWrite(deps, request, typeFromPlural(kind), namespace, name);
}

/** The repo of a pull request's commit: any signed-in caller who may read it. */
async function openForProposal(
  deps: ServerDeps,
  request: FastifyRequest<{ Params: Params }>,
): Promise<OpenRepo> {
  const { kind, namespace, name } = request.params;
  assertCleanText(request.params["*"], "revision");
  const opened = await openRepo(deps, request, typeFromPlural(kind), namespace, name);
  if (!opened.caller)
    throw new HubHttpError(401, "You must be authenticated to open a pull request.", "Unauthorized");
  return opened;
}

export function registerCommitRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.addContentTypeParser(
    "application/x-ndjson",
    { parseAs: "string", bodyLimit: COMMIT_BODY_LIMIT },
    (_request, body, done) => done(null, body),
  );

  app.post(
    "/api/:kind/:namespace/:name/preupload/*",
    async (request: FastifyRequest<{ Params: Params; Body: unknown }>) => {
      const proposal =
        (request.query as Record<string, string>).create_pr !== undefined ||
        request.params["*"].startsWith("refs/pr/");
      const open = proposal ? await openForProposal(deps, request) : await openForWrite(deps, request);
      const files = (request.body as { files?: unknown } | undefined)?.files;
      if (!Array.isArray(files))
        throw badRequest("The body must be JSON with a `files` list of {path, size, sample}.");
      const revision = await deps.store.resolveRevision(open.repo, request.params["*"]);
      const existing = revision ? (await deps.store.getCommit(open.repo, revision))?.files : undefined;
      const patterns = defaultLfsPatterns(open.repo.type);
      return {
        files: files.map((entry: { path?: unknown; size?: unknown }) => {
          if (typeof entry?.path !== "string" || typeof entry.size !== "number")
            throw badRequest("Each file needs a `path` and a `size`.");
          const stored = existing && Object.hasOwn(existing, entry.path) ? existing[entry.path] : undefined;
          return {
            path: entry.path,
            uploadMode: isLfsFile(entry.path, entry.size, patterns) ? "lfs" : "regular",
            shouldIgnore: false,
            ...(stored && { oid: stored.lfs ? stored.sha256 : stored.gitOid }),
          };
        }),
      };
    },
  );

  app.post(
    "/api/:kind/:namespace/:name/commit/*",
    { bodyLimit: COMMIT_BODY_LIMIT },
    async (
      request: FastifyRequest<{ Params: Params; Querystring: Record<string, string>; Body: unknown }>,
    ) => {
      const target = request.params["*"];
      const createPr = request.query.create_pr !== undefined && request.query.create_pr !== "0";
      const prNum = /^refs\/pr\/(\d+)$/.exec(target)?.[1];
      // Pull requests are how people who may not write to a repo propose changes: any signed-in reader.
      const open =
        createPr || prNum ? await openForProposal(deps, request) : await openForWrite(deps, request);
      if (typeof request.body !== "string")
        throw badRequest("The body must be NDJSON (Content-Type: application/x-ndjson).");
      const { header, operations } = parseCommitBody(request.body);
      const author = open.caller?.user ?? "wharf";
      const discussions = new DiscussionStore(deps.store);
      let pullRequest: number | undefined;
      try {
        if (createPr) {
          if (prNum) throw badRequest("A commit to a pull request's ref cannot open another pull request.");
          if ((await deps.store.readRef(open.repo, "heads", target)) === undefined)
            throw revisionNotFound(target);
          // A commit the branch would refuse (a stale parent, a path not there) opens no pull request:
          // it is checked first, against the head the pull request then starts from.
          const base = await checkOperations(deps.store, open.repo, operations, {
            branch: target,
            parentCommit: header.parentCommit,
          });
          const title = header.summary || "Upload files";
          pullRequest = (
            await openDiscussion(
              deps.store,
              discussions,
              open,
              author,
              title,
              header.description ?? "",
              true,
              "open",
              target,
              base,
            )
          ).num;
        } else if (prNum) {
          const discussion = await discussions.get(open.repo, Number(prNum));
          if (!discussion?.isPullRequest) throw revisionNotFound(target);
          if (discussion.author !== author) deps.access.assertCanWrite(open.record, open.caller);
          pullRequest = discussion.num;
        } else if (
          (await deps.store.readRef(open.repo, "heads", target)) === undefined &&
          target !== "main"
        ) {
          throw revisionNotFound(target);
        }
        const commit = await commitOperations(deps.store, open.repo, operations, {
          branch: pullRequest === undefined ? target : String(pullRequest),
          refKind: pullRequest === undefined ? "heads" : "pr",
          title: header.summary || "Upload files",
          message: header.description ?? "",
          author,
          parentCommit: header.parentCommit,
        });
        const id = repoIdString(open.repo);
        if (pullRequest !== undefined) {
          const event = commitEvent(author, commit.id, commit.title);
          await discussions.update(open.repo, pullRequest, (current) => ({
            ...current,
            events: [...current.events, event],
          }));
        }
        return {
          success: true,
          commitOid: commit.id,
          commitUrl: absoluteUrl(deps, request, `/${repoUrlPrefix(open.repo.type)}${id}/commit/${commit.id}`),
          ...(createPr &&
            pullRequest !== undefined && {
              pullRequestUrl: absoluteUrl(deps, request, discussionPath(open, pullRequest)),
            }),
        };
      } catch (error) {
        if (error instanceof ParentCommitMovedError)
          throw new HubHttpError(412, error.message, "PreconditionFailed");
        // Other writers kept moving the branch through every retry: the client may try again.
        if (error instanceof RefMovedError) throw new HubHttpError(409, error.message, "Conflict");
        if (error instanceof PathNotInCommitError)
          throw new HubHttpError(404, error.message, "EntryNotFound");
        if (error instanceof NotInStoreError || error instanceof InvalidArgumentError)
          throw badRequest(error.message);
        throw error;
      }
    },
  );
}

interface CommitHeader {
  summary?: string;
  description?: string;
  parentCommit?: string;
}

/** The header and operations of a commit body, one JSON object a line. */
function parseCommitBody(body: string): { header: CommitHeader; operations: CommitOperation[] } {
  let header: CommitHeader | undefined;
  const operations: CommitOperation[] = [];
  for (const line of body.split("\n")) {
    if (line.trim() === "") continue;
    let entry: { key?: unknown; value?: Record<string, unknown> };
    try {
      entry = JSON.parse(line);
    } catch {
      throw badRequest("A line of the commit body is not JSON.");
    }
    const value = entry.value ?? {};
    const path = value.path;
    if (entry.key === "header") {
      header = value as CommitHeader;
      continue;
    }
    if (typeof path !== "string") throw badRequest(`A ${String(entry.key)} line needs a path.`);
    if (entry.key === "file") {
      if (value.encoding !== "base64" || typeof value.content !== "string")
        throw badRequest(`${path}: inline content must be base64 ("encoding": "base64").`);
      operations.push({ kind: "add", path, content: Buffer.from(value.content, "base64") });
    } else if (entry.key === "lfsFile") {
      if (value.algo !== "sha256" || typeof value.oid !== "string" || !/^[0-9a-f]{64}$/.test(value.oid))
        throw badRequest(`${path}: an LFS file needs "algo": "sha256" and its oid.`);
      const size = value.size === undefined ? undefined : Number(value.size);
      operations.push({ kind: "addLfs", path, sha256: value.oid, size });
    } else if (entry.key === "deletedFile") {
      operations.push({ kind: "delete", path });
    } else if (entry.key === "deletedFolder") {
      operations.push({ kind: "deleteFolder", path: path.replace(/\/+$/, "") });
    } else {
      throw badRequest(`Unknown commit line "${String(entry.key)}".`);
    }
  }
  if (!header) throw badRequest("The commit body needs a header line first.");
  return { header, operations };
}
