/** wharf/mirror: the repo store, folder imports and the Hub-compatible server. */
export * from "./commit-operations.js";
export * from "./errors.js";
export * from "./import-folder.js";
export * from "./pull.js";
export * from "./server/app.js";
export * from "./server/config.js";
export * from "./share/index.js";
export type { Commit, StoredFile } from "./store/commit.js";
export * from "./store/fs-object-store.js";
export * from "./store/lfs-rules.js";
export type * from "./store/object-store.js";
export * from "./store/open-store.js";
export * from "./store/repo-store.js";
export * from "./store/s3-object-store.js";
export * from "./store/s3-settings.js";
export * from "./transfer.js";
