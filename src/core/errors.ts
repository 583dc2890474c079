/**
 * Every error wharf raises on purpose. Each class has a stable `code` that callers can switch on
 * (the same names as `huggingface_hub`'s exceptions where one exists), and a message that says what was
 * asked, what went wrong and what to do. Owned by core; every layer throws these or subclasses them.
 */

export interface WharfErrorOptions {
  cause?: unknown;
}

export class WharfError extends Error {
  readonly code: string = "WharfError";

  constructor(message: string, options: WharfErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
  }
}

/** Facts about a failed HTTP exchange, kept on every HTTP error for debugging and retries. */
export interface HttpErrorDetails {
  status: number;
  url: string;
  method: string;
  /** The Hub's `X-Error-Code` header, when the server sent one. */
  serverCode?: string;
  /** `X-Error-Message`, or the JSON body's `error` / `errors[].message`. */
  serverMessage?: string;
  requestId?: string;
  /** `X-Repo-Commit` of the answer: a 404 for a missing file still names the commit it looked in. */
  repoCommit?: string;
  headers: Record<string, string>;
}

/** An HTTP answer that was not a success. Subclasses name the Hub's specific cases. */
export class HttpError extends WharfError {
  override readonly code: string = "HttpError";
  readonly status: number;
  readonly url: string;
  readonly method: string;
  readonly serverCode: string | undefined;
  readonly serverMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly repoCommit: string | undefined;
  readonly headers: Record<string, string>;

  constructor(message: string, details: HttpErrorDetails, options: WharfErrorOptions = {}) {
    super(message, options);
    this.status = details.status;
    this.url = details.url;
    this.method = details.method;
    this.serverCode = details.serverCode;
    this.serverMessage = details.serverMessage;
    this.requestId = details.requestId;
    this.repoCommit = details.repoCommit;
    this.headers = details.headers;
  }
}

export class RepoNotFoundError extends HttpError {
  override readonly code = "RepoNotFound";
}
export class RevisionNotFoundError extends HttpError {
  override readonly code = "RevisionNotFound";
}
export class EntryNotFoundError extends HttpError {
  override readonly code = "EntryNotFound";
}
export class GatedRepoError extends HttpError {
  override readonly code = "GatedRepo";
}
export class DisabledRepoError extends HttpError {
  override readonly code = "DisabledRepo";
}
export class UnauthorizedError extends HttpError {
  override readonly code = "Unauthorized";
}
export class ForbiddenError extends HttpError {
  override readonly code = "Forbidden";
}
export class BadRequestError extends HttpError {
  override readonly code = "BadRequest";
}
export class ConflictError extends HttpError {
  override readonly code = "Conflict";
}
export class PreconditionFailedError extends HttpError {
  override readonly code = "PreconditionFailed";
}
export class RangeNotSatisfiableError extends HttpError {
  override readonly code = "RangeNotSatisfiable";
}
export class TooManyRequestsError extends HttpError {
  override readonly code = "TooManyRequests";
}
export class ServerError extends HttpError {
  override readonly code = "ServerError";
}

/** The connection failed or dropped before a whole answer arrived (after any retries). */
export class NetworkError extends WharfError {
  override readonly code = "NetworkError";
  readonly url: string;

  constructor(message: string, url: string, options: WharfErrorOptions = {}) {
    super(message, options);
    this.url = url;
  }
}

/** The caller's AbortSignal fired. Nothing left behind looks complete. */
export class AbortedError extends WharfError {
  override readonly code = "Aborted";
}

/** `HF_HUB_OFFLINE` (or a per-call option) forbids the network, and the answer is not cached. */
export class OfflineModeError extends WharfError {
  override readonly code = "OfflineMode";
}

/** A file was looked for in a local cache and is not there. */
export class LocalEntryNotFoundError extends WharfError {
  override readonly code = "LocalEntryNotFound";
}

/** Downloaded or stored bytes do not hash to what was expected. */
export class ChecksumMismatchError extends WharfError {
  override readonly code = "ChecksumMismatch";
  readonly path: string;
  readonly expected: string;
  readonly actual: string;

  constructor(path: string, algorithm: string, expected: string, actual: string) {
    super(
      `${path}: ${algorithm} is ${actual} but ${expected} was expected. The file is corrupt or was ` +
        "changed at its source; it was not kept. Download it again, or check where the expected checksum came from.",
    );
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}

/** Downloaded bytes are more or fewer than the size that was expected. */
export class SizeMismatchError extends WharfError {
  override readonly code = "SizeMismatch";
  readonly path: string;
  readonly expected: number;
  readonly actual: number;

  constructor(path: string, expected: number, actual: number) {
    super(
      `${path}: received ${actual} bytes but ${expected} were expected. The file was not kept; ` +
        "download it again, and if this repeats the server is sending a wrong length.",
    );
    this.path = path;
    this.expected = expected;
    this.actual = actual;
  }
}

/** An archive entry would land outside the extraction target (`../`, absolute path, outward link). */
export class UnsafeArchivePathError extends WharfError {
  override readonly code = "UnsafeArchivePath";
  readonly archive: string;
  readonly entry: string;

  constructor(archive: string, entry: string, why: string) {
    super(
      `${archive}: entry "${entry}" ${why}, outside the extraction folder. Extraction stopped; ` +
        "the archive is malformed or malicious, so do not extract it with another tool either.",
    );
    this.archive = archive;
    this.entry = entry;
  }
}

/** Extraction would write more bytes than allowed: a decompression bomb, or a limit set too low. */
export class ArchiveTooLargeError extends WharfError {
  override readonly code = "ArchiveTooLarge";
  readonly archive: string;
  readonly limit: number;

  constructor(archive: string, limit: number) {
    super(
      `${archive}: extracting it would write more than ${limit} bytes, so extraction stopped and what it ` +
        "wrote was removed. If the archive is trusted, raise the limit (maxBytes).",
    );
    this.archive = archive;
    this.limit = limit;
  }
}

/** An archive or compressed file that its format's reader refuses. */
export class CorruptArchiveError extends WharfError {
  override readonly code = "CorruptArchive";
}

/** A file changed while wharf was reading it, so no single digest or copy of it exists. */
export class FileChangedError extends WharfError {
  override readonly code = "FileChanged";
}

/** Blobs of the Hub cache whose bytes no longer match their names. */
export class CacheCorruptError extends WharfError {
  override readonly code = "CacheCorrupt";
}

/** A cross-process lock could not be taken in time. */
export class LockTimeoutError extends WharfError {
  override readonly code = "LockTimeout";
}

/** An option or argument that cannot be used as given. */
export class InvalidArgumentError extends WharfError {
  override readonly code = "InvalidArgument";
}
