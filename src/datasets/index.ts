/**
 * wharf/datasets: the port of Python datasets.
 * Not built yet: it lands with issue #6. The subpath export exists now so the package's shape is
 * stable; until then this module exports nothing.
 */
export {};
