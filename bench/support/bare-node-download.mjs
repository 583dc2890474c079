/**
 * About the least a Node.js client can do to download many small files, for scale beside curl in
 * bench/download: one kept-alive socket per worker, a GET written by hand, the answer's
 * `content-length` found with a regular expression, and each body written synchronously to a
 * temporary file renamed into place. No retries, no checks but the status, no error handling: not a
 * client to use, only a measure of what Node.js's start, event loop and sockets cost on this machine.
 * Usage: bare-node-download.mjs LISTFILE CONCURRENCY  (LISTFILE: one "URL<TAB>DEST" a line; plain http,
 * one origin, answers with a content-length)
 */
import { closeSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { connect } from "node:net";

const [list, concurrency] = process.argv.slice(2);
const items = readFileSync(list, "utf8")
  .split("\n")
  .filter(Boolean)
  .map((line) => line.split("\t"));
const origin = new URL(items[0][0]);
let next = 0;

async function worker() {
  let onBytes = () => {};
  const socket = connect({ host: origin.hostname, port: Number(origin.port) });
  socket.on("data", (bytes) => onBytes(bytes));
  while (next < items.length) {
    const [url, dest] = items[next++];
    const body = await new Promise((resolve) => {
      let head = Buffer.alloc(0);
      const parts = [];
      let wanted = -1;
      let got = 0;
      onBytes = (bytes) => {
        let chunk = bytes;
        if (wanted < 0) {
          head = Buffer.concat([head, bytes]);
          const end = head.indexOf("\r\n\r\n");
          if (end < 0) return;
          const text = head.toString("latin1", 0, end);
          if (!text.startsWith("HTTP/1.1 200 ")) throw new Error(`${url} answered ${text.split("\r\n")[0]}`);
          wanted = Number(/content-length: *(\d+)/i.exec(text)[1]);
          chunk = head.subarray(end + 4);
        }
        parts.push(chunk);
        got += chunk.length;
        if (got >= wanted) resolve(Buffer.concat(parts));
      };
      socket.write(`GET ${new URL(url).pathname} HTTP/1.1\r\nhost: ${origin.host}\r\n\r\n`);
    });
    const fd = openSync(`${dest}.incomplete`, "w");
    writeSync(fd, body);
    closeSync(fd);
    renameSync(`${dest}.incomplete`, dest);
  }
  socket.destroy();
}

await Promise.all(Array.from({ length: Number(concurrency) }, worker));
