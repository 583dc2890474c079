/**
 * Webhooks, as Python's: `listWebhooks`, `getWebhook`, `createWebhook`, `updateWebhook`,
 * `enableWebhook`, `disableWebhook`, `deleteWebhook` over `/api/settings/webhooks`; and the receiving
 * side: `webhookSecretMatches` and `createWebhookReceiver`, a Node request handler that answers 401
 * without the `X-Webhook-Secret` header and 403 with a wrong one (as `huggingface_hub`'s
 * WebhooksServer), then hands the JSON payload on.
 */
import { timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { InvalidArgumentError } from "../core/errors.js";
import { type HubCallOptions, hubGetJson, hubSendJson } from "./hub-request.js";

export type WebhookDomain = "repo" | "discussion";

export interface WebhookWatchedItem {
  type: "user" | "org" | "model" | "dataset" | "space";
  name: string;
}

export interface WebhookInfo {
  id: string;
  url?: string;
  /** A Job the webhook triggers instead of calling a URL. */
  job?: Record<string, unknown>;
  watched: WebhookWatchedItem[];
  domains: WebhookDomain[];
  secret?: string;
  disabled: boolean;
}

/** As the Hub sends it: `url` and `secret` may be null. */
type RawWebhook = Omit<WebhookInfo, "url" | "secret"> & { url?: string | null; secret?: string | null };

function webhookOf(raw: RawWebhook): WebhookInfo {
  return {
    id: raw.id,
    ...(raw.url !== undefined && raw.url !== null && { url: raw.url }),
    ...(raw.job && { job: raw.job }),
    watched: raw.watched.map((item) => ({ type: item.type, name: item.name })),
    domains: raw.domains,
    ...(raw.secret !== undefined && raw.secret !== null && { secret: raw.secret }),
    disabled: raw.disabled,
  };
}

const BASE = "/api/settings/webhooks";

export async function listWebhooks(options: HubCallOptions = {}): Promise<WebhookInfo[]> {
  return (await hubGetJson<RawWebhook[]>(BASE, options)).map(webhookOf);
}

export async function getWebhook(options: HubCallOptions & { webhookId: string }): Promise<WebhookInfo> {
  return webhookOf(
    (await hubGetJson<{ webhook: RawWebhook }>(`${BASE}/${options.webhookId}`, options)).webhook,
  );
}

interface WebhookFields {
  watched: WebhookWatchedItem[];
  domains?: WebhookDomain[];
  secret?: string;
}

export async function createWebhook(
  options: HubCallOptions & WebhookFields & { url?: string; jobId?: string },
): Promise<WebhookInfo> {
  if ((options.url === undefined) === (options.jobId === undefined))
    throw new InvalidArgumentError("A webhook calls a `url` or triggers a job (`jobId`): give exactly one.");
  const body = {
    watched: options.watched,
    ...(options.domains && { domains: options.domains }),
    ...(options.secret !== undefined && { secret: options.secret }),
    ...(options.url !== undefined ? { url: options.url } : { jobSourceId: options.jobId }),
  };
  return webhookOf((await hubSendJson<{ webhook: RawWebhook }>("POST", BASE, body, options)).body.webhook);
}

export async function updateWebhook(
  options: HubCallOptions & Partial<WebhookFields> & { webhookId: string; url?: string },
): Promise<WebhookInfo> {
  const body = {
    watched: options.watched ?? [],
    ...(options.url !== undefined && { url: options.url }),
    ...(options.domains && { domains: options.domains }),
    ...(options.secret !== undefined && { secret: options.secret }),
  };
  return webhookOf(
    (await hubSendJson<{ webhook: RawWebhook }>("POST", `${BASE}/${options.webhookId}`, body, options)).body
      .webhook,
  );
}

async function toggle(
  options: HubCallOptions & { webhookId: string },
  action: "enable" | "disable",
): Promise<WebhookInfo> {
  return webhookOf(
    (
      await hubSendJson<{ webhook: RawWebhook }>(
        "POST",
        `${BASE}/${options.webhookId}/${action}`,
        undefined,
        options,
      )
    ).body.webhook,
  );
}

export function enableWebhook(options: HubCallOptions & { webhookId: string }): Promise<WebhookInfo> {
  return toggle(options, "enable");
}

export function disableWebhook(options: HubCallOptions & { webhookId: string }): Promise<WebhookInfo> {
  return toggle(options, "disable");
}

export async function deleteWebhook(options: HubCallOptions & { webhookId: string }): Promise<void> {
  await hubSendJson("DELETE", `${BASE}/${options.webhookId}`, undefined, options);
}

/** True when the request's `X-Webhook-Secret` is the secret (compared in constant time). */
export function webhookSecretMatches(header: string | string[] | undefined, secret: string): boolean {
  if (typeof header !== "string") return false;
  const given = Buffer.from(header);
  const wanted = Buffer.from(secret);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * A Node request handler for a webhook's deliveries: checks the secret, parses the JSON payload and
 * passes it to `onPayload`; answers 401 without the secret header, 403 with a wrong one, 400 for a body
 * that is not JSON, 200 `{}` once `onPayload` is done.
 */
export function createWebhookReceiver(options: {
  secret: string;
  onPayload: (payload: unknown) => void | Promise<void>;
}): (request: IncomingMessage, response: ServerResponse) => Promise<void> {
  return async (request, response) => {
    const answer = (status: number, body: unknown) => {
      response.writeHead(status, { "content-type": "application/json" });
      response.end(JSON.stringify(body));
    };
    const header = request.headers["x-webhook-secret"];
    if (header === undefined) return answer(401, { error: "x-webhook-secret header not set." });
    if (!webhookSecretMatches(header, options.secret))
      return answer(403, { error: "Invalid webhook secret." });
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return answer(400, { error: "The payload is not JSON." });
    }
    await options.onPayload(payload);
    answer(200, {});
  };
}
