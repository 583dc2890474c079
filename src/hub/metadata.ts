/**
 * Hub metadata, as Python's: `getModelTags` and `getDatasetTags` (the tags by type), `paperInfo` and
 * `listPapers` (a paper's page, and a search), and `superSquashHistory` (a branch's history squashed
 * into one commit, which cannot be undone).
 */
import { type HubCallOptions, hubGetJson, hubSendJson } from "./hub-request.js";
import type { RepoType } from "./repo-id.js";

export type TagsByType = Record<string, Array<{ id: string; label: string; type: string; subType?: string }>>;

export interface PaperAuthor {
  name: string;
  user?: string;
  hidden?: boolean;
}

export interface PaperInfo {
  id: string;
  title?: string;
  summary?: string;
  authors?: PaperAuthor[];
  publishedAt?: Date;
  upvotes?: number;
  discussionId?: string;
  comments: number;
  githubRepo?: string;
  projectPage?: string;
  raw: Record<string, unknown>;
}

export function getModelTags(options: HubCallOptions = {}): Promise<TagsByType> {
  return hubGetJson<TagsByType>("/api/models-tags-by-type", options);
}

export function getDatasetTags(options: HubCallOptions = {}): Promise<TagsByType> {
  return hubGetJson<TagsByType>("/api/datasets-tags-by-type", options);
}

type Raw = Record<string, unknown>;

/** A paper as the Hub sends it: its fields at the top, or (in searches) partly under `paper`. */
export function paperOf(raw: Raw): PaperInfo {
  const paper = (raw.paper ?? {}) as Raw;
  const either = (name: string) => paper[name] ?? raw[name];
  const authors = either("authors") as
    | Array<{ name: string; user?: { user?: string }; hidden?: boolean }>
    | undefined;
  const publishedAt = either("publishedAt");
  return {
    id: String(raw.id ?? paper.id),
    ...(typeof raw.title === "string" && { title: raw.title }),
    ...(typeof either("summary") === "string" && { summary: either("summary") as string }),
    ...(authors && {
      authors: authors.map((author) => ({
        name: author.name,
        ...(author.user?.user && { user: author.user.user }),
        ...(author.hidden !== undefined && { hidden: author.hidden }),
      })),
    }),
    ...(typeof publishedAt === "string" && { publishedAt: new Date(publishedAt) }),
    ...(typeof either("upvotes") === "number" && { upvotes: either("upvotes") as number }),
    ...(typeof either("discussionId") === "string" && { discussionId: either("discussionId") as string }),
    comments: typeof raw.numComments === "number" ? raw.numComments : 0,
    ...(typeof raw.githubRepo === "string" && { githubRepo: raw.githubRepo }),
    ...(typeof raw.projectPage === "string" && { projectPage: raw.projectPage }),
    raw,
  };
}

export async function paperInfo(options: HubCallOptions & { id: string }): Promise<PaperInfo> {
  return paperOf(await hubGetJson<Raw>(`/api/papers/${options.id}`, options));
}

export async function* listPapers(
  options: HubCallOptions & { query?: string; limit?: number } = {},
): AsyncIterable<PaperInfo> {
  const query = new URLSearchParams();
  if (options.query) query.set("q", options.query);
  if (options.limit !== undefined) query.set("limit", String(options.limit));
  const found = await hubGetJson<Raw[]>(`/api/papers/search${query.size > 0 ? `?${query}` : ""}`, options);
  for (const raw of found) yield paperOf(raw);
}

/** Squashes a branch's whole history into one commit (the Hub's super-squash; it cannot be undone). */
export async function superSquashHistory(
  options: HubCallOptions & { repoId: string; repoType?: RepoType; branch?: string; commitMessage?: string },
): Promise<void> {
  const branch = options.branch ?? "main";
  await hubSendJson(
    "POST",
    `/api/${options.repoType ?? "model"}s/${options.repoId}/super-squash/${encodeURIComponent(branch)}`,
    { message: options.commitMessage ?? `Super-squash branch '${branch}' using wharf` },
    options,
  );
}
