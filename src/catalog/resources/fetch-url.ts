/**
 * One download of a catalog resource: the first of its URLs (mirrors, tried in turn) that answers with
 * the right bytes, resumed where an earlier run stopped, held to the declared checksum (or the
 * registry's), and recorded in the registry in register mode. sha256 is checked while the bytes
 * arrive; md5, sha1 and sha512 after.
 */
import { rm } from "node:fs/promises";
import { downloadFile } from "../../core/download/engine.js";
import { type Checksum, expectedChecksum, verifyFile } from "../checksums.js";
import type { ResourceContext } from "./resource.js";

/** The last part of a URL's path, decoded: the name a downloaded file gets by default. */
export function urlBaseName(url: string): string {
  const path = new URL(url).pathname;
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1)) || "download";
}

export async function fetchUrl(
  urls: readonly string[],
  dest: string,
  checksum: Checksum | undefined,
  ctx: ResourceContext,
): Promise<string> {
  const failures: string[] = [];
  for (const url of urls) {
    const expected = await expectedChecksum(url, checksum, ctx.checksums);
    try {
      const result = await downloadFile({
        url,
        dest,
        expectedSha256: expected.sha256,
        expectedSize: expected.size,
        computeSha256: ctx.checksums.register,
        // The dataset's lock (held by the DAG runner) already keeps other processes off this file.
        lockPath: false,
        client: ctx.client,
        signal: ctx.signal,
        onProgress: ctx.onProgress,
        label: `${ctx.name} (${url})`,
      });
      await verifyFile(dest, expected, url, true);
      if (result.sha256)
        await ctx.checksums.record({
          url,
          size: result.size,
          sha256: result.sha256,
          filename: urlBaseName(url),
        });
      return url;
    } catch (error) {
      ctx.signal?.throwIfAborted();
      await rm(dest, { force: true });
      failures.push(`${url}: ${(error as Error).message}`);
      if (urls.length === 1) throw error;
    }
  }
  throw new Error(`no URL gave the file (${failures.join("; ")})`);
}
