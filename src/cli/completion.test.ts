/**
 * `wharf completion`: the bash script completes commands, subcommands and options from the real
 * command tree, run in bash; the zsh script runs under zsh's bash-completion layer, which hands the
 * candidates to zsh (zsh itself filters them by what was typed).
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";

const bin = resolve(import.meta.dirname, "../../dist/cli/main.js");
const script = (shell: string) =>
  execFileSync(process.execPath, [bin, "completion", shell], { encoding: "utf8" });

function completeInBash(words: string[]): string[] {
  const line = `COMP_WORDS=(${words.map((word) => `'${word}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _wharf; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync("bash", ["-c", `${script("bash")}\n${line}`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
}

describe("wharf completion", () => {
  it("completes commands, subcommands and options in bash", () => {
    expect(completeInBash(["wharf", "mi"])).toEqual(["mirror"]);
    expect(completeInBash(["wharf", "mirror", "p"])).toEqual(["pull", "push"]);
    expect(completeInBash(["wharf", "mirror", "pull", "--st"])).toEqual(["--store"]);
    expect(completeInBash(["wharf", "datasets", "preview", "--r"]).sort()).toEqual(["--revision", "--rows"]);
    expect(completeInBash(["wharf", "catalog", "s"])).toEqual(["search"]);
  });

  it("gives zsh the candidates of the command typed so far", () => {
    const zshScript = script("zsh");
    expect(zshScript.startsWith("#compdef wharf\nautoload -U +X bashcompinit && bashcompinit\n")).toBe(true);
    // As zsh's bash-completion layer calls it: sh emulation, 0-based arrays.
    const run = `autoload -U compinit && compinit -u; ${zshScript}\nt() { emulate -L sh; setopt kshglob noshglob braceexpand; COMP_WORDS=(wharf mirror pull --st); COMP_CWORD=3; _wharf; printf '%s\\n' "\${COMPREPLY[@]}"; }; t`;
    const candidates = execFileSync("zsh", ["-c", run], { encoding: "utf8" }).split("\n").filter(Boolean);
    expect(candidates).toContain("--store");
    expect(candidates).toContain("--config");
    expect(candidates).not.toContain("push");
  });

  it("refuses a shell it has no script for", () => {
    expect(() => execFileSync(process.execPath, [bin, "completion", "fish"], { stdio: "pipe" })).toThrow(
      /choose bash or zsh/,
    );
  });
});
