/** Errors of the mirror's store; the server turns missing things into the Hub's 404s itself. */
import { WharfError } from "../core/errors.js";

/** A repo, revision or blob the store was asked to use does not exist there. */
export class NotInStoreError extends WharfError {
  override readonly code = "NotInStore";
}

/** A branch moved while a commit was being made on it; nothing was changed. */
export class RefMovedError extends WharfError {
  override readonly code = "RefMoved";
}

/** A repo, branch or tag to be created exists already. */
export class AlreadyInStoreError extends WharfError {
  override readonly code = "AlreadyInStore";
}

/** A commit named its parent, and the branch is no longer there; nothing was changed. */
export class ParentCommitMovedError extends WharfError {
  override readonly code = "ParentCommitMoved";
}

/** A file or folder a commit deletes is not in the revision. */
export class PathNotInCommitError extends WharfError {
  override readonly code = "PathNotInCommit";
}

/** A stored blob's bytes do not hash to the sha256 it is stored under: that copy is damaged. */
export class CorruptBlobError extends WharfError {
  override readonly code = "CorruptBlob";
}

/** Branches of two stores diverged, so a push or sync left them as they were. */
export class RefsDivergedError extends WharfError {
  override readonly code = "RefsDiverged";
}
