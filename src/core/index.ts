/** wharf's core layer: what every other layer stands on. It imports nothing of wharf's. */
export * from "./archive/decompress.js";
export * from "./archive/extract.js";
export * from "./archive/formats.js";
export * from "./download/engine.js";
export * from "./download/many.js";
export * from "./env.js";
export * from "./errors.js";
export * from "./folder-files.js";
export * from "./glob/fnmatch.js";
export * from "./glob/python-glob.js";
export * from "./hash.js";
export * from "./http/client.js";
export * from "./http/response-error.js";
export * from "./http/retry.js";
export * from "./http/user-agent.js";
export * from "./lock.js";
export * from "./progress.js";
