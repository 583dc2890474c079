/**
 * Turns a failed HTTP answer into the typed error that names it, reading the Hub's `X-Error-Code` and
 * `X-Error-Message` headers and JSON error bodies the way `huggingface_hub`'s `hf_raise_for_status` does.
 * The one place where status codes become error classes; the hub layer refines only what needs repo
 * knowledge.
 */
import {
  BadRequestError,
  ConflictError,
  DisabledRepoError,
  EntryNotFoundError,
  ForbiddenError,
  GatedRepoError,
  HttpError,
  type HttpErrorDetails,
  PreconditionFailedError,
  RangeNotSatisfiableError,
  RepoNotFoundError,
  RevisionNotFoundError,
  ServerError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../errors.js";

export interface FailedResponse {
  status: number;
  statusText?: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  /** The start of the body as text, when it was read. */
  bodyText?: string;
}

/** The message a JSON error body carries: `{"error": "..."}` or `{"errors": [{"message": "..."}]}`. */
export function messageFromBody(bodyText: string | undefined): string | undefined {
  if (bodyText === undefined || bodyText.trim() === "") return undefined;
  try {
    const parsed: unknown = JSON.parse(bodyText);
    if (parsed && typeof parsed === "object") {
      const record = parsed as { error?: unknown; errors?: unknown; message?: unknown };
      if (typeof record.error === "string") return record.error;
      if (Array.isArray(record.errors)) {
        const messages = record.errors
          .map((entry: unknown) =>
            entry && typeof entry === "object" ? (entry as { message?: unknown }).message : undefined,
          )
          .filter((message): message is string => typeof message === "string");
        if (messages.length > 0) return messages.join("\n");
      }
      if (typeof record.message === "string") return record.message;
    }
  } catch {
    // Not JSON: a short plain-text body is still the best message there is.
  }
  const text = bodyText.trim();
  return text.length <= 500 && !text.startsWith("<") ? text : undefined;
}

const HINTS: Record<string, string> = {
  RepoNotFound:
    "Check the repo id and its type (model, dataset or space). If the repo is private or gated, pass a " +
    "token that can read it (HF_TOKEN, `wharf auth login`, or the token option).",
  RevisionNotFound: "Check the branch, tag or commit id; `refs` lists what the repo has.",
  EntryNotFound: "Check the file's path at that revision; the repo's file list shows what exists.",
  GatedRepo: "The repo is gated: ask for access on its page, then pass a token of the account that has it.",
  DisabledRepo: "The repo was disabled by its host and cannot be read.",
  Unauthorized: "Pass a valid token (HF_TOKEN, `wharf auth login`, or the token option).",
  Forbidden: "The token lacks the rights for this; use a token with write access, or ask the owner.",
  BadRequest: "The server refused the request as malformed; check the arguments.",
  Conflict: "It already exists, or it changed meanwhile.",
  PreconditionFailed:
    "Something changed on the server since it was read (a newer commit); read it again and retry.",
  RangeNotSatisfiable: "The requested byte range is outside the file.",
  TooManyRequests: "The server is rate limiting; wait and try again, or use a token with a higher limit.",
  ServerError: "The server failed; try again later.",
};

/** The error class for a failed answer, and the code whose hint goes in its message. */
function classify(details: HttpErrorDetails): [typeof HttpError, string] {
  switch (details.serverCode) {
    case "RepoNotFound":
      return [RepoNotFoundError, "RepoNotFound"];
    case "RevisionNotFound":
      return [RevisionNotFoundError, "RevisionNotFound"];
    case "EntryNotFound":
      return [EntryNotFoundError, "EntryNotFound"];
    case "GatedRepo":
      return [GatedRepoError, "GatedRepo"];
  }
  if (details.serverMessage === "Access to this resource is disabled.")
    return [DisabledRepoError, "DisabledRepo"];
  const byStatus: Record<number, [typeof HttpError, string]> = {
    400: [BadRequestError, "BadRequest"],
    401: [UnauthorizedError, "Unauthorized"],
    403: [ForbiddenError, "Forbidden"],
    409: [ConflictError, "Conflict"],
    412: [PreconditionFailedError, "PreconditionFailed"],
    416: [RangeNotSatisfiableError, "RangeNotSatisfiable"],
    429: [TooManyRequestsError, "TooManyRequests"],
  };
  const known = byStatus[details.status];
  if (known) return known;
  return details.status >= 500 ? [ServerError, "ServerError"] : [HttpError, "HttpError"];
}

export function errorFromResponse(response: FailedResponse, context?: string): HttpError {
  const headers = response.headers;
  const details: HttpErrorDetails = {
    status: response.status,
    url: response.url,
    method: response.method,
    serverCode: headers["x-error-code"],
    serverMessage: headers["x-error-message"] ?? messageFromBody(response.bodyText),
    requestId: headers["x-request-id"] ?? headers["x-amzn-trace-id"],
    repoCommit: headers["x-repo-commit"],
    headers,
  };
  const [ErrorClass, code] = classify(details);
  const lines = [
    `${context ? `${context}: ` : ""}${response.status}${response.statusText ? ` ${response.statusText}` : ""} ` +
      `for ${response.method} ${response.url}`,
  ];
  if (details.serverMessage) lines.push(details.serverMessage);
  const hint = HINTS[code];
  if (hint) lines.push(hint);
  if (details.requestId) lines.push(`(Request ID: ${details.requestId})`);
  return new ErrorClass(lines.join("\n"), details);
}
