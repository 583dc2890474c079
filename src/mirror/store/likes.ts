/**
 * Likes: who likes which repo, kept twice so each question is one listing: under the repo
 * (`repos/.../likes/{user}`, for its likers and its count) and under the user
 * (`users/{user}/likes/{type}s/{ns}/{name}`, for what they like). Each object holds the date of the
 * like; liking twice changes nothing.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { isValidIdPart, type RepoId, type RepoType } from "../../hub/repo-id.js";
import { repoPrefix } from "./keys.js";
import type { RepoStore } from "./repo-store.js";

export interface Like {
  user: string;
  repo: RepoId;
  createdAt: string;
}

function checkUser(user: string): string {
  if (!isValidIdPart(user)) throw new InvalidArgumentError(`${JSON.stringify(user)} is not a user name.`);
  return user;
}

function repoLikeKey(repo: RepoId, user: string): string {
  return `${repoPrefix(repo)}likes/${checkUser(user)}`;
}

function userLikeKey(user: string, repo: RepoId): string {
  return `users/${checkUser(user)}/likes/${repo.type}s/${repo.namespace}/${repo.name}`;
}

export class LikeStore {
  constructor(private readonly store: RepoStore) {}

  async like(repo: RepoId, user: string): Promise<void> {
    const body = JSON.stringify({ createdAt: new Date().toISOString() });
    // Create-if-absent: a second like keeps the first one's date.
    await this.store.objects.compareAndSwap(repoLikeKey(repo, user), undefined, body);
    await this.store.objects.compareAndSwap(userLikeKey(user, repo), undefined, body);
  }

  async unlike(repo: RepoId, user: string): Promise<void> {
    await this.store.objects.delete(userLikeKey(user, repo));
    await this.store.objects.delete(repoLikeKey(repo, user));
  }

  async likers(repo: RepoId): Promise<Like[]> {
    const prefix = `${repoPrefix(repo)}likes/`;
    const likes: Like[] = [];
    for await (const object of this.store.objects.list(prefix)) {
      const bytes = await this.store.objects.readBytes(object.key);
      if (!bytes) continue;
      likes.push({
        user: object.key.slice(prefix.length),
        repo,
        createdAt: JSON.parse(bytes.toString("utf8")).createdAt,
      });
    }
    return likes;
  }

  async count(repo: RepoId): Promise<number> {
    let count = 0;
    for await (const _ of this.store.objects.list(`${repoPrefix(repo)}likes/`)) count++;
    return count;
  }

  /** What a user likes, of repos that still exist. */
  async likedBy(user: string): Promise<Like[]> {
    const prefix = `users/${checkUser(user)}/likes/`;
    const likes: Like[] = [];
    for await (const object of this.store.objects.list(prefix)) {
      const [plural, namespace, name] = object.key.slice(prefix.length).split("/");
      const type = plural?.replace(/s$/, "") as RepoType;
      if (!namespace || !name) continue;
      const repo = { type, namespace, name };
      if (!(await this.store.getRepo(repo))) continue;
      const bytes = await this.store.objects.readBytes(object.key);
      if (bytes) likes.push({ user, repo, createdAt: JSON.parse(bytes.toString("utf8")).createdAt });
    }
    return likes;
  }
}
