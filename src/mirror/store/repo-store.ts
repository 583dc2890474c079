/**
 * The mirror's repos over an object store: repo records, refs, commits and content-addressed blobs
 * (DESIGN.md, "The mirror's store"). Reads are what the server does per request, so immutable things
 * (commits, with their folder view) are cached for good, and mutable ones (repo records, refs) for a
 * short time, which bounds how stale a server over a shared store can be. Writes go through
 * compare-and-swap on the branch, so concurrent commits never lose one another.
 * Callers: `importFolder`, the server, and (later) mirror pulls and the write API.
 */
import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import type { RepoId, RepoType } from "../../hub/repo-id.js";
import { isValidIdPart } from "../../hub/repo-id.js";
import { AlreadyInStoreError, NotInStoreError, RefMovedError } from "../errors.js";
import { type Commit, type CommitDraft, gitCommitId } from "./commit.js";
import { FsObjectStore } from "./fs-object-store.js";
import {
  blobKey,
  commitKey,
  isValidRefName,
  type RefKind,
  refKey,
  repoPrefix,
  repoRecordKey,
  repoTypePrefix,
} from "./keys.js";
import type { ByteRange, ObjectSource, ObjectStore } from "./object-store.js";
import { type OpenStoreOptions, openObjectStore } from "./open-store.js";
import { RepoTree } from "./repo-tree.js";

export const DEFAULT_BRANCH = "main";

const MAX_CACHED_METADATA = 10_000;

const REF_WHAT: Record<RefKind, string> = { heads: "branch", tags: "tag", pr: "pull request" };

export type Gated = false | "auto" | "manual";

/** What `repo.json` holds. */
export interface RepoRecord {
  type: RepoType;
  namespace: string;
  name: string;
  /** A 24-hex id, as the Hub's `_id`. */
  objectId: string;
  private: boolean;
  gated: Gated;
  createdAt: string;
}

export interface Refs {
  branches: Record<string, string>;
  tags: Record<string, string>;
  /** Pull requests' refs by number (`refs/pr/{num}`). */
  pullRequests: Record<string, string>;
}

/** A commit with its files seen as folders. */
export interface CommitView {
  commit: Commit;
  tree: RepoTree;
}

export interface ReadOptions {
  /** Read the store itself, not a copy kept for `metadataTtlMs` (before a write that depends on it). */
  fresh?: boolean;
}

export interface RepoStoreOptions {
  /** How long repo records and refs read from the store are trusted, in ms (default 1000). */
  metadataTtlMs?: number;
  /**
   * Files, summed over the commits kept in memory (default 250,000: about 80 MB). The most recently
   * used commit is kept whatever its size.
   */
  cachedFiles?: number;
}

export class RepoStore {
  private readonly metadataTtlMs: number;
  private readonly cachedFiles: number;
  private readonly metadata = new Map<string, { value: unknown; until: number }>();
  /** Commits by key, least recently used first, and the files they hold in all. */
  private readonly commits = new Map<string, CommitView>();
  private filesInCache = 0;
  /** Commits being read now, so that concurrent requests for one commit read and parse it once. */
  private readonly loading = new Map<string, Promise<CommitView | undefined>>();

  constructor(
    readonly objects: ObjectStore,
    options: RepoStoreOptions = {},
  ) {
    this.metadataTtlMs = options.metadataTtlMs ?? 1000;
    this.cachedFiles = options.cachedFiles ?? 250_000;
  }

  /** A store in a folder. */
  static inFolder(folder: string, options?: RepoStoreOptions): RepoStore {
    return new RepoStore(new FsObjectStore(folder), options);
  }

  /** The store at an address: a folder, or `s3://bucket/prefix` (see `openObjectStore`). */
  static open(address: string, options: RepoStoreOptions & OpenStoreOptions = {}): RepoStore {
    return new RepoStore(openObjectStore(address, options), options);
  }

  // Repos

