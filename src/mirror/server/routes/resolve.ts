/**
 * File downloads: `HEAD` and `GET` on `/{prefix}{ns}/{name}/resolve/{rev}/{path}` (the file's content)
 * and `/raw/` (the file as git stores it: the LFS pointer text for an LFS file). Answers carry what Hub
 * clients read: `X-Repo-Commit`, a quoted `ETag` (git blob id, or sha256 for LFS content),
 * `Content-Length`, `Accept-Ranges`; `Range` gets 206 with `Content-Range`, or 416. The path is looked
 * up in the commit's file map, never joined onto a disk path; the content comes from the blob (sent from
 * the file through reused buffers when the store is a folder, streamed otherwise).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { lfsPointerText } from "../../../core/hash.js";
import { type RepoType, repoUrlPrefix } from "../../../hub/repo-id.js";
import type { StoredFile } from "../../store/commit.js";
import { readRangeHeader } from "../byte-range.js";
import { cleanRepoPath, openRepo, openRevision, type ServerDeps } from "../context.js";
import { entryNotFound, HubHttpError } from "../hub-error.js";
import { sendFileRange } from "../send-file.js";

interface Params {
  namespace: string;
  name: string;
  revision: string;
  "*": string;
}

/** What a download serves: the blob's bytes, or the pointer text of an LFS file under `/raw/`. */
type Served = { etag: string; size: number } & ({ sha256: string } | { bytes: Buffer });

function served(file: StoredFile, raw: boolean): Served {
  if (raw && file.lfs) {
    const bytes = Buffer.from(lfsPointerText(file.sha256, file.size));
    return { etag: file.gitOid, size: bytes.length, bytes };
  }
  return { etag: file.lfs ? file.sha256 : file.gitOid, size: file.size, sha256: file.sha256 };
}

/** `inline; filename*=UTF-8''name; filename="name"`, as the Hub names a download. */
function contentDisposition(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `inline; filename*=UTF-8''${encodeURIComponent(name)}; filename="${ascii}";`;
}

export function registerResolveRoutes(app: FastifyInstance, deps: ServerDeps): void {
  for (const type of ["model", "dataset", "space"] as RepoType[]) {
    for (const kind of ["resolve", "raw"] as const) {
      app.route<{ Params: Params; Querystring: Record<string, string> }>({
        method: ["GET", "HEAD"],
        url: `/${repoUrlPrefix(type)}:namespace/:name/${kind}/:revision/*`,
        handler: (request, reply) => download(deps, type, kind === "raw", request, reply),
      });
    }
  }
}

async function download(
  deps: ServerDeps,
  type: RepoType,
  raw: boolean,
  request: FastifyRequest<{ Params: Params; Querystring: Record<string, string> }>,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const { namespace, name, revision } = request.params;
  const open = await openRepo(deps, request, type, namespace, name);
  const view = await openRevision(deps, open, revision);
  const path = cleanRepoPath(request.params["*"]);
  const file = view.tree.file(path);
  if (!file) throw entryNotFound(path, view.commit.id);

  const content = served(file, raw);
  reply.headers({
    "x-repo-commit": view.commit.id,
    etag: `"${content.etag}"`,
    "accept-ranges": "bytes",
    "content-type": "application/octet-stream",
    ...(request.query.noContentDisposition === undefined && {
      "content-disposition": contentDisposition(path),
    }),
  });

  const wanted = readRangeHeader(request.headers.range, content.size);
  if (wanted.kind === "unsatisfiable") {
    reply.header("content-range", `bytes */${content.size}`);
    throw new HubHttpError(416, `Range ${request.headers.range} is outside ${path} (${content.size} bytes).`);
  }
  const range = wanted.kind === "part" ? wanted.range : undefined;
  const length = range ? range.end - range.start + 1 : content.size;
  if (range) {
    reply.code(206);
    reply.header("content-range", `bytes ${range.start}-${range.end}/${content.size}`);
  } else if (content.size === 0 && request.headers.range !== undefined) {
    // @huggingface/hub probes with `Range: bytes=0-0` and reads the size from Content-Range alone.
    reply.header("content-range", "bytes */0");
  }
  reply.header("content-length", length);
  if (request.method === "HEAD") return reply.send();
  if ("bytes" in content) {
    return reply.send(range ? content.bytes.subarray(range.start, range.end + 1) : content.bytes);
  }
  if (length === 0) return reply.send(Buffer.alloc(0));
  const local = deps.store.blobPath(content.sha256);
  if (local) {
    await sendFileRange(reply, local, range?.start ?? 0, length).catch((error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") throw blobMissing(path);
      throw error;
    });
    return reply;
  }
  const stream = await deps.store.readBlob(content.sha256, range);
  if (!stream) throw blobMissing(path);
  return reply.send(stream);
}

function blobMissing(path: string): HubHttpError {
  return new HubHttpError(500, `The content of ${path} is missing from the store; import the repo again.`);
}
