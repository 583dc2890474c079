/**
 * Wildcards (`*`, `?`, `[abc]`, `[a-z]`, `[!x]`) as Python's `fnmatch.translate` reads them, turned into
 * JavaScript regex source. Shared by both glob flavours, which differ only in whether a wildcard may
 * cross `/`.
 */

function escapeChar(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}

/** Escapes a literal string for a `u`-flag regex. */
export function escapeLiteral(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, (char) => `\\${char}`);
}

/**
 * Reads a bracket expression starting at `pattern[start] === "["`. Returns the regex class and the
 * index after the closing `]`, or undefined when there is no closing bracket (then `[` is literal).
 * `excludeSlash` keeps the class from matching `/` (glob semantics: a class never crosses a segment).
 */
export function readBracket(
  pattern: string,
  start: number,
  excludeSlash: boolean,
): { regex: string; end: number } | undefined {
  let i = start + 1;
  const negated = pattern[i] === "!";
  if (negated) i++;
  // A `]` right after the opening (or after `!`) is a literal member, not the end.
  let close = pattern[i] === "]" ? i + 1 : i;
  while (close < pattern.length && pattern[close] !== "]") close++;
  if (close >= pattern.length) return undefined;
  const members = [...pattern.slice(i, close)];
  const parts: string[] = [];
  for (let k = 0; k < members.length; k++) {
    const low = members[k] as string;
    const high = members[k + 2];
    if (members[k + 1] === "-" && high !== undefined) {
      // Python drops ranges whose ends are reversed ("z-a" matches nothing).
      if (low <= high) parts.push(`${escapeChar(low)}-${escapeChar(high)}`);
      k += 2;
    } else {
      parts.push(escapeChar(low));
    }
  }
  const body = parts.join("");
  const slash = excludeSlash ? "\\/" : "";
  if (negated) return { regex: `[^${body}${slash}]`, end: close + 1 };
  if (body === "") return { regex: "(?!)", end: close + 1 };
  return { regex: excludeSlash ? `(?![\\/])[${body}]` : `[${body}]`, end: close + 1 };
}

export interface WildcardFlavour {
  /** Regex for what `?` matches. */
  one: string;
  /** Regex for what a run of `*` matches. */
  any: string;
  /** Whether bracket classes may match `/`. */
  excludeSlash: boolean;
}

/** Regex source for `text`, its wildcards read in the given flavour and everything else literal. */
export function translateWildcards(text: string, flavour: WildcardFlavour): string {
  let regex = "";
  let i = 0;
  while (i < text.length) {
    const char = text[i] as string;
    if (char === "*") {
      while (text[i] === "*") i++;
      regex += flavour.any;
      continue;
    }
    if (char === "[") {
      const bracket = readBracket(text, i, flavour.excludeSlash);
      if (bracket) {
        regex += bracket.regex;
        i = bracket.end;
        continue;
      }
    }
    regex += char === "?" ? flavour.one : escapeLiteral(char);
    i++;
  }
  return regex;
}
