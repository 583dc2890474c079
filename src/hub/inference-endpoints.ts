/**
 * Inference Endpoints, as Python's: `listInferenceEndpoints`, `getInferenceEndpoint`,
 * `createInferenceEndpoint`, `updateInferenceEndpoint`, `pauseInferenceEndpoint`,
 * `resumeInferenceEndpoint` (`runningOk`), `scaleToZeroInferenceEndpoint`, `deleteInferenceEndpoint`.
 * They live on their own API (`https://api.endpoints.huggingface.cloud/v2`, or `endpointsApi`), with the
 * Hub token; the namespace defaults to the token's user.
 */
import { HttpError } from "../core/errors.js";
import { defaultHttpClient } from "../core/http/client.js";
import { authHeaders, type HubCallOptions } from "./hub-request.js";
import { whoami } from "./whoami.js";

export const INFERENCE_ENDPOINTS_API = "https://api.endpoints.huggingface.cloud/v2";

export interface InferenceEndpoint {
  name: string;
  namespace: string;
  repository: string;
  /** `pending`, `initializing`, `running`, `paused`, `scaledToZero`, `failed`, ... */
  status: string;
  url?: string;
  healthRoute?: string;
  framework: string;
  revision?: string;
  task?: string;
  createdAt: Date;
  updatedAt: Date;
  type: string;
  raw: Record<string, unknown>;
}

interface EndpointsCall extends HubCallOptions {
  /** Default `INFERENCE_ENDPOINTS_API`. */
  endpointsApi?: string;
  namespace?: string;
}

interface RawEndpoint {
  name: string;
  type: string;
  healthRoute?: string;
  model: { repository: string; framework: string; revision?: string; task?: string };
  status: { state: string; url?: string; createdAt: string; updatedAt: string };
}

function endpointOf(raw: RawEndpoint, namespace: string): InferenceEndpoint {
  return {
    name: raw.name,
    namespace,
    repository: raw.model.repository,
    status: raw.status.state,
    ...(raw.status.url && { url: raw.status.url }),
    ...(raw.healthRoute && { healthRoute: raw.healthRoute }),
    framework: raw.model.framework,
    ...(raw.model.revision && { revision: raw.model.revision }),
    ...(raw.model.task && { task: raw.model.task }),
    createdAt: new Date(raw.status.createdAt),
    updatedAt: new Date(raw.status.updatedAt),
    type: raw.type,
    raw: raw as unknown as Record<string, unknown>,
  };
}

async function namespaceOf(options: EndpointsCall): Promise<string> {
  return options.namespace ?? (await whoami(options)).name;
}

