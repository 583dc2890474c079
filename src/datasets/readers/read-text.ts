/**
 * Text files to lines, as Python's text builder reads them (`sample_by="line"`): one row per line, the
 * line break dropped unless `keepLinebreaks`, no empty row after a final newline.
 */
import { readFile } from "node:fs/promises";

export async function readTextLines(
  file: string,
  options: { keepLinebreaks?: boolean } = {},
): Promise<string[]> {
  const text = await readFile(file, "utf8");
  const lines = text.split(/(?<=\r\n|\n|\r(?!\n))/);
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  return options.keepLinebreaks ? lines : lines.map((line) => line.replace(/\r?\n$|\r$/, ""));
}
