/**
 * `pullRepo` (`wharf mirror pull`): a repo at a revision, from an upstream Hub endpoint (the Hub, or
 * another wharf server) into a store, under the upstream's own commit id, so caches filled from the
 * mirror and from the Hub agree. Each file is fetched once: content the store holds already (by sha256
 * for LFS files, by git blob id for the rest) is not downloaded again. Every file is verified (LFS by
 * sha256, the rest by git blob id) before it is stored. An interrupted pull resumes: a journal beside
 * the staged downloads records each file as it is stored, and half-downloaded files continue from
 * where they stopped. The commit, then the ref, are written last, so a reader never sees a
 * revision whose files are not all there.
 */
import { appendFile, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { downloadFile } from "../core/download/engine.js";
import { ChecksumMismatchError } from "../core/errors.js";
import { digestFile } from "../core/hash.js";
import { endpointOf, type HubCallOptions, tokenOf } from "../hub/hub-request.js";
import { listRepoCommits } from "../hub/list-repo-commits.js";
import { listRepoRefs } from "../hub/list-repo-refs.js";
import type { RepoFile } from "../hub/list-repo-tree.js";
import { forEachFile, type RepoFilesSelection, selectRepoFiles } from "../hub/repo-files.js";
import { parseRepoId, type RepoId, type RepoType } from "../hub/repo-id.js";
import { repoInfo } from "../hub/repo-info.js";
import { DEFAULT_REVISION, hfHubUrl } from "../hub/urls.js";
import { configPaths } from "./config-files.js";
import { AlreadyInStoreError } from "./errors.js";
import type { Commit, StoredFile } from "./store/commit.js";
import type { RepoStore } from "./store/repo-store.js";
import { stagingFolder } from "./store/staging.js";

export interface PullOptions extends RepoFilesSelection {
  /** A dataset config: only its data files (and the card) are pulled. */
  config?: string;
  /**
   * Where downloads wait before they go into the store, and the journal of a pull in progress (default:
   * inside a folder store, so a finished file is renamed in, not copied; `$WHARF_HOME/pulls` otherwise).
   */
  stagingDir?: string;
}

export interface PullResult {
  repo: RepoId;
  /** The commit as stored: the upstream's id, the files pulled. */
  commit: Commit;
  /** The ref the pull moved (`refs/heads/main`, `refs/tags/v1`), or undefined for a commit id. */
  ref: string | undefined;
  createdRepo: boolean;
  /** Files whose content was downloaded, and their bytes. */
  downloadedFiles: number;
  downloadedBytes: number;
}

/** One line of a pull's journal: a file whose content is in the store. */
interface JournalEntry extends StoredFile {
  path: string;
}

async function readJournal(path: string): Promise<Map<string, StoredFile>> {
  const entries = new Map<string, StoredFile>();
  const text = await readFile(path, "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    // A line cut short by a crash is the last one; it is skipped and its file fetched again.
    try {
      const { path: file, ...stored } = JSON.parse(line) as JournalEntry;
      entries.set(file, stored);
    } catch {}
  }
  return entries;
}

/** The ref a revision names upstream, or undefined for a commit id. */
async function upstreamRef(
  options: PullOptions,
  revision: string,
  commit: string,
): Promise<string | undefined> {
  if (revision === commit) return undefined;
  const name = revision.replace(/^refs\/(heads|tags)\//, "");
  if (revision.startsWith("refs/tags/")) return `refs/tags/${name}`;
  if (revision.startsWith("refs/heads/")) return `refs/heads/${name}`;
  const refs = await listRepoRefs({ ...options, repoType: options.repoType });
  if (refs.branches.some((ref) => ref.name === name)) return `refs/heads/${name}`;
  if (refs.tags.some((ref) => ref.name === name)) return `refs/tags/${name}`;
  return undefined;
}

export async function pullRepo(store: RepoStore, options: PullOptions): Promise<PullResult> {
  const repoType = options.repoType ?? "model";
  const repo = parseRepoId(options.repoId, repoType);
  const revision = options.revision ?? DEFAULT_REVISION;
  const token: string | false = tokenOf(options) ?? false;
  const call = { ...options, repoType, token };
  const info = await repoInfo({ ...call, revision });
  const commitId = info.sha;

  const { listed, selected } = await selectRepoFiles(call, commitId);
  let paths = selected;

  const staging = stagingFolder(store, "pulls", options.stagingDir);
  const journalPath = join(
    staging,
    "journals",
    `${repoType}s`,
    repo.namespace,
    repo.name,
    `${commitId}.jsonl`,
  );
  await mkdir(join(journalPath, ".."), { recursive: true });
  const journal = await readJournal(journalPath);
  const existing = await store.getCommit(repo, commitId);
  const byGitOid = await knownRegularFiles(store, repo, [existing, ...journal.values()]);

  let downloadedFiles = 0;
  let downloadedBytes = 0;
  const fetchOne = async (file: RepoFile): Promise<StoredFile> => {
    const lfs = file.lfs !== undefined;
    const known: StoredFile | undefined = file.lfs
      ? { size: file.size, sha256: file.lfs.oid, gitOid: file.oid, lfs }
      : (journal.get(file.path) ?? byGitOid.get(file.oid));
    if (known && known.gitOid === file.oid && (await store.hasBlob(known.sha256))) return known;
    const staged = join(staging, "blobs", lfs ? (file.lfs?.oid as string) : `git-${file.oid}`);
    await downloadFile({
      url: hfHubUrl({
        repoId: options.repoId,
        repoType,
        filename: file.path,
        revision: commitId,
        endpoint: endpointOf(options),
      }),
      dest: staged,
      expectedSize: file.size,
      expectedSha256: file.lfs?.oid,
      headers: call.token ? { authorization: `Bearer ${call.token}` } : {},
      client: options.client,
      signal: options.signal,
      onProgress: options.onProgress,
      label: file.path,
      force: true,
    });
    downloadedFiles++;
    downloadedBytes += file.size;
    let stored: StoredFile;
    if (lfs) {
      stored = known as StoredFile;
    } else {
      const digest = await digestFile(staged);
      if (digest.gitBlobOid !== file.oid) {
        await rm(staged, { force: true });
        throw new ChecksumMismatchError(
          `${options.repoId}/${file.path} at ${commitId}`,
          "the git blob id",
          file.oid,
          digest.gitBlobOid,
        );
      }
      stored = { size: digest.size, sha256: digest.sha256, gitOid: file.oid, lfs: false };
    }
    await store.putBlob(stored.sha256, { file: staged, move: true });
    return stored;
  };

  const files: Record<string, StoredFile> = {};
  const take = async (file: RepoFile) => {
    const stored = await fetchOne(file);
    files[file.path] = stored;
    await appendFile(journalPath, `${JSON.stringify({ path: file.path, ...stored })}\n`);
  };

  if (options.config !== undefined) {
    // The card says which files make the config, so it comes first.
    const card = listed.get("README.md");
    if (card) await take(card);
    const cardText = files["README.md"]
      ? (await store.readBlobBytes((files["README.md"] as StoredFile).sha256))?.toString("utf8")
      : undefined;
    const chosen = new Set(configPaths(paths, cardText, options.config, options.repoId));
    paths = paths.filter((path) => chosen.has(path));
  }

  const wanted = paths.filter((path) => files[path] === undefined);
  await forEachFile(wanted, options, (path) => take(listed.get(path) as RepoFile));

  const commit = await commitRecord(store, repo, call, commitId, existing, files);
  await store.recordCommit(repo, commit);
  const ref = await upstreamRef(call, revision, commitId);
  if (ref)
    await store.forceRef(
      repo,
      ref.startsWith("refs/tags/") ? "tags" : "heads",
      ref.replace(/^refs\/(heads|tags)\//, ""),
      commitId,
    );
  // The record last, so a new repo appears whole. Visibility follows the upstream, so a repo made
  // private there is private here too.
  const visibility = { private: info.private, gated: info.gated };
  let createdRepo = !(await store.getRepo(repo, { fresh: true }));
  try {
    if (createdRepo) await store.createRepo(repo, visibility);
  } catch (error) {
    // Another pull created it meanwhile.
    if (!(error instanceof AlreadyInStoreError)) throw error;
    createdRepo = false;
  }
  if (!createdRepo) await store.updateRepo(repo, visibility);
  await rm(journalPath, { force: true });
  return { repo, commit, ref, createdRepo, downloadedFiles, downloadedBytes };
}

/**
 * Content the store has, by git blob id, for regular files (which the upstream names only by that id):
 * from the commit being pulled if an earlier pull stored part of it, the journal, and the commits the
 * repo's refs point to, so a new revision downloads only the files that changed.
 */
async function knownRegularFiles(
  store: RepoStore,
  repo: RepoId,
  sources: Array<Commit | StoredFile | undefined>,
): Promise<Map<string, StoredFile>> {
  const byGitOid = new Map<string, StoredFile>();
  const add = (file: StoredFile) => {
    if (!file.lfs) byGitOid.set(file.gitOid, file);
  };
  const refs = (await store.getRepo(repo)) ? await store.refs(repo) : { branches: {}, tags: {} };
  for (const id of new Set([...Object.values(refs.branches), ...Object.values(refs.tags)])) {
    for (const file of Object.values((await store.getCommit(repo, id))?.files ?? {})) add(file);
  }
  for (const source of sources) {
    if (source === undefined) continue;
    if ("files" in source) for (const file of Object.values(source.files)) add(file);
    else add(source);
  }
  return byGitOid;
}

/**
 * The commit to store: the upstream's title, message, author and date, the files pulled (with those of
 * an earlier partial pull of the same commit), and as parent the newest older upstream commit the store
 * already holds, so the mirror's history links the revisions it was given.
 */
async function commitRecord(
  store: RepoStore,
  repo: RepoId,
  call: HubCallOptions & { repoId: string; repoType: RepoType },
  commitId: string,
  existing: Commit | undefined,
  files: Record<string, StoredFile>,
): Promise<Commit> {
  let head: { title: string; message: string; authors: string[]; date: Date } | undefined;
  let parent: string | undefined;
  let seen = 0;
  for await (const entry of listRepoCommits({ ...call, revision: commitId })) {
    if (seen++ === 0) head = entry;
    else if (await store.getCommit(repo, entry.id)) {
      parent = entry.id;
      break;
    }
    // The first page is enough: older pulls farther back than it are not linked.
    if (seen >= 50) break;
  }
  const all = { ...existing?.files, ...files };
  return {
    id: commitId,
    parents: existing?.parents ?? (parent ? [parent] : []),
    author: head?.authors[0] ?? "upstream",
    date: (head?.date ?? new Date()).toISOString(),
    title: head?.title ?? `Pulled ${call.repoId}`,
    message: head?.message ?? "",
    files: Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
