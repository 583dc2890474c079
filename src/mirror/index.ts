/**
 * wharf/mirror: the repo store, mirror pulls and the Hub-compatible server.
 * Not built yet: it lands with issue #3. The subpath export exists now so the package's shape is
 * stable; until then this module exports nothing.
 */
export {};
