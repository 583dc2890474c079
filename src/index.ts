/** `import ... from "wharf"`: every library layer at once. The CLI is not part of the library. */
export * from "./core/index.js";
