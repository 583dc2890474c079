/**
 * Every command of the tree has a description, ends its `--help` with an example, and takes `--json`;
 * a command line gets the tree without the heavier groups it cannot reach.
 */
import type { Command } from "commander";
import { expect, it } from "vitest";
import { buildProgram } from "./program.js";

function leaves(command: Command, path: string[] = []): Array<{ path: string; command: Command }> {
  if (command.commands.length === 0) return [{ path: path.join(" "), command }];
  return command.commands.flatMap((sub) => leaves(sub, [...path, sub.name()]));
}

function helpOf(command: Command): string {
  const chunks: string[] = [];
  const collect = (chunk: string) => {
    chunks.push(chunk);
  };
  command.configureOutput({ writeOut: collect, writeErr: collect });
  command.outputHelp();
  return chunks.join("");
}

it("gives every command a description and an example in its help", async () => {
  const all = leaves(await buildProgram());
  expect(all.length).toBeGreaterThan(70);
  const lacking = all.filter(
    ({ command }) => !/Examples?:\n {2}wharf /.test(helpOf(command)) || command.description() === "",
  );
  expect(lacking.map(({ path }) => path)).toEqual([]);
});

it("takes --json on every command but the server and the completion script", async () => {
  const lacking = leaves(await buildProgram())
    .filter(({ command }) => !command.options.some((option) => option.long === "--json"))
    .map(({ path }) => path);
  expect(lacking).toEqual(["serve", "completion"]);
});

it("leaves out the heavier groups a command line cannot reach", async () => {
  const names = async (...args: string[]) =>
    (await buildProgram(["node", "wharf", ...args])).commands.map((command) => command.name());
  const all = await names();
  expect(all).toEqual(expect.arrayContaining(["catalog", "datasets", "mirror", "serve", "download"]));
  const light = await names("--verbose", "download", "vega/flights");
  expect(light).not.toContain("datasets");
  expect(light).not.toContain("mirror");
  // The same order as the whole tree's, less the heavy groups.
  expect(light).toEqual(all.filter((name) => !["catalog", "datasets", "mirror", "serve"].includes(name)));
  // A heavy command gets its own group and the light ones.
  expect(await names("datasets", "load", "x")).toEqual(
    all.filter((name) => !["catalog", "mirror", "serve"].includes(name)),
  );
  expect(await names("--version")).toEqual(light);
  // The completion script lists every command; a typo gets suggestions from every command.
  expect(await names("completion", "bash")).toEqual(all);
  expect(await names("datasts")).toEqual(all);
});
