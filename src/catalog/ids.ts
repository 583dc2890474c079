/**
 * Qualified dataset ids, as datamaestro spells them: the source's domain reversed plus a name
 * (`http://yann.lecun.com/exdb/mnist/` + `mnist` gives `com.lecun.mnist`), and variants written
 * `id[key=value,...]` with keys in canonical (sorted) order and values equal to their default left out,
 * so one variant has exactly one spelling.
 */
import { InvalidArgumentError } from "../core/errors.js";

/** Second-level labels under which registrations sit one level deeper (`bbc.co.uk`, `ox.ac.uk`). */
const SECOND_LEVEL = new Set(["co", "ac", "gov", "edu", "org", "com", "net", "or", "ne", "go"]);

const ID_PART = /^[a-z0-9_][a-z0-9_-]*$/;

/** The registrable domain of a URL's host, reversed: `yann.lecun.com` gives `com.lecun`. */
export function reversedDomain(url: string): string {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    throw new InvalidArgumentError(`${JSON.stringify(url)} is not a URL; a dataset's url names its source.`);
  }
  const labels = host.split(".").filter((label) => label !== "");
  const tld = labels.at(-1) ?? "";
  const keep = tld.length === 2 && SECOND_LEVEL.has(labels.at(-2) ?? "") ? 3 : 2;
  return labels
    .slice(-keep)
    .reverse()
    .map((label) => label.replace(/[^a-z0-9_-]/g, "_"))
    .join(".");
}

export function qualifiedId(url: string, name: string): string {
  return checkId(`${reversedDomain(url)}.${name.toLowerCase()}`);
}

/** Checks an id's dotted parts (lowercase letters, digits, `_`, `-`). */
export function checkId(id: string): string {
  if (!id.split(".").every((part) => ID_PART.test(part))) {
    throw new InvalidArgumentError(
      `${JSON.stringify(id)} is not a dataset id: dotted parts of lowercase letters, digits, "_" and "-", as com.lecun.mnist.`,
    );
  }
  return id;
}

export interface VariantId {
  id: string;
  params: Record<string, string>;
}

/** Reads `id` or `id[k=v,...]`. */
export function parseVariantId(text: string): VariantId {
  const match = /^([^[\]]+)(?:\[(.*)\])?$/.exec(text.trim());
  if (!match?.[1])
    throw new InvalidArgumentError(`${JSON.stringify(text)} is not a dataset id (id or id[key=value,...]).`);
  const params: Record<string, string> = {};
  for (const pair of (match[2] ?? "").split(",").filter((part) => part.trim() !== "")) {
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new InvalidArgumentError(`${JSON.stringify(pair)} in ${text} is not key=value.`);
    params[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return { id: checkId(match[1]), params };
}

/** The one spelling of a variant: keys sorted, defaults left out, no brackets when nothing is left. */
export function formatVariantId(
  id: string,
  params: Record<string, string>,
  defaults: Record<string, string> = {},
): string {
  const kept = Object.keys(params)
    .filter((key) => params[key] !== defaults[key])
    .sort();
  return kept.length === 0 ? id : `${id}[${kept.map((key) => `${key}=${params[key]}`).join(",")}]`;
}
