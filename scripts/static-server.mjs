/**
 * A plain static file server with Range support, run as its own process (so the client being measured
 * does not share its CPU). Prints its URL on stdout. Used by the download benchmark.
 * Usage: static-server.mjs ROOT
 */
import { createReadStream, statSync } from "node:fs";
import { createServer } from "node:http";
import { join, normalize } from "node:path";

const [root] = process.argv.slice(2);

const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
  if (path.includes("..")) return res.writeHead(400).end();
  let size;
  try {
    size = statSync(join(root, path)).size;
  } catch {
    return res.writeHead(404).end();
  }
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const start = range ? Number(range[1]) : 0;
  res.writeHead(range ? 206 : 200, {
    "content-length": size - start,
    "accept-ranges": "bytes",
    ...(range ? { "content-range": `bytes ${start}-${size - 1}/${size}` } : {}),
  });
  if (req.method === "HEAD" || size === start) return res.end();
  createReadStream(join(root, path), { start, highWaterMark: 1 << 20 }).pipe(res);
});
server.keepAliveTimeout = 30_000;
server.listen(0, "127.0.0.1", () => console.log(`http://127.0.0.1:${server.address().port}`));
