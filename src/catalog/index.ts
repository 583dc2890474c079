/**
 * wharf/catalog: the dataset catalog (qualified ids, the resource DAG).
 * Not built yet: it lands with issue #8. The subpath export exists now so the package's shape is
 * stable; until then this module exports nothing.
 */
export {};
