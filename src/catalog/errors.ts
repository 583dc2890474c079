/** The catalog's typed errors: each says what went wrong and what to do. */
import { WharfError } from "../core/errors.js";

/** No repository defines a dataset with this id (or alias). */
export class DatasetNotFoundError extends WharfError {
  override readonly code = "DatasetNotFound";
}

/** A definition is wrong: a resource depends on one that does not exist, or on itself through others. */
export class DefinitionError extends WharfError {
  override readonly code = "Definition";
}

/** One or more resources could not be made; each cause names its resource. */
export class ResourceError extends WharfError {
  override readonly code = "Resource";
  readonly resource: string;

  constructor(resource: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.resource = resource;
  }
}

/** A file has to be downloaded by hand (a licence to accept, a login), and is not in the folder yet. */
export class ManualDownloadError extends WharfError {
  override readonly code = "ManualDownload";
}
