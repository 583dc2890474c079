/**
 * wharf/hub: the Hugging Face Hub client (downloads, the shared cache, the REST API, uploads).
 * Not built yet: it lands with issue #4. The subpath export exists now so the package's shape is
 * stable; until then this module exports nothing.
 */
export {};
