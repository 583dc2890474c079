/**
 * The commit API of the wharf server: `@huggingface/hub`, an independent client, commits to it, and raw
 * requests check what that client does not send (a stale parent, other people's tokens, NDJSON as
 * Python writes it).
 */
import { createHash, randomBytes } from "node:crypto";
import { connect } from "node:net";
import { commit, downloadFile } from "@huggingface/hub";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commitLines, postNdjsonCommit } from "../../../test/support/ndjson-commit.js";
import { ALICE, BOB, type SampleHub, startSampleHub } from "../../../test/support/sample-hub.js";
import { gitBlobOid, sha256Hex } from "../../core/hash.js";

let hub: SampleHub;
const secret = { type: "dataset", name: "team/secret-data" } as const;

beforeAll(async () => {
  hub = await startSampleHub();
});
afterAll(async () => {
  await hub.close();
});

/** POSTs an NDJSON commit body as Python's client writes it. */
function postCommit(lines: unknown[], token: string | undefined, repo = "team/secret-data") {
  return postNdjsonCommit(`${hub.url}/api/datasets/${repo}/commit/main`, lines, token);
}

const headOf = async () =>
  (
    (await (
      await fetch(`${hub.url}/api/datasets/team/secret-data`, {
        headers: { authorization: `Bearer ${ALICE}` },
      })
    ).json()) as { sha: string }
  ).sha;

interface MultipartUpload {
  /** The completion URL. */
  href: string;
  header: Record<string, string>;
}

