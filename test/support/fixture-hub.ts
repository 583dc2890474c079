/**
 * A fixture of the Hub's API for the endpoints the wharf server does not implement (collections,
 * webhooks): a real HTTP server on 127.0.0.1 that answers each route with a canned answer, shaped as
 * the Hub's (as `huggingface_hub` parses it), and records every request (method, path, query,
 * Authorization, JSON body) so a test can assert exactly what the client sent.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  authorization: string | undefined;
  body: unknown;
}

export interface CannedAnswer {
  status?: number;
  json?: unknown;
  headers?: Record<string, string>;
}

type Route = (request: RecordedRequest, url: string) => CannedAnswer;

export class FixtureHub {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private server: Server | undefined;
  url = "";

  /** Answers `METHOD /path` (exact path) with the canned answer, or what `route` returns. */
  on(key: string, answer: CannedAnswer | Route): this {
    this.routes.set(key, typeof answer === "function" ? answer : () => answer);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.routes.clear();
  }

  async start(): Promise<this> {
    this.server = createServer(async (req, res) => {
      const url = new URL(req.url ?? "/", "http://fixture");
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString("utf8");
      const recorded: RecordedRequest = {
        method: req.method ?? "GET",
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        authorization: req.headers.authorization,
        body: text === "" ? undefined : JSON.parse(text),
      };
      this.requests.push(recorded);
      const route = this.routes.get(`${recorded.method} ${recorded.path}`);
      const answer = route
        ? route(recorded, this.url)
        : {
            status: 404,
            json: { error: "no such route in the fixture" },
            headers: { "x-error-code": "EntryNotFound" },
          };
      res.writeHead(answer.status ?? 200, { "content-type": "application/json", ...answer.headers });
      res.end(answer.json === undefined ? "" : JSON.stringify(answer.json));
    });
    const server = this.server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

/** One fixture for the test file, emptied of routes and requests before each test. */
export function useFixtureHub(): () => FixtureHub {
  const fixture = new FixtureHub();
  beforeAll(async () => {
    await fixture.start();
  });
  beforeEach(() => fixture.reset());
  afterAll(async () => {
    await fixture.stop();
  });
  return () => fixture;
}