  /** The repo's record; `fresh` reads the store rather than a copy up to `metadataTtlMs` old. */
  async getRepo(repo: RepoId, options: ReadOptions = {}): Promise<RepoRecord | undefined> {
    return this.cachedMetadata(
      repoRecordKey(repo),
      options,
      (bytes) => JSON.parse(bytes.toString("utf8")) as RepoRecord,
    );
  }

  async createRepo(repo: RepoId, options: { private?: boolean; gated?: Gated } = {}): Promise<RepoRecord> {
    const record: RepoRecord = {
      type: repo.type,
      namespace: repo.namespace,
      name: repo.name,
      objectId: randomBytes(12).toString("hex"),
      private: options.private ?? false,
      gated: options.gated ?? false,
      createdAt: new Date().toISOString(),
    };
    const key = repoRecordKey(repo);
    if (!(await this.objects.compareAndSwap(key, undefined, `${JSON.stringify(record, null, 2)}\n`))) {
      throw new AlreadyInStoreError(`The ${repo.type} repo ${repo.namespace}/${repo.name} exists already.`);
    }
    this.metadata.delete(key);
    return record;
  }

  /** Changes a repo's visibility or gating, by compare-and-swap on its record. */
  async updateRepo(repo: RepoId, changes: { private?: boolean; gated?: Gated }): Promise<RepoRecord> {
    const key = repoRecordKey(repo);
    for (;;) {
      const text = (await this.objects.readBytes(key))?.toString("utf8");
      if (text === undefined)
        throw new NotInStoreError(`No ${repo.type} repo ${repo.namespace}/${repo.name} to change.`);
      const record: RepoRecord = { ...(JSON.parse(text) as RepoRecord), ...changes };
      const swapped = await this.objects.compareAndSwap(key, text, `${JSON.stringify(record, null, 2)}\n`);
      this.metadata.delete(key);
      if (swapped) return record;
    }
  }

  /**
   * Removes a repo: its record first (so it is gone for every reader at once), then its refs and
   * commits. Blobs stay: other repos may share them.
   */
  async deleteRepo(repo: RepoId): Promise<void> {
    const key = repoRecordKey(repo);
    if (!(await this.objects.readBytes(key)))
      throw new NotInStoreError(`No ${repo.type} repo ${repo.namespace}/${repo.name} to delete.`);
    await this.objects.delete(key);
    for await (const object of this.objects.list(repoPrefix(repo))) await this.objects.delete(object.key);
    for (const cached of this.metadata.keys())
      if (cached.startsWith(repoPrefix(repo))) this.metadata.delete(cached);
  }

  /**
   * Renames a repo (another namespace or name, same type): the new record is claimed first, so a
   * name taken meanwhile fails the move; refs and commits are copied, then the old repo is deleted.
   */
  async moveRepo(from: RepoId, to: RepoId): Promise<RepoRecord> {
    const old = await this.getRepo(from, { fresh: true });
    if (!old) throw new NotInStoreError(`No ${from.type} repo ${from.namespace}/${from.name} to move.`);
    const record: RepoRecord = { ...old, namespace: to.namespace, name: to.name };
    const key = repoRecordKey(to);
    if (!(await this.objects.compareAndSwap(key, undefined, `${JSON.stringify(record, null, 2)}\n`)))
      throw new AlreadyInStoreError(`The ${to.type} repo ${to.namespace}/${to.name} exists already.`);
    this.metadata.delete(key);
    const source = repoPrefix(from);
    for await (const object of this.objects.list(source)) {
      if (object.key === repoRecordKey(from)) continue;
      const bytes = await this.objects.readBytes(object.key);
      if (bytes) await this.objects.put(`${repoPrefix(to)}${object.key.slice(source.length)}`, bytes);
    }
    await this.deleteRepo(from);
    return record;
  }

  /** Every repo of a type, sorted by id. */
  async listRepos(type: RepoType): Promise<RepoRecord[]> {
    const prefix = repoTypePrefix(type);
    const records: RepoRecord[] = [];
    for (const namespace of await this.objects.children(prefix)) {
      if (!isValidIdPart(namespace)) continue;
      for (const name of await this.objects.children(`${prefix}${namespace}/`)) {
        if (!isValidIdPart(name)) continue;
        const record = await this.getRepo({ type, namespace, name });
        if (record) records.push(record);
      }
    }
    return records;
  }

