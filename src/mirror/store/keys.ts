/**
 * Where each thing lives in the object store (DESIGN.md, "The mirror's store"). Every key is built
 * here, from repo ids and ref names that were checked first, so no request can name a key of its own.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import type { RepoId } from "../../hub/repo-id.js";

/** Branches, tags, and pull requests (`refs/pr/{N}`, the branch a pull request's commits go on). */
export type RefKind = "heads" | "tags" | "pr";

export function blobKey(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new InvalidArgumentError(`${sha256} is not a sha256.`);
  return `blobs/sha256/${sha256.slice(0, 2)}/${sha256}`;
}

export function repoTypePrefix(type: RepoId["type"]): string {
  return `repos/${type}s/`;
}

export function repoPrefix(repo: RepoId): string {
  return `${repoTypePrefix(repo.type)}${repo.namespace}/${repo.name}/`;
}

export function repoRecordKey(repo: RepoId): string {
  return `${repoPrefix(repo)}repo.json`;
}

export function refKey(repo: RepoId, kind: RefKind, name: string): string {
  assertRefName(name);
  return `${repoPrefix(repo)}refs/${kind}/${name}`;
}

export function discussionKey(repo: RepoId, num: number): string {
  if (!Number.isInteger(num) || num < 1) throw new InvalidArgumentError(`${num} is not a discussion number.`);
  return `${repoPrefix(repo)}discussions/${num}.json`;
}

export function commitKey(repo: RepoId, id: string): string {
  if (!/^[0-9a-f]{40}$/.test(id)) throw new InvalidArgumentError(`${id} is not a 40-hex commit id.`);
  return `${repoPrefix(repo)}commits/${id}.json`;
}

/** True for a branch or tag name git would accept (and that is safe as a key). */
export function isValidRefName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 200 &&
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
    !/[\x00-\x20\x7f~^:?*[\\]/.test(name) &&
    !name.startsWith("/") &&
    !name.endsWith("/") &&
    !name.endsWith(".lock") &&
    // The store's own files beside refs: a write in progress and a compare-and-swap's lock.
    !/\.wharf-(tmp|lock)$/.test(name) &&
    !name.endsWith(".") &&
    !name.includes("..") &&
    !name.includes("//") &&
    !name.includes("@{") &&
    name.split("/").every((part) => !part.startsWith("."))
  );
}

export function assertRefName(name: string): void {
  if (!isValidRefName(name)) {
    throw new InvalidArgumentError(
      `${JSON.stringify(name)} is not a valid branch or tag name: use letters, digits, "-", "_", "." and "/", ` +
        'without "..", spaces or a leading dot.',
    );
  }
}
