/**
 * A commit's LFS files, sent as the Hub's LFS batch API asks (Python's `_upload_lfs_files`): the batch
 * call names the objects and answers, for each one the Hub does not have, where to PUT it (whole, or in
 * numbered parts of `chunk_size` with a completion URL) and a verify URL. Upload URLs carry their own
 * credentials (signed or presigned), so no token goes there.
 */
import pLimit from "p-limit";
import { BatchAbort } from "../core/batch-abort.js";
import { InvalidArgumentError } from "../core/errors.js";
import { defaultHttpClient } from "../core/http/client.js";
import type { CreateCommitOptions, PreparedAdd } from "./create-commit.js";
import { type RepoType, repoUrlPrefix } from "./repo-id.js";

/** Where a commit's LFS files go, and the credentials for the batch API. */
export interface LfsTarget {
  endpoint: string;
  auth: Record<string, string>;
  repoType: RepoType;
  revision: string;
}

/** How many LFS objects one batch call names (Python sends 256), and how many of them go up at once. */
const LFS_BATCH = 256;
const PARALLEL_FILES = 4;

/**
 * LFS files up through the batch API: only those the Hub does not have, several at once, each PUT (or
 * its parts) then verified; a file added under several paths goes up once. The first failure stops the
 * uploads still running, and is thrown once they have all stopped (a commit's temporary files are
 * removed after, and nothing reads them then).
 */
export async function uploadLfs(
  options: CreateCommitOptions,
  target: LfsTarget,
  adds: PreparedAdd[],
): Promise<void> {
  const unique = [...new Map(adds.map((add) => [add.sha256, add])).values()];
  const batch = new BatchAbort(options.signal);
  const uploading = { ...options, signal: batch.signal };
  const limit = pLimit(PARALLEL_FILES);
  for (let start = 0; start < unique.length && !batch.failed; start += LFS_BATCH) {
    const group = unique.slice(start, start + LFS_BATCH);
    const byOid = new Map(group.map((add) => [add.sha256, add]));
    const objects = (await batch.attempt(() => lfsBatch(uploading, target, group))) ?? [];
    await Promise.all(
      objects.map((object) => {
        const add = byOid.get(object.oid);
        return add && limit(() => batch.attempt(() => uploadObject(uploading, target.auth, add, object)));
      }),
    );
  }
  batch.end();
}

type LfsAction = { href: string; header?: Record<string, string> };
type LfsObject = {
  oid: string;
  actions?: { upload?: LfsAction; verify?: LfsAction };
  error?: { code: number; message: string };
};

const LFS_JSON = { accept: "application/vnd.git-lfs+json", "content-type": "application/vnd.git-lfs+json" };

/** Asks the batch API what to do with each file: nothing (the Hub has it), or where to upload it. */
async function lfsBatch(
  options: CreateCommitOptions,
  target: LfsTarget,
  adds: PreparedAdd[],
): Promise<LfsObject[]> {
  const { endpoint, auth, repoType, revision } = target;
  const client = options.client ?? defaultHttpClient();
  const response = await client.request(
    `${endpoint}/${repoUrlPrefix(repoType)}${options.repoId}.git/info/lfs/objects/batch`,
    {
      method: "POST",
      headers: { ...LFS_JSON, ...auth },
      body: JSON.stringify({
        operation: "upload",
        transfers: ["basic", "multipart"],
        objects: adds.map((add) => ({ oid: add.sha256, size: add.size })),
        hash_algo: "sha256",
        ref: { name: revision },
      }),
      retryUnsafeMethod: true,
      signal: options.signal,
      context: `LFS batch for ${options.repoId}`,
    },
  );
  return (await response.json<{ objects: LfsObject[] }>()).objects;
}

/** One file's upload as the batch API asked for it: whole or in parts, then its verify call. */
async function uploadObject(
  options: CreateCommitOptions,
  auth: Record<string, string>,
  add: PreparedAdd,
  object: LfsObject,
): Promise<void> {
  const client = options.client ?? defaultHttpClient();
  if (object.error)
    throw new InvalidArgumentError(
      `The Hub refused ${add.path} (LFS ${object.oid}): ${object.error.message}`,
    );
  const upload = object.actions?.upload;
  if (!upload) return;
  if (upload.header?.chunk_size !== undefined) await uploadParts(options, add, upload.href, upload.header);
  else {
    // The upload URL carries its own credentials (a signed or presigned URL): no token goes there.
    const put = await client.request(upload.href, {
      method: "PUT",
      headers: { ...upload.header, "content-type": "application/octet-stream" },
      body: () => add.body(),
      signal: options.signal,
      context: `upload of ${add.path}`,
    });
    await put.discard();
    options.onProgress?.({ id: add.path, phase: "upload", done: add.size, total: add.size, finished: true });
  }
  const verify = object.actions?.verify;
  if (verify) {
    const checked = await client.request(verify.href, {
      method: "POST",
      headers: { ...LFS_JSON, ...verify.header, ...auth },
      body: JSON.stringify({ oid: add.sha256, size: add.size }),
      retryUnsafeMethod: true,
      signal: options.signal,
      context: `verify of ${add.path}`,
    });
    await checked.discard();
  }
}

/** How many parts of one file go up at once. */
const PARALLEL_PARTS = 4;

/**
 * A multipart upload, as the Hub asks for one: `chunk_size` and numbered part URLs in the upload
 * action's header, each part PUT (several at once) and its ETag kept, then the completion POSTed to the
 * upload URL. Part and completion URLs carry their own credentials.
 */
async function uploadParts(
  options: CreateCommitOptions,
  add: PreparedAdd,
  completionUrl: string,
  header: Record<string, string>,
): Promise<void> {
  const client = options.client ?? defaultHttpClient();
  const chunk = Number(header.chunk_size);
  const parts = Object.keys(header)
    .filter((key) => /^\d+$/.test(key))
    .map((key) => ({ number: Number(key), url: header[key] as string }))
    .sort((a, b) => a.number - b.number);
  if (!(chunk > 0) || parts.length !== Math.ceil(add.size / chunk))
    throw new InvalidArgumentError(
      `The Hub asked for ${parts.length} parts of ${chunk} bytes for ${add.path} (${add.size} bytes), which do not add up.`,
    );
  const limit = pLimit(PARALLEL_PARTS);
  let sent = 0;
  const etags = await Promise.all(
    parts.map((part) =>
      limit(async () => {
        const start = (part.number - 1) * chunk;
        const response = await client.request(part.url, {
          method: "PUT",
          headers: { "content-type": "application/octet-stream" },
          body: () => add.body(start, Math.min(start + chunk, add.size)),
          signal: options.signal,
          context: `part ${part.number} of ${add.path}`,
        });
        await response.discard();
        const etag = response.headers.etag;
        if (!etag)
          throw new InvalidArgumentError(`The upload of part ${part.number} of ${add.path} gave no ETag.`);
        sent += Math.min(chunk, add.size - start);
        options.onProgress?.({
          id: add.path,
          phase: "upload",
          done: sent,
          total: add.size,
          finished: sent === add.size,
        });
        return { partNumber: part.number, etag };
      }),
    ),
  );
  const done = await client.request(completionUrl, {
    method: "POST",
    headers: LFS_JSON,
    body: JSON.stringify({ oid: add.sha256, parts: etags }),
    retryUnsafeMethod: true,
    signal: options.signal,
    context: `completing the upload of ${add.path}`,
  });
  await done.discard();
}
