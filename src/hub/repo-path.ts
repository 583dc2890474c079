/**
 * A repo path is only ever a name inside one folder (a snapshot or a local directory). Before one is
 * joined to a folder, it is checked: an answer naming `../x`, `/etc/x`, `C:x` or `\\host\x` would
 * otherwise write outside it.
 */
import { InvalidArgumentError } from "../core/errors.js";

export function checkRepoPath(path: string): string {
  const segments = path.split(/[/\\]/);
  if (
    path === "" ||
    /^[/\\]/.test(path) ||
    /^[A-Za-z]:/.test(path) ||
    segments.some((segment) => segment === ".." || segment === ".")
  ) {
    throw new InvalidArgumentError(
      `"${path}" is not a file path inside a repo (absolute, or with "." or ".." parts); ` +
        "ask for the file by its path from the repo's root.",
    );
  }
  return path;
}
