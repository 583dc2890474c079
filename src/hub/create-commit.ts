/**
 * `createCommit`: one commit of additions and deletions to a Hub repo, as Python's `create_commit`:
 * each added file is hashed (sha256, size, a 512-byte sample), the Hub says through `preupload` which
 * go through LFS, those go up by the LFS batch API (a PUT of the bytes to the URL the Hub gives, or for a
 * large file parts PUT in parallel and a completion; then the verify call) unless the Hub has them already, and one NDJSON request makes the
 * commit, regular files inline. `uploadFile` is the one-file form. With `parentCommit`, the Hub refuses
 * the commit (412) when the branch has moved since.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import pLimit from "p-limit";
import { BatchAbort } from "../core/batch-abort.js";
import { InvalidArgumentError, ServerError } from "../core/errors.js";
import { digestFile, gitBlobOid, sha256OfFile } from "../core/hash.js";
import { defaultHttpClient, FileRange } from "../core/http/client.js";
import type { OnProgress } from "../core/progress.js";
import { getPathsInfo } from "./get-paths-info.js";
import { authHeaders, endpointOf, type HubCallOptions } from "./hub-request.js";
import { uploadLfs } from "./lfs-upload.js";
import { type RepoType, repoUrlPrefix } from "./repo-id.js";
import { repoInfo } from "./repo-info.js";
import { checkRepoPath } from "./repo-path.js";
import { removeSpooled, spoolStream } from "./stream-spool.js";
import { DEFAULT_REVISION, hfHubUrl } from "./urls.js";

export type CommitOperation =
  /** A file to add or replace, from bytes, from a local file, or from a stream. */
  | { type: "add"; pathInRepo: string; content: Uint8Array | string }
  | { type: "add"; pathInRepo: string; file: string }
  /**
   * A stream's bytes (a Node `Readable`, a web `ReadableStream`, any async iterable of bytes): read
   * once, into a temporary file that is removed when the commit is made or fails (stream-spool.ts).
   * A stream is read only once: a commit that failed needs a new one.
   */
  | { type: "add"; pathInRepo: string; stream: AsyncIterable<Uint8Array> }
  /** A file, or with `isFolder` everything under a folder, to delete. */
  | { type: "delete"; pathInRepo: string; isFolder?: boolean }
  /**
   * A copy of a file already in the repo (at `srcRevision`, default the commit's branch): an LFS file is
   * copied by reference on the Hub, a regular one is downloaded and sent inline, as Python does.
   */
  | { type: "copy"; srcPathInRepo: string; pathInRepo: string; srcRevision?: string };

export interface CreateCommitOptions extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  operations: readonly CommitOperation[];
  commitMessage: string;
  commitDescription?: string;
  /** The branch (default `main`). */
  revision?: string;
  /** The commit the changes were made against: the Hub refuses the commit if the branch moved since. */
  parentCommit?: string;
  createPr?: boolean;
  /**
   * Progress per file: the bytes hashed of each file over 10 MB (phase "hash"), then the bytes sent of
   * each LFS file (phase "upload"), as parts or whole files finish.
   */
  onProgress?: OnProgress;
}

export interface CommitInfo {
  commitUrl: string;
  oid: string;
  /** With `createPr`: the pull request's URL, number and git ref (`refs/pr/{num}`), as Python gives them. */
  pullRequestUrl?: string;
  pullRequestNum?: number;
  pullRequestRevision?: string;
}

type AddOperation = Extract<CommitOperation, { type: "add" }>;
/** An addition whose bytes are where they can be read again: in memory or in a file. */
type ReadableAdd = Exclude<AddOperation, { stream: AsyncIterable<Uint8Array> }>;

/** An addition once hashed: what the commit and the LFS upload need of it. */
export interface PreparedAdd {
  path: string;
  size: number;
  sha256: string;
  /** The git blob id, which the Hub gives for a regular file already there. */
  gitOid: string;
  sample: Buffer;
  /** The bytes, for inline files and uploads; read from the file only when needed. */
  bytes(): Promise<Buffer>;
  /** The bytes from `start` to `end` (exclusive; default all) as a body, for an upload that may be retried. */
  body(start?: number, end?: number): FileRange | Buffer;
}

/** Files larger than this always go through LFS on the Hub (10 MB). */
const LFS_THRESHOLD = 10 * 1000 * 1000;

