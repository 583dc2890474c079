/**
 * How every wharf command ends: data on stdout, one error line on stderr (the cause too with
 * `--verbose`), and exit codes 0 (ok), 1 (the operation failed) and 2 (the command line was wrong).
 */
import { type Command, CommanderError } from "commander";
import { WharfError } from "../core/index.js";

export async function run(program: Command, argv: readonly string[]): Promise<number> {
  // `wharf ... | head` closes our stdout early; that is the reader's choice, not a failure.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0);
  });
  program.exitOverride();
  program.option("--verbose", "print the cause of an error too");
  try {
    await program.parseAsync(argv);
    // A command that printed its answer and found failures in it (a URL check) sets the exit code.
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version also come through here, with exit code 0.
      return error.exitCode === 0 ? 0 : 2;
    }
    const verbose = program.opts<{ verbose?: boolean }>().verbose === true;
    // One line: a message built of several sentences on several lines reads as one here.
    const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " ");
    process.stderr.write(
      `wharf: ${error instanceof WharfError ? message : `unexpected failure: ${message}`}\n`,
    );
    if (verbose && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
    if (verbose && error instanceof Error && error.cause)
      process.stderr.write(`cause: ${String(error.cause)}\n`);
    return 1;
  }
}
