/**
 * Python's `fnmatch` semantics, as `huggingface_hub` applies allow/ignore patterns to repo paths: the
 * whole path is matched, `*` and `?` cross `/`, brackets are classes, matching is case-sensitive (POSIX).
 * A pattern ending in `/` means everything under that folder, as `huggingface_hub` adds `*` to it.
 */
import { translateWildcards } from "./brackets.js";

const cache = new Map<string, RegExp>();

export function fnmatchToRegExp(pattern: string): RegExp {
  return new RegExp(
    `^${translateWildcards(pattern, { one: "[\\s\\S]", any: "[\\s\\S]*", excludeSlash: false })}$`,
    "u",
  );
}

export function fnmatch(name: string, pattern: string): boolean {
  let regex = cache.get(pattern);
  if (!regex) {
    regex = fnmatchToRegExp(pattern);
    cache.set(pattern, regex);
  }
  return regex.test(name);
}

export interface PathFilter {
  /** Keep only paths matching at least one of these (all paths when absent). */
  allowPatterns?: string | readonly string[];
  /** Then drop paths matching any of these. */
  ignorePatterns?: string | readonly string[];
}

function normalizePatterns(patterns: string | readonly string[] | undefined): string[] | undefined {
  if (patterns === undefined) return undefined;
  const list = typeof patterns === "string" ? [patterns] : [...patterns];
  return list.map((pattern) => (pattern.endsWith("/") ? `${pattern}*` : pattern));
}

/** `huggingface_hub`'s `filter_repo_objects`: allow patterns, then ignore patterns, order kept. */
export function filterPaths<T>(items: readonly T[], filter: PathFilter, pathOf: (item: T) => string): T[];
export function filterPaths(items: readonly string[], filter: PathFilter): string[];
export function filterPaths<T>(
  items: readonly T[],
  filter: PathFilter,
  pathOf: (item: T) => string = (item) => item as unknown as string,
): T[] {
  const allow = normalizePatterns(filter.allowPatterns);
  const ignore = normalizePatterns(filter.ignorePatterns);
  return items.filter((item) => {
    const path = pathOf(item);
    if (allow && !allow.some((pattern) => fnmatch(path, pattern))) return false;
    return !ignore?.some((pattern) => fnmatch(path, pattern));
  });
}