/** Files up to this size are read whole once to be hashed (1 MiB). */
const SMALL_FILE = 1 << 20;

/** How many files one preupload call may name (Python sends 256). */
const PREUPLOAD_BATCH = 256;

async function prepare(
  operation: ReadableAdd,
  signal?: AbortSignal,
  onProgress?: OnProgress,
): Promise<PreparedAdd> {
  const path = checkRepoPath(operation.pathInRepo);
  if ("content" in operation) {
    const bytes = Buffer.from(operation.content);
    return {
      path,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      gitOid: gitBlobOid(bytes),
      sample: bytes.subarray(0, 512),
      bytes: async () => bytes,
      body: (start = 0, end = bytes.length) => bytes.subarray(start, end),
    };
  }
  const file = operation.file;
  signal?.throwIfAborted();
  // Small files are stated and read synchronously, here and again when sent: each asynchronous call
  // is a trip through the thread pool (open, stat, read, close), and on one CPU preparing the 1,000
  // files of bench/upload took 0.14 s of CPU that way against 0.09 s.
  const { size } = statSync(file);
  const body = (start = 0, end = size) => new FileRange(file, start, end);
  if (size <= SMALL_FILE) {
    // Read once for both hashes and the sample (a stream and a second open cost more than the bytes);
    // the bytes are read again when sent, so a commit of many files does not hold them all.
    const bytes = readFileSync(file);
    return {
      path,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      gitOid: gitBlobOid(bytes),
      sample: Buffer.from(bytes.subarray(0, 512)),
      bytes: async () => readFileSync(file),
      body,
    };
  }
  // A file over the LFS threshold always goes through LFS, named by its sha256 alone: no git id to
  // compute. Its hashing is reported (a large file's takes seconds); a smaller one's is not worth a bar.
  const hashing =
    onProgress &&
    ((done: number, finished?: boolean) =>
      onProgress({ id: path, phase: "hash", done, total: size, ...(finished && { finished }) }));
  const digest =
    size > LFS_THRESHOLD
      ? { size, sha256: await sha256OfFile(file, signal, hashing), gitBlobOid: "" }
      : await digestFile(file, signal);
  if (size > LFS_THRESHOLD) hashing?.(size, true);
  const handle = await open(file);
  const sample = Buffer.alloc(512);
  try {
    const { bytesRead } = await handle.read(sample, 0, 512, 0);
    return {
      path,
      size: digest.size,
      sha256: digest.sha256,
      gitOid: digest.gitBlobOid,
      sample: sample.subarray(0, bytesRead),
      bytes: () => readFile(file),
      body,
    };
  } finally {
    await handle.close();
  }
}

/**
 * A commit's local work, done before anything is sent: its copies resolved and its files hashed. Streams
 * are in the temporary files of `spooled` until `removeSpooled`.
 */
export interface PreparedCommit {
  adds: PreparedAdd[];
  lfsCopies: Map<string, { oid: string; size: number }>;
  spooled: string[];
}

export async function prepareCommit(options: CreateCommitOptions): Promise<PreparedCommit> {
  const { copiedAdds, lfsCopies } = await resolveCopies(options, options.revision ?? DEFAULT_REVISION);
  // Hashed a few at a time, so a folder of thousands of files does not open them all at once.
  const hashing = pLimit(8);
  // The first failure stops the rest: what has not started does not start, and what runs stops at its
  // next check of the signal (a stream between chunks, a worker's hashing at once for the waiter).
  const batch = new BatchAbort(options.signal);
  const spooled: string[] = [];
  const readable = async (operation: AddOperation): Promise<ReadableAdd> => {
    if (!("stream" in operation)) return operation;
    // A path the commit would refuse fails before a stream is copied to disk.
    checkRepoPath(operation.pathInRepo);
    const file = await spoolStream(operation.stream, operation.pathInRepo, batch.signal);
    spooled.push(file);
    return { type: "add", pathInRepo: operation.pathInRepo, file };
  };
  // Every addition settles before the outcome is known, so that no stream is still being written into
  // a file when the spooled files are removed.
  const adds = await Promise.all(
    [
      ...options.operations.filter((operation): operation is AddOperation => operation.type === "add"),
      ...copiedAdds,
    ].map((operation) =>
      hashing(() =>
        batch.attempt(async () => prepare(await readable(operation), batch.signal, options.onProgress)),
      ),
    ),
  );
  if (batch.failed) await removeSpooled(spooled);
  batch.end();
  return { adds: adds as PreparedAdd[], lfsCopies, spooled };
}