  // Refs and revisions

  async refs(repo: RepoId): Promise<Refs> {
    const refs: Refs = { branches: {}, tags: {}, pullRequests: {} };
    for (const [kind, target] of [
      ["heads", refs.branches],
      ["tags", refs.tags],
      ["pr", refs.pullRequests],
    ] as const) {
      const prefix = `${repoPrefix(repo)}refs/${kind}/`;
      for await (const object of this.objects.list(prefix)) {
        const name = object.key.slice(prefix.length);
        const id = await this.readRef(repo, kind, name);
        if (id) target[name] = id;
      }
    }
    return refs;
  }

  /** The commit a branch or tag points to; `fresh` reads the store rather than a recent copy. */
  async readRef(
    repo: RepoId,
    kind: RefKind,
    name: string,
    options: ReadOptions = {},
  ): Promise<string | undefined> {
    if (!isValidRefName(name)) return undefined;
    return this.cachedMetadata(refKey(repo, kind, name), options, (bytes) => bytes.toString("utf8").trim());
  }

  /**
   * Moves a ref from `expected` (undefined: it must not exist) to `next` (undefined: delete it), or
   * throws RefMovedError when it holds something else.
   */
  async setRef(
    repo: RepoId,
    kind: RefKind,
    name: string,
    expected: string | undefined,
    next: string | undefined,
  ): Promise<void> {
    const key = refKey(repo, kind, name);
    if (expected === undefined && next !== undefined) await this.assertNoRefClash(repo, kind, name);
    const swapped = await this.objects.compareAndSwap(
      key,
      expected,
      next === undefined ? undefined : `${next}`,
    );
    this.metadata.delete(key);
    if (!swapped) {
      const what = REF_WHAT[kind];
      throw new RefMovedError(
        expected === undefined
          ? `The ${what} ${name} of ${repo.namespace}/${repo.name} exists already.`
          : `The ${what} ${name} of ${repo.namespace}/${repo.name} moved while it was being changed; try again.`,
      );
    }
  }

