/**
 * Spaces, as Python's: `getSpaceRuntime`, `pauseSpace`, `restartSpace` (`factoryReboot`),
 * `requestSpaceHardware` (`sleepTime`), `setSpaceSleepTime`, `duplicateSpace` (through the Hub's
 * `duplicate`), `addSpaceSecret`/`deleteSpaceSecret`, `addSpaceVariable`/`deleteSpaceVariable`/
 * `getSpaceVariables`, over `/api/spaces/{id}/...`. (`listSpaces` is `listRepos` of type space.)
 */
import { type HubCallOptions, hubGetJson, hubSendJson } from "./hub-request.js";
import { whoami } from "./whoami.js";

export interface SpaceRuntime {
  stage: string;
  hardware?: string;
  requestedHardware?: string;
  /** Seconds of inactivity before the Space sleeps (`gcTimeout`). */
  sleepTime?: number;
  storage?: string;
  devMode: boolean;
  /** The runtime as the Hub sent it. */
  raw: Record<string, unknown>;
}

export interface SpaceVariable {
  key: string;
  value: string;
  description?: string;
  updatedAt?: Date;
}

interface SpaceCall extends HubCallOptions {
  repoId: string;
}

interface RawRuntime {
  stage: string;
  hardware?: { current?: string | null; requested?: string | null };
  gcTimeout?: number | null;
  storage?: string | null;
  devMode?: boolean;
}

function runtimeOf(raw: RawRuntime): SpaceRuntime {
  return {
    stage: raw.stage,
    ...(raw.hardware?.current && { hardware: raw.hardware.current }),
    ...(raw.hardware?.requested && { requestedHardware: raw.hardware.requested }),
    ...(typeof raw.gcTimeout === "number" && { sleepTime: raw.gcTimeout }),
    ...(raw.storage && { storage: raw.storage }),
    devMode: raw.devMode ?? false,
    raw: raw as unknown as Record<string, unknown>,
  };
}

function variablesOf(
  raw: Record<string, { value: string; description?: string; updatedAt?: string }>,
): Record<string, SpaceVariable> {
  return Object.fromEntries(
    Object.entries(raw).map(([key, entry]) => [
      key,
      {
        key,
        value: entry.value,
        ...(entry.description !== undefined && { description: entry.description }),
        ...(entry.updatedAt !== undefined && { updatedAt: new Date(entry.updatedAt) }),
      },
    ]),
  );
}

const path = (options: SpaceCall, rest: string) => `/api/spaces/${options.repoId}/${rest}`;

async function postRuntime(options: SpaceCall, rest: string, body?: unknown): Promise<SpaceRuntime> {
  return runtimeOf((await hubSendJson<RawRuntime>("POST", path(options, rest), body, options)).body);
}

export async function getSpaceRuntime(options: SpaceCall): Promise<SpaceRuntime> {
  return runtimeOf(await hubGetJson<RawRuntime>(path(options, "runtime"), options));
}

export function pauseSpace(options: SpaceCall): Promise<SpaceRuntime> {
  return postRuntime(options, "pause");
}

export function restartSpace(options: SpaceCall & { factoryReboot?: boolean }): Promise<SpaceRuntime> {
  return postRuntime(options, options.factoryReboot ? "restart?factory=true" : "restart");
}

export function requestSpaceHardware(
  options: SpaceCall & { hardware: string; sleepTime?: number },
): Promise<SpaceRuntime> {
  return postRuntime(options, "hardware", {
    flavor: options.hardware,
    ...(options.sleepTime !== undefined && { sleepTimeSeconds: options.sleepTime }),
  });
}

/** Seconds of inactivity before the Space sleeps; -1 never. */
export function setSpaceSleepTime(options: SpaceCall & { sleepTime: number }): Promise<SpaceRuntime> {
  return postRuntime(options, "sleeptime", { seconds: options.sleepTime });
}

/** Copies a Space (to `toId`, default the same name in the caller's account); returns the new Space's URL. */
export async function duplicateSpace(
  options: HubCallOptions & {
    fromId: string;
    toId?: string;
    private?: boolean;
    hardware?: string;
    sleepTime?: number;
    secrets?: Array<{ key: string; value: string; description?: string }>;
    variables?: Array<{ key: string; value: string; description?: string }>;
    existOk?: boolean;
  },
): Promise<string> {
  const name = options.toId?.split("/").pop() ?? options.fromId.split("/").pop();
  const namespace = options.toId?.includes("/") ? options.toId.split("/")[0] : (await whoami(options)).name;
  const body = {
    repository: `${namespace}/${name}`,
    ...(options.private !== undefined && { visibility: options.private ? "private" : "public" }),
    ...(options.hardware !== undefined && { hardware: options.hardware }),
    ...(options.sleepTime !== undefined && { sleepTimeSeconds: options.sleepTime }),
    ...(options.secrets && { secrets: options.secrets }),
    ...(options.variables && { variables: options.variables }),
  };
  const answer = await hubSendJson<{ url: string }>("POST", `/api/spaces/${options.fromId}/duplicate`, body, {
    ...options,
    allowErrorStatus: options.existOk,
  });
  if (answer.status === 409 && options.existOk) return answer.body?.url ?? `${namespace}/${name}`;
  return answer.body.url;
}

export async function addSpaceSecret(
  options: SpaceCall & { key: string; value: string; description?: string },
): Promise<void> {
  await hubSendJson(
    "POST",
    path(options, "secrets"),
    {
      key: options.key,
      value: options.value,
      ...(options.description !== undefined && { description: options.description }),
    },
    options,
  );
}

export async function deleteSpaceSecret(options: SpaceCall & { key: string }): Promise<void> {
  await hubSendJson("DELETE", path(options, "secrets"), { key: options.key }, options);
}

export async function getSpaceVariables(options: SpaceCall): Promise<Record<string, SpaceVariable>> {
  return variablesOf(await hubGetJson(path(options, "variables"), options));
}

export async function addSpaceVariable(
  options: SpaceCall & { key: string; value: string; description?: string },
): Promise<Record<string, SpaceVariable>> {
  const body = {
    key: options.key,
    value: options.value,
    ...(options.description !== undefined && { description: options.description }),
  };
  return variablesOf(
    (await hubSendJson<Record<string, { value: string }>>("POST", path(options, "variables"), body, options))
      .body,
  );
}

export async function deleteSpaceVariable(
  options: SpaceCall & { key: string },
): Promise<Record<string, SpaceVariable>> {
  return variablesOf(
    (
      await hubSendJson<Record<string, { value: string }>>(
        "DELETE",
        path(options, "variables"),
        { key: options.key },
        options,
      )
    ).body,
  );
}
