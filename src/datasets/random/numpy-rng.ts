/**
 * numpy's `default_rng(seed)`, as far as `datasets` uses it: SeedSequence seeding a PCG64 generator, and
 * `permutation(n)`. Reproduced exactly so that `shuffle(seed)` and `trainTestSplit(seed)` pick the same
 * rows in wharf as in Python. Owned by the datasets layer; called by the shuffle and split transforms.
 *
 * PCG64's 128-bit state is held as eight 16-bit limbs in doubles: every limb product and column sum stays
 * below 2^53, so the arithmetic is exact without BigInt, which would be about ten times slower here.
 */

// SeedSequence's hashing constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

const INVERSE_LIMB = 1 / 65536;

/** Splits four 32-bit words (low first) into eight 16-bit limbs (low first). */
function limbsOf(words: readonly number[]): Float64Array {
  const limbs = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    const word = words[i] ?? 0;
    limbs[2 * i] = word & 0xffff;
    limbs[2 * i + 1] = word >>> 16;
  }
  return limbs;
}

/** The entropy words numpy takes from a non-negative integer seed: its 32-bit words, low first. */
function seedWords(seed: number | bigint): number[] {
  let value = BigInt(seed);
  if (value < 0n) throw new RangeError(`A seed must be a non-negative integer, got ${seed}.`);
  const words: number[] = [];
  do {
    words.push(Number(value & 0xffffffffn));
    value >>= 32n;
  } while (value > 0n);
  return words;
}

/** SeedSequence(seed).generate_state(wordCount) as 32-bit words. */
function seedSequenceState(seed: number | bigint, wordCount: number): Uint32Array {
  const entropy = seedWords(seed);
  let hashConst = INIT_A;
  const hashmix = (input: number): number => {
    let value = (input ^ hashConst) >>> 0;
    hashConst = Math.imul(hashConst, MULT_A) >>> 0;
    value = Math.imul(value, hashConst) >>> 0;
    return (value ^ (value >>> XSHIFT)) >>> 0;
  };
  const mix = (x: number, y: number): number => {
    const result = (Math.imul(MIX_MULT_L, x) - Math.imul(MIX_MULT_R, y)) >>> 0;
    return (result ^ (result >>> XSHIFT)) >>> 0;
  };
  const pool = new Uint32Array(POOL_SIZE);
  for (let i = 0; i < POOL_SIZE; i++) pool[i] = hashmix(entropy[i] ?? 0);
  for (let src = 0; src < POOL_SIZE; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++) {
      if (src !== dst) pool[dst] = mix(pool[dst] as number, hashmix(pool[src] as number));
    }
  }
  for (let src = POOL_SIZE; src < entropy.length; src++) {
    for (let dst = 0; dst < POOL_SIZE; dst++)
      pool[dst] = mix(pool[dst] as number, hashmix(entropy[src] as number));
  }
  const state = new Uint32Array(wordCount);
  let stateConst = INIT_B;
  for (let i = 0; i < wordCount; i++) {
    let value = ((pool[i % POOL_SIZE] as number) ^ stateConst) >>> 0;
    stateConst = Math.imul(stateConst, MULT_B) >>> 0;
    value = Math.imul(value, stateConst) >>> 0;
    state[i] = (value ^ (value >>> XSHIFT)) >>> 0;
  }
  return state;
}

/** 64-bit outputs made per block when a permutation draws many at once. */
const BLOCK_OUTPUTS = 2048;

/** The PCG64 bit generator (XSL-RR output over a 128-bit LCG) with numpy's 32-bit output buffering. */
export class Pcg64 {
  private readonly state = new Float64Array(8);
  private readonly increment: Float64Array;
  // A flag and a number rather than `number | undefined`: a field that may hold undefined boxes every
  // number stored in it, which made each draw allocate.
  private hasBufferedHalf = false;
  private bufferedHalf = 0;
  /** One output's low and high words, for the draws made one at a time. */
  private readonly single = new Uint32Array(2);

