/**
 * `getHfFileMetadata`: what a `HEAD` on a resolve URL says about a file, read as Python's
 * `get_hf_file_metadata` reads it: relative redirects followed (a renamed repo), the first absolute one
 * taken as the download location, the commit from `X-Repo-Commit`, the etag from `X-Linked-Etag` or
 * `ETag` (quotes and `W/` stripped), the size from `X-Linked-Size` or `Content-Length`.
 */
import { InvalidArgumentError } from "../core/errors.js";
import { defaultHttpClient, type HttpClient } from "../core/http/client.js";

export interface HfFileMetadata {
  commitHash: string;
  etag: string;
  /** Where to download the bytes: the resolve URL, or where it redirects (a CDN). */
  location: string;
  size: number;
}

export interface FileMetadataOptions {
  url: string;
  token?: string;
  headers?: Record<string, string>;
  client?: HttpClient;
  timeoutMs?: number;
  signal?: AbortSignal;
}

function normalizeEtag(etag: string | undefined): string | undefined {
  return etag?.replace(/^W\//, "").replace(/^"|"$/g, "");
}

export async function getHfFileMetadata(options: FileMetadataOptions): Promise<HfFileMetadata> {
  const client = options.client ?? defaultHttpClient();
  const response = await client.request(options.url, {
    method: "HEAD",
    redirect: "relative",
    headers: {
      "accept-encoding": "identity",
      ...options.headers,
      ...(options.token && { authorization: `Bearer ${options.token}` }),
    },
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    // As Python: only a rate limit is worth waiting for here; an unreachable Hub falls back to the cache.
    retry: { retryNetworkErrors: false, retryStatuses: [429] },
    context: `metadata of ${options.url}`,
  });
  await response.discard();
  const { headers } = response;
  const redirected = response.status >= 300 && response.status < 400;
  const commitHash = headers["x-repo-commit"];
  const etag = normalizeEtag(headers["x-linked-etag"] ?? headers.etag);
  const sizeText = headers["x-linked-size"] ?? (redirected ? undefined : headers["content-length"]);
  if (!commitHash || !etag || sizeText === undefined) {
    throw new InvalidArgumentError(
      `${options.url} did not answer as a Hub does (it sent no ${!commitHash ? "X-Repo-Commit" : !etag ? "ETag" : "size"}); ` +
        "check HF_ENDPOINT.",
    );
  }
  const location =
    redirected && headers.location ? new URL(headers.location, response.url).toString() : response.url;
  return { commitHash, etag, location, size: Number(sizeText) };
}
