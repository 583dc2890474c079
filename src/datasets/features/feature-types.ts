/**
 * The feature types of Python `datasets` (`Value`, `ClassLabel`, `List`, `Array2D`, `Image`, ...) as
 * classes with Python's names, so a schema reads the same in both languages. A plain object of features
 * is a struct, as in Python. Owned by the features module; the JSON and Arrow forms live beside it.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { normaliseDtype } from "./value-dtype.js";

/** Every named feature type; a plain object holding features (a struct) is the one unnamed kind. */
export abstract class FeatureType {
  abstract readonly _type: string;
}

/** A struct: field names to features, in order. */
export interface FeatureDict {
  [name: string]: Feature;
}

export type Feature = FeatureType | FeatureDict;

/** A dataset's columns and their types. */
export type Features = FeatureDict;

export function isFeatureDict(feature: Feature): feature is FeatureDict {
  return !(feature instanceof FeatureType);
}

/** A scalar column of one dtype (`int64`, `string`, `timestamp[us, tz=UTC]`, ...). */
export class Value extends FeatureType {
  readonly _type = "Value";
  readonly dtype: string;

  constructor(dtype: string) {
    super();
    this.dtype = normaliseDtype(dtype);
  }
}

/** An integer column whose values name classes; stored as int64, -1 meaning no label. */
export class ClassLabel extends FeatureType {
  readonly _type = "ClassLabel";
  readonly names: readonly string[];
  private readonly indexOfName: Map<string, number>;

  constructor(options: { names?: readonly string[]; numClasses?: number }) {
    super();
    if (options.names) {
      this.names = [...options.names];
    } else if (options.numClasses !== undefined) {
      this.names = Array.from({ length: options.numClasses }, (_, i) => String(i));
    } else {
      throw new InvalidArgumentError("ClassLabel needs names or numClasses.");
    }
    if (options.numClasses !== undefined && options.numClasses !== this.names.length) {
      throw new InvalidArgumentError(
        `ClassLabel got numClasses ${options.numClasses} but ${this.names.length} names; give one or make them agree.`,
      );
    }
    this.indexOfName = new Map(this.names.map((name, i) => [name, i]));
  }

  get numClasses(): number {
    return this.names.length;
  }

  /** The label number of a class name; a numeric string within range also counts, as in Python. */
  str2int(name: string): number {
    const index = this.indexOfName.get(name);
    if (index !== undefined) return index;
    const asNumber = Number(name);
    if (name.trim() !== "" && Number.isInteger(asNumber) && asNumber >= 0 && asNumber < this.names.length) {
      return asNumber;
    }
    throw new InvalidArgumentError(
      `"${name}" is not one of this ClassLabel's names (${this.names.join(", ")}).`,
    );
  }

  /** The class name of a label number. */
  int2str(label: number): string {
    const name = this.names[label];
    if (name === undefined || !Number.isInteger(label)) {
      throw new InvalidArgumentError(
        `Label ${label} is outside this ClassLabel's 0..${this.names.length - 1}.`,
      );
    }
    return name;
  }
}

/** A list of one feature; `length` fixes its size (Arrow fixed_size_list), -1 leaves it free. */
export class List extends FeatureType {
  readonly _type = "List";
  constructor(
    readonly feature: Feature,
    readonly length = -1,
  ) {
    super();
  }
}

/** A list with 64-bit offsets (Arrow large_list). */
export class LargeList extends FeatureType {
  readonly _type = "LargeList";
  constructor(readonly feature: Feature) {
    super();
  }
}

/**
 * Python's `Sequence`: a List, except that a sequence of a struct is a struct of lists, as `datasets`
 * has always stored it.
 */
export function Sequence(feature: Feature, length = -1): Feature {
  if (isFeatureDict(feature)) {
    return Object.fromEntries(
      Object.entries(feature).map(([name, inner]) => [name, new List(inner, length)]),
    );
  }
  return new List(feature, length);
}

/** A fixed-shape 2 to 5 dimensional array; only the first dimension may be null (free). */
export class ArrayND extends FeatureType {
  readonly _type: string;
  readonly shape: readonly (number | null)[];
  readonly dtype: string;

  constructor(options: { shape: readonly (number | null)[]; dtype: string }) {
    super();
    const ndims = options.shape.length;
    if (ndims < 2 || ndims > 5)
      throw new InvalidArgumentError(`Array features have 2 to 5 dimensions, got ${ndims}.`);
    if (options.shape.slice(1).some((size) => size === null)) {
      throw new InvalidArgumentError(
        `Only the first dimension of an array may be free, got [${options.shape}].`,
      );
    }
    this._type = `Array${ndims}D`;
    this.shape = [...options.shape];
    this.dtype = normaliseDtype(options.dtype);
  }

  get ndims(): number {
    return this.shape.length;
  }
}

export const Array2D = (options: { shape: readonly (number | null)[]; dtype: string }) => arrayOf(2, options);
export const Array3D = (options: { shape: readonly (number | null)[]; dtype: string }) => arrayOf(3, options);
export const Array4D = (options: { shape: readonly (number | null)[]; dtype: string }) => arrayOf(4, options);
export const Array5D = (options: { shape: readonly (number | null)[]; dtype: string }) => arrayOf(5, options);

function arrayOf(ndims: number, options: { shape: readonly (number | null)[]; dtype: string }): ArrayND {
  if (options.shape.length !== ndims) {
    throw new InvalidArgumentError(`Array${ndims}D needs a shape of ${ndims} sizes, got [${options.shape}].`);
  }
  return new ArrayND(options);
}

/** A media reference stored as `{bytes, path}`; decoding is left to the caller. */
export abstract class MediaFeature extends FeatureType {
  readonly decode: boolean;
  constructor(decode = true) {
    super();
    this.decode = decode;
  }
}

export class Image extends MediaFeature {
  readonly _type = "Image";
  readonly mode: string | undefined;
  constructor(options: { mode?: string; decode?: boolean } = {}) {
    super(options.decode);
    this.mode = options.mode;
  }
}

export class Audio extends MediaFeature {
  readonly _type = "Audio";
  readonly samplingRate: number | undefined;
  readonly numChannels: number | undefined;
  readonly streamIndex: number | undefined;
  constructor(
    options: { samplingRate?: number; numChannels?: number; streamIndex?: number; decode?: boolean } = {},
  ) {
    super(options.decode);
    this.samplingRate = options.samplingRate;
    this.numChannels = options.numChannels;
    this.streamIndex = options.streamIndex;
  }
}

export class Video extends MediaFeature {
  readonly _type = "Video";
  readonly streamIndex: number | undefined;
  constructor(options: { streamIndex?: number; decode?: boolean } = {}) {
    super(options.decode);
    this.streamIndex = options.streamIndex;
  }
}

export class Pdf extends MediaFeature {
  readonly _type = "Pdf";
  constructor(options: { decode?: boolean } = {}) {
    super(options.decode);
  }
}

/** One text per language, the same languages in every row. */
export class Translation extends FeatureType {
  readonly _type = "Translation";
  readonly languages: readonly string[];
  constructor(options: { languages: readonly string[] }) {
    super();
    this.languages = [...options.languages];
  }
}

/** Texts in a varying set of languages, stored as parallel `language` and `translation` lists. */
export class TranslationVariableLanguages extends FeatureType {
  readonly _type = "TranslationVariableLanguages";
  readonly languages: readonly string[] | undefined;
  constructor(options: { languages?: readonly string[] } = {}) {
    super();
    this.languages = options.languages ? [...new Set(options.languages)].sort() : undefined;
  }

  get numLanguages(): number | undefined {
    return this.languages?.length;
  }
}
