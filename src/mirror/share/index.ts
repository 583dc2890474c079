/** Sharing datasets in hg_localization's bucket layout, and getting them back without credentials. */
export * from "./get-shared.js";
export * from "./hg-layout.js";
export * from "./share-dataset.js";
