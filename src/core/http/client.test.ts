import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  BadRequestError,
  EntryNotFoundError,
  GatedRepoError,
  NetworkError,
  RepoNotFoundError,
  RevisionNotFoundError,
  ServerError,
  TooManyRequestsError,
  UnauthorizedError,
} from "../errors.js";
import { HttpClient, headersForRedirect } from "./client.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function listen(handler: Handler, host = "127.0.0.1"): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return { server, url: `http://${host}:${(server.address() as AddressInfo).port}` };
}

const seen: IncomingMessage[] = [];
let main: { server: Server; url: string };
let other: { server: Server; url: string };
let counter = 0;
let posts = 0;
const BIG_BODY = 64 * 1024 * 1024;
let bigClosedEarly: boolean | undefined;
const client = new HttpClient({ retry: { baseDelayMs: 1, maxDelayMs: 5 } });

beforeAll(async () => {
  other = await listen((req, res) => {
    seen.push(req);
    res.end("elsewhere");
  }, "localhost");
  main = await listen((req, res) => {
    seen.push(req);
    const path = req.url ?? "/";
    if (path === "/flaky") {
      counter++;
      if (counter < 3) {
        res.writeHead(503).end();
        return;
      }
      res.end("ok");
    } else if (path === "/post-flaky") {
      posts++;
      if (posts % 3 !== 0) res.writeHead(503).end();
      else res.end("posted");
    } else if (path === "/always-429") {
      res.writeHead(429, { "retry-after": "0" }).end(JSON.stringify({ error: "slow down" }));
    } else if (path.startsWith("/code/")) {
      const code = path.slice(6);
      res
        .writeHead(404, {
          "x-error-code": code,
          "x-error-message": `${code} here`,
          "x-repo-commit": "a".repeat(40),
        })
        .end();
    } else if (path === "/json-error") {
      res
        .writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ errors: [{ message: "bad a" }, { message: "bad b" }] }));
    } else if (path === "/unauthorized") {
      res.writeHead(401).end(JSON.stringify({ error: "Invalid credentials" }));
    } else if (path === "/relative") {
      res.writeHead(307, { location: "/target" }).end();
    } else if (path === "/absolute") {
      res.writeHead(302, { location: `${other.url}/cdn` }).end();
    } else if (path === "/target") {
      res.end("target");
    } else if (path === "/hang") {
      // Never answers; the client's timeout must end the wait.
    } else if (path === "/echo") {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () =>
        res.end(
          JSON.stringify({
            length: req.headers["content-length"] ?? null,
            chunked: req.headers["transfer-encoding"] === "chunked",
            body: Buffer.concat(chunks).toString(),
          }),
        ),
      );
    } else if (path === "/own-names") {
      res.writeHead(200, { constructor: "x", "content-length": "2" }).end("ok");
    } else if (path === "/port") {
      res.end(String(req.socket.remotePort));
    } else if (path === "/big") {
      res.writeHead(200, { "content-length": String(BIG_BODY) });
      const chunk = Buffer.alloc(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < BIG_BODY) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => {
        bigClosedEarly = sent < BIG_BODY || !res.writableFinished;
      });
      pump();
    } else {
      res.writeHead(500).end();
    }
  });
});

afterAll(async () => {
  await client.close();
  main.server.close();
  other.server.close();
});

