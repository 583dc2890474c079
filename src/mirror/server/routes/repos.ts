/**
 * Repo management, as the Hub's API: `POST /api/repos/create` (409 when the repo exists; its first
 * commit holds the default `.gitattributes` and any initial `files`), `DELETE /api/repos/delete`, `POST /api/repos/move`, and
 * `PUT /api/{type}s/{id}/settings` (`private`, `gated`). Each needs a write token of the namespaces
 * involved; the body names the repo as Python (`name` + `organization`) or JS sends it.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { isRepoType, isValidIdPart, type RepoId, repoIdString, repoUrlPrefix } from "../../../hub/repo-id.js";
import { commitOperations } from "../../commit-operations.js";
import { AlreadyInStoreError } from "../../errors.js";
import { defaultGitattributes } from "../../store/lfs-rules.js";
import type { Gated } from "../../store/repo-store.js";
import { absoluteUrl, callerOf, openRepoForWrite, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest, HubHttpError } from "../hub-error.js";

interface RepoBody {
  name?: unknown;
  organization?: unknown;
  type?: unknown;
  private?: unknown;
  visibility?: unknown;
  gated?: unknown;
  files?: unknown;
}

/** The repo a management body names: `name` ("ns/name" or "name") and `organization`, of `type`. */
function repoFromBody(body: RepoBody, defaultNamespace: string | undefined): RepoId {
  const type = body.type === undefined ? "model" : body.type;
  if (typeof type !== "string" || !isRepoType(type))
    throw badRequest("`type` must be model, dataset or space.");
  if (typeof body.name !== "string") throw badRequest("The body needs the repo's `name`.");
  const [first, second] = body.name.split("/");
  const namespace =
    second !== undefined
      ? first
      : typeof body.organization === "string"
        ? body.organization
        : defaultNamespace;
  const name = second ?? first;
  if (!namespace || !name || !isValidIdPart(namespace) || !isValidIdPart(name))
    throw badRequest(
      `"${String(body.name)}" is not a repo name (letters, digits, "-", "_", "."; at most 96).`,
    );
  return { type, namespace, name };
}

function repoIdOf(text: unknown, type: RepoId["type"]): RepoId {
  const [namespace, name, extra] = typeof text === "string" ? text.split("/") : [];
  if (!namespace || !name || extra !== undefined || !isValidIdPart(namespace) || !isValidIdPart(name))
    throw badRequest(`"${String(text)}" is not a repo id (namespace/name).`);
  return { type, namespace, name };
}

export function registerRepoRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post("/api/repos/create", async (request: FastifyRequest<{ Body: RepoBody }>, reply) => {
    const caller = callerOf(deps, request);
    const body = request.body ?? {};
    const repo = repoFromBody(body, caller?.user);
    deps.access.assertCanWriteIn(repo.namespace, caller);
    const url = absoluteUrl(deps, request, `/${repoUrlPrefix(repo.type)}${repoIdString(repo)}`);
    const isPrivate = body.private === true || body.visibility === "private";
    let record: Awaited<ReturnType<typeof deps.store.createRepo>>;
    try {
      record = await deps.store.createRepo(repo, { private: isPrivate });
    } catch (error) {
      if (!(error instanceof AlreadyInStoreError)) throw error;
      reply.code(409);
      return { error: `You already created this ${repo.type} repo`, url };
    }
    // As on the Hub, a new repo starts with one commit: the default `.gitattributes`, and any initial files.
    const files = Array.isArray(body.files) ? body.files : [];
    const operations = files.map((file: { path?: unknown; content?: unknown }) => {
      if (typeof file?.path !== "string" || typeof file.content !== "string")
        throw badRequest("Each initial file needs a `path` and base64 `content`.");
      return { kind: "add" as const, path: file.path, content: Buffer.from(file.content, "base64") };
    });
    await commitOperations(
      deps.store,
      repo,
      [
        { kind: "add", path: ".gitattributes", content: Buffer.from(defaultGitattributes(repo.type)) },
        ...operations,
      ],
      { title: "initial commit", author: caller?.user ?? "wharf" },
    );
    return { url, name: repoIdString(repo), id: record.objectId };
  });

  app.delete("/api/repos/delete", async (request: FastifyRequest<{ Body: RepoBody }>) => {
    const caller = callerOf(deps, request);
    const repo = repoFromBody(request.body ?? {}, caller?.user);
    await openRepoForWrite(deps, request, repo.type, repo.namespace, repo.name);
    await deps.store.deleteRepo(repo);
    return {};
  });

  app.post(
    "/api/repos/move",
    async (request: FastifyRequest<{ Body: { fromRepo?: unknown; toRepo?: unknown; type?: unknown } }>) => {
      const caller = callerOf(deps, request);
      const body = request.body ?? {};
      const type = body.type === undefined ? "model" : body.type;
      if (typeof type !== "string" || !isRepoType(type))
        throw badRequest("`type` must be model, dataset or space.");
      const from = repoIdOf(body.fromRepo, type);
      const to = repoIdOf(body.toRepo, type);
      await openRepoForWrite(deps, request, type, from.namespace, from.name);
      deps.access.assertCanWriteIn(to.namespace, caller);
      try {
        await deps.store.moveRepo(from, to);
      } catch (error) {
        if (error instanceof AlreadyInStoreError) throw new HubHttpError(409, error.message);
        throw error;
      }
      return {};
    },
  );

  app.put(
    "/api/:kind/:namespace/:name/settings",
    async (
      request: FastifyRequest<{ Params: { kind: string; namespace: string; name: string }; Body: RepoBody }>,
    ) => {
      const { kind, namespace, name } = request.params;
      const open = await openRepoForWrite(deps, request, typeFromPlural(kind), namespace, name);
      const body = request.body ?? {};
      const changes: { private?: boolean; gated?: Gated } = {};
      if (body.private !== undefined) {
        if (typeof body.private !== "boolean") throw badRequest("`private` must be true or false.");
        changes.private = body.private;
      }
      if (body.gated !== undefined) {
        if (body.gated !== false && body.gated !== "auto" && body.gated !== "manual")
          throw badRequest('`gated` must be false, "auto" or "manual".');
        changes.gated = body.gated;
      }
      const record = await deps.store.updateRepo(open.repo, changes);
      return { private: record.private, gated: record.gated };
    },
  );
}
