/**
 * `repoExists`, `revisionExists` and `fileExists`, as Python's: true or false for what a 404 says is
 * missing; any other failure (no network, a 500) is raised, since it says nothing either way.
 */
import { EntryNotFoundError, RepoNotFoundError, RevisionNotFoundError } from "../core/errors.js";
import { getHfFileMetadata } from "./file-metadata.js";
import { endpointOf, type HubCallOptions, tokenOf } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";
import { repoInfo } from "./repo-info.js";
import { hfHubUrl } from "./urls.js";

interface RepoOptions extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
}

async function answers(
  query: () => Promise<unknown>,
  missing: Array<new (...args: never[]) => Error>,
): Promise<boolean> {
  try {
    await query();
    return true;
  } catch (error) {
    if (missing.some((kind) => error instanceof kind)) return false;
    throw error;
  }
}

export function repoExists(options: RepoOptions): Promise<boolean> {
  return answers(() => repoInfo(options), [RepoNotFoundError]);
}

export function revisionExists(options: RepoOptions & { revision: string }): Promise<boolean> {
  return answers(() => repoInfo(options), [RepoNotFoundError, RevisionNotFoundError]);
}

export function fileExists(options: RepoOptions & { filename: string; revision?: string }): Promise<boolean> {
  const token = tokenOf(options);
  const url = hfHubUrl({ ...options, endpoint: endpointOf(options) });
  return answers(
    () => getHfFileMetadata({ url, token, client: options.client, signal: options.signal }),
    [RepoNotFoundError, RevisionNotFoundError, EntryNotFoundError],
  );
}
