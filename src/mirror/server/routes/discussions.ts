/**
 * Discussions and pull requests, as the Hub answers `huggingface_hub`'s community functions:
 * `GET .../discussions` (50 a page, `p`, filters `type`, `status`, `author`), `GET .../discussions/{num}`
 * (events; for pull requests `changes.base`, `mergeCommitId`, `filesWithConflicts` and with `diff=1` a
 * git diff), `POST .../discussions` (`{title, description, pullRequest}`), and per discussion `comment`,
 * `comment/{id}/edit`, `comment/{id}/hide`, `title`, `status` and `merge`.
 *
 * Who may do what: anyone who may read the repo reads its discussions; a signed-in reader opens and
 * comments; the author of a discussion, or of a comment, and the repo's writers change them; only
 * writers merge and hide.
 */

import { createTwoFilesPatch } from "diff";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { InvalidArgumentError } from "../../../core/errors.js";
import { repoIdString, repoUrlPrefix } from "../../../hub/repo-id.js";
import { MergeConflictError, mergePullRequest } from "../../merge-pull-request.js";
import type { StoredFile } from "../../store/commit.js";
import {
  commentEvent,
  type Discussion,
  type DiscussionEvent,
  DiscussionStore,
  statusEvent,
  titleEvent,
} from "../../store/discussions.js";
import { DEFAULT_BRANCH, type RepoStore } from "../../store/repo-store.js";
import { type OpenRepo, openRepo, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest, HubHttpError } from "../hub-error.js";

const PAGE_SIZE = 50;
/** Text files up to this size get a line diff; larger ones and LFS files are "Binary files differ". */
const DIFF_TEXT_LIMIT = 1 << 20;

interface Params {
  kind: string;
  namespace: string;
  name: string;
  num: string;
  id: string;
}

type Request = FastifyRequest<{
  Params: Params;
  Querystring: Record<string, string>;
  Body: Record<string, unknown> | undefined;
}>;

function open(deps: ServerDeps, request: Request): Promise<OpenRepo> {
  const { kind, namespace, name } = request.params;
  return openRepo(deps, request, typeFromPlural(kind), namespace, name);
}

function signedIn(opened: OpenRepo): string {
  if (!opened.caller)
    throw new HubHttpError(401, "You must be authenticated to take part in discussions.", "Unauthorized");
  return opened.caller.user;
}

function canWrite(deps: ServerDeps, opened: OpenRepo): boolean {
  try {
    deps.access.assertCanWrite(opened.record, opened.caller);
    return true;
  } catch {
    return false;
  }
}

/** The signed-in caller, when they wrote `authoredBy` (undefined: writers only) or may write to the repo; else 403. */
function authorOrWriter(
  deps: ServerDeps,
  opened: OpenRepo,
  authoredBy: string | undefined,
  what: string,
): string {
  const user = signedIn(opened);
  if (user !== authoredBy && !canWrite(deps, opened))
    throw new HubHttpError(
      403,
      `Only ${authoredBy === undefined ? "" : "its author or "}the repo's writers may ${what}.`,
      "Forbidden",
    );
  return user;
}

function numberOf(request: Request): number {
  const num = Number(request.params.num);
  if (!Number.isInteger(num) || num < 1)
    throw badRequest(`${request.params.num} is not a discussion number.`);
  return num;
}

function text(body: Record<string, unknown> | undefined, field: string, what: string): string {
  const value = body?.[field];
  if (typeof value !== "string" || value.trim() === "")
    throw badRequest(`The body needs a non-empty "${field}" (${what}).`);
  return value;
}

/** An event as the Hub writes it (comments carry their text under `data.latest`). */
export function eventJson(event: DiscussionEvent): Record<string, unknown> {
  const base = { id: event.id, type: event.type, createdAt: event.createdAt, author: { name: event.author } };
  if (event.type !== "comment") return { ...base, data: event.data };
  const { raw, updatedAt, ...rest } = event.data;
  return {
    ...base,
    data: { ...rest, latest: { raw, html: raw, updatedAt, author: { name: event.author } } },
  };
}

function summaryJson(opened: OpenRepo, discussion: Discussion): Record<string, unknown> {
  return {
    num: discussion.num,
    title: discussion.title,
    status: discussion.status,
    author: { name: discussion.author },
    createdAt: discussion.createdAt,
    isPullRequest: discussion.isPullRequest,
    pinned: false,
    repo: { name: repoIdString(opened.repo), type: opened.repo.type },
  };
}

