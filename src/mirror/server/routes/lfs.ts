/**
 * The LFS batch API, for the large files of a commit: `POST {prefix}{ns}/{name}.git/info/lfs/objects/batch`
 * answers, per object, nothing when the store has it already, else signed URLs (upload-signature.ts):
 * one to PUT the whole object (basic transfer), or, for an object over one part when the client offers
 * `multipart`, a URL per `PART_SIZE` part and a completion URL (the Hub's `chunk_size` header with
 * numbered part URLs); and a verify URL. Uploads are hashed as they arrive and stored only as a whole
 * whose sha256 and size are the ones signed for (lfs-uploads.ts); the commit that names the oid
 * (`lfsFile`) comes after.
 */
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { absoluteUrl, openRepoForWrite, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest, HubHttpError, repoNotFound } from "../hub-error.js";
import { completeParts, PART_SIZE, partCount, receivePart, receiveWhole } from "../lfs-uploads.js";

const LFS_JSON = "application/vnd.git-lfs+json";
const SHA256 = /^[0-9a-f]{64}$/;

interface BatchParams {
  kind?: string;
  namespace: string;
  repo: string;
}

interface BatchObject {
  oid: string;
  size: number;
}

export function registerLfsRoutes(app: FastifyInstance, deps: ServerDeps): void {
  app.addContentTypeParser(LFS_JSON, { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch {
      done(badRequest("The batch request is not JSON."), undefined);
    }
  });

  const batch = async (
    request: FastifyRequest<{ Params: BatchParams; Body: unknown }>,
    reply: { header(n: string, v: string): unknown },
  ) => {
    const { kind = "models", namespace, repo } = request.params;
    if (!repo.endsWith(".git")) throw repoNotFound();
    const type = typeFromPlural(kind);
    await openRepoForWrite(deps, request, type, namespace, repo.slice(0, -4));
    const body = request.body as { operation?: unknown; objects?: unknown; transfers?: unknown };
    const multipart = Array.isArray(body?.transfers) && body.transfers.includes("multipart");
    if (body?.operation !== "upload")
      throw badRequest("Only the upload operation is served here; download files from their resolve URLs.");
    if (!Array.isArray(body.objects)) throw badRequest("The batch request needs an `objects` list.");
    const objects: BatchObject[] = body.objects.map((object: { oid?: unknown; size?: unknown }) => {
      if (typeof object?.oid !== "string" || !SHA256.test(object.oid) || !Number.isSafeInteger(object.size))
        throw badRequest("Each object needs a sha256 `oid` and a `size`.");
      return { oid: object.oid, size: object.size as number };
    });
    reply.header("content-type", LFS_JSON);
    const url = (path: string, grant: string) => absoluteUrl(deps, request, `${path}?${grant}`);
    return {
      transfer: multipart ? "multipart" : "basic",
      hash_algo: "sha256",
      objects: await Promise.all(
        objects.map(async ({ oid, size }) => {
          if ((await deps.store.blobSize(oid)) === size) return { oid, size, authenticated: true };
          const grant = deps.signer.grant(oid, size);
          const parts = partCount(size);
          const upload =
            multipart && parts > 1
              ? {
                  href: url(`/_wharf/lfs/complete/${oid}`, grant),
                  header: Object.fromEntries([
                    ["chunk_size", String(PART_SIZE)],
                    ...Array.from({ length: parts }, (_, i) => [
                      String(i + 1).padStart(5, "0"),
                      url(`/_wharf/lfs/part/${oid}/${i + 1}`, grant),
                    ]),
                  ]),
                }
              : { href: url(`/_wharf/lfs/upload/${oid}`, grant) };
          return {
            oid,
            size,
            authenticated: true,
            actions: {
              upload: { ...upload, expires_in: 3600 },
              verify: { href: url(`/_wharf/lfs/verify/${oid}`, grant), expires_in: 3600 },
            },
          };
        }),
      ),
    };
  };
  app.post("/:namespace/:repo/info/lfs/objects/batch", batch);
  app.post("/:kind/:namespace/:repo/info/lfs/objects/batch", batch);

  const granted = (
    request: FastifyRequest<{ Params: { oid: string }; Querystring: Record<string, string> }>,
  ) => {
    const grant = deps.signer.check(request.params.oid, request.query);
    if (!grant)
      throw new HubHttpError(403, "This upload URL is not valid (or expired); ask the batch API again.");
    return grant;
  };
  type SignedRequest = FastifyRequest<{
    Params: { oid: string; part?: string };
    Querystring: Record<string, string>;
  }>;

  app.post("/_wharf/lfs/verify/:oid", async (request: SignedRequest) => {
    const grant = granted(request);
    if ((await deps.store.blobSize(grant.oid)) !== grant.size)
      throw new HubHttpError(404, `The object ${grant.oid} has not been uploaded.`);
    return { oid: grant.oid, size: grant.size };
  });

  app.post("/_wharf/lfs/complete/:oid", async (request: SignedRequest) => {
    const grant = granted(request);
    const parts = (request.body as { parts?: unknown })?.parts;
    if (!Array.isArray(parts)) throw badRequest("The completion needs the `parts` list.");
    await completeParts(deps.store, grant, parts);
    return {};
  });

  // The upload takes any body as a raw stream, so it lives in its own scope with its own parser.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    scope.put(
      "/_wharf/lfs/upload/:oid",
      { bodyLimit: Number.MAX_SAFE_INTEGER },
      async (request: SignedRequest) => {
        await receiveWhole(deps.store, request.body as Readable, granted(request));
        return {};
      },
    );
    scope.put(
      "/_wharf/lfs/part/:oid/:part",
      { bodyLimit: PART_SIZE },
      async (request: SignedRequest, reply) => {
        const etag = await receivePart(
          request.body as Readable,
          granted(request),
          Number(request.params.part),
        );
        reply.header("etag", `"${etag}"`);
        return {};
      },
    );
  });
}
