/**
 * Datasets defined as code: `defineDataset({url, name, resources, prepare, ...})`. The qualified id
 * comes from the url and the name (`com.lecun.mnist`) unless given; variants are named parameters with
 * defaults (`id[size=small]`), which choose the resources. `prepare` turns the resources' final paths
 * into the data a user gets (files, folders, CSV and IDX tensors, Hub datasets; see `data.ts`).
 */
import { InvalidArgumentError } from "../core/errors.js";
import { checkId, formatVariantId, qualifiedId } from "./ids.js";
import type { Resource } from "./resources/resource.js";

export type Resources = Record<string, Resource>;
export type VariantParams = Record<string, string>;

export interface VariantSpec {
  default: string;
  /** The values allowed (any when left out). */
  values?: readonly string[];
  description?: string;
}

export interface DatasetSpec<R extends Resources> {
  /** The source's home page; its domain gives the id's prefix. */
  url: string;
  /** The full qualified id, when not `{reversed domain}.{name}`. */
  id?: string;
  name: string;
  description?: string;
  tags?: readonly string[];
  tasks?: readonly string[];
  license?: string;
  citation?: string;
  doi?: string;
  /** Other ids that name this dataset. */
  aliases?: readonly string[];
  /** The kind of data `prepare` gives, shown by `search` and `info` ("ImageClassification"). */
  type?: string;
  /** A version, appended to the data folder (`.v2`) so versions do not share files. */
  version?: string;
  variants?: Readonly<Record<string, VariantSpec>>;
  /** The resources, or a function of the variant's parameters that gives them. */
  resources: R | ((params: VariantParams) => R);
  /** The data, from the final path of each (non-transient) resource; default: the paths themselves. */
  prepare?: (paths: { [K in keyof R]: string }, params: VariantParams) => unknown;
}

export interface DatasetDefinition {
  readonly id: string;
  readonly name: string;
  readonly url: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly tasks: readonly string[];
  readonly license?: string;
  readonly citation?: string;
  readonly doi?: string;
  readonly aliases: readonly string[];
  readonly type?: string;
  readonly version?: string;
  readonly variants: Readonly<Record<string, VariantSpec>>;
  /** The parameters of a variant, defaults filled in; refuses unknown keys and values. */
  params(given: VariantParams): VariantParams;
  /** The variant's canonical id (`id[k=v]`, defaults left out). */
  variantId(params: VariantParams): string;
  resources(params: VariantParams): Resources;
  prepare(paths: Record<string, string>, params: VariantParams): unknown;
}

export function defineDataset<R extends Resources>(spec: DatasetSpec<R>): DatasetDefinition {
  const id = spec.id ? checkId(spec.id) : qualifiedId(spec.url, spec.name);
  const variants = spec.variants ?? {};
  const defaults = Object.fromEntries(
    Object.entries(variants).map(([key, variant]) => [key, variant.default]),
  );
  for (const alias of spec.aliases ?? []) checkId(alias);
  return {
    id,
    name: spec.name,
    url: spec.url,
    description: spec.description ?? "",
    tags: spec.tags ?? [],
    tasks: spec.tasks ?? [],
    license: spec.license,
    citation: spec.citation,
    doi: spec.doi,
    aliases: spec.aliases ?? [],
    type: spec.type,
    version: spec.version,
    variants,
    params(given) {
      for (const [key, value] of Object.entries(given)) {
        const variant = variants[key];
        if (!variant) {
          const known = Object.keys(variants);
          throw new InvalidArgumentError(
            `${id} has no variant parameter ${key}${known.length > 0 ? ` (it has ${known.join(", ")})` : " (it has none)"}.`,
          );
        }
        if (variant.values && !variant.values.includes(value))
          throw new InvalidArgumentError(
            `${id}: ${key} must be one of ${variant.values.join(", ")}, not ${value}.`,
          );
      }
      return { ...defaults, ...given };
    },
    variantId: (params) => formatVariantId(id, params, defaults),
    resources: (params) => (typeof spec.resources === "function" ? spec.resources(params) : spec.resources),
    prepare: (paths, params) =>
      spec.prepare ? spec.prepare(paths as { [K in keyof R]: string }, params) : paths,
  };
}
