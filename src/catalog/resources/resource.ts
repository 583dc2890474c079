/**
 * What a resource of a dataset is to the DAG runner: the resources it needs, whether it is transient
 * (deleted once everything that needs it is complete) and whether its partial work can be resumed, the
 * name of what it makes, and `make`, which writes that file or folder at `ctx.workPath`. The runner
 * moves the work into place and keeps the states; resources never touch their final path themselves.
 */
import type { HttpClient } from "../../core/http/client.js";
import type { OnProgress } from "../../core/progress.js";
import type { ChecksumRegistry } from "../checksums.js";

export interface ResourceContext {
  datasetId: string;
  name: string;
  /** Where `make` writes: absent on a fresh start, the partial work of a resumed one. */
  workPath: string;
  /** The final paths of the resources this one depends on, by name. */
  inputs: Record<string, string>;
  /** Scratch space for this resource (downloads before they are unpacked); removed when it is complete. */
  scratch: string;
  checksums: ChecksumRegistry;
  /** The folder where users drop files they downloaded by hand. */
  manualFolder: string;
  /** Folders a user keeps data in, by name (`wharf catalog datafolders set NAME PATH`). */
  dataFolders: Readonly<Record<string, string>>;
  /** Prepares another dataset of the catalog and returns its folder (for references). */
  prepareOther(id: string): Promise<string>;
  client?: HttpClient;
  signal?: AbortSignal;
  onProgress?: OnProgress;
}

export interface Resource {
  /** The kind, for messages and `info`: "file", "zip", "tar", "files-copy", ... */
  readonly kind: string;
  readonly dependsOn: readonly string[];
  readonly transient: boolean;
  /** True when partial work survives a failure and the next run continues it. */
  readonly canRecover: boolean;
  /** The name of the file or folder it makes in the dataset's folder (default: the resource's name). */
  readonly fileName?: string;
  /** The URLs it fetches (checked by `wharf catalog check`). */
  readonly urls: readonly string[];
  make(ctx: ResourceContext): Promise<void>;
}

/** Options every resource takes. */
export interface ResourceOptions {
  dependsOn?: readonly string[];
  transient?: boolean;
  /** The file or folder name in the dataset's folder. */
  fileName?: string;
}

/** What a resource kind decides; the rest comes from the options every resource takes. */
export interface ResourceParts {
  canRecover: boolean;
  urls?: readonly string[];
  /** Overrides `options.fileName` (a default the kind derives, such as a URL's file name). */
  fileName?: string;
  /** Overrides `options.transient` (kinds that can never be transient). */
  transient?: boolean;
  make(ctx: ResourceContext): Promise<void>;
}

export function makeResource(kind: string, options: ResourceOptions, parts: ResourceParts): Resource {
  return {
    kind,
    dependsOn: options.dependsOn ?? [],
    transient: parts.transient ?? options.transient ?? false,
    canRecover: parts.canRecover,
    fileName: parts.fileName ?? options.fileName,
    urls: parts.urls ?? [],
    make: parts.make,
  };
}