async function detailsJson(deps: ServerDeps, opened: OpenRepo, discussion: Discussion, withDiff: boolean) {
  const details: Record<string, unknown> = {
    ...summaryJson(opened, discussion),
    events: discussion.events.map(eventJson),
  };
  if (!discussion.isPullRequest) return details;
  details.changes = {
    base: discussion.target ?? `refs/heads/${DEFAULT_BRANCH}`,
    ...(discussion.mergeCommitId && { mergeCommitId: discussion.mergeCommitId }),
  };
  details.filesWithConflicts = [];
  if (withDiff) details.diff = await pullRequestDiff(deps.store, opened, discussion);
  return details;
}

/** A git diff of the pull request's head against the commit it started from. */
async function pullRequestDiff(store: RepoStore, opened: OpenRepo, discussion: Discussion): Promise<string> {
  const head = await store.readRef(opened.repo, "pr", String(discussion.num));
  const after = head ? ((await store.getCommit(opened.repo, head))?.files ?? {}) : {};
  const before = discussion.baseCommit
    ? ((await store.getCommit(opened.repo, discussion.baseCommit))?.files ?? {})
    : {};
  const content = async (file: StoredFile | undefined) =>
    file === undefined ? "" : ((await store.readBlobBytes(file.sha256))?.toString("utf8") ?? "");
  const parts: string[] = [];
  for (const path of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const [old, now] = [before[path], after[path]];
    if (old?.sha256 === now?.sha256) continue;
    const binary = [old, now].some((file) => file && (file.lfs || file.size > DIFF_TEXT_LIMIT));
    const header = `diff --git a/${path} b/${path}\n${old ? "" : "new file mode 100644\n"}${now ? "" : "deleted file mode 100644\n"}`;
    if (binary) {
      parts.push(
        `${header}Binary files ${old ? `a/${path}` : "/dev/null"} and ${now ? `b/${path}` : "/dev/null"} differ\n`,
      );
      continue;
    }
    const patch = createTwoFilesPatch(
      old ? `a/${path}` : "/dev/null",
      now ? `b/${path}` : "/dev/null",
      await content(old),
      await content(now),
    );
    parts.push(`${header}${patch.split("\n").slice(1).join("\n")}`);
  }
  return parts.join("");
}

