/**
 * numpy's `default_rng(seed)`, as far as `datasets` uses it: SeedSequence seeding a PCG64 generator, and
 * `permutation(n)`. Reproduced exactly so that `shuffle(seed)` and `trainTestSplit(seed)` pick the same
 * rows in wharf as in Python. Owned by the datasets layer; called by the shuffle and split transforms.
 *
 * PCG64's step runs in WebAssembly (pcg64.wat), whose 64-bit integers make the 128-bit multiply a few
 * instructions; outputs are made in blocks, and read from its memory as 32-bit words.
 */
import { PCG64_WASM } from "./pcg64-wasm.js";

// SeedSequence's hashing constants (numpy/random/bit_generator.pyx).
const INIT_A = 0x43b0d7e5;
const MULT_A = 0x931e8875;
const INIT_B = 0x8b51f9dd;
const MULT_B = 0x58f38ded;
const MIX_MULT_L = 0xca01f9dd;
const MIX_MULT_R = 0x4973f715;
const XSHIFT = 16;
const POOL_SIZE = 4;

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

/** 64-bit outputs made per block when a permutation draws many at once (what fits the module's page). */
const BLOCK_OUTPUTS = 2048;

// Word offsets (32-bit) in the module's memory: state, increment, outputs (see pcg64.wat).
const STATE = 0;
const INCREMENT = 4;
const OUTPUTS = 16;

/**
 * The WebAssembly API as wharf uses it: Node has it, but TypeScript declares it only in the DOM library,
 * which a Node package should not pull in.
 */
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (
    module: object,
  ) => { exports: { fill: (count: number) => void; memory: { buffer: ArrayBuffer } } };
};

let pcg64Module: object | undefined;

/** A fresh instance of the PCG64 module: each generator has its own memory, and so its own state. */
function pcg64Instance(): { fill: (count: number) => void; words: Uint32Array } {
  pcg64Module ??= new WebAssembly.Module(Buffer.from(PCG64_WASM, "base64"));
  const { exports } = new WebAssembly.Instance(pcg64Module);
  // The memory never grows, so this view stays valid.
  return { fill: exports.fill, words: new Uint32Array(exports.memory.buffer) };
}

/** Adds a 128-bit number (four 32-bit words, low first) into `words` at `at`, mod 2^128. */
function add128(words: Uint32Array, at: number, addend: readonly number[]): void {
  let carry = 0;
  for (let i = 0; i < 4; i++) {
    const sum = (words[at + i] as number) + (addend[i] as number) + carry;
    words[at + i] = sum >>> 0;
    carry = sum > 0xffffffff ? 1 : 0;
  }
}

/** The PCG64 bit generator (XSL-RR output over a 128-bit LCG) with numpy's 32-bit output buffering. */
export class Pcg64 {
  private readonly core = pcg64Instance();
  // A flag and a number rather than `number | undefined`: a field that may hold undefined boxes every
  // number stored in it, which made each draw allocate.
  private hasBufferedHalf = false;
  private bufferedHalf = 0;

  constructor(seed: number | bigint) {
    // generate_state(4, uint64): words 0-3 make the initial state, words 4-7 the stream; each pair of
    // 32-bit words is one little-endian uint64, and the first uint64 of a pair is the high half.
    const words = seedSequenceState(seed, 8);
    const at = (i: number) => words[i] as number;
    const initState = [at(2), at(3), at(0), at(1)];
    const initSeq = [at(6), at(7), at(4), at(5)];
    // increment = (initSeq << 1) | 1
    const memory = this.core.words;
    for (let i = 0; i < 4; i++) {
      const below = i === 0 ? 1 : (initSeq[i - 1] as number) >>> 31;
      memory[INCREMENT + i] = (((initSeq[i] as number) << 1) | below) >>> 0;
    }
    // state = 0, one step, + initState, one step: numpy's pcg_setseq_128_srandom.
    this.core.fill(1);
    add128(memory, STATE, initState);
    this.core.fill(1);
  }

  /** Advances once; the new output's low and high words are then `low()` and `high()`. */
  private next64(): void {
    this.core.fill(1);
  }

  private low(): number {
    return this.core.words[OUTPUTS] as number;
  }

  private high(): number {
    return this.core.words[OUTPUTS + 1] as number;
  }

  /** The next 64-bit output whole, as numpy's `next_uint64` (the buffered 32-bit half is not used). */
  nextUint64(): bigint {
    this.next64();
    return (BigInt(this.high()) << 32n) | BigInt(this.low());
  }

  /** numpy's next_uint32: the low half of a fresh 64-bit output, then its high half. */
  nextUint32(): number {
    if (this.hasBufferedHalf) {
      this.hasBufferedHalf = false;
      return this.bufferedHalf;
    }
    this.next64();
    this.hasBufferedHalf = true;
    this.bufferedHalf = this.high();
    return this.low();
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
    this.next64();
    return (this.high() * 2097152 + Math.floor(this.low() / 2048)) / 9007199254740992;
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
    const memory = this.core.words;
    const block = memory.subarray(OUTPUTS, OUTPUTS + 2 * BLOCK_OUTPUTS);
    const blockStart = new Uint32Array(4);
    let used = block.length;
    let mask = i;
    for (let shift = 1; shift <= 16; shift *= 2) mask |= mask >>> shift;
    mask >>>= 0;
    for (; i >= 1; i--) {
      while (mask >>> 1 >= i) mask >>>= 1;
      let value: number;
      do {
        if (used === block.length) {
          blockStart.set(memory.subarray(STATE, STATE + 4));
          this.core.fill(BLOCK_OUTPUTS);
          used = 0;
        }
        value = ((block[used++] as number) & mask) >>> 0;
      } while (value > i);
      swap(out, i, value);
    }
    // Leave the generator where numpy's is: advanced once per output drawn from, with the high half of
    // the last one buffered if only its low half was used.
    if (used < block.length) {
      memory.set(blockStart, STATE);
      this.core.fill(Math.ceil(used / 2));
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
