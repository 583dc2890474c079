/**
 * The LFS batch API, for the large files of a commit: `POST {prefix}{ns}/{name}.git/info/lfs/objects/batch`
 * answers, per object, nothing when the store has it already, else a signed upload URL (basic
 * transfer) and a signed verify URL (upload-signature.ts). The upload is hashed as it arrives and
 * stored only when its sha256 and size are the ones signed for, so no wrong bytes ever sit under an
 * oid; the commit that names the oid (`lfsFile`) comes after.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { absoluteUrl, openRepo, type ServerDeps, typeFromPlural } from "../context.js";
import { badRequest, HubHttpError, repoNotFound } from "../hub-error.js";

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
    const open = await openRepo(deps, request, type, namespace, repo.slice(0, -4));
    deps.access.assertCanWrite(open.record, open.caller);
    const body = request.body as { operation?: unknown; objects?: unknown };
    if (body?.operation !== "upload")
      throw badRequest("Only the upload operation is served here; download files from their resolve URLs.");
    if (!Array.isArray(body.objects)) throw badRequest("The batch request needs an `objects` list.");
    const objects: BatchObject[] = body.objects.map((object: { oid?: unknown; size?: unknown }) => {
      if (typeof object?.oid !== "string" || !SHA256.test(object.oid) || !Number.isSafeInteger(object.size))
        throw badRequest("Each object needs a sha256 `oid` and a `size`.");
      return { oid: object.oid, size: object.size as number };
    });
    reply.header("content-type", LFS_JSON);
    return {
      transfer: "basic",
      hash_algo: "sha256",
      objects: await Promise.all(
        objects.map(async ({ oid, size }) => {
          if ((await deps.store.blobSize(oid)) === size) return { oid, size, authenticated: true };
          const grant = deps.signer.grant(oid, size);
          return {
            oid,
            size,
            authenticated: true,
            actions: {
              upload: {
                href: absoluteUrl(deps, request, `/_wharf/lfs/upload/${oid}?${grant}`),
                expires_in: 3600,
              },
              verify: {
                href: absoluteUrl(deps, request, `/_wharf/lfs/verify/${oid}?${grant}`),
                expires_in: 3600,
              },
            },
          };
        }),
      ),
    };
  };
  app.post("/:namespace/:repo/info/lfs/objects/batch", batch);
  app.post("/:kind/:namespace/:repo/info/lfs/objects/batch", batch);

  app.post(
    "/_wharf/lfs/verify/:oid",
    async (request: FastifyRequest<{ Params: { oid: string }; Querystring: Record<string, string> }>) => {
      const grant = deps.signer.check(request.params.oid, request.query);
      if (!grant)
        throw new HubHttpError(403, "This verify URL is not valid (or expired); ask the batch API again.");
      if ((await deps.store.blobSize(grant.oid)) !== grant.size)
        throw new HubHttpError(404, `The object ${grant.oid} has not been uploaded.`);
      return { oid: grant.oid, size: grant.size };
    },
  );

  // The upload takes any body as a raw stream, so it lives in its own scope with its own parser.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_request, payload, done) => done(null, payload));
    scope.put(
      "/_wharf/lfs/upload/:oid",
      { bodyLimit: Number.MAX_SAFE_INTEGER },
      async (request: FastifyRequest<{ Params: { oid: string }; Querystring: Record<string, string> }>) => {
        const grant = deps.signer.check(request.params.oid, request.query);
        if (!grant)
          throw new HubHttpError(403, "This upload URL is not valid (or expired); ask the batch API again.");
        await receiveObject(deps, request.body as NodeJS.ReadableStream, grant.oid, grant.size);
        return {};
      },
    );
  });
}

/** Streams an upload to a temporary file, hashing it, and stores it only if it is the object signed for. */
async function receiveObject(
  deps: ServerDeps,
  body: NodeJS.ReadableStream,
  oid: string,
  size: number,
): Promise<void> {
  const temporary = join(tmpdir(), `wharf-upload-${randomBytes(8).toString("hex")}`);
  const hash = createHash("sha256");
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      if (received > size)
        return callback(badRequest(`The upload is longer than the ${size} bytes announced.`));
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, count, createWriteStream(temporary));
    const sha256 = hash.digest("hex");
    if (received !== size || sha256 !== oid)
      throw badRequest(
        `The upload is ${received} bytes with sha256 ${sha256}, not the ${size} bytes of ${oid} announced; nothing was stored.`,
      );
    await deps.store.putBlob(oid, { file: temporary });
  } finally {
    await rm(temporary, { force: true });
  }
}