describe("HttpClient", () => {
  it("retries 5xx answers and returns the eventual success", async () => {
    const response = await client.request(`${main.url}/flaky`);
    expect(await response.text()).toBe("ok");
    expect(counter).toBe(3);
  });

  it("reads a header named like an object's own property as a header, on both download paths", async () => {
    for (const fastPath of [true, false]) {
      const reader = new HttpClient({ fastPath });
      const answer = await reader.download(`${main.url}/own-names`);
      await answer.discard();
      expect(answer.headers.constructor, `fastPath ${fastPath}`).toBe("x");
      // Without a prototype, no name a server sends can meet one of Object's.
      expect(Object.getPrototypeOf(answer.headers), `fastPath ${fastPath}`).toBeNull();
      await reader.close();
    }
  });

  it("sends a wharf user agent", async () => {
    await (await client.request(`${main.url}/target`)).discard();
    expect(seen.at(-1)?.headers["user-agent"]).toMatch(/^wharf\/\d+\.\d+\.\d+; node\//);
  });

  it("raises TooManyRequests with the body's message once retries run out", async () => {
    const error = await client
      .request(`${main.url}/always-429`, { retry: { maxRetries: 2 } })
      .catch((e) => e);
    expect(error).toBeInstanceOf(TooManyRequestsError);
    expect(error.serverMessage).toBe("slow down");
  });

  it.each([
    ["RepoNotFound", RepoNotFoundError],
    ["RevisionNotFound", RevisionNotFoundError],
    ["EntryNotFound", EntryNotFoundError],
    ["GatedRepo", GatedRepoError],
  ])("maps X-Error-Code %s to its class, keeping the repo commit", async (code, ErrorClass) => {
    const error = await client.request(`${main.url}/code/${code}`).catch((e) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.code).toBe(code);
    expect(error.status).toBe(404);
    expect(error.repoCommit).toBe("a".repeat(40));
    expect(error.message).toContain(`${code} here`);
  });

  it("reads JSON error bodies and maps 400 and 401", async () => {
    const bad = await client.request(`${main.url}/json-error`).catch((e) => e);
    expect(bad).toBeInstanceOf(BadRequestError);
    expect(bad.serverMessage).toBe("bad a\nbad b");
    const unauthorized = await client.request(`${main.url}/unauthorized`).catch((e) => e);
    expect(unauthorized).toBeInstanceOf(UnauthorizedError);
    expect(unauthorized.message).toContain("Invalid credentials");
  });

  it("returns error answers when asked to", async () => {
    const response = await client.request(`${main.url}/code/EntryNotFound`, { allowErrorStatus: true });
    expect(response.status).toBe(404);
    expect(response.headers["x-error-code"]).toBe("EntryNotFound");
  });

  it("follows relative redirects only in relative mode", async () => {
    const relative = await client.request(`${main.url}/relative`, { method: "HEAD", redirect: "relative" });
    expect(relative.status).toBe(200);
    expect(relative.url).toBe(`${main.url}/target`);
    const absolute = await client.request(`${main.url}/absolute`, { method: "HEAD", redirect: "relative" });
    expect(absolute.status).toBe(302);
    expect(absolute.headers.location).toBe(`${other.url}/cdn`);
  });

  it("drops the Authorization header when a redirect changes host", async () => {
    const response = await client.request(`${main.url}/absolute`, {
      headers: { authorization: "Bearer hf_secret" },
    });
    expect(await response.text()).toBe("elsewhere");
    const atOther = seen.at(-1);
    expect(atOther?.url).toBe("/cdn");
    expect(atOther?.headers.authorization).toBeUndefined();
    expect(seen.at(-2)?.headers.authorization).toBe("Bearer hf_secret");
  });

  it("keeps Authorization on same-origin redirects only, dropping it on https to http", () => {
    const headers = { authorization: "Bearer hf_secret", accept: "x" };
    const from = new URL("https://hub.example/a");
    expect(headersForRedirect(from, new URL("https://hub.example/b"), headers)).toBe(headers);
    expect(headersForRedirect(from, new URL("http://hub.example/b"), headers)).toEqual({ accept: "x" });
    expect(headersForRedirect(from, new URL("https://hub.example:8443/b"), headers)).toEqual({ accept: "x" });
  });

  it("does not retry a POST unless the caller says it may", async () => {
    const error = await client
      .request(`${main.url}/post-flaky`, { method: "POST", body: "x" })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(posts).toBe(1);
    const response = await client.request(`${main.url}/post-flaky`, {
      method: "POST",
      body: "x",
      retryUnsafeMethod: true,
    });
    expect(await response.text()).toBe("posted");
    expect(posts).toBe(3);
  });

  it("raises NetworkError when nothing listens", async () => {
    const error = await client.request("http://127.0.0.1:1/", { retry: { maxRetries: 1 } }).catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain("after 2 tries");
  });

  it("gives up on an answer that does not come within timeoutMs", async () => {
    const error = await client.request(`${main.url}/hang`, { timeoutMs: 100, retry: false }).catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause?.code).toBe("WHARF_HEADERS_TIMEOUT");
  });

  it("sends byte and text bodies with their length, and stream bodies whole", async () => {
    const bytes = await (
      await client.request(`${main.url}/echo`, { method: "PUT", body: new TextEncoder().encode("héllo") })
    ).json();
    expect(bytes).toEqual({ length: "6", chunked: false, body: "héllo" });
    const stream = await (
      await client.request(`${main.url}/echo`, {
        method: "PUT",
        body: () => Readable.from([Buffer.from("a"), Buffer.from("bc")]),
      })
    ).json();
    expect(stream).toEqual({ length: null, chunked: true, body: "abc" });
    const empty = await (await client.request(`${main.url}/echo`, { method: "POST" })).json();
    expect(empty).toEqual({ length: "0", chunked: false, body: "" });
  });

  it("keeps one connection for requests in turn, and drops a long body it discards", async () => {
    const pooled = new HttpClient();
    try {
      const first = await (await pooled.request(`${main.url}/port`)).text();
      const second = await (await pooled.request(`${main.url}/port`)).text();
      expect(second).toBe(first);
      await (await pooled.request(`${main.url}/big`)).discard();
      await vi.waitFor(() => expect(bigClosedEarly).toBe(true));
    } finally {
      await pooled.close();
    }
  });
});
