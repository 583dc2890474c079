import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { numpyPermutation } from "./numpy-rng.js";

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