export async function createCommit(options: CreateCommitOptions): Promise<CommitInfo> {
  const prepared = await prepareCommit(options);
  try {
    return await sendCommit(options, prepared);
  } finally {
    await removeSpooled(prepared.spooled);
  }
}

/** Sends a prepared commit: what `createCommit` does once the files are hashed. */
export async function sendCommit(
  options: CreateCommitOptions,
  prepared: PreparedCommit,
): Promise<CommitInfo> {
  const client = options.client ?? defaultHttpClient();
  const endpoint = endpointOf(options);
  const auth = authHeaders(options);
  const repoType = options.repoType ?? "model";
  const revision = options.revision ?? DEFAULT_REVISION;
  const api = `${endpoint}/api/${repoType}s/${options.repoId}`;
  const prQuery = options.createPr ? "?create_pr=1" : "";
  const { adds, lfsCopies } = prepared;

  // Which files go through LFS (the Hub decides), and which it has already.
  const lfsPaths = new Set<string>();
  const unchanged = new Set<string>();
  for (let start = 0; start < adds.length; start += PREUPLOAD_BATCH) {
    const batch = adds.slice(start, start + PREUPLOAD_BATCH);
    const response = await client.request(`${api}/preupload/${encodeURIComponent(revision)}${prQuery}`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...auth },
      body: JSON.stringify({
        files: batch.map((add) => ({
          path: add.path,
          size: add.size,
          sample: add.sample.toString("base64"),
        })),
      }),
      retryUnsafeMethod: true,
      signal: options.signal,
      context: `preupload to ${options.repoId}`,
    });
    const answer = await response.json<{
      files: Array<{ path: string; uploadMode: string; oid?: string }>;
    }>();
    for (const file of answer.files) {
      const add = batch.find((candidate) => candidate.path === file.path);
      if (file.uploadMode === "lfs") lfsPaths.add(file.path);
      // The Hub holds these bytes at this path already: nothing to send, as in Python.
      if (add && file.oid !== undefined && file.oid === (file.uploadMode === "lfs" ? add.sha256 : add.gitOid))
        unchanged.add(file.path);
    }
  }
  const changesBeyondAdds = options.operations.some(
    (operation) => operation.type === "delete" || operation.type === "copy",
  );
  if (!changesBeyondAdds && adds.every((add) => unchanged.has(add.path))) {
    // Nothing to change (every file is there already): no empty commit; the answer is the revision's head.
    const head = await repoInfo({ ...options, repoType, revision });
    return {
      commitUrl: `${endpoint}/${repoUrlPrefix(repoType)}${options.repoId}/commit/${head.sha}`,
      oid: head.sha,
    };
  }
  const lfsAdds = adds.filter((add) => lfsPaths.has(add.path) && !unchanged.has(add.path));
  if (lfsAdds.length > 0) await uploadLfs(options, { endpoint, auth, repoType, revision }, lfsAdds);

  const header = {
    key: "header",
    value: {
      summary: options.commitMessage,
      description: options.commitDescription ?? "",
      ...(options.parentCommit && { parentCommit: options.parentCommit }),
    },
  };
  const byPath = new Map(adds.map((add) => [add.path, add]));
  // The body is made line by line as it is sent, a file read only for its own line, so a commit of
  // many inline files never sits in memory whole (or twice, as text and as bytes).
  async function* commitLines(): AsyncGenerator<string> {
    yield `${JSON.stringify(header)}\n`;
    for (const operation of options.operations) {
      const path = checkRepoPath(operation.pathInRepo);
      if (operation.type === "delete") {
        yield `${JSON.stringify({ key: operation.isFolder ? "deletedFolder" : "deletedFile", value: { path } })}\n`;
        continue;
      }
      const copied = lfsCopies.get(path);
      if (copied) {
        yield `${JSON.stringify({ key: "lfsFile", value: { path, algo: "sha256", ...copied } })}\n`;
        continue;
      }
      const add = byPath.get(path) as PreparedAdd;
      if (unchanged.has(path)) continue;
      if (lfsPaths.has(path)) {
        const line = { key: "lfsFile", value: { path, algo: "sha256", oid: add.sha256, size: add.size } };
        yield `${JSON.stringify(line)}\n`;
        continue;
      }
      // Base64 needs no escaping, so the content goes in as it is: JSON.stringify would scan every
      // character of it again (0.15 s of a 1,000-file commit's 34 MB).
      const content = (await add.bytes()).toString("base64");
      yield `{"key":"file","value":{"path":${JSON.stringify(path)},"content":"${content}","encoding":"base64"}}\n`;
    }
  }
  const response = await client.request(`${api}/commit/${encodeURIComponent(revision)}${prQuery}`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", accept: "application/json", ...auth },
    body: () => Readable.from(commitLines()),
    signal: options.signal,
    context: `commit to ${options.repoId}`,
  });
  const answer = await response.json<{ commitUrl: string; commitOid: string; pullRequestUrl?: string }>();
  const info: CommitInfo = { commitUrl: answer.commitUrl, oid: answer.commitOid };
  if (answer.pullRequestUrl) {
    const num = /\/discussions\/(\d+)$/.exec(answer.pullRequestUrl)?.[1];
    if (!num)
      throw new ServerError(
        `The Hub answered a pull request URL without its number: ${answer.pullRequestUrl}.`,
        {
          status: response.status,
          url: response.url,
          method: "POST",
          headers: response.headers,
        },
      );
    Object.assign(info, {
      pullRequestUrl: answer.pullRequestUrl,
      pullRequestNum: Number(num),
      pullRequestRevision: `refs/pr/${num}`,
    });
  }
  return info;
}

