/**
 * A progress bar as a person sees it: the built CLI run in a real terminal (a tmux pane, 120 columns),
 * downloading a file a real server sends slowly, with the pane read while the bytes flow.
 */
import { execFileSync } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { expect, it } from "vitest";
import { useFaultServer } from "../../test/support/fault-server.js";
import { useTempFolders } from "../../test/support/temp-folders.js";

const bin = resolve(import.meta.dirname, "../../dist/cli/main.js");
const catalogModule = pathToFileURL(resolve(import.meta.dirname, "../../dist/catalog/index.js")).href;
const fault = useFaultServer();
const temp = useTempFolders("wharf-pty-");

it("draws a progress bar with the percentage, the bytes and the time left in a terminal", async () => {
  const url = fault().serve("/weights.bin", Buffer.alloc(8 * 1024 * 1024, 1), { chunkDelayMs: 40 });
  const folder = temp();
  const module = join(folder, "catalog.mjs");
  await writeFile(
    module,
    `import { defineDataset, defineRepository, fileDownloader } from ${JSON.stringify(catalogModule)};\n` +
      `export default defineRepository({ id: "pty", definitions: [defineDataset({ url: "https://example.org/", name: "weights", resources: { weights: fileDownloader({ url: ${JSON.stringify(url)} }) } })] });\n`,
  );
  const catalogDir = join(folder, "catalog");
  execFileSync(process.execPath, [
    bin,
    "catalog",
    "--catalog-dir",
    catalogDir,
    "repositories",
    "add",
    module,
  ]);

  const socket = `wharf-pty-${process.pid}`;
  const tmux = (...args: string[]) =>
    execFileSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], { encoding: "utf8" });
  const command = `env -u HF_HUB_DISABLE_PROGRESS_BARS ${process.execPath} ${bin} catalog --catalog-dir ${catalogDir} download org.example.weights; sleep 30`;
  tmux("new-session", "-d", "-s", "main", "-x", "120", "-y", "20", command);
  try {
    let seen = "";
    for (let waited = 0; waited < 20_000 && !/█.*\d+%.*MiB.*left/.test(seen); waited += 100) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      seen = tmux("capture-pane", "-p", "-t", "main");
    }
    const line = seen.split("\n").find((text) => text.includes("%")) ?? "";
    expect(line).toMatch(/weights \(http.*[█░]{24} +\d+% [\d.]+ (KiB|MiB)\/8(\.0)? MiB .*\/s .* left/);
  } finally {
    tmux("kill-server");
  }
});