export function registerDiscussionRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const discussions = new DiscussionStore(deps.store);
  const base = "/api/:kind/:namespace/:name/discussions";

  const find = async (opened: OpenRepo, num: number): Promise<Discussion> => {
    const discussion = await discussions.get(opened.repo, num);
    if (!discussion) throw new HubHttpError(404, `Discussion #${num} does not exist.`, "EntryNotFound");
    return discussion;
  };

  app.get(base, async (request: Request) => {
    const opened = await open(deps, request);
    const { type = "all", status = "all", author } = request.query;
    const page = Math.max(0, Number(request.query.p ?? 0) || 0);
    const matching = (await discussions.list(opened.repo)).filter(
      (discussion) =>
        (type === "all" || (type === "pull_request") === discussion.isPullRequest) &&
        (status === "all" ||
          (status === "open" ? ["open", "draft"] : ["closed", "merged"]).includes(discussion.status)) &&
        (author === undefined || discussion.author === author),
    );
    const start = page * PAGE_SIZE;
    return {
      discussions: matching
        .slice(start, start + PAGE_SIZE)
        .map((discussion) => summaryJson(opened, discussion)),
      count: matching.length,
      start,
      numItemsPerPage: PAGE_SIZE,
    };
  });

  app.get(`${base}/:num`, async (request: Request) => {
    const opened = await open(deps, request);
    return detailsJson(deps, opened, await find(opened, numberOf(request)), request.query.diff === "1");
  });

  app.post(base, async (request: Request) => {
    const opened = await open(deps, request);
    const user = signedIn(opened);
    const title = text(request.body, "title", "the discussion's title").trim();
    if (title.length < 3 || title.length > 200) throw badRequest("A title has 3 to 200 characters.");
    const description = typeof request.body?.description === "string" ? request.body.description : "";
    const isPullRequest = request.body?.pullRequest === true;
    const discussion = await openDiscussion(
      deps.store,
      discussions,
      opened,
      user,
      title,
      description,
      isPullRequest,
    );
    return detailsJson(deps, opened, discussion, false);
  });

  app.post(`${base}/:num/comment`, async (request: Request) => {
    const opened = await open(deps, request);
    const user = signedIn(opened);
    const comment = commentEvent(user, text(request.body, "comment", "the comment"));
    await discussions.update(opened.repo, numberOf(request), (current) => ({
      ...current,
      events: [...current.events, comment],
    }));
    return { newMessage: eventJson(comment) };
  });

  for (const action of ["edit", "hide"] as const) {
    app.post(`${base}/:num/comment/:id/${action}`, async (request: Request) => {
      const opened = await open(deps, request);
      const num = numberOf(request);
      const id = request.params.id.toLowerCase();
      const comment = (await find(opened, num)).events.find(
        (event) => event.id === id && event.type === "comment",
      );
      if (comment?.type !== "comment")
        throw new HubHttpError(404, `Discussion #${num} has no comment ${id}.`, "EntryNotFound");
      const user =
        action === "hide"
          ? authorOrWriter(deps, opened, undefined, "hide a comment")
          : authorOrWriter(deps, opened, comment.author, "edit a comment");
      const content = action === "edit" ? text(request.body, "content", "the comment's new text") : undefined;
      let updated: DiscussionEvent | undefined;
      await discussions.update(opened.repo, num, (current) => ({
        ...current,
        events: current.events.map((event) => {
          if (event.id !== id || event.type !== "comment") return event;
          const data =
            content === undefined
              ? { ...event.data, hidden: true }
              : {
                  ...event.data,
                  raw: content,
                  edited: true,
                  numEdits: event.data.numEdits + 1,
                  editors: [...new Set([...event.data.editors, user])],
                  updatedAt: new Date().toISOString(),
                };
          updated = { ...event, data };
          return updated;
        }),
      }));
      return { updatedComment: eventJson(updated as DiscussionEvent) };
    });
  }

  app.post(`${base}/:num/title`, async (request: Request) => {
    const opened = await open(deps, request);
    const num = numberOf(request);
    const user = authorOrWriter(deps, opened, (await find(opened, num)).author, "rename a discussion");
    const title = text(request.body, "title", "the new title").trim();
    let event: DiscussionEvent | undefined;
    await discussions.update(opened.repo, num, (current) => {
      event = titleEvent(user, current.title, title);
      return { ...current, title, events: [...current.events, event] };
    });
    return { newTitle: eventJson(event as DiscussionEvent) };
  });

  app.post(`${base}/:num/status`, async (request: Request) => {
    const opened = await open(deps, request);
    const num = numberOf(request);
    const user = authorOrWriter(deps, opened, (await find(opened, num)).author, "open or close a discussion");
    const status = request.body?.status;
    if (status !== "open" && status !== "closed") throw badRequest('"status" must be "open" or "closed".');
    const event = statusEvent(user, status);
    const comment =
      typeof request.body?.comment === "string" && request.body.comment.trim() !== ""
        ? commentEvent(user, request.body.comment.trim())
        : undefined;
    await discussions.update(opened.repo, num, (current) => {
      if (current.status === "merged") throw badRequest(`#${num} is merged; its status cannot change.`);
      return { ...current, status, events: [...current.events, ...(comment ? [comment] : []), event] };
    });
    return { newStatus: eventJson(event) };
  });

  app.post(`${base}/:num/merge`, async (request: Request) => {
    const opened = await open(deps, request);
    deps.access.assertCanWrite(opened.record, opened.caller);
    const user = opened.caller?.user as string;
    const num = numberOf(request);
    await find(opened, num);
    const comment = typeof request.body?.comment === "string" ? request.body.comment : undefined;
    try {
      const merged = await mergePullRequest(deps.store, opened.repo, num, user, comment);
      return detailsJson(deps, opened, merged, false);
    } catch (error) {
      if (error instanceof MergeConflictError) throw new HubHttpError(409, error.message, "Conflict");
      if (error instanceof InvalidArgumentError) throw badRequest(error.message);
      throw error;
    }
  });
}

/**
 * A new discussion; a pull request also gets its ref, `refs/pr/{num}`, at the head of the default
 * branch, and starts as a draft (a commit with `create_pr` opens it directly).
 */
export async function openDiscussion(
  store: RepoStore,
  discussions: DiscussionStore,
  opened: OpenRepo,
  user: string,
  title: string,
  description: string,
  isPullRequest: boolean,
  status: Discussion["status"] = isPullRequest ? "draft" : "open",
  target = DEFAULT_BRANCH,
  /** The target's head the pull request starts from, when the caller has read it already. */
  base?: string,
): Promise<Discussion> {
  const baseCommit = isPullRequest
    ? (base ?? (await store.readRef(opened.repo, "heads", target, { fresh: true })))
    : undefined;
  const discussion = await discussions.create(opened.repo, {
    title,
    status,
    author: user,
    isPullRequest,
    createdAt: new Date().toISOString(),
    events: description.trim() === "" ? [] : [commentEvent(user, description)],
    ...(isPullRequest && { target: `refs/heads/${target}`, ...(baseCommit && { baseCommit }) }),
  });
  if (isPullRequest && baseCommit)
    await store.setRef(opened.repo, "pr", String(discussion.num), undefined, baseCommit);
  return discussion;
}

/** `{endpoint}/{prefix}{id}/discussions/{num}`, the URL a pull request is known by. */
export function discussionPath(opened: OpenRepo, num: number): string {
  return `/${repoUrlPrefix(opened.repo.type)}${repoIdString(opened.repo)}/discussions/${num}`;
}
