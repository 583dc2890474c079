/**
 * The errors the server answers with, shaped as the Hub's: a status, an `X-Error-Code` clients map to
 * their typed errors (`RepoNotFound`, `RevisionNotFound`, `EntryNotFound`, `GatedRepo`), an
 * `X-Error-Message`, a JSON body `{error}`, and, for a missing file, the `X-Repo-Commit` it looked in.
 */
export class HubHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errorCode?: string,
    readonly repoCommit?: string,
  ) {
    super(message);
  }

  /** The headers that go with the answer. */
  headers(): Record<string, string> {
    const headers: Record<string, string> = { "x-error-message": headerSafe(this.message) };
    if (this.errorCode) headers["x-error-code"] = this.errorCode;
    if (this.repoCommit) headers["x-repo-commit"] = this.repoCommit;
    return headers;
  }
}

/** The same text a private repo and a missing one answer with, so neither gives the other away. */
export function repoNotFound(): HubHttpError {
  return new HubHttpError(
    404,
    "Repository Not Found for url. Please make sure you specified the correct `repo_id` and `repo_type`. " +
      "If you are trying to access a private or gated repo, make sure you are authenticated.",
    "RepoNotFound",
  );
}

export function revisionNotFound(revision: string): HubHttpError {
  return new HubHttpError(404, `Invalid rev id: ${revision}`, "RevisionNotFound");
}

export function entryNotFound(path: string, commit: string): HubHttpError {
  return new HubHttpError(404, `Entry not found: ${path}`, "EntryNotFound", commit);
}

export function badRequest(message: string): HubHttpError {
  return new HubHttpError(400, message);
}

/** HTTP headers carry Latin-1 without line breaks; a message with anything else is simplified. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}
