import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MultipartSession } from "./multipart-session.js";

const PART = 16;
const object = randomBytes(PART * 2 + 5);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), "wharf-multipart-"));
  await writeFile(join(folder, "whole"), "");
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Writes part `part` (from 1) of `bytes` into the whole at its offset, and its marker. */
async function land(part: number, bytes: Buffer = object): Promise<void> {
  const file = await open(join(folder, "whole"), "r+");
  try {
    const start = (part - 1) * PART;
    await file.write(bytes.subarray(start, start + PART), 0, undefined, start);
  } finally {
    await file.close();
  }
  await writeFile(join(folder, String(part)), "");
}

/**
 * One upload of `part`, as the server runs it: arrive, land (feeding the live hash, when given one, what
 * is written), settle.
 */
async function upload(session: MultipartSession, part: number, bytes: Buffer = object): Promise<void> {
  const live = session.arrive(part);
  await land(part, bytes);
  live?.update(bytes.subarray((part - 1) * PART, part * PART));
  session.settle(part, true);
}

describe("MultipartSession", () => {
  it("hashes parts in order, whatever order they come in, into the whole's sha256", async () => {
    const session = new MultipartSession(folder, PART, object.length);
    for (const part of [3, 1, 2]) await upload(session, part);
    expect(await session.digest()).toBe(sha256(object));
  });

  it("reads a part only once every upload of it has ended", async () => {
    const session = new MultipartSession(folder, PART, object.length);
    const other = randomBytes(object.length);
    const first = session.arrive(1);
    expect(first).toBeDefined();
    // A second upload of the part: only the first was given the live hash, which is then not used.
    expect(session.arrive(1)).toBeUndefined();
    await land(1, other);
    first?.update(other.subarray(0, PART));
    session.settle(1, true); // one upload of part 1 ended, the other is still writing
    await new Promise((resolve) => setTimeout(resolve, 20));
    await land(1);
    session.settle(1, true);
    await upload(session, 2);
    await upload(session, 3);
    expect(await session.digest()).toBe(sha256(object));
  });

  it("hashes parts that come in order as they arrive, and reads none back", async () => {
    const session = new MultipartSession(folder, PART, object.length);
    for (const part of [1, 2, 3]) {
      const live = session.arrive(part);
      expect(live, `part ${part}`).toBeDefined();
      // Only the live hash sees the bytes: the file holds other bytes, so a read-back would not match.
      live?.update(object.subarray((part - 1) * PART, part * PART));
      await land(part, randomBytes(object.length));
      session.settle(part, true);
    }
    expect(await session.digest()).toBe(sha256(object));
  });

  it("keeps its running hash as it was when a live part fails, and reads the part when it comes", async () => {
    const session = new MultipartSession(folder, PART, object.length);
    const live = session.arrive(1);
    live?.update(randomBytes(7)); // some bytes, then the connection dropped
    session.settle(1, false);
    // Part 2 comes early (it is read from the file later); part 1 comes again, and is hashed live.
    expect(session.arrive(2)).toBeUndefined();
    await land(2);
    await upload(session, 1);
    session.settle(2, true);
    await upload(session, 3);
    expect(await session.digest()).toBe(sha256(object));
  });

  it("gives up its running hash when a hashed part comes again", async () => {
    const session = new MultipartSession(folder, PART, object.length);
    for (const part of [1, 2, 3]) await upload(session, part);
    await upload(session, 1);
    expect(await session.digest()).toBeUndefined();
  });

  it("cannot close while a part arrives, and takes no part once closed", async () => {
    const session = new MultipartSession(folder, PART, object.length);
    session.arrive(2);
    expect(() => session.close()).toThrow(/Part 2 is still being uploaded/);
    session.settle(2, true);
    session.close();
    expect(() => session.arrive(3)).toThrow(/takes no more parts/);
  });
});