async function call<T>(
  options: EndpointsCall,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T; text: string }> {
  const response = await (options.client ?? defaultHttpClient()).request(
    `${(options.endpointsApi ?? INFERENCE_ENDPOINTS_API).replace(/\/+$/, "")}${path}`,
    {
      method,
      headers: {
        accept: "application/json",
        ...(body !== undefined && { "content-type": "application/json" }),
        ...authHeaders(options),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: options.signal,
      allowErrorStatus: true,
      retry: method === "GET" ? undefined : false,
      context: `${method} ${path}`,
    },
  );
  const text = await response.text();
  const parsed = (text.trim() === "" ? undefined : JSON.parse(text)) as T;
  if (response.status >= 400 && !(method === "POST" && path.endsWith("/resume") && response.status === 400)) {
    throw new HttpError(`${method} ${path} answered ${response.status}: ${text.slice(0, 300)}`, {
      status: response.status,
      url: response.url,
      method,
      headers: response.headers,
    });
  }
  return { status: response.status, body: parsed, text };
}

export async function listInferenceEndpoints(options: EndpointsCall = {}): Promise<InferenceEndpoint[]> {
  const namespace = await namespaceOf(options);
  const answer = await call<{ items: RawEndpoint[] }>(options, "GET", `/endpoint/${namespace}`);
  return answer.body.items.map((raw) => endpointOf(raw, namespace));
}

export async function getInferenceEndpoint(
  options: EndpointsCall & { name: string },
): Promise<InferenceEndpoint> {
  const namespace = await namespaceOf(options);
  return endpointOf(
    (await call<RawEndpoint>(options, "GET", `/endpoint/${namespace}/${options.name}`)).body,
    namespace,
  );
}

export interface EndpointSettings {
  repository: string;
  framework: string;
  accelerator: string;
  instanceSize: string;
  instanceType: string;
  region: string;
  vendor: string;
  minReplica?: number;
  maxReplica?: number;
  scaleToZeroTimeout?: number;
  revision?: string;
  task?: string;
  /** `public`, `authenticated` or `private` (default `public`). */
  type?: string;
  accountId?: string;
}

export async function createInferenceEndpoint(
  options: EndpointsCall & EndpointSettings & { name: string },
): Promise<InferenceEndpoint> {
  const namespace = await namespaceOf(options);
  const body = {
    accountId: options.accountId ?? null,
    compute: {
      accelerator: options.accelerator,
      instanceSize: options.instanceSize,
      instanceType: options.instanceType,
      scaling: {
        maxReplica: options.maxReplica ?? 1,
        minReplica: options.minReplica ?? 0,
        scaleToZeroTimeout: options.scaleToZeroTimeout ?? null,
      },
    },
    model: {
      framework: options.framework,
      repository: options.repository,
      revision: options.revision ?? null,
      image: { huggingface: {} },
      ...(options.task !== undefined && { task: options.task }),
    },
    name: options.name,
    provider: { region: options.region, vendor: options.vendor },
    type: options.type ?? "public",
  };
  return endpointOf(
    (await call<RawEndpoint>(options, "POST", `/endpoint/${namespace}`, body)).body,
    namespace,
  );
}

/** Changes the settings given (the others stay as they are). */
export async function updateInferenceEndpoint(
  options: EndpointsCall &
    Partial<Omit<EndpointSettings, "region" | "vendor" | "type" | "accountId">> & { name: string },
): Promise<InferenceEndpoint> {
  const namespace = await namespaceOf(options);
  const compute: Record<string, unknown> = {};
  const scaling: Record<string, unknown> = {};
  const model: Record<string, unknown> = {};
  for (const key of ["accelerator", "instanceSize", "instanceType"] as const)
    if (options[key] !== undefined) compute[key] = options[key];
  for (const key of ["maxReplica", "minReplica", "scaleToZeroTimeout"] as const)
    if (options[key] !== undefined) scaling[key] = options[key];
  for (const key of ["repository", "framework", "revision", "task"] as const)
    if (options[key] !== undefined) model[key] = options[key];
  if (Object.keys(scaling).length > 0) compute.scaling = scaling;
  const body = {
    ...(Object.keys(compute).length > 0 && { compute }),
    ...(Object.keys(model).length > 0 && { model }),
  };
  return endpointOf(
    (await call<RawEndpoint>(options, "PUT", `/endpoint/${namespace}/${options.name}`, body)).body,
    namespace,
  );
}

async function action(options: EndpointsCall & { name: string }, verb: string): Promise<InferenceEndpoint> {
  const namespace = await namespaceOf(options);
  return endpointOf(
    (await call<RawEndpoint>(options, "POST", `/endpoint/${namespace}/${options.name}/${verb}`)).body,
    namespace,
  );
}

export function pauseInferenceEndpoint(
  options: EndpointsCall & { name: string },
): Promise<InferenceEndpoint> {
  return action(options, "pause");
}

export function scaleToZeroInferenceEndpoint(
  options: EndpointsCall & { name: string },
): Promise<InferenceEndpoint> {
  return action(options, "scale-to-zero");
}

/** Resumes a paused endpoint; with `runningOk` (default true), one that is running already is fine. */
export async function resumeInferenceEndpoint(
  options: EndpointsCall & { name: string; runningOk?: boolean },
): Promise<InferenceEndpoint> {
  const namespace = await namespaceOf(options);
  const answer = await call<RawEndpoint>(options, "POST", `/endpoint/${namespace}/${options.name}/resume`);
  if (answer.status === 400) {
    if ((options.runningOk ?? true) && answer.text.includes("already running"))
      return getInferenceEndpoint({ ...options, namespace });
    throw new HttpError(`Resuming ${namespace}/${options.name} answered 400: ${answer.text.slice(0, 300)}`, {
      status: 400,
      url: `/endpoint/${namespace}/${options.name}/resume`,
      method: "POST",
      headers: {},
    });
  }
  return endpointOf(answer.body, namespace);
}

export async function deleteInferenceEndpoint(options: EndpointsCall & { name: string }): Promise<void> {
  const namespace = await namespaceOf(options);
  await call(options, "DELETE", `/endpoint/${namespace}/${options.name}`);
}
