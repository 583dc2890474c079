/**
 * Collections, as Python's: `getCollection`, `listCollections` (by owner, item, sort; paged),
 * `createCollection`, `updateCollectionMetadata`, `deleteCollection`, `addCollectionItem`,
 * `updateCollectionItem`, `deleteCollectionItem`, over `/api/collections`. `existsOk` and `missingOk`
 * turn the Hub's 409 and 404 into the collection (or nothing), as Python's flags do.
 */
import { ConflictError, EntryNotFoundError, HttpError } from "../core/errors.js";
import { endpointOf, type HubCallOptions, hubGetJson, hubGetPages, hubSendJson } from "./hub-request.js";
import { whoami } from "./whoami.js";

export type CollectionItemType = "model" | "dataset" | "space" | "paper" | "collection";

export interface CollectionItem {
  /** The item's id within the collection (what update and delete take). */
  itemObjectId: string;
  /** The repo id, paper id or collection slug. */
  itemId: string;
  itemType: CollectionItemType;
  position: number;
  note?: string;
}

export interface Collection {
  slug: string;
  title: string;
  owner: string;
  items: CollectionItem[];
  lastUpdated: Date;
  position: number;
  private: boolean;
  theme: string;
  upvotes: number;
  description?: string;
  url: string;
}

interface RawItem {
  _id: string;
  id: string;
  type: CollectionItemType;
  position: number;
  note?: { text?: string };
  slug?: string;
}

interface RawCollection {
  slug: string;
  title: string;
  owner: string | { name?: string };
  items?: RawItem[];
  lastUpdated: string;
  position: number;
  private: boolean;
  theme: string;
  upvotes: number;
  description?: string;
}

function collectionOf(raw: RawCollection, options: HubCallOptions): Collection {
  return {
    slug: raw.slug,
    title: raw.title,
    owner: typeof raw.owner === "string" ? raw.owner : (raw.owner?.name ?? ""),
    items: (raw.items ?? []).map((item) => ({
      itemObjectId: item._id,
      itemId: item.slug ?? item.id,
      itemType: item.type,
      position: item.position,
      ...(typeof item.note?.text === "string" && { note: item.note.text }),
    })),
    lastUpdated: new Date(raw.lastUpdated),
    position: raw.position,
    private: raw.private,
    theme: raw.theme,
    upvotes: raw.upvotes,
    ...(raw.description !== undefined && { description: raw.description }),
    url: `${endpointOf(options)}/collections/${raw.slug}`,
  };
}

/** Only the fields given, as Python sends them. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export async function getCollection(options: HubCallOptions & { slug: string }): Promise<Collection> {
  return collectionOf(await hubGetJson<RawCollection>(`/api/collections/${options.slug}`, options), options);
}

export async function* listCollections(
  options: HubCallOptions & {
    owner?: string;
    item?: string;
    sort?: "lastModified" | "trending" | "upvotes";
    limit?: number;
  } = {},
): AsyncIterable<Collection> {
  const query = new URLSearchParams(
    defined({ owner: options.owner, item: options.item, sort: options.sort, limit: options.limit }) as Record<
      string,
      string
    >,
  );
  let count = 0;
  for await (const raw of hubGetPages<RawCollection>(
    `/api/collections${query.size > 0 ? `?${query}` : ""}`,
    options,
  )) {
    if (options.limit !== undefined && count >= options.limit) return;
    count++;
    yield { ...collectionOf(raw, options), position: count - 1 };
  }
}

export async function createCollection(
  options: HubCallOptions & {
    title: string;
    namespace?: string;
    description?: string;
    private?: boolean;
    existsOk?: boolean;
  },
): Promise<Collection> {
  const namespace = options.namespace ?? (await whoami(options)).name;
  const body = defined({
    title: options.title,
    namespace,
    private: options.private ?? false,
    description: options.description,
  });
  const answer = await hubSendJson<RawCollection & { slug: string }>("POST", "/api/collections", body, {
    ...options,
    allowErrorStatus: true,
  });
  if (answer.status === 409 && options.existsOk) return getCollection({ ...options, slug: answer.body.slug });
  if (answer.status >= 400)
    throw statusError(answer.status, `create the collection ${options.title}`, answer.body);
  return collectionOf(answer.body, options);
}

export async function updateCollectionMetadata(
  options: HubCallOptions & {
    slug: string;
    title?: string;
    description?: string;
    position?: number;
    private?: boolean;
    theme?: string;
  },
): Promise<Collection> {
  const body = defined({
    position: options.position,
    private: options.private,
    theme: options.theme,
    title: options.title,
    description: options.description,
  });
  const answer = await hubSendJson<{ data: RawCollection }>(
    "PATCH",
    `/api/collections/${options.slug}`,
    body,
    options,
  );
  return collectionOf(answer.body.data, options);
}

export async function deleteCollection(
  options: HubCallOptions & { slug: string; missingOk?: boolean },
): Promise<void> {
  await deleteOrMissing(`/api/collections/${options.slug}`, options);
}

export async function addCollectionItem(
  options: HubCallOptions & {
    slug: string;
    itemId: string;
    itemType: CollectionItemType;
    note?: string;
    existsOk?: boolean;
  },
): Promise<Collection> {
  const body = defined({ item: { id: options.itemId, type: options.itemType }, note: options.note });
  const answer = await hubSendJson<RawCollection>("POST", `/api/collections/${options.slug}/items`, body, {
    ...options,
    allowErrorStatus: true,
  });
  if (answer.status === 409 && options.existsOk) return getCollection(options);
  if (answer.status >= 400)
    throw statusError(answer.status, `add ${options.itemId} to ${options.slug}`, answer.body);
  return collectionOf(answer.body, options);
}

export async function updateCollectionItem(
  options: HubCallOptions & { slug: string; itemObjectId: string; note?: string; position?: number },
): Promise<void> {
  await hubSendJson(
    "PATCH",
    `/api/collections/${options.slug}/items/${options.itemObjectId}`,
    defined({ position: options.position, note: options.note }),
    options,
  );
}

export async function deleteCollectionItem(
  options: HubCallOptions & { slug: string; itemObjectId: string; missingOk?: boolean },
): Promise<void> {
  await deleteOrMissing(`/api/collections/${options.slug}/items/${options.itemObjectId}`, options);
}

async function deleteOrMissing(
  path: string,
  options: HubCallOptions & { missingOk?: boolean },
): Promise<void> {
  const answer = await hubSendJson<unknown>("DELETE", path, undefined, {
    ...options,
    allowErrorStatus: true,
  });
  if (answer.status === 404 && options.missingOk) return;
  if (answer.status >= 400) throw statusError(answer.status, `delete ${path}`, answer.body);
}

function statusError(status: number, what: string, body: unknown): HttpError {
  const message = `Could not ${what}: the Hub answered ${status}${(body as { error?: string })?.error ? ` (${(body as { error: string }).error})` : ""}.`;
  const details = { status, url: what, method: "", headers: {} };
  if (status === 409) return new ConflictError(message, details);
  if (status === 404) return new EntryNotFoundError(message, details);
  return new HttpError(message, details);
}