  /**
   * Refuses a new ref that clashes with existing ones as git would: `release/1.0` where a `release`
   * exists, or `release` where `release/...` refs exist (one would have to be a file and a folder).
   */
  private async assertNoRefClash(repo: RepoId, kind: RefKind, name: string): Promise<void> {
    const parts = name.split("/");
    const clashes: string[] = [];
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join("/");
      if (await this.readRef(repo, kind, prefix)) clashes.push(prefix);
    }
    for await (const object of this.objects.list(`${refKey(repo, kind, name)}/`)) {
      clashes.push(object.key.slice(`${repoPrefix(repo)}refs/${kind}/`.length));
      break;
    }
    if (clashes.length > 0) {
      const what = REF_WHAT[kind];
      throw new AlreadyInStoreError(
        `The ${what} ${name} of ${repo.namespace}/${repo.name} would clash with the ${what} ${clashes[0]}; choose another name.`,
      );
    }
  }

  /**
   * The commit id a revision names: `HEAD`, a branch, a tag, `refs/heads/x` or `refs/tags/x`, a full
   * commit id, or an unambiguous prefix of one (7 or more hex digits). Undefined when it names nothing.
   */
  async resolveRevision(repo: RepoId, revision: string): Promise<string | undefined> {
    if (revision === "HEAD") return this.readRef(repo, "heads", DEFAULT_BRANCH);
    if (revision.startsWith("refs/heads/")) return this.readRef(repo, "heads", revision.slice(11));
    if (revision.startsWith("refs/pr/")) return this.readRef(repo, "pr", revision.slice(8));
    if (revision.startsWith("refs/tags/")) return this.readRef(repo, "tags", revision.slice(10));
    const named =
      (await this.readRef(repo, "heads", revision)) ?? (await this.readRef(repo, "tags", revision));
    if (named) return named;
    if (/^[0-9a-f]{40}$/.test(revision)) {
      return (await this.getCommit(repo, revision)) ? revision : undefined;
    }
    if (/^[0-9a-f]{7,39}$/.test(revision)) {
      const prefix = `${repoPrefix(repo)}commits/${revision}`;
      const found: string[] = [];
      for await (const object of this.objects.list(prefix)) {
        found.push(object.key.slice(prefix.length - revision.length, -".json".length));
        if (found.length > 1) return undefined;
      }
      return found[0];
    }
    return undefined;
  }

  // Commits

  async getCommit(repo: RepoId, id: string): Promise<Commit | undefined> {
    return (await this.commitView(repo, id))?.commit;
  }

  /** A commit and its folder view, from memory when it was read before. */
  async commitView(repo: RepoId, id: string): Promise<CommitView | undefined> {
    const key = commitKey(repo, id);
    const cached = this.commits.get(key);
    if (cached) {
      // Most recently used last, so the oldest is the first to go.
      this.commits.delete(key);
      this.commits.set(key, cached);
      return cached;
    }
    const pending = this.loading.get(key);
    if (pending) return pending;
    const load = this.loadCommit(key).finally(() => this.loading.delete(key));
    this.loading.set(key, load);
    return load;
  }

  private async loadCommit(key: string): Promise<CommitView | undefined> {
    const bytes = await this.objects.readBytes(key);
    if (!bytes) return undefined;
    const commit = JSON.parse(bytes.toString("utf8")) as Commit;
    const view = { commit, tree: new RepoTree(commit.files) };
    this.commits.set(key, view);
    this.filesInCache += view.tree.size;
    for (const [oldKey, old] of this.commits) {
      if (this.filesInCache <= this.cachedFiles || oldKey === key) break;
      this.commits.delete(oldKey);
      this.filesInCache -= old.tree.size;
    }
    return view;
  }

  /**
   * Records a commit and moves `branch` (a branch, or with `kind` "pr" a pull request's ref) to it,
   * provided it still points at `expectedHead` (undefined: it must not exist yet). Every blob the files
   * name must be stored already.
   */
  async commit(
    repo: RepoId,
    branch: string,
    draft: CommitDraft,
    expectedHead: string | undefined,
    kind: RefKind = "heads",
  ): Promise<Commit> {
    if (!(await this.getRepo(repo))) {
      throw new NotInStoreError(`No ${repo.type} repo ${repo.namespace}/${repo.name}; create it first.`);
    }
    // The id last: a draft spread from a stored commit must not bring that commit's id along.
    const commit: Commit = { ...draft, id: gitCommitId(draft) };
    await this.recordCommit(repo, commit);
    await this.setRef(repo, kind, branch, expectedHead, commit.id);
    return commit;
  }

  /**
   * Stores a commit under its own id (one made here, or pulled from a Hub with the Hub's id), after
   * checking every blob it names is stored: a commit never names content the store lacks. No ref moves,
   * and the repo need not have its record yet: copies and pulls write a new repo's record last, so
   * the repo appears only once it is whole.
   */
  async recordCommit(repo: RepoId, commit: Commit): Promise<void> {
    for (const [path, file] of Object.entries(commit.files)) {
      if (!(await this.hasBlob(file.sha256))) {
        throw new NotInStoreError(`The content of ${path} (sha256 ${file.sha256}) is not in the store.`);
      }
    }
    const key = commitKey(repo, commit.id);
    await this.objects.put(key, `${JSON.stringify(commit)}\n`);
    // A commit pulled again with more files replaces the copy in memory too.
    const cached = this.commits.get(key);
    if (cached) {
      this.commits.delete(key);
      this.filesInCache -= cached.tree.size;
    }
  }

  /**
   * Points a ref at `next` whatever it held (a mirror following its upstream), still by
   * compare-and-swap, so a concurrent change is seen and overwritten rather than interleaved.
   */
  async forceRef(repo: RepoId, kind: RefKind, name: string, next: string): Promise<void> {
    for (;;) {
      const current = await this.readRef(repo, kind, name, { fresh: true });
      if (current === next) return;
      try {
        await this.setRef(repo, kind, name, current, next);
        return;
      } catch (error) {
        if (!(error instanceof RefMovedError)) throw error;
      }
    }
  }

  /** The ids of every commit the store holds for the repo, in no particular order. */
  async commitIds(repo: RepoId): Promise<string[]> {
    const prefix = `${repoPrefix(repo)}commits/`;
    const ids: string[] = [];
    for await (const object of this.objects.list(prefix)) {
      const id = object.key.slice(prefix.length, -".json".length);
      if (/^[0-9a-f]{40}$/.test(id)) ids.push(id);
    }
    return ids;
  }

  /**
   * True when `ancestor` is `descendant` or reachable from it through parents (any parent, not only
   * the first), looking at most `limit` commits back.
   */
  async isAncestor(repo: RepoId, ancestor: string, descendant: string, limit = 100_000): Promise<boolean> {
    const queue = [descendant];
    const seen = new Set<string>();
    while (queue.length > 0 && seen.size < limit) {
      const id = queue.shift() as string;
      if (id === ancestor) return true;
      if (seen.has(id)) continue;
      seen.add(id);
      queue.push(...((await this.getCommit(repo, id))?.parents ?? []));
    }
    return false;
  }

  /**
   * Writes a repo's record as another store holds it (same object id and creation date), or, when the
   * repo exists here, takes its visibility. Returns true when the record is new.
   */
  async adoptRepo(record: RepoRecord): Promise<boolean> {
    const key = repoRecordKey(record);
    const created = await this.objects.compareAndSwap(key, undefined, `${JSON.stringify(record, null, 2)}\n`);
    this.metadata.delete(key);
    if (!created) await this.updateRepo(record, { private: record.private, gated: record.gated });
    return created;
  }

  /**
   * The commits reachable from `id` by first parents, newest first: `skip` of them passed over and at
   * most `limit` returned.
   */
  async history(repo: RepoId, id: string, skip: number, limit: number): Promise<Commit[]> {
    const commits: Commit[] = [];
    let next: string | undefined = id;
    for (let index = 0; next !== undefined && commits.length < limit; index++) {
      const commit = await this.getCommit(repo, next);
      if (!commit) break;
      if (index >= skip) commits.push(commit);
      next = commit.parents[0];
    }
    return commits;
  }

  // Blobs

  async hasBlob(sha256: string): Promise<boolean> {
    return (await this.blobSize(sha256)) !== undefined;
  }

  /** The size of a stored blob, or undefined when the store does not hold it. */
  async blobSize(sha256: string): Promise<number | undefined> {
    return (await this.objects.head(blobKey(sha256)))?.size;
  }

  async putBlob(sha256: string, source: ObjectSource): Promise<void> {
    await this.objects.put(blobKey(sha256), source);
  }

  async readBlob(sha256: string, range?: ByteRange): Promise<Readable | undefined> {
    return this.objects.read(blobKey(sha256), range);
  }

  /** The local file holding a blob, when the store is a folder (see `ObjectStore.localPath`). */
  blobPath(sha256: string): string | undefined {
    return this.objects.localPath?.(blobKey(sha256));
  }

  async readBlobBytes(sha256: string): Promise<Buffer | undefined> {
    return this.objects.readBytes(blobKey(sha256));
  }

  /** A small mutable object, parsed, from memory while it is fresh; undefined when it does not exist. */
  private async cachedMetadata<T>(
    key: string,
    options: ReadOptions,
    parse: (bytes: Buffer) => T,
  ): Promise<T | undefined> {
    const cached = this.metadata.get(key);
    if (!options.fresh && cached && cached.until > Date.now()) return cached.value as T | undefined;
    const bytes = await this.objects.readBytes(key);
    const value = bytes === undefined ? undefined : parse(bytes);
    // Requests for names that do not exist also land here; a bound keeps them from filling memory.
    if (this.metadata.size >= MAX_CACHED_METADATA) this.metadata.clear();
    this.metadata.set(key, { value, until: Date.now() + this.metadataTtlMs });
    return value;
  }
}
