/** Commit requests as Python's `huggingface_hub` sends them: NDJSON lines, files inline in base64. */

/** POSTs the lines to a commit URL (`.../api/{type}s/{id}/commit/{rev}`). */
export function postNdjsonCommit(
  url: string,
  lines: unknown[],
  token: string | undefined,
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", ...(token && { authorization: `Bearer ${token}` }) },
    body: lines.map((line) => JSON.stringify(line)).join("\n"),
  });
}

/** The `header` line and one inline `file` line per file. */
export function commitLines(summary: string, files: Record<string, string>): unknown[] {
  return [
    { key: "header", value: { summary } },
    ...Object.entries(files).map(([path, text]) => ({
      key: "file",
      value: { path, content: Buffer.from(text).toString("base64"), encoding: "base64" },
    })),
  ];
}
