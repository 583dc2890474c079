/**
 * Where LFS uploads land before they become blobs: a temporary file per upload (basic transfer), or,
 * for a multipart upload, one file that each part is written into at its own offset, with a marker per
 * part received. An object reaches the store only as one whole whose sha256 and size are the ones
 * signed for (hashed as it arrives, or at completion), so no wrong bytes ever sit under an oid; the
 * whole is then moved into the store, not copied. Parts live on this server's disk: a multipart upload
 * must complete on the server its parts went to.
 */
import { createHash, type Hash, randomBytes } from "node:crypto";
import { closeSync, constants, openSync } from "node:fs";
import { mkdir, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { FileSink } from "../../core/download/file-sink.js";
import { sha256OfFile } from "../../core/hash.js";
import { receiveInto } from "../../core/http/chunk-sink.js";
import type { RepoStore } from "../store/repo-store.js";
import { badRequest } from "./hub-error.js";
import { MultipartSession, partsOf } from "./multipart-session.js";
import type { SignedGrant } from "./upload-signature.js";

/** The size of each part of a multipart upload (the last may be shorter). */
export const PART_SIZE = 8 * 2 ** 20;

export function partCount(size: number): number {
  return partsOf(size, PART_SIZE);
}

/**
 * Writes a body to `path` (a new file, or at `start` of a file made by whichever part came first),
 * refusing more than `limit`
 * bytes before writing them, and feeding what it writes to `hash`; says how many came. Each chunk is
 * written synchronously as it arrives (core's FileSink says why: handing socket chunks to the thread
 * pool cost far more).
 */
async function receive(body: Readable, path: string, limit: number, start?: number, hash?: Hash) {
  const first = start ?? 0;
  // At an offset, the file is opened without emptying it: the parts share it, in any order, several at once.
  const fd = openSync(path, start === undefined ? "w" : constants.O_RDWR | constants.O_CREAT);
  const sink = new FileSink({ fd, position: first, hash });
  try {
    await receiveInto(body, {
      write(chunk) {
        if (sink.position - first + chunk.length > limit)
          throw badRequest(`The upload is longer than the ${limit} bytes expected.`);
        sink.write(chunk);
      },
    });
  } finally {
    closeSync(fd);
  }
  return sink.position - first;
}

async function storeIfRight(
  store: RepoStore,
  file: string,
  got: { size: number; sha256: string },
  grant: SignedGrant,
) {
  if (got.size !== grant.size || got.sha256 !== grant.oid)
    throw badRequest(
      `The upload is ${got.size} bytes with sha256 ${got.sha256}, not the ${grant.size} bytes of ${grant.oid} announced; nothing was stored.`,
    );
  await store.putBlob(grant.oid, { file, move: true });
}

/** A basic transfer: the whole object in one request. */
export async function receiveWhole(store: RepoStore, body: Readable, grant: SignedGrant): Promise<void> {
  const temporary = join(tmpdir(), `wharf-upload-${randomBytes(8).toString("hex")}`);
  try {
    const hash = createHash("sha256");
    const size = await receive(body, temporary, grant.size, undefined, hash);
    await storeIfRight(store, temporary, { size, sha256: hash.digest("hex") }, grant);
  } finally {
    await rm(temporary, { force: true });
  }
}

const PARTS_PREFIX = "wharf-parts-";

/**
 * The folder of one multipart upload: one per signed grant, so two uploads of an object never mix
 * parts. Its name ends with the grant's expiry, after which no part and no completion is taken.
 */
function partsFolder(grant: SignedGrant): string {
  const session = createHash("sha256").update(grant.sig).digest("hex").slice(0, 16);
  return join(tmpdir(), `${PARTS_PREFIX}${grant.oid}-${session}-${grant.expires}`);
}

/** A parts folder's name, as `partsFolder` makes it: the oid, the session, the grant's expiry. */
const PARTS_FOLDER = new RegExp(`^${PARTS_PREFIX}[0-9a-f]{64}-[0-9a-f]{16}-(\\d{1,15})$`);

/** How long past its grant's expiry a parts folder is kept, for a request that began just before. */
const EXPIRED_PARTS_KEPT_MS = 10 * 60 * 1000;

/**
 * Removes the parts folders of uploads that were never completed (a client that gave up or died) once
 * their grant has expired: each holds a file as large as its object. Runs as each new upload starts.
 */
export async function removeExpiredParts(now = Date.now()): Promise<void> {
  const names = await readdir(tmpdir());
  await Promise.all(
    names.map(async (name) => {
      const expires = PARTS_FOLDER.exec(name)?.[1];
      const folder = join(tmpdir(), name);
      // Never one this server is still working on, however late.
      if (expires === undefined || Number(expires) + EXPIRED_PARTS_KEPT_MS >= now) return;
      if (completing.has(folder) || sessions.get(folder)?.busy) return;
      await rm(folder, { recursive: true, force: true });
    }),
  );
}

/**
 * The multipart uploads under way, by folder. Past `KEPT_SESSIONS`, the oldest session with no part
 * arriving is forgotten; its upload is then hashed whole at completion, as after a restart.
 */
const sessions = new Map<string, MultipartSession>();
const KEPT_SESSIONS = 64;

function sessionOf(folder: string, size: number): MultipartSession {
  let session = sessions.get(folder);
  if (!session) {
    // Nothing waits on it, and a failure only leaves the folders for the next upload to remove.
    removeExpiredParts().catch(() => undefined);
    session = new MultipartSession(folder, PART_SIZE, size);
    sessions.set(folder, session);
    if (sessions.size > KEPT_SESSIONS) {
      for (const [key, kept] of sessions) {
        if (kept.busy || kept === session) continue;
        sessions.delete(key);
        break;
      }
    }
  }
  return session;
}

/**
 * One part of a multipart upload, written into the whole at its offset; a marker says it arrived. Its
 * ETag only names the upload; the whole is checked at completion.
 */
export async function receivePart(body: Readable, grant: SignedGrant, part: number): Promise<string> {
  const parts = partCount(grant.size);
  if (!Number.isInteger(part) || part < 1 || part > parts)
    throw badRequest(`There is no part ${part} of ${parts}.`);
  const expected = part < parts ? PART_SIZE : grant.size - PART_SIZE * (parts - 1);
  const folder = partsFolder(grant);
  // Checked here too, not only by the session: a session may have been forgotten meanwhile.
  if (completing.has(folder)) throw badRequest("This upload is being completed; it takes no more parts.");
  const session = sessionOf(folder, grant.size);
  const live = session.arrive(part);
  let arrived = false;
  try {
    await mkdir(folder, { recursive: true });
    await rm(join(folder, String(part)), { force: true });
    const got = await receive(body, join(folder, "whole"), expected, (part - 1) * PART_SIZE, live);
    if (got !== expected) throw badRequest(`Part ${part} must be ${expected} bytes, not ${got}.`);
    await writeFile(join(folder, String(part)), "");
    arrived = true;
  } finally {
    session.settle(part, arrived);
  }
  return `${grant.oid.slice(0, 16)}-${part}`;
}

/**
 * Completions under way, by folder. A second completion of one upload (a client that retried) gets the
 * first one's outcome instead of racing it for the same parts.
 */
const completing = new Map<string, Promise<void>>();

/**
 * Checks every part arrived and the whole against the grant, stores it, and removes the parts. A
 * completion of an upload already completed and stored succeeds again.
 */
export function completeParts(
  store: RepoStore,
  grant: SignedGrant,
  named: ReadonlyArray<{ partNumber: number; etag: string }>,
): Promise<void> {
  const folder = partsFolder(grant);
  const running = completing.get(folder);
  if (running) return running;
  const completion = complete(store, grant, named, folder).finally(() => completing.delete(folder));
  completing.set(folder, completion);
  return completion;
}

async function complete(
  store: RepoStore,
  grant: SignedGrant,
  named: ReadonlyArray<{ partNumber: number; etag: string }>,
  folder: string,
): Promise<void> {
  const parts = partCount(grant.size);
  const listed = await readdir(folder).catch(() => undefined);
  if (listed === undefined && (await store.hasBlob(grant.oid))) return;
  const present = new Set(listed ?? []);
  for (let part = 1; part <= parts; part++)
    if (!present.has(String(part))) throw badRequest(`Part ${part} of ${parts} was not uploaded.`);
  if (named.length !== parts) throw badRequest(`The completion names ${named.length} parts, not ${parts}.`);
  const whole = join(folder, "whole");
  // A session that ran while the parts came has hashed them (none after a restart, say: parts are kept
  // from starting by `completing` then).
  const session = sessions.get(folder);
  session?.close();
  try {
    const { size } = await stat(whole);
    // Hashed as the parts came when it could be; else here, on a worker thread when large, so the
    // server answers other requests meanwhile.
    const sha256 = (await session?.digest()) ?? (await sha256OfFile(whole));
    await storeIfRight(store, whole, { size, sha256 }, grant);
  } finally {
    sessions.delete(folder);
    await rm(folder, { recursive: true, force: true });
  }
}
