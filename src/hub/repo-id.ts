/**
 * Repo types and ids as the Hub spells them: `namespace/name`, with the Hub's rules for names, and the
 * URL prefix of each type (`""`, `datasets/`, `spaces/`). The one place that knows these rules; the
 * client builds URLs with them and the mirror checks the ids it is asked for.
 */
import { InvalidArgumentError } from "../core/errors.js";

export type RepoType = "model" | "dataset" | "space";

export const REPO_TYPES: readonly RepoType[] = ["model", "dataset", "space"];

export interface RepoId {
  type: RepoType;
  namespace: string;
  name: string;
}

/** `namespace/name`. */
export function repoIdString(repo: Pick<RepoId, "namespace" | "name">): string {
  return `${repo.namespace}/${repo.name}`;
}

/** The path segment a type's URLs start with: nothing for models, `datasets/`, `spaces/`. */
export function repoUrlPrefix(type: RepoType): string {
  return type === "model" ? "" : `${type}s/`;
}

/** The type named by a plural URL segment (`models`, `datasets`, `spaces`), or undefined. */
export function repoTypeFromPlural(plural: string): RepoType | undefined {
  return REPO_TYPES.find((type) => `${type}s` === plural);
}

export function isRepoType(value: string): value is RepoType {
  return (REPO_TYPES as readonly string[]).includes(value);
}

/** One part of a repo id: letters, digits, `-`, `_`, `.`; no `--` or `..`; at most 96 characters. */
export function isValidIdPart(part: string): boolean {
  return (
    /^[A-Za-z0-9_.-]{1,96}$/.test(part) &&
    !/^[-.]|[-.]$/.test(part) &&
    !part.includes("--") &&
    !part.includes("..")
  );
}

/** Parses `namespace/name` of a type, or throws InvalidArgumentError saying what is wrong. */
export function parseRepoId(id: string, type: RepoType = "model"): RepoId {
  const parts = id.split("/");
  const [namespace, name] = parts;
  if (parts.length !== 2 || namespace === undefined || name === undefined) {
    throw new InvalidArgumentError(
      `Repo id ${JSON.stringify(id)} must be namespace/name, e.g. my-org/my-data.`,
    );
  }
  for (const part of parts) {
    if (!isValidIdPart(part)) {
      throw new InvalidArgumentError(
        `Repo id ${JSON.stringify(id)}: ${JSON.stringify(part)} may hold only letters, digits, "-", "_" and ".", ` +
          'must not start or end with "-" or ".", must not hold "--" or "..", and has at most 96 characters.',
      );
    }
  }
  return { type, namespace, name };
}
