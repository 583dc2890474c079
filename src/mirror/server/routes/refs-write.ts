/**
 * Branches and tags, written: `POST/DELETE /api/{type}s/{id}/branch/{branch}` (body `{startingPoint,
 * emptyBranch, overwrite}`) and `POST /api/{type}s/{id}/tag/{revision}` (body `{tag, message}`),
 * `DELETE .../tag/{tag}`. Refs move by compare-and-swap; a name that exists gets 409 unless
 * `overwrite`. Each needs a write token of the namespace.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { RefMovedError } from "../../errors.js";
import { isValidRefName, type RefKind } from "../../store/keys.js";
import { DEFAULT_BRANCH } from "../../store/repo-store.js";
import { type OpenRepo, openRepoForWrite, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest, HubHttpError, revisionNotFound } from "../hub-error.js";

interface Params {
  kind: string;
  namespace: string;
  name: string;
  "*": string;
}

type RefRequest = FastifyRequest<{ Params: Params; Body: Record<string, unknown> | undefined }>;

function openForWrite(deps: ServerDeps, request: RefRequest): Promise<OpenRepo> {
  const { kind, namespace, name } = request.params;
  return openRepoForWrite(deps, request, typeFromPlural(kind), namespace, name);
}

function checkName(name: unknown, what: string): string {
  if (typeof name !== "string" || !isValidRefName(name))
    throw badRequest(`"${String(name)}" is not a valid ${what} name.`);
  return name;
}

async function setRef(
  deps: ServerDeps,
  open: OpenRepo,
  kind: RefKind,
  name: string,
  expected: string | undefined,
  next: string | undefined,
) {
  try {
    await deps.store.setRef(open.repo, kind, name, expected, next);
  } catch (error) {
    if (error instanceof RefMovedError) throw new HubHttpError(409, error.message, "Conflict");
    throw error;
  }
}

export function registerRefWriteRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.post("/api/:kind/:namespace/:name/branch/*", async (request: RefRequest) => {
    const open = await openForWrite(deps, request);
    const branch = checkName(request.params["*"], "branch");
    const body = request.body ?? {};
    if (body.emptyBranch === true) {
      // A branch with no history: one commit of no files, made only if the name is free.
      const draft = {
        parents: [],
        author: open.caller?.user ?? "wharf",
        date: new Date().toISOString(),
        title: `Create empty branch ${branch}`,
        message: "",
        files: {},
      };
      try {
        return { name: branch, commit: (await deps.store.commit(open.repo, branch, draft, undefined)).id };
      } catch (error) {
        if (error instanceof RefMovedError) throw new HubHttpError(409, error.message, "Conflict");
        throw error;
      }
    }
    const start = typeof body.startingPoint === "string" ? body.startingPoint : DEFAULT_BRANCH;
    const target = await deps.store.resolveRevision(open.repo, start);
    if (!target) throw revisionNotFound(start);
    const current = await deps.store.readRef(open.repo, "heads", branch, { fresh: true });
    if (current !== undefined && body.overwrite !== true)
      throw new HubHttpError(409, `The branch ${branch} exists already.`, "Conflict");
    await setRef(deps, open, "heads", branch, current, target);
    return { name: branch, commit: target };
  });

  app.delete("/api/:kind/:namespace/:name/branch/*", (request: RefRequest) =>
    deleteRef(deps, request, "heads"),
  );

  app.post("/api/:kind/:namespace/:name/tag/*", async (request: RefRequest) => {
    const open = await openForWrite(deps, request);
    const revision = request.params["*"];
    const tag = checkName(request.body?.tag, "tag");
    const target = await deps.store.resolveRevision(open.repo, revision);
    if (!target) throw revisionNotFound(revision);
    if ((await deps.store.readRef(open.repo, "tags", tag, { fresh: true })) !== undefined)
      throw new HubHttpError(409, `The tag ${tag} exists already.`, "Conflict");
    await setRef(deps, open, "tags", tag, undefined, target);
    return { name: tag, commit: target };
  });

  app.delete("/api/:kind/:namespace/:name/tag/*", (request: RefRequest) => deleteRef(deps, request, "tags"));
}

/** Deletes the branch or tag the URL names (never the default branch). */
async function deleteRef(deps: ServerDeps, request: RefRequest, kind: RefKind): Promise<object> {
  const open = await openForWrite(deps, request);
  const name = checkName(request.params["*"], kind === "heads" ? "branch" : "tag");
  if (kind === "heads" && name === DEFAULT_BRANCH)
    throw badRequest(`The default branch ${DEFAULT_BRANCH} cannot be deleted.`);
  const current = await deps.store.readRef(open.repo, kind, name, { fresh: true });
  if (current === undefined) throw revisionNotFound(name);
  await setRef(deps, open, kind, name, current, undefined);
  return {};
}
