/**
 * Discussions and pull requests, as Python's `huggingface_hub` has them: `getRepoDiscussions` (async
 * iteration over the pages, filtered by author, type and status), `getDiscussionDetails` (events, and
 * for pull requests the target branch, merge commit, conflicting files and diff), `createDiscussion`,
 * `createPullRequest`, `commentDiscussion`, `editDiscussionComment`, `hideDiscussionComment`,
 * `renameDiscussion`, `changeDiscussionStatus` and `mergePullRequest`. Dates become `Date`s; an author
 * the Hub no longer knows is "deleted", as in Python.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { type HubCallOptions, hubGetJson, hubPostJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

export type DiscussionStatus = "open" | "closed" | "merged" | "draft";

export interface DiscussionEvent {
  id: string;
  type: string;
  createdAt: Date;
  author: string;
  /** Comments: the text, and whether it was edited or hidden. */
  content?: string;
  edited?: boolean;
  hidden?: boolean;
  /** Status changes. */
  newStatus?: DiscussionStatus;
  /** Commits. */
  oid?: string;
  summary?: string;
  /** Title changes. */
  oldTitle?: string;
  newTitle?: string;
  /** The event as the Hub sent it. */
  raw: Record<string, unknown>;
}

export interface Discussion {
  num: number;
  title: string;
  status: DiscussionStatus;
  author: string;
  isPullRequest: boolean;
  createdAt: Date;
  repoId: string;
  repoType: RepoType;
  /** `refs/pr/{num}` for a pull request. */
  gitReference?: string;
}

export interface DiscussionWithDetails extends Discussion {
  events: DiscussionEvent[];
  /** Pull requests: the branch they target, their merge commit once merged, and conflicting files. */
  targetBranch?: string;
  mergeCommitOid?: string;
  conflictingFiles?: string[] | true;
  diff?: string;
}

interface RepoCall extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
}

interface RawDiscussion {
  num: number;
  title: string;
  status: DiscussionStatus;
  author?: { name?: string };
  isPullRequest: boolean;
  createdAt: string;
  repo?: { name?: string; type?: RepoType };
  events?: Array<Record<string, unknown>>;
  changes?: { base?: string; mergeCommitId?: string };
  filesWithConflicts?: string[] | true;
  diff?: string;
}

function base(options: RepoCall): string {
  return `/api/${options.repoType ?? "model"}s/${options.repoId}/discussions`;
}

function checkNum(num: number): number {
  if (!Number.isInteger(num) || num < 1) throw new InvalidArgumentError(`${num} is not a discussion number.`);
  return num;
}

function authorOf(value: unknown): string {
  return (value as { name?: string } | undefined)?.name ?? "deleted";
}

export function eventOf(raw: Record<string, unknown>): DiscussionEvent {
  const data = (raw.data ?? {}) as Record<string, unknown>;
  const event: DiscussionEvent = {
    id: String(raw.id),
    type: String(raw.type),
    createdAt: new Date(String(raw.createdAt)),
    author: authorOf(raw.author),
    raw,
  };
  switch (event.type) {
    case "comment":
      return {
        ...event,
        content: String((data.latest as { raw?: string } | undefined)?.raw ?? ""),
        edited: data.edited === true,
        hidden: data.hidden === true,
      };
    case "status-change":
      return { ...event, newStatus: data.status as DiscussionStatus };
    case "commit":
      return { ...event, oid: String(data.oid), summary: String(data.subject) };
    case "title-change":
      return { ...event, oldTitle: String(data.from), newTitle: String(data.to) };
    default:
      return event;
  }
}

function discussionOf(raw: RawDiscussion, options: RepoCall): Discussion {
  return {
    num: raw.num,
    title: raw.title,
    status: raw.status,
    author: authorOf(raw.author),
    isPullRequest: raw.isPullRequest,
    createdAt: new Date(raw.createdAt),
    repoId: raw.repo?.name ?? options.repoId,
    repoType: raw.repo?.type ?? options.repoType ?? "model",
    ...(raw.isPullRequest && { gitReference: `refs/pr/${raw.num}` }),
  };
}

