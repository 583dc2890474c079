// @ts-check
/**
 * The gather kernel's loops on plain typed arrays: values of fixed width as 32-bit words, and strings or
 * binaries with 32-bit offsets, picked by row from one or several sources. gather.ts calls them in the
 * calling thread; the gather workers (gather-worker.js) run them for columns gathered on other cores.
 * Plain JavaScript because a worker thread runs it (see core/workers/worker-pool.ts).
 *
 * A row is `rows[k]` of source `which[k]`; with one source there is no `which`, and the loops read that
 * source directly (the branch on `which` goes the same way for every row, which a shuffle of millions of
 * rows feels).
 */

/**
 * Fixed-width values of `width` 32-bit words each into `out`.
 *
 * @param {Uint32Array} out
 * @param {readonly Uint32Array[]} sources
 * @param {Uint32Array | undefined} which
 * @param {Uint32Array} rows
 * @param {number} width words per value
 */
export function copyWords(out, sources, which, rows, width) {
  const length = rows.length;
  const only = /** @type {Uint32Array} */ (sources[0]);
  const sourceOf = (/** @type {number} */ k) =>
    which === undefined ? only : /** @type {Uint32Array} */ (sources[/** @type {number} */ (which[k])]);
  if (which === undefined && width === 1) {
    for (let k = 0; k < length; k++) out[k] = /** @type {number} */ (only[/** @type {number} */ (rows[k])]);
  } else if (which === undefined && width === 2) {
    for (let k = 0; k < length; k++) {
      const from = /** @type {number} */ (rows[k]) * 2;
      out[2 * k] = /** @type {number} */ (only[from]);
      out[2 * k + 1] = /** @type {number} */ (only[from + 1]);
    }
  } else {
    for (let k = 0; k < length; k++) {
      const source = sourceOf(k);
      const from = /** @type {number} */ (rows[k]) * width;
      for (let i = 0; i < width; i++) out[k * width + i] = /** @type {number} */ (source[from + i]);
    }
  }
}

/** The most bytes one string or binary column may hold with 32-bit offsets. */
const MAX_VARIABLE_BYTES = 0x7fffffff;

/**
 * Strings or binaries with 32-bit offsets, in two passes: the first reads each value's place and builds
 * the new offsets, the second copies the bytes in order. Undefined when the picked values would pass
 * what 32-bit offsets hold.
 *
 * @param {readonly Int32Array[]} offsetsOf each source's offsets
 * @param {readonly Uint8Array[]} valuesOf each source's bytes
 * @param {Uint32Array | undefined} which
 * @param {Uint32Array} rows
 * @returns {{ offsets: Int32Array, bytes: Uint8Array } | undefined}
 */
export function gatherVariable32(offsetsOf, valuesOf, which, rows) {
  const length = rows.length;
  const onlyOffsets = /** @type {Int32Array} */ (offsetsOf[0]);
  const onlyValues = /** @type {Uint8Array} */ (valuesOf[0]);
  const offsets = new Int32Array(length + 1);
  // Where each value starts in its source, kept from the first pass so the second reads it in order
  // instead of reaching into the source's offsets again.
  const starts = new Int32Array(length);
  let total = 0;
  for (let k = 0; k < length; k++) {
    const sourceOffsets =
      which === undefined
        ? onlyOffsets
        : /** @type {Int32Array} */ (offsetsOf[/** @type {number} */ (which[k])]);
    const row = /** @type {number} */ (rows[k]);
    const start = /** @type {number} */ (sourceOffsets[row]);
    starts[k] = start;
    total += /** @type {number} */ (sourceOffsets[row + 1]) - start;
    offsets[k + 1] = total;
  }
  if (total > MAX_VARIABLE_BYTES) return undefined;
  const bytes = new Uint8Array(total);
  for (let k = 0; k < length; k++) {
    const values =
      which === undefined
        ? onlyValues
        : /** @type {Uint8Array} */ (valuesOf[/** @type {number} */ (which[k])]);
    const start = /** @type {number} */ (starts[k]);
    const at = /** @type {number} */ (offsets[k]);
    const size = /** @type {number} */ (offsets[k + 1]) - at;
    // Short values are copied by hand: a subarray per row costs more than the bytes.
    if (size > 32) bytes.set(values.subarray(start, start + size), at);
    else for (let i = 0; i < size; i++) bytes[at + i] = /** @type {number} */ (values[start + i]);
  }
  return { offsets, bytes };
}
