/**
 * Where the mirror puts files on their way into a store: inside a folder store (so a finished file is
 * renamed in, not copied), else `$WHARF_HOME/{purpose}`.
 */
import { join } from "node:path";
import { readEnv } from "../../core/env.js";
import { FsObjectStore } from "./fs-object-store.js";
import type { RepoStore } from "./repo-store.js";

export function stagingFolder(target: RepoStore, purpose: string, given?: string): string {
  if (given) return given;
  return target.objects instanceof FsObjectStore
    ? join(target.objects.root, ".staging")
    : join(readEnv().wharfHome, purpose);
}
