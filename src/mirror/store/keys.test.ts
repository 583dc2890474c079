import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../core/errors.js";
import { blobKey, commitKey, isValidRefName, refKey } from "./keys.js";

const repo = { type: "dataset" as const, namespace: "team", name: "data" };

describe("store keys", () => {
  it("lay repos and blobs out as DESIGN.md says", () => {
    expect(blobKey("ab".padEnd(64, "0"))).toBe(`blobs/sha256/ab/${"ab".padEnd(64, "0")}`);
    expect(refKey(repo, "heads", "feature/x")).toBe("repos/datasets/team/data/refs/heads/feature/x");
    expect(commitKey(repo, "c".repeat(40))).toBe(`repos/datasets/team/data/commits/${"c".repeat(40)}.json`);
    expect(() => blobKey("../x")).toThrow(InvalidArgumentError);
    expect(() => commitKey(repo, "HEAD")).toThrow(InvalidArgumentError);
  });

  it("accept the branch and tag names git accepts, and none that could escape or hide", () => {
    for (const name of ["main", "v1.0", "feature/x", "release-2026_11"])
      expect(isValidRefName(name), name).toBe(true);
    for (const name of [
      "",
      "../x",
      "a/../b",
      "/abs",
      "x/",
      ".hidden",
      "a/.b",
      "x.lock",
      "a b",
      "a\0b",
      "a~1",
      "x.wharf-tmp",
      "y.wharf-lock",
    ]) {
      expect(isValidRefName(name), name).toBe(false);
    }
    expect(() => refKey(repo, "tags", "../../../x")).toThrow(InvalidArgumentError);
  });
});
