import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { epochSeed, numpyPermutation, Pcg64 } from "./numpy-rng.js";

interface PermutationCase {
  seed: number;
  n: number;
  sha256_of_comma_joined: string;
  head: number[];
  permutation?: number[];
}

const vectors = JSON.parse(
  readFileSync(new URL("../../../../shared/vectors/numpy_permutation.json", import.meta.url), "utf8"),
) as { cases: PermutationCase[] };

describe("numpyPermutation", () => {
  it.each(vectors.cases)(
    "matches numpy for seed $seed, n $n",
    ({ seed, n, sha256_of_comma_joined, head, permutation }) => {
      const ours = Array.from(numpyPermutation(seed, n));
      expect(ours.slice(0, head.length)).toEqual(head);
      if (permutation) expect(ours).toEqual(permutation);
      expect(createHash("sha256").update(ours.join(",")).digest("hex")).toBe(sha256_of_comma_joined);
    },
  );

  it("refuses a negative seed and a size it cannot draw for", () => {
    expect(() => numpyPermutation(-1, 3)).toThrow(RangeError);
    expect(() => numpyPermutation(0, 2 ** 33)).toThrow(RangeError);
  });
});

describe("epochSeed", () => {
  it("gives the generator datasets shuffles with in later epochs, as numpy computes it", () => {
    const script = `
import json, numpy as np
out = []
for seed in [0, 42, 12345]:
    for epoch in [1, 2, 5]:
        effective = int(np.random.default_rng(seed).integers(0, 1 << 63)) - epoch
        effective = effective + (1 << 63) if effective < 0 else effective
        out.append({"seed": seed, "epoch": epoch, "effective": str(effective),
                    "permutation": np.random.default_rng(effective).permutation(8).tolist()})
print(json.dumps(out))`;
    const expected = JSON.parse(execFileSync("python3", ["-c", script], { encoding: "utf8" })) as Array<{
      seed: number;
      epoch: number;
      effective: string;
      permutation: number[];
    }>;
    for (const { seed, epoch, effective, permutation } of expected) {
      const ours = epochSeed(seed, epoch);
      expect(String(ours)).toBe(effective);
      expect([...numpyPermutation(ours, 8)]).toEqual(permutation);
    }
    expect(epochSeed(42, 0)).toBe(42);
  });
});

describe("Pcg64", () => {
  it("continues numpy's stream after permutations drawn in blocks, buffered halves and all", () => {
    // Permutations that end on a low half and on a high half of an output, draws of every kind between.
    const script = `
import json, numpy as np
g = np.random.default_rng(2024)
out = {"a": g.permutation(5001).tolist()[:5], "b": g.permutation(7).tolist(), "c": g.permutation(4100).tolist()[-5:],
       "odd": [g.permutation(n).tolist() for n in (9, 10, 11, 12)],
       "d": g.integers(0, 1000, size=3).tolist(), "e": g.permutation(3).tolist(), "f": float(g.random())}
print(json.dumps(out))`;
    const expected = JSON.parse(execFileSync("python3", ["-c", script], { encoding: "utf8" }));
    const rng = new Pcg64(2024);
    const ours = {
      a: [...rng.permutation(5001)].slice(0, 5),
      b: [...rng.permutation(7)],
      c: [...rng.permutation(4100)].slice(-5),
      // The third of these ends on a low half; the fourth starts from the buffered high half.
      odd: [9, 10, 11, 12].map((n) => [...rng.permutation(n)]),
      d: [rng.bounded(999), rng.bounded(999), rng.bounded(999)],
      e: [...rng.permutation(3)],
      f: rng.random(),
    };
    expect(ours).toEqual(expected);
  });
});