  constructor(seed: number | bigint) {
    // generate_state(4, uint64): words 0-3 make the initial state, words 4-7 the stream; each pair of
    // 32-bit words is one little-endian uint64, and the first uint64 of a pair is the high half.
    const words = seedSequenceState(seed, 8);
    const initState = limbsOf([
      words[2] as number,
      words[3] as number,
      words[0] as number,
      words[1] as number,
    ]);
    const initSeq = limbsOf([words[6] as number, words[7] as number, words[4] as number, words[5] as number]);
    // increment = (initSeq << 1) | 1
    this.increment = new Float64Array(8);
    let carry = 1;
    for (let i = 0; i < 8; i++) {
      const doubled = (initSeq[i] as number) * 2 + carry;
      this.increment[i] = doubled & 0xffff;
      carry = doubled >>> 16;
    }
    this.fill(this.single, 1);
    let sumCarry = 0;
    for (let i = 0; i < 8; i++) {
      const sum = (this.state[i] as number) + (initState[i] as number) + sumCarry;
      this.state[i] = sum & 0xffff;
      sumCarry = sum >>> 16;
    }
    this.fill(this.single, 1);
  }

  /**
   * The generator's one core: advances it `count` times and writes each 64-bit output's low then high
   * word into `out`. Each step is state = state * 0x2360ED051FC65DA44385DF649FCCF645 + increment, mod
   * 2^128, written out column by column with the multiplier's 16-bit limbs (low first: 63045, 40908,
   * 57188, 17285, 23972, 8134, 60677, 9056) as literals; the state stays in locals for the whole run,
   * which makes a block of draws several times faster than drawing them one by one.
   */
  private fill(out: Uint32Array, count: number): void {
    const inc = this.increment;
    const i0 = inc[0] as number;
    const i1 = inc[1] as number;
    const i2 = inc[2] as number;
    const i3 = inc[3] as number;
    const i4 = inc[4] as number;
    const i5 = inc[5] as number;
    const i6 = inc[6] as number;
    const i7 = inc[7] as number;
    const s = this.state;
    let s0 = s[0] as number;
    let s1 = s[1] as number;
    let s2 = s[2] as number;
    let s3 = s[3] as number;
    let s4 = s[4] as number;
    let s5 = s[5] as number;
    let s6 = s[6] as number;
    let s7 = s[7] as number;
    for (let k = 0; k < count; k++) {
      let column: number;
      let carry: number;
      column = i0 + s0 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n0 = column - carry * 65536;
      column = carry + i1 + s0 * 40908 + s1 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n1 = column - carry * 65536;
      column = carry + i2 + s0 * 57188 + s1 * 40908 + s2 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n2 = column - carry * 65536;
      column = carry + i3 + s0 * 17285 + s1 * 57188 + s2 * 40908 + s3 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n3 = column - carry * 65536;
      column = carry + i4 + s0 * 23972 + s1 * 17285 + s2 * 57188 + s3 * 40908 + s4 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n4 = column - carry * 65536;
      column = carry + i5 + s0 * 8134 + s1 * 23972 + s2 * 17285 + s3 * 57188 + s4 * 40908 + s5 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n5 = column - carry * 65536;
      column =
        carry + i6 + s0 * 60677 + s1 * 8134 + s2 * 23972 + s3 * 17285 + s4 * 57188 + s5 * 40908 + s6 * 63045;
      carry = Math.floor(column * INVERSE_LIMB);
      const n6 = column - carry * 65536;
      column =
        carry +
        i7 +
        s0 * 9056 +
        s1 * 60677 +
        s2 * 8134 +
        s3 * 23972 +
        s4 * 17285 +
        s5 * 57188 +
        s6 * 40908 +
        s7 * 63045;
      s7 = column - Math.floor(column * INVERSE_LIMB) * 65536;
      s0 = n0;
      s1 = n1;
      s2 = n2;
      s3 = n3;
      s4 = n4;
      s5 = n5;
      s6 = n6;
      // XSL-RR: the state's high and low 64 bits xored, rotated right by its top six bits.
      const xHigh = ((s7 * 65536 + s6) ^ (s3 * 65536 + s2)) >>> 0;
      const xLow = ((s5 * 65536 + s4) ^ (s1 * 65536 + s0)) >>> 0;
      const rotation = s7 >>> 10;
      let outLow: number;
      let outHigh: number;
      if (rotation === 0) {
        outHigh = xHigh;
        outLow = xLow;
      } else if (rotation < 32) {
        outLow = (xLow >>> rotation) | (xHigh << (32 - rotation));
        outHigh = (xHigh >>> rotation) | (xLow << (32 - rotation));
      } else if (rotation === 32) {
        outLow = xHigh;
        outHigh = xLow;
      } else {
        const r = rotation - 32;
        outLow = (xHigh >>> r) | (xLow << (32 - r));
        outHigh = (xLow >>> r) | (xHigh << (32 - r));
      }
      out[2 * k] = outLow;
      out[2 * k + 1] = outHigh;
    }
    s[0] = s0;
    s[1] = s1;
    s[2] = s2;
    s[3] = s3;
    s[4] = s4;
    s[5] = s5;
    s[6] = s6;
    s[7] = s7;
  }

