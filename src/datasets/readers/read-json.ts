/**
 * JSON files to rows, as Python's JSON builder reads them: JSON Lines (one object per line), or one
 * document holding an array of objects, or an object whose `field` holds that array. A line that does
 * not parse is an error naming file and line.
 */
import { readFile } from "node:fs/promises";
import { DataFileRowError } from "../errors.js";

export interface JsonReadOptions {
  /** The key of the document that holds the rows. */
  field?: string;
}

export async function readJsonRows(
  file: string,
  options: JsonReadOptions = {},
): Promise<Record<string, unknown>[]> {
  return parseJsonRows(await readFile(file, "utf8"), file, options);
}

/** The rows of a JSON file's text (`file` names it in errors): a document, or JSON Lines. */
export function parseJsonRows(
  text: string,
  file: string,
  options: JsonReadOptions = {},
): Record<string, unknown>[] {
  const trimmed = text.trimStart();
  if (options.field !== undefined || trimmed.startsWith("[")) {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new DataFileRowError(file, 1, `it does not parse as JSON (${(error as Error).message}).`, {
        cause: error,
      });
    }
    const rows =
      options.field !== undefined ? (document as Record<string, unknown>)?.[options.field] : document;
    if (!Array.isArray(rows)) {
      throw new DataFileRowError(
        file,
        1,
        `expected an array of objects${options.field ? ` under "${options.field}"` : ""}.`,
      );
    }
    return rows as Record<string, unknown>[];
  }
  const rows: Record<string, unknown>[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === "") continue;
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (error) {
      throw new DataFileRowError(
        file,
        i + 1,
        `the line does not parse as JSON (${(error as Error).message}).`,
        { cause: error },
      );
    }
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw new DataFileRowError(file, i + 1, "each line of a JSON Lines file must hold one object.");
    }
    rows.push(row as Record<string, unknown>);
  }
  return rows;
}
