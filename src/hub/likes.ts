/**
 * Likes, as Python's `like`, `unlike`, `list_liked_repos` and `list_repo_likers`: `POST`/`DELETE
 * /api/{type}s/{id}/like`, `GET /api/users/{user}/likes` (paged) and `GET /api/{type}s/{id}/likers`
 * (paged). Without a user, `listLikedRepos` asks `whoami` who the token belongs to.
 */
import { type HubCallOptions, hubGetPages, hubSendJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";
import { whoami } from "./whoami.js";

interface RepoCall extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
}

export interface UserLikes {
  user: string;
  total: number;
  models: string[];
  datasets: string[];
  spaces: string[];
}

export interface Liker {
  username: string;
  fullname: string;
  avatarUrl: string;
}

function likePath(options: RepoCall): string {
  return `/api/${options.repoType ?? "model"}s/${options.repoId}/like`;
}

export async function like(options: RepoCall): Promise<void> {
  await hubSendJson("POST", likePath(options), {}, options);
}

export async function unlike(options: RepoCall): Promise<void> {
  await hubSendJson("DELETE", likePath(options), {}, options);
}

export async function listLikedRepos(options: HubCallOptions & { user?: string } = {}): Promise<UserLikes> {
  const user = options.user ?? (await whoami(options)).name;
  const likes: Array<{ repo: { name: string; type: RepoType } }> = [];
  for await (const item of hubGetPages<{ repo: { name: string; type: RepoType } }>(
    `/api/users/${user}/likes`,
    options,
  ))
    likes.push(item);
  const named = (type: RepoType) =>
    likes.filter((item) => item.repo.type === type).map((item) => item.repo.name);
  return {
    user,
    total: likes.length,
    models: named("model"),
    datasets: named("dataset"),
    spaces: named("space"),
  };
}

export async function* listRepoLikers(options: RepoCall): AsyncIterable<Liker> {
  const path = `/api/${options.repoType ?? "model"}s/${options.repoId}/likers`;
  for await (const liker of hubGetPages<{ user: string; fullname: string; avatarUrl: string }>(path, options))
    yield { username: liker.user, fullname: liker.fullname, avatarUrl: liker.avatarUrl };
}
