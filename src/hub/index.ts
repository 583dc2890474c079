/**
 * wharf/hub: the Hugging Face Hub client. Issue #4 (read side) is under way: repo ids, URLs, the cache
 * layout Python shares, file metadata and `hfHubDownload` are here; the REST API, snapshots and cache
 * administration come next, and the write side with issue #5.
 */
export * from "./cache-layout.js";
export * from "./file-metadata.js";
export * from "./hf-hub-download.js";
export * from "./repo-id.js";
export * from "./token.js";
export * from "./urls.js";
