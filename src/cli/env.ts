/** `wharf env`: the settings wharf reads from the environment, as `hf env` prints Python's. */
import type { Command } from "commander";
import { readEnv, WHARF_VERSION } from "../core/index.js";

export function registerEnv(program: Command): void {
  program
    .command("env")
    .description("print wharf's version and the settings it reads from the environment")
    .option("--json", "print JSON")
    .addHelpText("after", "\nExamples:\n  wharf env\n  HF_HOME=/data/hf wharf env --json")
    .action((options: { json?: boolean }) => {
      const env = readEnv();
      const report = {
        wharfVersion: WHARF_VERSION,
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        ...env,
        token: env.token ? "set (HF_TOKEN)" : "not set",
      };
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
        return;
      }
      const width = Math.max(...Object.keys(report).map((key) => key.length));
      for (const [key, value] of Object.entries(report)) {
        process.stdout.write(`${key.padEnd(width)}  ${value === undefined ? "-" : String(value)}\n`);
      }
    });
}
