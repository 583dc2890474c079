/**
 * `wharf catalog` as a user runs it: the built bin in child processes, a repository module that a user
 * wrote (added with `repositories add`), and its files on a real HTTP server on 127.0.0.1.
 */
import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { useFaultServer } from "../../test/support/fault-server.js";
import { useTempFolders } from "../../test/support/temp-folders.js";

const run = promisify(execFile);
const bin = resolve(import.meta.dirname, "../../dist/cli/main.js");
const catalogModule = pathToFileURL(resolve(import.meta.dirname, "../../dist/catalog/index.js")).href;
const temp = useTempFolders("wharf-catalog-cli-");
const fault = useFaultServer();

it("adds a repository, searches it, prepares a dataset as JSON, and checks its URLs", async () => {
  const good = fault().serve("/iris.csv", Buffer.from("sepal,species\n5.1,setosa\n"));
  fault().serve("/gone.csv", Buffer.alloc(0), { faults: Array(4).fill({ kind: "status", status: 404 }) });
  const folder = temp();
  const module = join(folder, "catalog.mjs");
  await writeFile(
    module,
    [
      `import { data, defineDataset, defineRepository, fileDownloader } from ${JSON.stringify(catalogModule)};`,
      "export default defineRepository({ id: 'mine', definitions: [",
      `  defineDataset({ url: 'https://archive.ics.uci.edu/', name: 'iris', tags: ['tabular'], type: 'Csv', resources: { table: fileDownloader({ url: ${JSON.stringify(good)} }) }, prepare: (paths) => ({ table: data.csv(paths.table) }) }),`,
      `  defineDataset({ url: 'https://example.org/', name: 'gone', resources: { table: fileDownloader({ url: ${JSON.stringify(`${fault().url}/gone.csv`)} }) } }),`,
      "]});",
    ].join("\n"),
  );
  const catalogDir = temp();
  const wharf = (...args: string[]) =>
    run(process.execPath, [bin, "catalog", "--catalog-dir", catalogDir, ...args]);
  expect(JSON.parse((await wharf("repositories", "add", module, "--json")).stdout)).toEqual([
    resolve(module),
  ]);
  expect((await wharf("search", "tag:tabular")).stdout).toBe("[mine] edu.uci.iris (Csv)\n");

  const prepared = JSON.parse((await wharf("prepare", "edu.uci.iris", "--quiet")).stdout);
  const path = join(catalogDir, "data", "mine", "edu", "uci", "iris", "iris.csv");
  expect(prepared).toEqual({ table: { path, delimiter: ",", header: true }, id: "edu.uci.iris" });

  const table = await wharf("check", "mine").catch((error: { code: number; stdout: string }) => error);
  expect((table as { stdout: string }).stdout).toMatch(
    /^dataset +resource +status +url +message\nedu\.uci\.iris +table +ok /,
  );
  const checked = await wharf("check", "mine", "--json").catch(
    (error: { code: number; stdout: string }) => error,
  );
  expect((checked as { code: number }).code).toBe(1);
  expect(JSON.parse((checked as { stdout: string }).stdout)).toEqual([
    {
      dataset: "edu.uci.iris",
      resource: "table",
      resource_type: "file",
      status: "ok",
      url: good,
      message: "HTTP 200",
    },
    {
      dataset: "org.example.gone",
      resource: "table",
      resource_type: "file",
      status: "failed",
      url: `${fault().url}/gone.csv`,
      message: "HTTP 404",
    },
  ]);

  const missing = await wharf("prepare", "org.example.nothing").catch(
    (error: { code: number; stderr: string }) => error,
  );
  expect((missing as { code: number }).code).toBe(1);
  expect((missing as { stderr: string }).stderr).toContain("No repository defines org.example.nothing");
});
