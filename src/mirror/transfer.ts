/**
 * `transferRepos` (`wharf mirror push`, and both halves of `wharf mirror sync`): repos from one store to
 * another (a folder and an S3 bucket, either way, or two of a kind), sending only what the target
 * lacks. Order makes a crash harmless: blobs first (each verified against its sha256 on the way, so a
 * damaged copy is found and not spread), then commits, then refs, and a new repo's record last, so
 * the target never shows a commit whose files are missing or a repo that is half there. Running it
 * again after an interruption sends only what did not arrive.
 *
 * Discussions the target lacks are copied too. Refs move forward only: a target branch is moved when its commit is an ancestor of the source's,
 * left alone when it is ahead, and reported as a conflict when the two diverged (unless `force`).
 */
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pLimit from "p-limit";
import { FileChangedError } from "../core/errors.js";
import { verifySha256 } from "../core/hash.js";
import type { OnProgress } from "../core/progress.js";
import { REPO_TYPES, type RepoId } from "../hub/repo-id.js";
import { CorruptBlobError, RefMovedError } from "./errors.js";
import { type RefKind, repoPrefix } from "./store/keys.js";
import type { RepoStore } from "./store/repo-store.js";
import { stagingFolder } from "./store/staging.js";

export interface TransferOptions {
  /** The repos to send (default: every repo of the source). */
  repos?: readonly RepoId[];
  /** Move target refs to the source's even when the two diverged. */
  force?: boolean;
  /** Blobs copied at once (default 8). */
  concurrency?: number;
  /** Where blobs from a store without local files wait on their way (see `stagingFolder`). */
  stagingDir?: string;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

export interface RefConflict {
  repo: string;
  ref: string;
  source: string;
  target: string;
}

export interface TransferResult {
  /** The two stores' locations. */
  from: string;
  to: string;
  /** `type/namespace/name` of each repo looked at. */
  repos: string[];
  blobsCopied: number;
  bytesCopied: number;
  commitsCopied: number;
  /** `type/namespace/name refs/heads/x` of each ref moved or created. */
  refsUpdated: string[];
  conflicts: RefConflict[];
}

function label(repo: RepoId): string {
  return `${repo.type}/${repo.namespace}/${repo.name}`;
}

async function sourceRepos(from: RepoStore, repos: readonly RepoId[] | undefined): Promise<RepoId[]> {
  if (repos) return [...repos];
  const all: RepoId[] = [];
  for (const type of REPO_TYPES) all.push(...(await from.listRepos(type)));
  return all;
}

export async function transferRepos(
  from: RepoStore,
  to: RepoStore,
  options: TransferOptions = {},
): Promise<TransferResult> {
  const result: TransferResult = {
    from: from.objects.location,
    to: to.objects.location,
    repos: [],
    blobsCopied: 0,
    bytesCopied: 0,
    commitsCopied: 0,
    refsUpdated: [],
    conflicts: [],
  };
  const staging = stagingFolder(to, "transfers", options.stagingDir);
  const limit = pLimit(Math.max(1, options.concurrency ?? 8));
  for (const repo of await sourceRepos(from, options.repos)) {
    options.signal?.throwIfAborted();
    const record = await from.getRepo(repo, { fresh: true });
    if (!record) continue;
    result.repos.push(label(repo));
    const present = new Set(await to.commitIds(repo));
    const missing = (await from.commitIds(repo)).filter((id) => !present.has(id));
    const commits = await Promise.all(missing.map((id) => limit(() => from.getCommit(repo, id))));

    const blobs = new Map<string, number>();
    for (const commit of commits)
      for (const file of Object.values(commit?.files ?? {})) blobs.set(file.sha256, file.size);
    let done = 0;
    await Promise.all(
      [...blobs].map(([sha256, size]) =>
        limit(async () => {
          options.signal?.throwIfAborted();
          if (!(await to.hasBlob(sha256))) {
            await copyBlob(from, to, sha256, staging);
            result.blobsCopied++;
            result.bytesCopied += size;
          }
          done++;
          options.onProgress?.({
            id: label(repo),
            phase: "blobs",
            done,
            total: blobs.size,
            finished: done === blobs.size,
          });
        }),
      ),
    );
    for (const commit of commits) {
      if (!commit) continue;
      await to.recordCommit(repo, commit);
      result.commitsCopied++;
    }
    await moveRefs(from, to, repo, options.force ?? false, result);
    await copyMissingDiscussions(from, to, repo);
    await to.adoptRepo(record);
  }
  return result;
}

/** Moves each source ref forward in the target (see the file's comment). */
async function moveRefs(
  from: RepoStore,
  to: RepoStore,
  repo: RepoId,
  force: boolean,
  result: TransferResult,
): Promise<void> {
  const source = await from.refs(repo);
  const target = await to.refs(repo);
  for (const [kind, names, current] of [
    ["heads", source.branches, target.branches],
    ["tags", source.tags, target.tags],
    ["pr", source.pullRequests, target.pullRequests],
  ] as Array<[RefKind, Record<string, string>, Record<string, string>]>) {
    for (const [name, commit] of Object.entries(names)) {
      const there = current[name];
      if (there === commit) continue;
      const ref = `refs/${kind}/${name}`;
      // The target is ahead: a later sync in the other direction brings its commits back.
      if (there !== undefined && (await to.isAncestor(repo, commit, there))) continue;
      const forward = there === undefined || (await to.isAncestor(repo, there, commit));
      if (!forward && !force) {
        result.conflicts.push({ repo: label(repo), ref, source: commit, target: there as string });
        continue;
      }
      try {
        await to.setRef(repo, kind, name, there, commit);
        result.refsUpdated.push(`${label(repo)} ${ref}`);
      } catch (error) {
        if (!(error instanceof RefMovedError)) throw error;
        const now = (await to.readRef(repo, kind, name, { fresh: true })) ?? "none";
        result.conflicts.push({ repo: label(repo), ref, source: commit, target: now });
      }
    }
  }
}

/** Discussions the target does not have (one it has, changed on both sides, is left as the target's). */
async function copyMissingDiscussions(from: RepoStore, to: RepoStore, repo: RepoId): Promise<void> {
  const prefix = `${repoPrefix(repo)}discussions/`;
  for await (const object of from.objects.list(prefix)) {
    if (await to.objects.head(object.key)) continue;
    const bytes = await from.objects.readBytes(object.key);
    if (bytes) await to.objects.compareAndSwap(object.key, undefined, bytes.toString("utf8"));
  }
}

/** Copies one blob, refusing bytes that do not hash to its name. */
async function copyBlob(from: RepoStore, to: RepoStore, sha256: string, staging: string): Promise<void> {
  const damaged = () =>
    new CorruptBlobError(
      `The blob ${sha256} in ${from.objects.location} does not hash to its name: that copy is damaged, and ` +
        "was not copied. Restore it from a good copy (wharf mirror push from another store, or pull the repo again).",
    );
  const local = from.blobPath(sha256);
  if (local) {
    try {
      await to.putBlob(sha256, { file: local, sha256 });
    } catch (error) {
      if (error instanceof FileChangedError) throw damaged();
      throw error;
    }
    return;
  }
  const stream = await from.readBlob(sha256);
  if (!stream) throw new CorruptBlobError(`The blob ${sha256} is missing from ${from.objects.location}.`);
  await mkdir(staging, { recursive: true });
  const temporary = join(staging, `${sha256}.${randomBytes(4).toString("hex")}.incomplete`);
  try {
    await pipeline(stream, verifySha256(sha256, damaged), createWriteStream(temporary));
    await to.putBlob(sha256, { file: temporary, move: true });
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Brings two stores level both ways (`wharf mirror sync`): `a` to `b`, then `b` to `a`, so each ends
 * with the other's repos, commits and forward ref moves. Refs that diverged are reported by both halves.
 */
export async function syncStores(
  a: RepoStore,
  b: RepoStore,
  options: Omit<TransferOptions, "force"> = {},
): Promise<[TransferResult, TransferResult]> {
  const there = await transferRepos(a, b, options);
  const back = await transferRepos(b, a, options);
  return [there, back];
}
