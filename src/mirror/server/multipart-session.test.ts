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

/** One upload of `part`, as the server runs it: arrive, land, settle. */
async function upload(session: MultipartSession, part: number, bytes: Buffer = object): Promise<void> {
  session.arrive(part);
  await land(part, bytes);
  session.settle(part);
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
    session.arrive(1);
    session.arrive(1);
    await land(1, other);
    session.settle(1); // one upload of part 1 ended, the other is still writing
    await new Promise((resolve) => setTimeout(resolve, 20));
    await land(1);
    session.settle(1);
    await upload(session, 2);
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
    session.settle(2);
    session.close();
    expect(() => session.arrive(3)).toThrow(/takes no more parts/);
  });
});