/** Asks the batch API for a multipart upload of `object`; undefined once the server holds it. */
async function multipartUploadOf(object: Buffer): Promise<MultipartUpload | undefined> {
  const oid = createHash("sha256").update(object).digest("hex");
  const answer = (await (
    await fetch(`${hub.url}/datasets/team/secret-data.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { "content-type": "application/vnd.git-lfs+json", authorization: `Bearer ${ALICE}` },
      body: JSON.stringify({
        operation: "upload",
        transfers: ["multipart"],
        objects: [{ oid, size: object.length }],
      }),
    })
  ).json()) as { objects: Array<{ actions?: { upload: MultipartUpload } }> };
  return answer.objects[0]?.actions?.upload;
}

/** A multipart upload of `object`, driven part by part as a client would. */
async function multipart(object: Buffer) {
  const oid = createHash("sha256").update(object).digest("hex");
  const upload = (await multipartUploadOf(object)) ?? { href: "", header: {} };
  const chunk = Number(upload.header.chunk_size);
  const keys = Object.keys(upload.header)
    .filter((key) => /^\d+$/.test(key))
    .sort();
  return {
    parts: keys.length,
    /** A copy of part `index`'s bytes (counted from 0). */
    part: (index: number) => Buffer.from(object.subarray(index * chunk, (index + 1) * chunk)),
    /** PUTs `body` as part `index`: the answer's status, or "cut" when the server cut the connection. */
    put: (index: number, body: Buffer) =>
      fetch(upload.header[keys[index] as string] as string, { method: "PUT", body }).then(
        (response) => response.status,
        () => "cut",
      ),
    /** POSTs the completion naming every part: the answer's status. */
    complete: async () =>
      (
        await fetch(upload.href, {
          method: "POST",
          headers: { "content-type": "application/vnd.git-lfs+json" },
          body: JSON.stringify({ oid, parts: keys.map((key) => ({ partNumber: Number(key), etag: "x" })) }),
        })
      ).status,
  };
}

describe("commits", () => {
  it("takes a commit from @huggingface/hub and serves its files back", async () => {
    const before = await headOf();
    const result = await commit({
      repo: secret,
      hubUrl: hub.url,
      accessToken: ALICE,
      title: "Add notes, drop the CSV",
      operations: [
        { operation: "addOrUpdate", path: "docs/notes.txt", content: new Blob(["hello from js\n"]) },
        { operation: "delete", path: "data.csv" },
      ],
    });
    expect(result?.commit.oid).toMatch(/^[0-9a-f]{40}$/);
    expect(result?.commit.url).toBe(`${hub.url}/datasets/team/secret-data/commit/${result?.commit.oid}`);
    expect(await headOf()).toBe(result?.commit.oid);
    const notes = await downloadFile({
      repo: secret,
      path: "docs/notes.txt",
      hubUrl: hub.url,
      accessToken: ALICE,
    });
    expect(await notes?.text()).toBe("hello from js\n");
    const gone = await fetch(`${hub.url}/datasets/team/secret-data/resolve/main/data.csv`, {
      method: "HEAD",
      headers: { authorization: `Bearer ${ALICE}` },
    });
    expect(gone.status).toBe(404);
    const commits = (await (
      await fetch(`${hub.url}/api/datasets/team/secret-data/commits/main`, {
        headers: { authorization: `Bearer ${ALICE}` },
      })
    ).json()) as Array<{ id: string; title: string; authors: Array<{ user: string }> }>;
    expect(commits[0]).toMatchObject({ title: "Add notes, drop the CSV", authors: [{ user: "alice" }] });
    expect(commits[1]?.id).toBe(before);
  });

  it("refuses a stale parent commit and changes nothing", async () => {
    const head = await headOf();
    const late = randomBytes(64);
    const stale = await postCommit(
      [
        { key: "header", value: { summary: "late", parentCommit: "0".repeat(40) } },
        { key: "file", value: { path: "late.txt", content: late.toString("base64"), encoding: "base64" } },
      ],
      ALICE,
    );
    expect(stale.status).toBe(412);
    expect(await headOf()).toBe(head);
    // Refused before anything is stored: the late file's bytes are not in the store either.
    expect(await hub.store.hasBlob(sha256Hex(late))).toBe(false);
    const fresh = await postCommit(
      [
        { key: "header", value: { summary: "on time", parentCommit: head } },
        {
          key: "file",
          value: { path: "a/b.txt", content: Buffer.from("b").toString("base64"), encoding: "base64" },
        },
        {
          key: "file",
          value: { path: "a/c.txt", content: Buffer.from("c").toString("base64"), encoding: "base64" },
        },
      ],
      ALICE,
    );
    expect(fresh.status).toBe(200);
    const body = (await fresh.json()) as { commitOid: string };
    expect(await headOf()).toBe(body.commitOid);
    const folder = await postCommit(
      [
        { key: "header", value: { summary: "drop a/" } },
        { key: "deletedFolder", value: { path: "a/" } },
      ],
      ALICE,
    );
    expect(folder.status).toBe(200);
    const tree = (await (
      await fetch(`${hub.url}/api/datasets/team/secret-data/tree/main?recursive=true`, {
        headers: { authorization: `Bearer ${ALICE}` },
      })
    ).json()) as Array<{ path: string; oid: string }>;
    expect(tree.map((entry) => entry.path).sort()).toEqual(["docs", "docs/notes.txt"]);
    expect(tree.find((entry) => entry.path === "docs/notes.txt")?.oid).toBe(gitBlobOid("hello from js\n"));
    const missing = await postCommit(
      [
        { key: "header", value: { summary: "x" } },
        {
          key: "file",
          value: {
            path: "y.txt",
            content: Buffer.from("never stored").toString("base64"),
            encoding: "base64",
          },
        },
        { key: "deletedFile", value: { path: "nothing.txt" } },
      ],
      ALICE,
    );
    expect(missing.status).toBe(404);
    expect(await hub.store.hasBlob(sha256Hex(Buffer.from("never stored")))).toBe(false);
  });

  it("loses no commit when several race on one branch", async () => {
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => postCommit(commitLines(`race ${n}`, { [`race/${n}.txt`]: `${n}` }), ALICE)),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200]);
    const tree = (await (
      await fetch(`${hub.url}/api/datasets/team/secret-data/tree/main/race`, {
        headers: { authorization: `Bearer ${ALICE}` },
      })
    ).json()) as Array<{ path: string }>;
    expect(tree.map((entry) => entry.path).sort()).toEqual([1, 2, 3, 4, 5].map((n) => `race/${n}.txt`));
  });

  it("lets only write tokens of the namespace commit", async () => {
    const lines = [
      { key: "header", value: { summary: "intrusion" } },
      { key: "file", value: { path: "x.txt", content: "eA==", encoding: "base64" } },
    ];
    const head = await headOf();
    expect((await postCommit(lines, undefined)).status).toBe(404); // private: hidden from strangers
    expect((await postCommit(lines, BOB)).status).toBe(404);
    const anonymous = await postCommit(lines, undefined, "vega/seattle-weather");
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("x-error-code")).toBe("Unauthorized");
    const other = await postCommit(lines, ALICE, "vega/seattle-weather");
    expect(other.status).toBe(403);
    expect(other.headers.get("x-error-code")).toBe("Forbidden");
    expect(await headOf()).toBe(head);
  });

  it("says which files go through LFS, and the oid of each one already there", async () => {
    const answer = await fetch(`${hub.url}/api/datasets/team/secret-data/preupload/main`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ALICE}` },
      body: JSON.stringify({
        files: [
          { path: "docs/notes.txt", size: 14, sample: "" },
          { path: "data/big.parquet", size: 100, sample: "" },
          { path: "huge.txt", size: 20 * 2 ** 20, sample: "" },
        ],
      }),
    });
    expect(await answer.json()).toEqual({
      files: [
        {
          path: "docs/notes.txt",
          uploadMode: "regular",
          shouldIgnore: false,
          oid: gitBlobOid("hello from js\n"),
        },
        { path: "data/big.parquet", uploadMode: "lfs", shouldIgnore: false },
        { path: "huge.txt", uploadMode: "lfs", shouldIgnore: false },
      ],
    });
  });

  it("takes LFS files through the batch API, and stores only bytes that hash to their oid", async () => {
    const weights = randomBytes(20 * 2 ** 20);
    const oid = createHash("sha256").update(weights).digest("hex");
    await commit({
      repo: secret,
      hubUrl: hub.url,
      accessToken: ALICE,
      title: "Add weights",
      operations: [{ operation: "addOrUpdate", path: "model/weights.bin", content: new Blob([weights]) }],
    });
    const info = (await (
      await fetch(`${hub.url}/api/datasets/team/secret-data/paths-info/main`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${ALICE}` },
        body: JSON.stringify({ paths: ["model/weights.bin"] }),
      })
    ).json()) as Array<{ lfs?: { oid: string; size: number } }>;
    expect(info[0]?.lfs).toMatchObject({ oid, size: weights.length });
    const back = await downloadFile({
      repo: secret,
      path: "model/weights.bin",
      hubUrl: hub.url,
      accessToken: ALICE,
    });
    expect(Buffer.from(await (back as Blob).arrayBuffer()).equals(weights)).toBe(true);

    // A second batch for the same object asks for nothing; a new one gets signed URLs.
    const lfsBatch = (objects: Array<{ oid: string; size: number }>, token = ALICE) =>
      fetch(`${hub.url}/datasets/team/secret-data.git/info/lfs/objects/batch`, {
        method: "POST",
        headers: {
          accept: "application/vnd.git-lfs+json",
          "content-type": "application/vnd.git-lfs+json",
          authorization: `Bearer ${token}`,
        },
        body: JSON.stringify({ operation: "upload", transfers: ["basic"], objects, hash_algo: "sha256" }),
      });
    const known = (await (await lfsBatch([{ oid, size: weights.length }])).json()) as {
      objects: Array<{ actions?: unknown }>;
    };
    expect(known.objects[0]?.actions).toBeUndefined();
    const other = randomBytes(1000);
    const otherOid = createHash("sha256").update(other).digest("hex");
    const fresh = (await (await lfsBatch([{ oid: otherOid, size: 1000 }])).json()) as {
      objects: Array<{ actions: { upload: { href: string }; verify: { href: string } } }>;
    };
    const { upload, verify } = fresh.objects[0]?.actions ?? { upload: { href: "" }, verify: { href: "" } };
    // Wrong bytes, a forged signature: refused, nothing stored.
    expect((await fetch(upload.href, { method: "PUT", body: randomBytes(1000) })).status).toBe(400);
    expect(
      (
        await fetch(upload.href.replace(/sig=[0-9a-f]+/, `sig=${"0".repeat(64)}`), {
          method: "PUT",
          body: other,
        })
      ).status,
    ).toBe(403);
    expect((await fetch(verify.href, { method: "POST" })).status).toBe(404);
    expect((await fetch(upload.href, { method: "PUT", body: other })).status).toBe(200);
    expect((await fetch(verify.href, { method: "POST" })).status).toBe(200);
    expect((await lfsBatch([{ oid: otherOid, size: 1000 }], BOB)).status).toBe(404);
  });

  it("takes a large object in parts, and refuses wrong parts or a missing one", async () => {
    const big = randomBytes(20 * 2 ** 20);
    const oid = createHash("sha256").update(big).digest("hex");
    const answer = await fetch(`${hub.url}/datasets/team/secret-data.git/info/lfs/objects/batch`, {
      method: "POST",
      headers: { "content-type": "application/vnd.git-lfs+json", authorization: `Bearer ${ALICE}` },
      body: JSON.stringify({
        operation: "upload",
        transfers: ["basic", "multipart"],
        objects: [{ oid, size: big.length }],
      }),
    });
    const batch = (await answer.json()) as {
      transfer: string;
      objects: Array<{
        actions: { upload: { href: string; header: Record<string, string> }; verify: { href: string } };
      }>;
    };
    expect(batch.transfer).toBe("multipart");
    const { upload, verify } = batch.objects[0]?.actions ?? {
      upload: { href: "", header: {} },
      verify: { href: "" },
    };
    const chunk = Number(upload.header.chunk_size);
    const partKeys = Object.keys(upload.header)
      .filter((key) => /^\d+$/.test(key))
      .sort();
    expect(partKeys).toEqual(["00001", "00002", "00003"]);
    const complete = (parts: Array<{ partNumber: number; etag: string }>) =>
      fetch(upload.href, {
        method: "POST",
        headers: { "content-type": "application/vnd.git-lfs+json" },
        body: JSON.stringify({ oid, parts }),
      });
    expect(
      (await fetch(upload.header["00001"] as string, { method: "PUT", body: big.subarray(0, 100) })).status,
    ).toBe(400);
    const etags: string[] = [];
    for (const [index, key] of partKeys.entries()) {
      // Before the last part: completion is refused, and the parts sent so far are kept.
      if (index === 2) expect((await complete([])).status).toBe(400);
      const put = await fetch(upload.header[key] as string, {
        method: "PUT",
        body: big.subarray(index * chunk, (index + 1) * chunk),
      });
      expect(put.status).toBe(200);
      etags.push(put.headers.get("etag") ?? "");
    }
    expect((await complete(etags.map((etag, i) => ({ partNumber: i + 1, etag })))).status).toBe(200);
    expect((await fetch(verify.href, { method: "POST" })).status).toBe(200);
  });

  it("refuses a part longer than its size without writing into the next part", async () => {
    const upload = await multipart(randomBytes(17 * 2 ** 20));
    expect(await upload.put(1, upload.part(1))).toBe(200);
    expect(await upload.put(2, upload.part(2))).toBe(200);
    // Part 1 with 64 KiB too many: refused (a 400, or the connection cut mid-body).
    expect(await upload.put(0, Buffer.concat([upload.part(0), randomBytes(65_536)]))).not.toBe(200);
    expect(await upload.put(0, upload.part(0))).toBe(200);
    // Stored only if part 2's bytes were left as they came.
    expect(await upload.complete()).toBe(200);
  });

  it("stores a multipart upload whose parts came in reverse order", async () => {
    const big = randomBytes(17 * 2 ** 20);
    const upload = await multipart(big);
    for (let index = upload.parts - 1; index >= 0; index--)
      expect(await upload.put(index, upload.part(index))).toBe(200);
    expect(await upload.complete()).toBe(200);
    expect(await multipartUploadOf(big)).toBeUndefined();
  });

  it("refuses an upload whose part was sent again with other bytes after it was hashed", async () => {
    const big = randomBytes(17 * 2 ** 20);
    const upload = await multipart(big);
    for (let index = 0; index < upload.parts; index++)
      expect(await upload.put(index, upload.part(index))).toBe(200);
    // Time for the server to hash the parts as they came; then the first one comes again, changed.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const changed = upload.part(0);
    changed[7] = (changed[7] ?? 0) ^ 0xff;
    expect(await upload.put(0, changed)).toBe(200);
    expect(await upload.complete()).toBe(400);
    expect(await multipartUploadOf(big)).toBeDefined();
  });

  it("stores nothing from a corrupted part, and nothing from a commit whose client died midway", async () => {
    const big = randomBytes(17 * 2 ** 20);
    const upload = await multipart(big);
    for (let index = 0; index < upload.parts; index++) {
      const part = upload.part(index);
      if (index === 1) part[100] = (part[100] ?? 0) ^ 0xff; // one flipped byte, the right size
      expect(await upload.put(index, part)).toBe(200);
    }
    expect(await upload.complete()).toBe(400);
    expect(await multipartUploadOf(big)).toBeDefined(); // still not stored

    const head = await headOf();
    const body = [
      { key: "header", value: { summary: "cut" } },
      {
        key: "file",
        value: { path: "cut.txt", content: randomBytes(300_000).toString("base64"), encoding: "base64" },
      },
    ]
      .map((line) => JSON.stringify(line))
      .join("\n");
    await new Promise<void>((resolve) => {
      const { port } = new URL(hub.url);
      const socket = connect(Number(port), "127.0.0.1", () => {
        socket.write(
          `POST /api/datasets/team/secret-data/commit/main HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${ALICE}\r\n` +
            `Content-Type: application/x-ndjson\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`,
        );
        socket.write(body.slice(0, body.length / 2), () => setTimeout(() => socket.destroy(), 50));
      });
      socket.on("close", () => resolve());
    });
    expect(await headOf()).toBe(head);
  });
});
