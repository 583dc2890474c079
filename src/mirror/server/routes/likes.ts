/**
 * Likes, as the Hub answers `huggingface_hub`: `POST`/`DELETE /api/{type}s/{id}/like` (a signed-in
 * reader likes or unlikes), `GET /api/{type}s/{id}/likers` (`[{user, fullname, avatarUrl}]`) and
 * `GET /api/users/{user}/likes` (`[{createdAt, repo: {name, type}}]`, only repos the caller may see).
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isValidIdPart, repoIdString } from "../../../hub/repo-id.js";
import { LikeStore } from "../../store/likes.js";
import { callerOf, type OpenRepo, openRepo, type ServerDeps, typeFromPlural } from "../context.js";
import { HubHttpError, repoNotFound } from "../hub-error.js";

interface Params {
  kind: string;
  namespace: string;
  name: string;
  user: string;
}

type Request = FastifyRequest<{ Params: Params }>;

function open(deps: ServerDeps, request: Request): Promise<OpenRepo> {
  const { kind, namespace, name } = request.params;
  return openRepo(deps, request, typeFromPlural(kind), namespace, name);
}

function signedIn(opened: OpenRepo): string {
  if (!opened.caller)
    throw new HubHttpError(401, "You must be authenticated to like a repo.", "Unauthorized");
  return opened.caller.user;
}

export function registerLikeRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const likes = new LikeStore(deps.store);

  app.post("/api/:kind/:namespace/:name/like", async (request: Request) => {
    const opened = await open(deps, request);
    await likes.like(opened.repo, signedIn(opened));
    return {};
  });

  app.delete("/api/:kind/:namespace/:name/like", async (request: Request) => {
    const opened = await open(deps, request);
    await likes.unlike(opened.repo, signedIn(opened));
    return {};
  });

  app.get("/api/:kind/:namespace/:name/likers", async (request: Request) => {
    const opened = await open(deps, request);
    return (await likes.likers(opened.repo)).map((like) => ({
      user: like.user,
      fullname: like.user,
      avatarUrl: "",
    }));
  });

  app.get("/api/users/:user/likes", async (request: Request) => {
    const caller = callerOf(deps, request);
    if (!isValidIdPart(request.params.user)) throw repoNotFound();
    const visible = [];
    for (const like of await likes.likedBy(request.params.user)) {
      const record = await deps.store.getRepo(like.repo);
      if (record && deps.access.canSee(record, caller))
        visible.push({
          createdAt: like.createdAt,
          repo: { name: repoIdString(like.repo), type: like.repo.type },
        });
    }
    return visible;
  });
}