  /** Advances once and returns the new output's words. */
  private next64(): Uint32Array {
    this.fill(this.single, 1);
    return this.single;
  }

  /** The next 64-bit output whole, as numpy's `next_uint64` (the buffered 32-bit half is not used). */
  nextUint64(): bigint {
    const [low, high] = this.next64() as unknown as [number, number];
    return (BigInt(high) << 32n) | BigInt(low);
  }

  /** numpy's next_uint32: the low half of a fresh 64-bit output, then its high half. */
  nextUint32(): number {
    if (this.hasBufferedHalf) {
      this.hasBufferedHalf = false;
      return this.bufferedHalf;
    }
    const words = this.next64();
    this.hasBufferedHalf = true;
    this.bufferedHalf = words[1] as number;
    return words[0] as number;
  }

  /** numpy's random_interval: uniform in [0, max] by masked rejection (max below 2^32). */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let value: number;
    do {
      value = (this.nextUint32() & mask) >>> 0;
    } while (value > max);
    return value;
  }

  /**
   * numpy's random_bounded_uint64 for a bound below 2^32 (Lemire's nearly divisionless method over
   * 32-bit draws): uniform in [0, max].
   */
  bounded(max: number): number {
    if (max === 0) return 0;
    if (max === 0xffffffff) return this.nextUint32();
    const range = max + 1;
    let product = this.nextUint32() * range;
    let leftover = product % 4294967296;
    if (leftover < range) {
      const threshold = (4294967296 - range) % range;
      while (leftover < threshold) {
        product = this.nextUint32() * range;
        leftover = product % 4294967296;
      }
    }
    return Math.floor(product / 4294967296);
  }

  /** numpy's `random()`: a double in [0, 1) from the top 53 bits of a 64-bit draw. */
  random(): number {
    const [low, high] = this.next64() as unknown as [number, number];
    return (high * 2097152 + Math.floor(low / 2048)) / 9007199254740992;
  }

  /** `choice(p.length, size, p=p)`: indices drawn by the cumulative weights, as numpy draws them. */
  choiceWeighted(weights: readonly number[], size: number): number[] {
    const cdf: number[] = [];
    let sum = 0;
    for (const weight of weights) {
      sum += weight;
      cdf.push(sum);
    }
    const total = cdf[cdf.length - 1] as number;
    const normalised = cdf.map((value) => value / total);
    return Array.from({ length: size }, () => {
      const draw = this.random();
      let index = 0;
      while (index < normalised.length - 1 && (normalised[index] as number) <= draw) index++;
      return index;
    });
  }

  /**
   * `permutation(n)`, continuing this generator's stream: numpy's Fisher-Yates with `interval` draws,
   * the draws taken from blocks of outputs made at once.
   */
  permutation(n: number): Uint32Array {
    const out = new Uint32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    let i = n - 1;
    // A half left buffered by an earlier draw comes first: draw one by one until none is left.
    for (; i >= 1 && this.hasBufferedHalf; i--) swap(out, i, this.interval(i));
    if (i < 1) return out;
    const block = new Uint32Array(2 * BLOCK_OUTPUTS);
    const blockStart = new Float64Array(8);
    let used = block.length;
    let mask = i;
    for (let shift = 1; shift <= 16; shift *= 2) mask |= mask >>> shift;
    mask >>>= 0;
    for (; i >= 1; i--) {
      while (mask >>> 1 >= i) mask >>>= 1;
      let value: number;
      do {
        if (used === block.length) {
          blockStart.set(this.state);
          this.fill(block, BLOCK_OUTPUTS);
          used = 0;
        }
        value = ((block[used++] as number) & mask) >>> 0;
      } while (value > i);
      swap(out, i, value);
    }
    // Leave the generator where numpy's is: advanced once per output drawn from, with the high half of
    // the last one buffered if only its low half was used.
    if (used < block.length) {
      this.state.set(blockStart);
      this.fill(block, Math.ceil(used / 2));
      if (used % 2 === 1) {
        this.hasBufferedHalf = true;
        this.bufferedHalf = block[used] as number;
      }
    }
    return out;
  }

  /**
   * `choice(popSize, size, replace=False)` for the small populations wharf draws from (numpy switches
   * to a tail shuffle above 10,000 with large samples): Floyd's algorithm with numpy's open-addressing
   * set, then the picks shuffled with bounded draws, exactly as numpy orders its draws.
   */
  choiceWithoutReplacement(popSize: number, size: number): number[] {
    if (size > popSize) throw new RangeError(`Cannot take ${size} of ${popSize} without replacement.`);
    if (popSize > 10_000 && size > Math.floor(popSize / 50)) {
      throw new RangeError(
        "choice without replacement from more than 10,000 values is not reproduced by wharf.",
      );
    }
    let mask = Math.floor(1.2 * size);
    for (let shift = 1; shift <= 16; shift *= 2) mask |= mask >>> shift;
    const slots = new Float64Array(mask + 1).fill(-1);
    const picks: number[] = new Array(size);
    for (let j = popSize - size; j < popSize; j++) {
      const value = this.bounded(j);
      let at = value & mask;
      while (slots[at] !== -1 && slots[at] !== value) at = (at + 1) & mask;
      if (slots[at] === -1) {
        slots[at] = value;
        picks[j - popSize + size] = value;
      } else {
        at = j & mask;
        while (slots[at] !== -1) at = (at + 1) & mask;
        slots[at] = j;
        picks[j - popSize + size] = j;
      }
    }
    // numpy shuffles the picks with bounded draws, not the masked ones permutation uses.
    fisherYates(picks, (i) => this.bounded(i));
    return picks;
  }
}

