/**
 * The `cardData` of repo info: the YAML block at the top of the README (between `---` lines), parsed.
 * Read from the README's blob at the commit asked for and remembered per commit, since commits never
 * change. A README without a block, or with YAML that does not parse, has no card data.
 */
import { parse } from "yaml";
import type { CommitView, RepoStore } from "../store/repo-store.js";

const README_LIMIT = 1 << 20;
const cache = new WeakMap<CommitView, Record<string, unknown> | undefined>();

/** Parses the front matter of a README's text. */
export function parseCardData(text: string): Record<string, unknown> | undefined {
  const match = /^---\r?\n([\s\S]*?)\r?\n---(?:\r?\n|$)/.exec(text);
  if (!match) return undefined;
  try {
    const value = parse(match[1] ?? "");
    return value && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export async function cardDataOf(
  store: RepoStore,
  view: CommitView,
): Promise<Record<string, unknown> | undefined> {
  if (cache.has(view)) return cache.get(view);
  const readme = view.tree.file("README.md");
  let card: Record<string, unknown> | undefined;
  if (readme && readme.size <= README_LIMIT) {
    const bytes = await store.readBlobBytes(readme.sha256);
    card = bytes ? parseCardData(bytes.toString("utf8")) : undefined;
  }
  cache.set(view, card);
  return card;
}

/** The tags a card names (`tags:` in the front matter), as repo info and listings report them. */
export function tagsOf(card: Record<string, unknown> | undefined): string[] {
  return Array.isArray(card?.tags) ? card.tags.filter((tag): tag is string => typeof tag === "string") : [];
}
