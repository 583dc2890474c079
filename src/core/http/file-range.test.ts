import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileRange, HttpClient } from "./client.js";

let server: Server;
let url = "";
let dir = "";
const file = randomBytes(3 * 2 ** 20 + 12_345);
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");
const client = new HttpClient({ retry: { maxRetries: 0 } });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "wharf-file-range-"));
  await writeFile(join(dir, "file.bin"), file);
  // Answers with the length it was told, and the sha256 and length of what came.
  server = createServer((req, res) => {
    const hash = createHash("sha256");
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      size += chunk.length;
    });
    req.on("end", () =>
      res.end(JSON.stringify({ told: req.headers["content-length"], size, sha256: hash.digest("hex") })),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

describe("FileRange bodies", () => {
  it("send exactly the range's bytes, with its length, each time the body is asked for", async () => {
    const start = 1_000_001;
    const end = file.length - 7;
    const range = () => new FileRange(join(dir, "file.bin"), start, end);
    for (let round = 0; round < 2; round++) {
      const answer = await client.request(url, { method: "PUT", body: range });
      expect(await answer.json()).toEqual({
        told: String(end - start),
        size: end - start,
        sha256: sha256(file.subarray(start, end)),
      });
    }
  });

  it("fail the request when the file is shorter than the range", async () => {
    const range = () => new FileRange(join(dir, "file.bin"), 0, file.length + 5);
    await expect(client.request(url, { method: "PUT", body: range })).rejects.toThrow(
      /changed while it was being sent/,
    );
  });
});