function swap(values: { [index: number]: number }, i: number, j: number): void {
  const held = values[i] as number;
  values[i] = values[j] as number;
  values[j] = held;
}

/** numpy's shuffle: from the last index down, each swapped with a draw in [0, i]. */
function fisherYates(
  values: { [index: number]: number; length: number },
  draw: (max: number) => number,
): void {
  for (let i = values.length - 1; i >= 1; i--) swap(values, i, draw(i));
}

/** The largest n permutation supports: numpy switches to 64-bit draws above 2^32 - 1. */
const MAX_PERMUTATION = 0xffffffff;

/**
 * `numpy.random.default_rng(seed).permutation(n)`: arange(n) shuffled by numpy's Fisher-Yates, which walks
 * from the last index down and swaps each with `random_interval(i)`.
 */
export function numpyPermutation(seed: number | bigint, n: number): Uint32Array {
  if (!Number.isInteger(n) || n < 0 || n > MAX_PERMUTATION) {
    throw new RangeError(`permutation needs an integer n between 0 and ${MAX_PERMUTATION}, got ${n}.`);
  }
  return new Pcg64(seed).permutation(n);
}

/**
 * The generator `datasets` shuffles with in a given epoch (`IterableDataset.set_epoch`): the seed's own
 * in epoch 0; after that, `default_rng(seed).integers(0, 2**63) - epoch` (wrapped into range) seeds a new
 * one. `integers(0, 2**63)` is Lemire's method over a power-of-two range: the 64-bit output shifted right
 * by one.
 */
export function epochSeed(seed: number | bigint, epoch: number): number | bigint {
  if (epoch === 0) return seed;
  const drawn = new Pcg64(seed).nextUint64() >> 1n;
  const effective = drawn - BigInt(epoch);
  return effective < 0n ? (1n << 63n) + effective : effective;
}

/** A fresh random seed for a transform given none, as Python draws one (a 64-bit integer). */
export function randomSeed(): bigint {
  const words = new Uint32Array(2);
  crypto.getRandomValues(words);
  return (BigInt(words[1] as number) << 32n) | BigInt(words[0] as number);
}
