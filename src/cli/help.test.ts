/** Every command of the tree has a description, ends its `--help` with an example, and takes `--json`. */
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

it("gives every command a description and an example in its help", () => {
  const all = leaves(buildProgram());
  expect(all.length).toBeGreaterThan(70);
  const lacking = all.filter(
    ({ command }) => !/Examples?:\n {2}wharf /.test(helpOf(command)) || command.description() === "",
  );
  expect(lacking.map(({ path }) => path)).toEqual([]);
});

it("takes --json on every command but the server and the completion script", () => {
  const lacking = leaves(buildProgram())
    .filter(({ command }) => !command.options.some((option) => option.long === "--json"))
    .map(({ path }) => path);
  expect(lacking).toEqual(["serve", "completion"]);
});
