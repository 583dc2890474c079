/**
 * wharf/hub: the Hugging Face Hub client: repo ids, URLs, the cache layout Python shares, downloads,
 * the read API, auth and cache administration (issue #4); commits and uploads (issue #5, under way).
 */
export * from "./accounts.js";
export * from "./auth.js";
export * from "./branches-tags.js";
export * from "./cache-delete.js";
export * from "./cache-layout.js";
export * from "./collections.js";
// prepareCommit and sendCommit stay inside: uploadFolder's way to hash one commit while sending another.
export {
  type CommitInfo,
  type CommitOperation,
  type CreateCommitOptions,
  createCommit,
  uploadFile,
} from "./create-commit.js";
export * from "./discussions.js";
export * from "./file-metadata.js";
export * from "./get-paths-info.js";
export * from "./hf-hub-download.js";
export * from "./hub-request.js";
export * from "./inference-endpoints.js";
export * from "./likes.js";
export * from "./list-repo-commits.js";
export * from "./list-repo-files.js";
export * from "./list-repo-refs.js";
export * from "./list-repo-tree.js";
export * from "./list-repos.js";
export * from "./metadata.js";
export * from "./repo-exists.js";
export * from "./repo-files.js";
export * from "./repo-id.js";
export * from "./repo-info.js";
export * from "./repo-management.js";
export * from "./safetensors-metadata.js";
export * from "./scan-cache-dir.js";
export * from "./snapshot-download.js";
export * from "./spaces.js";
export * from "./stored-tokens.js";
export * from "./token.js";
export * from "./try-to-load-from-cache.js";
export * from "./upload-folder.js";
export * from "./urls.js";
export * from "./verify-cache.js";
export * from "./webhooks.js";
export * from "./whoami.js";
