/**
 * Stable ordering by float64 keys in linear time: an LSD radix sort over the keys' IEEE bits made
 * order-preserving (negative numbers inverted, positive ones with the sign bit set), 16 bits a pass,
 * skipping passes where every key has the same digit (small integers need two passes, not four).
 * Callers move NaN keys (nulls) themselves.
 */

const DIGITS = 1 << 16;

/** Integer keys spanning at most this many values are ordered by one counting pass instead. */
const COUNTING_RANGE = 1 << 20;

/** Reorders `order` (row numbers) stably by `keys[row]`, ascending. */
export function radixOrder(order: Uint32Array, keys: Float64Array): Uint32Array {
  const counted = countingOrder(order, keys);
  if (counted) return counted;
  const n = order.length;
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, keys.length * 2);
  let hi = new Uint32Array(n);
  let lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    let high = bits[2 * row + 1] as number;
    let low = bits[2 * row] as number;
    if (high & 0x80000000) {
      high = ~high >>> 0;
      low = ~low >>> 0;
    } else {
      high = (high | 0x80000000) >>> 0;
    }
    hi[i] = high;
    lo[i] = low;
  }
  let rows = Uint32Array.from(order);
  let nextRows = new Uint32Array(n);
  let nextHi = new Uint32Array(n);
  let nextLo = new Uint32Array(n);
  const counts = new Uint32Array(DIGITS);
  for (let pass = 0; pass < 4; pass++) {
    const source = pass < 2 ? lo : hi;
    const shift = pass % 2 === 0 ? 0 : 16;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((source[i] as number) >>> shift) & 0xffff;
      counts[digit] = (counts[digit] as number) + 1;
    }
    if (n === 0 || (counts[((source[0] as number) >>> shift) & 0xffff] as number) === n) continue;
    let sum = 0;
    for (let d = 0; d < DIGITS; d++) {
      const count = counts[d] as number;
      counts[d] = sum;
      sum += count;
    }
    for (let i = 0; i < n; i++) {
      const digit = ((source[i] as number) >>> shift) & 0xffff;
      const at = counts[digit] as number;
      counts[digit] = at + 1;
      nextRows[at] = rows[i] as number;
      nextHi[at] = hi[i] as number;
      nextLo[at] = lo[i] as number;
    }
    [rows, nextRows] = [nextRows, rows];
    [hi, nextHi] = [nextHi, hi];
    [lo, nextLo] = [nextLo, lo];
  }
  return rows;
}

/**
 * A stable counting sort for integer keys within a small range (the common case of an int column, or
 * string ranks): one histogram and one scatter. Undefined when the keys do not qualify (NaN included).
 */
function countingOrder(order: Uint32Array, keys: Float64Array): Uint32Array | undefined {
  const n = order.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const key = keys[order[i] as number] as number;
    if (!Number.isInteger(key)) return undefined;
    if (key < min) min = key;
    if (key > max) max = key;
    if (max - min >= COUNTING_RANGE) return undefined;
  }
  const counts = new Uint32Array(max - min + 2);
  for (let i = 0; i < n; i++) {
    const slot = (keys[order[i] as number] as number) - min + 1;
    counts[slot] = (counts[slot] as number) + 1;
  }
  for (let d = 1; d < counts.length; d++) counts[d] = (counts[d] as number) + (counts[d - 1] as number);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const row = order[i] as number;
    const slot = (keys[row] as number) - min;
    const at = counts[slot] as number;
    counts[slot] = at + 1;
    out[at] = row;
  }
  return out;
}
