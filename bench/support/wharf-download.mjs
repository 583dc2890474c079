/**
 * wharf's side of bench/download, run as its own process on the built package (as users run it), so
 * that its time and peak memory are measured exactly as curl's are.
 * Usage: wharf-download.mjs file URL DEST [SHA256]  |  wharf-download.mjs many LISTFILE CONCURRENCY
 * (LISTFILE: one "URL<TAB>DEST" a line)
 */
import { readFile } from "node:fs/promises";
import { downloadFile, downloadMany } from "../../dist/core/index.js";

const [mode, ...args] = process.argv.slice(2);
if (mode === "file") {
  const [url, dest, sha256] = args;
  await downloadFile({ url, dest, expectedSha256: sha256 });
} else if (mode === "many") {
  const [list, concurrency] = args;
  const items = (await readFile(list, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((line) => {
      const [url, dest] = line.split("\t");
      return { url, dest };
    });
  await downloadMany(items, { concurrency: Number(concurrency) });
} else {
  throw new Error(`unknown mode ${mode}`);
}
