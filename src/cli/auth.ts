/**
 * `wharf auth`: log in and out, see who you are, and switch between stored tokens, as Python's
 * `hf auth`. The token comes from `--token`, else from stdin when it is not a terminal (a pipe or a
 * secret file), else from a prompt that does not echo it.
 */
import { createInterface } from "node:readline/promises";
import type { Command } from "commander";
import { InvalidArgumentError } from "../core/index.js";
import { authList, authSwitch, login, logout, whoami } from "../hub/index.js";
import { jsonOption } from "./options.js";
import { printJson, printTable, report } from "./output.js";

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of stream) text += String(chunk);
  return text;
}

/** Reads a line from the terminal without showing it. */
async function promptHidden(question: string): Promise<string> {
  const lines = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const output = lines as unknown as { _writeToOutput(text: string): void };
  process.stderr.write(question);
  // Everything typed after the question stays off the screen.
  output._writeToOutput = () => {};
  try {
    return await lines.question("");
  } finally {
    lines.close();
    process.stderr.write("\n");
  }
}

async function tokenFromUser(given: string | undefined): Promise<string> {
  const token =
    given ??
    (process.stdin.isTTY
      ? await promptHidden("Enter your token (input is hidden): ")
      : await readAll(process.stdin));
  if (!token.trim())
    throw new InvalidArgumentError(
      "No token given: pass --token, pipe it on stdin, or type it at the prompt.",
    );
  return token.trim();
}

function warn(warning: string | undefined): void {
  if (warning) process.stderr.write(`wharf: warning: ${warning}\n`);
}

export function registerAuth(program: Command): void {
  const auth = program.command("auth").description("log in to a Hub, log out, and manage stored tokens");

  auth
    .command("login")
    .description("check a token with the Hub, store it, and make it the active one")
    .option("--token <token>", "the token (default: read from stdin or a hidden prompt)")
    .addOption(jsonOption())
    .addHelpText(
      "after",
      "\nExamples:\n  wharf auth login --token hf_xxx\n  wharf auth login < ~/.secrets/hf-token",
    )
    .action(async (options: { token?: string; json?: boolean }) => {
      const result = await login({ token: await tokenFromUser(options.token) });
      report(
        result,
        options.json,
        () =>
          `logged in as ${result.user}; token "${result.tokenName}"${result.role ? ` (${result.role})` : ""} stored and active\n`,
      );
      warn(result.warning);
    });

  auth
    .command("logout")
    .description("forget every stored token, or the one named")
    .option("--token-name <name>", "forget only this stored token")
    .addOption(jsonOption())
    .action(async (options: { tokenName?: string; json?: boolean }) => {
      const result = await logout({ tokenName: options.tokenName });
      report({ ...result, tokenName: options.tokenName }, options.json, () =>
        options.tokenName ? `forgot the token "${options.tokenName}"\n` : "logged out\n",
      );
      warn(result.warning);
    });

  auth
    .command("whoami")
    .description("print the account the active token belongs to")
    .addOption(jsonOption())
    .action(async (options: { json?: boolean }) => {
      const me = await whoami();
      if (options.json) return printJson(me);
      process.stdout.write(`${me.name}\n`);
      if (me.orgs.length > 0) process.stdout.write(`orgs: ${me.orgs.map((org) => org.name).join(", ")}\n`);
    });

  auth
    .command("list")
    .description("list the stored tokens; * marks the active one")
    .addOption(jsonOption())
    .action(async (options: { json?: boolean }) => {
      const tokens = await authList();
      if (options.json) return printJson(tokens);
      if (tokens.length === 0) return void process.stdout.write("no stored tokens (wharf auth login)\n");
      printTable(
        [" ", "name", "token"],
        tokens.map((token) => [token.active ? "*" : " ", token.name, token.masked]),
      );
    });

  auth
    .command("switch")
    .description("make a stored token the active one")
    .argument("[name]", "the token's name (see wharf auth list)")
    .option("--token-name <name>", "the token's name")
    .addOption(jsonOption())
    .action(async (name: string | undefined, options: { tokenName?: string; json?: boolean }) => {
      const tokenName = name ?? options.tokenName;
      if (!tokenName)
        throw new InvalidArgumentError("Name the token to switch to (wharf auth list shows them).");
      const result = await authSwitch({ tokenName });
      warn(result.warning);
      report({ ...result, tokenName }, options.json, () => `the token "${tokenName}" is now active\n`);
    });
}
