/**
 * Repo info: `GET /api/{models|datasets|spaces}/{ns}/{name}` and `.../revision/{rev}`, with the fields
 * the Hub's clients read (`id`, `_id`, `sha`, `private`, `gated`, `lastModified`, `siblings`,
 * `cardData`, ...). `?blobs=true` adds each sibling's size, blob id and LFS facts. Every field is
 * always sent: `expand=` asks the Hub for a subset, and a superset serves those clients too.
 */

import type { FastifyInstance, FastifyRequest } from "fastify";
import { repoIdString } from "../../../hub/repo-id.js";
import { lfsPointerSize } from "../../store/commit.js";
import { LikeStore } from "../../store/likes.js";
import { cardDataOf, tagsOf } from "../card-data.js";
import { type OpenRepo, openRepo, openRevision, type ServerDeps, typeFromPlural } from "../context.js";

interface Params {
  kind: string;
  namespace: string;
  name: string;
  "*"?: string;
}

export function registerRepoInfoRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const handler = async (
    request: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>,
  ) => {
    const { kind, namespace, name } = request.params;
    const open = await openRepo(deps, request, typeFromPlural(kind), namespace, name);
    return repoInfo(deps, open, request.params["*"] || "HEAD", request.query.blobs === "true");
  };
  app.get("/api/:kind/:namespace/:name", handler);
  // The revision arrives percent-encoded whole; `*` also takes one sent with its slashes.
  app.get("/api/:kind/:namespace/:name/revision/*", handler);
}

async function repoInfo(deps: ServerDeps, open: OpenRepo, revision: string, blobs: boolean) {
  const { record, repo } = open;
  const view = await openRevision(deps, open, revision);
  const card = await cardDataOf(deps.store, view);
  const id = repoIdString(repo);
  const files = Object.entries(view.commit.files);
  const tags = tagsOf(card);
  return {
    _id: record.objectId,
    id,
    ...(repo.type === "model" && { modelId: id }),
    author: repo.namespace,
    sha: view.commit.id,
    lastModified: view.commit.date,
    createdAt: record.createdAt,
    private: record.private,
    gated: record.gated,
    disabled: false,
    downloads: 0,
    likes: await new LikeStore(deps.store).count(repo),
    tags,
    ...(typeof card?.pipeline_tag === "string" && { pipeline_tag: card.pipeline_tag }),
    ...(typeof card?.library_name === "string" && { library_name: card.library_name }),
    ...(card && { cardData: card }),
    siblings: files.map(([path, file]) =>
      blobs
        ? {
            rfilename: path,
            size: file.size,
            blobId: file.gitOid,
            ...(file.lfs && {
              lfs: {
                size: file.size,
                sha256: file.sha256,
                pointerSize: lfsPointerSize(file),
              },
            }),
          }
        : { rfilename: path },
    ),
    usedStorage: files.reduce((sum, [, file]) => sum + file.size, 0),
  };
}