/** A repo's discussions, newest first, page after page. */
export async function* getRepoDiscussions(
  options: RepoCall & {
    author?: string;
    discussionType?: "all" | "discussion" | "pull_request";
    discussionStatus?: "all" | "open" | "closed";
  },
): AsyncIterable<Discussion> {
  for (let page = 0; ; page++) {
    const query = new URLSearchParams({ p: String(page) });
    if (options.author) query.set("author", options.author);
    if (options.discussionType) query.set("type", options.discussionType);
    if (options.discussionStatus) query.set("status", options.discussionStatus);
    const answer = await hubGetJson<{ discussions: RawDiscussion[]; count: number; start: number }>(
      `${base(options)}?${query}`,
      options,
    );
    for (const raw of answer.discussions) yield discussionOf(raw, options);
    if (answer.discussions.length === 0 || answer.start + answer.discussions.length >= answer.count) return;
  }
}

export async function getDiscussionDetails(
  options: RepoCall & { discussionNum: number },
): Promise<DiscussionWithDetails> {
  const raw = await hubGetJson<RawDiscussion>(
    `${base(options)}/${checkNum(options.discussionNum)}?diff=1`,
    options,
  );
  return {
    ...discussionOf(raw, options),
    events: (raw.events ?? []).map(eventOf),
    ...(raw.isPullRequest && {
      targetBranch: raw.changes?.base,
      mergeCommitOid: raw.changes?.mergeCommitId,
      conflictingFiles: raw.filesWithConflicts,
      diff: raw.diff,
    }),
  };
}

export async function createDiscussion(
  options: RepoCall & { title: string; description?: string; pullRequest?: boolean },
): Promise<DiscussionWithDetails> {
  const kind = options.pullRequest ? "Pull Request" : "Discussion";
  const created = await hubPostJson<{ num: number }>(
    base(options),
    {
      title: options.title.trim(),
      description: options.description?.trim() || `${kind} opened with wharf.`,
      pullRequest: options.pullRequest === true,
    },
    options,
  );
  return getDiscussionDetails({ ...options, discussionNum: created.num });
}

/** A pull request with no commits yet (a draft): push commits to its `gitReference`, then open it. */
export function createPullRequest(
  options: RepoCall & { title: string; description?: string },
): Promise<DiscussionWithDetails> {
  return createDiscussion({ ...options, pullRequest: true });
}

async function post<T>(
  options: RepoCall & { discussionNum: number },
  resource: string,
  body: unknown,
): Promise<T> {
  return hubPostJson<T>(`${base(options)}/${checkNum(options.discussionNum)}/${resource}`, body, options);
}

export async function commentDiscussion(
  options: RepoCall & { discussionNum: number; comment: string },
): Promise<DiscussionEvent> {
  return eventOf(
    (await post<{ newMessage: Record<string, unknown> }>(options, "comment", { comment: options.comment }))
      .newMessage,
  );
}

export async function editDiscussionComment(
  options: RepoCall & { discussionNum: number; commentId: string; newContent: string },
): Promise<DiscussionEvent> {
  const answer = await post<{ updatedComment: Record<string, unknown> }>(
    options,
    `comment/${options.commentId.toLowerCase()}/edit`,
    { content: options.newContent },
  );
  return eventOf(answer.updatedComment);
}

/** Hides a comment for good (the repo's writers only). */
export async function hideDiscussionComment(
  options: RepoCall & { discussionNum: number; commentId: string },
): Promise<DiscussionEvent> {
  const answer = await post<{ updatedComment: Record<string, unknown> }>(
    options,
    `comment/${options.commentId.toLowerCase()}/hide`,
    {},
  );
  return eventOf(answer.updatedComment);
}

export async function renameDiscussion(
  options: RepoCall & { discussionNum: number; newTitle: string },
): Promise<DiscussionEvent> {
  return eventOf(
    (await post<{ newTitle: Record<string, unknown> }>(options, "title", { title: options.newTitle }))
      .newTitle,
  );
}

export async function changeDiscussionStatus(
  options: RepoCall & { discussionNum: number; newStatus: "open" | "closed"; comment?: string },
): Promise<DiscussionEvent> {
  if (options.newStatus !== "open" && options.newStatus !== "closed")
    throw new InvalidArgumentError(
      `A discussion's status can be set to "open" or "closed", not ${JSON.stringify(options.newStatus)}.`,
    );
  const body = {
    status: options.newStatus,
    ...(options.comment?.trim() && { comment: options.comment.trim() }),
  };
  return eventOf((await post<{ newStatus: Record<string, unknown> }>(options, "status", body)).newStatus);
}

/** Merges a pull request into the branch it targets (the repo's writers only). */
export async function mergePullRequest(
  options: RepoCall & { discussionNum: number; comment?: string },
): Promise<void> {
  await post<unknown>(options, "merge", options.comment?.trim() ? { comment: options.comment.trim() } : {});
}
