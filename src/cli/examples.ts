/**
 * Examples for the `--help` of the commands that do not give their own beside their definition, kept in
 * one table so that every command's help ends with at least one (a test walks the whole tree).
 */
import type { Command } from "commander";

const EXAMPLES: Record<string, readonly string[]> = {
  "auth logout": ["wharf auth logout", "wharf auth logout --token-name work"],
  "auth whoami": ["wharf auth whoami", "wharf auth whoami --json"],
  "auth list": ["wharf auth list"],
  "auth switch": ["wharf auth switch work"],
  "cache scan": ["wharf cache scan", "wharf cache scan --revisions --json"],
  "cache verify": ["wharf cache verify", "wharf cache verify --cache-dir /data/hf/hub"],
  "catalog info": ["wharf catalog info com.lecun.mnist", "wharf catalog info com.lecun.mnist --json"],
  "catalog check": ["wharf catalog check", "wharf catalog check wharf --json > report.json"],
  "catalog orphans": ["wharf catalog orphans"],
  "catalog datafolders list": ["wharf catalog datafolders list --json"],
  "catalog datafolders set": ["wharf catalog datafolders set corpora /data/corpora"],
  "catalog repositories list": ["wharf catalog repositories list"],
  "catalog repositories add": ["wharf catalog repositories add ./my-datasets/catalog.mjs"],
  "catalog repositories remove": ["wharf catalog repositories remove ./my-datasets/catalog.mjs"],
  "datasets configs": ["wharf datasets configs vega/flights", "wharf datasets configs ./my-folder --json"],
  "datasets splits": ["wharf datasets splits vega/flights --name default"],
  "datasets info": ["wharf datasets info vega/flights --json"],
  "datasets preview": [
    "wharf datasets preview vega/flights --rows 5",
    "wharf datasets preview csv --data-files data/*.csv",
  ],
  "datasets load": [
    "wharf datasets load vega/flights",
    "wharf datasets load vega/flights --split 'train[:10%]' --json",
  ],
  "datasets convert": ["wharf datasets convert vega/flights --to ./parquet"],
  "datasets save": ["wharf datasets save vega/flights --to ./flights"],
  "collections list": ["wharf collections list --owner alice --limit 10"],
  "collections show": ["wharf collections show alice/picks-65f9a55bb3115b4f513ec026"],
  "collections create": ["wharf collections create 'Recent models' --namespace my-org --private"],
  "collections add": ["wharf collections add alice/picks-65f9 dataset vega/flights --note '3M rows'"],
  "collections delete": ["wharf collections delete alice/picks-65f9a55bb3115b4f513ec026"],
  "spaces runtime": ["wharf spaces runtime alice/demo --json"],
  "spaces pause": ["wharf spaces pause alice/demo"],
  "spaces restart": ["wharf spaces restart alice/demo --factory-reboot"],
  "spaces hardware": ["wharf spaces hardware alice/demo t4-small"],
  "spaces sleep": ["wharf spaces sleep alice/demo 3600"],
  "webhooks list": ["wharf webhooks list --json"],
  "webhooks create": [
    "wharf webhooks create --url https://example.org/hook --watch dataset:team/data --secret s3cret",
  ],
  "webhooks enable": ["wharf webhooks enable 654bbbc16f2ec14d77f109cc"],
  "webhooks disable": ["wharf webhooks disable 654bbbc16f2ec14d77f109cc"],
  "webhooks delete": ["wharf webhooks delete 654bbbc16f2ec14d77f109cc"],
  "mirror tag": ["wharf mirror tag team/my-data v1.0 --type dataset --revision main"],
  "mirror branch": ["wharf mirror branch team/my-data experiment --type dataset"],
  "repo discussions show": ["wharf repo discussions show team/my-data 3 --type dataset"],
  "repo discussions create": [
    "wharf repo discussions create team/my-data --type dataset --title 'Missing rows?'",
  ],
  "repo discussions comment": [
    "wharf repo discussions comment team/my-data 3 'Fixed in main.' --type dataset",
  ],
  "repo discussions close": [
    "wharf repo discussions close team/my-data 3 --type dataset --comment 'Answered'",
  ],
  "repo discussions reopen": ["wharf repo discussions reopen team/my-data 3 --type dataset"],
  "repo discussions rename": [
    "wharf repo discussions rename team/my-data 3 'Rows missing in 2012' --type dataset",
  ],
  "repo pr list": ["wharf repo pr list team/my-data --type dataset --status open"],
  "repo pr create": ["wharf repo pr create team/my-data --type dataset --title 'Fix labels'"],
  "repo pr merge": ["wharf repo pr merge team/my-data 4 --type dataset --comment 'Thanks!'"],
  "repo like": [
    "wharf repo like vega/flights --type dataset",
    "wharf repo like vega/flights --type dataset --undo",
  ],
  "repo delete": ["wharf repo delete me/old-data --type dataset --missing-ok"],
  "repo move": ["wharf repo move me/my-data my-org/my-data --type dataset"],
  "repo settings": ["wharf repo settings me/my-data --type dataset --private"],
  "repo branch create": ["wharf repo branch create me/my-data dev --type dataset --revision main"],
  "repo branch delete": ["wharf repo branch delete me/my-data dev --type dataset"],
  "repo tag create": ["wharf repo tag create me/my-data v1.0 --type dataset -m 'first release'"],
  "repo tag delete": ["wharf repo tag delete me/my-data v1.0 --type dataset"],
};

/** The command's path below the program (`repo branch create`). */
function pathOf(command: Command): string {
  const names: string[] = [];
  for (let at: Command | null = command; at?.parent; at = at.parent) names.unshift(at.name());
  return names.join(" ");
}

export function addExamples(program: Command): void {
  const visit = (command: Command) => {
    const examples = EXAMPLES[pathOf(command)];
    if (examples)
      command.addHelpText(
        "after",
        `\nExample${examples.length > 1 ? "s" : ""}:\n${examples.map((line) => `  ${line}`).join("\n")}`,
      );
    for (const sub of command.commands) visit(sub);
  };
  visit(program);
}
