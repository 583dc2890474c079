/**
 * The one progress shape of wharf: every long operation (download, upload, hashing, extraction) calls an
 * `onProgress` callback with these events, and the CLI turns them into progress bars.
 */

export interface ProgressEvent {
  /** What is moving: a file's path or name, unique within one operation. */
  id: string;
  /** What kind of work: "download", "upload", "hash", "extract", ... */
  phase: string;
  /** Bytes (or items) done so far for this id. */
  done: number;
  /** Bytes (or items) in all, when known. */
  total?: number;
  /** True once, on the last event for this id. */
  finished?: boolean;
}

export type OnProgress = (event: ProgressEvent) => void;
