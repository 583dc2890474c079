/**
 * `wharf completion bash|zsh`: a shell completion script for every command, subcommand and option,
 * generated from the command tree itself (so it never lags behind the CLI). zsh uses the same script
 * through its bash-completion layer (`bashcompinit`).
 *
 *     source <(wharf completion bash)        # or: wharf completion zsh > ~/.zfunc/_wharf
 */
import type { Command } from "commander";
import { InvalidArgumentError } from "../core/index.js";

/** Each command's path (`wharf mirror`) with its subcommands and options. */
function walk(
  command: Command,
  path: string,
  out: Map<string, { subcommands: string[]; options: string[] }>,
): void {
  const subcommands = command.commands.map((sub) => sub.name());
  const options = command.options
    .flatMap((option) => [option.long, option.short])
    .filter((flag): flag is string => Boolean(flag));
  out.set(path, { subcommands, options: [...options, "--help"] });
  for (const sub of command.commands) walk(sub, `${path} ${sub.name()}`, out);
}

const quote = (text: string) => `'${text.replace(/'/g, "'\\''")}'`;

export function bashCompletion(program: Command): string {
  const tree = new Map<string, { subcommands: string[]; options: string[] }>();
  walk(program, program.name(), tree);
  const entries = (pick: "subcommands" | "options") =>
    [...tree].map(([path, node]) => `  [${quote(path)}]=${quote(node[pick].join(" "))}`).join("\n");
  return `# wharf completion (bash): source <(wharf completion bash)
declare -A _wharf_subcommands=(
${entries("subcommands")}
)
declare -A _wharf_options=(
${entries("options")}
)
_wharf() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="${program.name()}" word i
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ " \${_wharf_subcommands[$path]} " == *" $word "* ]]; then path="$path $word"; fi
  done
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "\${_wharf_options[$path]}" -- "$cur") )
  else
    COMPREPLY=( $(compgen -W "\${_wharf_subcommands[$path]}" -- "$cur") )
    [[ \${#COMPREPLY[@]} -eq 0 ]] && COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -F _wharf ${program.name()}
`;
}

export function registerCompletion(program: Command): void {
  program
    .command("completion")
    .description("print a shell completion script (bash or zsh)")
    .argument("<shell>", "bash or zsh")
    .addHelpText(
      "after",
      "\nExamples:\n  wharf completion bash > ~/.wharf-completion.bash   # then, in ~/.bashrc: source ~/.wharf-completion.bash\n" +
        "  wharf completion zsh > ~/.zfunc/_wharf             # with fpath+=(~/.zfunc) in ~/.zshrc",
    )
    .action((shell: string) => {
      if (shell !== "bash" && shell !== "zsh")
        throw new InvalidArgumentError(`No completion for ${shell}: choose bash or zsh.`);
      const script = bashCompletion(program);
      process.stdout.write(
        shell === "bash" ? script : `#compdef wharf\nautoload -U +X bashcompinit && bashcompinit\n${script}`,
      );
    });
}
