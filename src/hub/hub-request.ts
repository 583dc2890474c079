/**
 * The client side of the Hub's JSON API, shared by every API function: the endpoint and token from
 * the options or the environment, a GET or POST with `Authorization`, and `Link: <...>; rel="next"`
 * paging. One place, so no API function rebuilds any of it.
 */
import { readEnv } from "../core/env.js";
import { defaultHttpClient, type HttpClient } from "../core/http/client.js";
import { getToken } from "./token.js";

export interface HubCallOptions {
  /** Default `HF_ENDPOINT`. */
  endpoint?: string;
  /** Default `HF_TOKEN`, then the token file; false sends none. */
  token?: string | false;
  client?: HttpClient;
  signal?: AbortSignal;
}

export function endpointOf(options: HubCallOptions): string {
  return (options.endpoint ?? readEnv().endpoint).replace(/\/+$/, "");
}

/** The token a call sends: the one given, none for `false`, else the default (`getToken`). */
export function tokenOf(options: { token?: string | false }): string | undefined {
  return options.token === false ? undefined : (options.token ?? getToken());
}

/** `Authorization` for the token a call sends, or nothing. */
export function authHeaders(options: { token?: string | false }): Record<string, string> {
  const token = tokenOf(options);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** GETs `path` (from the endpoint) and parses the JSON answer. */
export async function hubGetJson<T>(path: string, options: HubCallOptions): Promise<T> {
  const client = options.client ?? defaultHttpClient();
  const response = await client.request(`${endpointOf(options)}${path}`, {
    headers: { accept: "application/json", ...authHeaders(options) },
    signal: options.signal,
    context: `GET ${path}`,
  });
  return response.json<T>();
}

/** Sends a JSON body to `path` (from the endpoint) with `method` and parses the JSON answer. */
export async function hubSendJson<T>(
  method: "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  body: unknown,
  options: HubCallOptions & { allowErrorStatus?: boolean },
): Promise<{ status: number; body: T }> {
  const client = options.client ?? defaultHttpClient();
  const response = await client.request(`${endpointOf(options)}${path}`, {
    method,
    headers: { accept: "application/json", "content-type": "application/json", ...authHeaders(options) },
    body: JSON.stringify(body),
    signal: options.signal,
    allowErrorStatus: options.allowErrorStatus,
    context: `${method} ${path}`,
  });
  // Some answers (a DELETE, say) have no body at all.
  const text = await response.text();
  return { status: response.status, body: (text.trim() === "" ? undefined : JSON.parse(text)) as T };
}

/** POSTs a JSON body to `path` (from the endpoint) and parses the JSON answer. */
export async function hubPostJson<T>(path: string, body: unknown, options: HubCallOptions): Promise<T> {
  return (await hubSendJson<T>("POST", path, body, options)).body;
}

/** The `rel="next"` URL of a `Link` header, if any. */
export function nextPageUrl(link: string | undefined): string | undefined {
  for (const part of link?.split(",") ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/** Every item of a paged JSON list, page after page as the `Link` headers lead. */
export async function* hubGetPages<T>(path: string, options: HubCallOptions): AsyncIterable<T> {
  const client = options.client ?? defaultHttpClient();
  let url: string | undefined = `${endpointOf(options)}${path}`;
  while (url) {
    const response = await client.request(url, {
      headers: { accept: "application/json", ...authHeaders(options) },
      signal: options.signal,
      context: `GET ${path}`,
    });
    const items = await response.json<T[]>();
    yield* items;
    url = nextPageUrl(response.headers.link);
  }
}
