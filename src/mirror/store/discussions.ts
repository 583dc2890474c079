/**
 * Discussions and pull requests of a store's repos, one JSON object each
 * (`repos/{type}s/{ns}/{name}/discussions/{num}.json`): title, status, author, and the events the Hub
 * shows (comments, status changes, commits, title changes). A number is claimed by creating its object
 * only if it does not exist, and every change is a compare-and-swap of the whole object, so servers
 * sharing a store never give two discussions one number nor lose an event. A pull request's commits go
 * on its own ref, `refs/pr/{num}`, started from the head of the branch it targets.
 */
import { randomBytes } from "node:crypto";
import type { DiscussionStatus } from "../../hub/discussions.js";
import type { RepoId } from "../../hub/repo-id.js";
import { NotInStoreError } from "../errors.js";
import { discussionKey, repoPrefix } from "./keys.js";
import type { RepoStore } from "./repo-store.js";

interface EventBase {
  /** A 24-hex id, as the Hub's. */
  id: string;
  createdAt: string;
  author: string;
}

export type DiscussionEvent =
  | (EventBase & {
      type: "comment";
      data: {
        raw: string;
        edited: boolean;
        hidden: boolean;
        numEdits: number;
        editors: string[];
        updatedAt: string;
      };
    })
  | (EventBase & { type: "status-change"; data: { status: DiscussionStatus } })
  | (EventBase & { type: "commit"; data: { oid: string; subject: string } })
  | (EventBase & { type: "title-change"; data: { from: string; to: string } });

export interface Discussion {
  num: number;
  title: string;
  status: DiscussionStatus;
  author: string;
  isPullRequest: boolean;
  createdAt: string;
  events: DiscussionEvent[];
  /** Pull requests: the branch they target (`refs/heads/main`), the commit they started from, and once merged the merge commit. */
  target?: string;
  baseCommit?: string;
  mergeCommitId?: string;
}

function eventId(): string {
  return randomBytes(12).toString("hex");
}

export function commentEvent(author: string, raw: string): DiscussionEvent {
  const now = new Date().toISOString();
  return {
    id: eventId(),
    type: "comment",
    createdAt: now,
    author,
    data: { raw, edited: false, hidden: false, numEdits: 0, editors: [], updatedAt: now },
  };
}

export function statusEvent(author: string, status: DiscussionStatus): DiscussionEvent {
  return {
    id: eventId(),
    type: "status-change",
    createdAt: new Date().toISOString(),
    author,
    data: { status },
  };
}

export function commitEvent(author: string, oid: string, subject: string): DiscussionEvent {
  return {
    id: eventId(),
    type: "commit",
    createdAt: new Date().toISOString(),
    author,
    data: { oid, subject },
  };
}

export function titleEvent(author: string, from: string, to: string): DiscussionEvent {
  return {
    id: eventId(),
    type: "title-change",
    createdAt: new Date().toISOString(),
    author,
    data: { from, to },
  };
}

export class DiscussionStore {
  constructor(private readonly store: RepoStore) {}

  async get(repo: RepoId, num: number): Promise<Discussion | undefined> {
    const bytes = await this.store.objects.readBytes(discussionKey(repo, num));
    return bytes ? (JSON.parse(bytes.toString("utf8")) as Discussion) : undefined;
  }

  /** Every discussion of the repo, newest first. */
  async list(repo: RepoId): Promise<Discussion[]> {
    const prefix = `${repoPrefix(repo)}discussions/`;
    const found: Discussion[] = [];
    for await (const object of this.store.objects.list(prefix)) {
      const num = Number(object.key.slice(prefix.length, -".json".length));
      if (!Number.isInteger(num) || num < 1) continue;
      const discussion = await this.get(repo, num);
      if (discussion) found.push(discussion);
    }
    return found.sort((a, b) => b.num - a.num);
  }

  /** Creates a discussion under the next free number (claimed by a create-if-absent). */
  async create(repo: RepoId, fields: Omit<Discussion, "num">): Promise<Discussion> {
    let num =
      (await this.list(repo)).reduce((highest, discussion) => Math.max(highest, discussion.num), 0) + 1;
    for (;;) {
      const discussion: Discussion = { num, ...fields };
      if (
        await this.store.objects.compareAndSwap(
          discussionKey(repo, num),
          undefined,
          JSON.stringify(discussion),
        )
      )
        return discussion;
      num++;
    }
  }

  /** Applies `change` to the stored discussion, again on a fresh copy whenever another writer got there first. */
  async update(
    repo: RepoId,
    num: number,
    change: (discussion: Discussion) => Discussion,
  ): Promise<Discussion> {
    const key = discussionKey(repo, num);
    for (;;) {
      const text = (await this.store.objects.readBytes(key))?.toString("utf8");
      if (text === undefined)
        throw new NotInStoreError(`${repo.namespace}/${repo.name} has no discussion #${num}.`);
      const next = change(JSON.parse(text) as Discussion);
      if (await this.store.objects.compareAndSwap(key, text, JSON.stringify(next))) return next;
    }
  }
}
