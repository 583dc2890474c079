/** wharf/catalog: a dataset registry with qualified ids and a declarative download DAG (as datamaestro). */
export * from "./catalog.js";
export * from "./checksums.js";
export * from "./config.js";
export { dependencyOrder, type RunResult, runResources } from "./dag.js";
export * from "./data/data.js";
export * from "./data/idx.js";
export * from "./definition.js";
export * from "./errors.js";
export * from "./ids.js";
export * from "./repository.js";
export * from "./resources/downloaders.js";
export * from "./resources/hub.js";
export * from "./resources/local.js";
export type * from "./resources/resource.js";
export * from "./resources/wayback.js";
export { type IndexedDataset, searchLine } from "./search-index.js";
export type { ResourceState } from "./state-file.js";
