/**
 * A repository of dataset definitions: an id (the namespace its data folders go under), the
 * definitions, and optionally its checksum registry. A repository is a module whose default export (or
 * `repository` export) is what `defineRepository` returns; an npm package names that module in its
 * package.json (`"wharf": {"catalog": "./dist/catalog.js"}`).
 */
import { InvalidArgumentError } from "../core/errors.js";
import type { DatasetDefinition } from "./definition.js";

export interface Repository {
  readonly id: string;
  readonly description: string;
  readonly definitions: readonly DatasetDefinition[];
  /** The checksum registry file (`url size sha256 filename` lines), when the repository keeps one. */
  readonly checksumsFile?: string;
}

export function defineRepository(spec: {
  id: string;
  description?: string;
  definitions: readonly DatasetDefinition[];
  checksumsFile?: string;
}): Repository {
  if (!/^[a-z0-9_][a-z0-9_.-]*$/.test(spec.id))
    throw new InvalidArgumentError(
      `${JSON.stringify(spec.id)} is not a repository id: lowercase letters, digits, ".", "_" and "-".`,
    );
  const seen = new Set<string>();
  for (const definition of spec.definitions) {
    for (const id of [definition.id, ...definition.aliases]) {
      if (seen.has(id)) throw new InvalidArgumentError(`The repository ${spec.id} defines ${id} twice.`);
      seen.add(id);
    }
  }
  return {
    id: spec.id,
    description: spec.description ?? "",
    definitions: spec.definitions,
    checksumsFile: spec.checksumsFile,
  };
}
