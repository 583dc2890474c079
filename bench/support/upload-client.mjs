/**
 * One client's side of bench/upload, in its own process: wharf's `uploadFolder` on the built package, or
 * `@huggingface/hub`'s `uploadFiles` of the same folder's files.
 * Usage: upload-client.mjs wharf|hf ENDPOINT TOKEN REPO_ID FOLDER
 */
import { readdir } from "node:fs/promises";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { uploadFiles } from "@huggingface/hub";
import { uploadFolder } from "../../dist/hub/index.js";

const [client, endpoint, token, repoId, folder] = process.argv.slice(2);
if (client === "wharf") {
  await uploadFolder({ repoId, endpoint, token, folderPath: folder });
} else if (client === "hf") {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path: relative(folder, path), content: pathToFileURL(path) };
    });
  await uploadFiles({ repo: { type: "model", name: repoId }, hubUrl: endpoint, accessToken: token, files });
} else {
  throw new Error(`unknown client ${client}`);
}
