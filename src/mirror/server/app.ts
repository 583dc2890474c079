/**
 * The Hub-compatible server over a repo store (`wharf serve`): a Fastify app with the Hub's read
 * endpoints, its commit and LFS upload endpoints, the Hub's error answers, and limits on what a request may send. `startHubServer` listens
 * and says where; `close()` stops taking requests and lets the open ones finish.
 */
import { createRequire } from "node:module";
import type FormBody from "@fastify/formbody";
import type { fastify as Fastify, FastifyError, FastifyInstance } from "fastify";
import type { RepoStore } from "../store/repo-store.js";
import { Access } from "./access.js";
import { EMPTY_CONFIG, type ServerConfig } from "./config.js";
import type { ServerDeps } from "./context.js";
import { HubHttpError } from "./hub-error.js";
import { registerCommitRoutes } from "./routes/commit.js";
import { registerDiscussionRoutes } from "./routes/discussions.js";
import { registerLfsRoutes } from "./routes/lfs.js";
import { registerLikeRoutes } from "./routes/likes.js";
import { registerListingRoutes } from "./routes/listing.js";
import { registerRefsAndCommitsRoutes } from "./routes/refs-commits.js";
import { registerRefWriteRoutes } from "./routes/refs-write.js";
import { registerRepoInfoRoutes } from "./routes/repo-info.js";
import { registerRepoRoutes } from "./routes/repos.js";
import { registerResolveRoutes } from "./routes/resolve.js";
import { registerTreeRoutes } from "./routes/tree.js";
import { registerWhoamiRoute } from "./routes/whoami.js";
import { UploadSigner } from "./upload-signature.js";
import { registerViewerRoutes } from "./viewer/pages.js";

export interface HubServerOptions {
  config?: ServerConfig;
  /** The URL clients use to reach the server, for `Link` headers (default: from each request's Host). */
  publicUrl?: string;
  /** Largest request body, in bytes (default 1 MiB: the read API only takes lists of paths). */
  bodyLimit?: number;
  /** Log each request (pino, to stdout). */
  logRequests?: boolean;
  /**
   * The secret upload URLs are signed with; servers that share a store and a public URL need the same
   * one. Default: random, so URLs are good only with this process.
   */
  uploadSecret?: string;
}

/**
 * Fastify, loaded with the first server: loading it took about 0.06 s of every start of a process that
 * imported `wharf/mirror`, the `wharf` command's included, most of which serve nothing.
 */
const lazily = createRequire(import.meta.url);

export function createHubServer(store: RepoStore, options: HubServerOptions = {}): FastifyInstance {
  const fastify = lazily("fastify") as { fastify: typeof Fastify };
  const formBody = lazily("@fastify/formbody") as typeof FormBody;
  const app = fastify.fastify({
    logger: options.logRequests ?? false,
    bodyLimit: options.bodyLimit ?? 1 << 20,
    // Repo paths can be long; a URL is still bounded by Node's header size limit.
    routerOptions: { maxParamLength: 4096, querystringParser: firstValues },
    exposeHeadRoutes: false,
    // On close, answer what is in flight and drop idle keep-alive sockets, so shutdown drains.
    forceCloseConnections: "idle",
    return503OnClosing: true,
  });
  const deps: ServerDeps = {
    store,
    access: new Access(options.config ?? EMPTY_CONFIG),
    publicUrl: options.publicUrl,
    signer: new UploadSigner(options.uploadSecret),
  };
  app.register(formBody, { bodyLimit: options.bodyLimit ?? 1 << 20 });
  app.setErrorHandler((error: FastifyError | HubHttpError, _request, reply) => {
    if (error instanceof HubHttpError) {
      return reply.code(error.status).headers(error.headers()).send({ error: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) reply.log.error(error);
    const message = status >= 500 ? "Internal error" : error.message;
    return reply.code(status).header("x-error-message", message).send({ error: message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .header("x-error-message", "Not found")
      .send({
        error: `Sorry, we can't find the page you are looking for: ${request.method} ${request.url.split("?")[0]}`,
      }),
  );
  app.register(async (scope) => {
    registerWhoamiRoute(scope, deps);
    registerListingRoutes(scope, deps);
    registerRepoInfoRoutes(scope, deps);
    registerTreeRoutes(scope, deps);
    registerRefsAndCommitsRoutes(scope, deps);
    registerResolveRoutes(scope, deps);
    registerCommitRoutes(scope, deps);
    registerDiscussionRoutes(scope, deps);
    registerLikeRoutes(scope, deps);
    registerViewerRoutes(scope, deps);
    registerLfsRoutes(scope, deps);
    registerRepoRoutes(scope, deps);
    registerRefWriteRoutes(scope, deps);
  });
  return app;
}

/**
 * Query strings with one value per name, the first where a name repeats: clients repeat names the server
 * does not read (`expand=a&expand=b`), and a repeated name it does read must not turn into an array.
 */
function firstValues(query: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(query)) {
    if (!Object.hasOwn(values, name)) Object.defineProperty(values, name, { value, enumerable: true });
  }
  return values;
}

export interface StartedHubServer {
  app: FastifyInstance;
  /** `http://host:port`, the value for `HF_ENDPOINT`. */
  url: string;
  close(): Promise<void>;
}

/** Starts the server on `host:port` (port 0 picks a free one). */
export async function startHubServer(
  store: RepoStore,
  listen: { host?: string; port?: number },
  options: HubServerOptions = {},
): Promise<StartedHubServer> {
  const app = createHubServer(store, options);
  const host = listen.host ?? "127.0.0.1";
  await app.listen({ host, port: listen.port ?? 0 });
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : listen.port;
  const shown = host.includes(":") ? `[${host}]` : host;
  return { app, url: `http://${shown}:${port}`, close: () => drainAndClose(app) };
}

/**
 * Stops taking requests, lets the ones under way finish, then closes. A keep-alive connection that was
 * busy when closing began turns idle later, and Node would keep it open until its keep-alive timeout;
 * closing idle connections until the server is down ends each one as soon as its last answer is out.
 */
async function drainAndClose(app: FastifyInstance): Promise<void> {
  const sweeper = setInterval(() => app.server.closeIdleConnections(), 50);
  try {
    await app.close();
  } finally {
    clearInterval(sweeper);
  }
}
