/**
 * Python `glob` semantics, as `datasets` resolves data-file patterns: `*`, `?` and brackets stay within
 * one path segment, `**` as a whole segment matches any number of folders (none included), `**` inside
 * a segment is a plain `*`, and a wildcard never matches a name starting with `.` unless the pattern's
 * segment starts with `.` too. `globFiles` walks a folder with it.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { translateWildcards } from "./brackets.js";

function segmentToRegex(segment: string): string {
  // Python glob hides dotfiles from wildcards: a segment that does not start with "." cannot match one.
  const hideDotfiles = !segment.startsWith(".") && /[*?[]/.test(segment) ? "(?!\\.)" : "";
  return hideDotfiles + translateWildcards(segment, { one: "[^/]", any: "[^/]*", excludeSlash: true });
}

export function globToRegExp(pattern: string): RegExp {
  const segments = pattern.replace(/^\.\//, "").split("/");
  let regex = "";
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const last = i === segments.length - 1;
    if (segment === "**") {
      // Any number of non-hidden folders; at the end, anything below (files in them included).
      regex += last ? "(?:(?!\\.)[^/]+(?:/(?!\\.)[^/]+)*)?" : "(?:(?!\\.)[^/]+/)*";
      continue;
    }
    regex += segmentToRegex(segment) + (last ? "" : "/");
  }
  return new RegExp(`^${regex}$`, "u");
}

export function globMatch(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path);
}

/** Whether a pattern has any wildcard at all (otherwise it names one path). */
export function hasMagic(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** Files under `root` whose `/`-separated relative path matches `pattern`, sorted. */
export async function globFiles(root: string, pattern: string): Promise<string[]> {
  const regex = globToRegExp(pattern);
  const matches: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    const entries = await readdir(join(root, relative), { withFileTypes: true });
    for (const entry of entries) {
      const path = relative === "" ? entry.name : `${relative}/${entry.name}`;
      if (entry.isDirectory()) await walk(path);
      else if (regex.test(path)) matches.push(path);
    }
  };
  await walk("");
  return matches.sort();
}