/**
 * What the copies of a commit need: an LFS source is named by its oid (the Hub has the bytes), a
 * regular one is downloaded from the source revision and becomes an addition.
 */
async function resolveCopies(
  options: CreateCommitOptions,
  revision: string,
): Promise<{ copiedAdds: AddOperation[]; lfsCopies: Map<string, { oid: string; size: number }> }> {
  const client = options.client ?? defaultHttpClient();
  const copiedAdds: AddOperation[] = [];
  const lfsCopies = new Map<string, { oid: string; size: number }>();
  for (const operation of options.operations) {
    if (operation.type !== "copy") continue;
    const source = operation.srcRevision ?? revision;
    const [entry] = await getPathsInfo({ ...options, revision: source, paths: [operation.srcPathInRepo] });
    if (entry?.type !== "file")
      throw new InvalidArgumentError(
        `${operation.srcPathInRepo} is not a file of ${options.repoId} at ${source}, so it cannot be copied.`,
      );
    const path = checkRepoPath(operation.pathInRepo);
    if (entry.lfs) {
      lfsCopies.set(path, { oid: entry.lfs.oid, size: entry.lfs.size });
      continue;
    }
    const url = hfHubUrl({
      repoId: options.repoId,
      repoType: options.repoType,
      filename: entry.path,
      revision: source,
      endpoint: endpointOf(options),
    });
    const response = await client.request(url, {
      headers: authHeaders(options),
      signal: options.signal,
      context: `copy of ${entry.path}`,
    });
    copiedAdds.push({ type: "add", pathInRepo: path, content: await response.bytes() });
  }
  return { copiedAdds, lfsCopies };
}

/** One file into a repo: `createCommit` with one addition. */
export function uploadFile(
  options: Omit<CreateCommitOptions, "operations" | "commitMessage"> & {
    pathInRepo: string;
    /** The bytes, the path of a local file, or a stream (read once; see `CommitOperation`). */
    content?: Uint8Array | string;
    file?: string;
    stream?: AsyncIterable<Uint8Array>;
    commitMessage?: string;
  },
): Promise<CommitInfo> {
  const { pathInRepo } = options;
  const operation: CommitOperation =
    options.file !== undefined
      ? { type: "add", pathInRepo, file: options.file }
      : options.stream !== undefined
        ? { type: "add", pathInRepo, stream: options.stream }
        : { type: "add", pathInRepo, content: options.content ?? "" };
  return createCommit({
    ...options,
    operations: [operation],
    commitMessage: options.commitMessage ?? `Upload ${options.pathInRepo}`,
  });
}
