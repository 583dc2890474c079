/**
 * `wharf collections`, `wharf spaces` and `wharf webhooks`: the Hub's collections, Spaces and webhooks
 * (huggingface.co, or `HF_ENDPOINT`), through the hub client. Each prints JSON with `--json`, a line
 * or a table otherwise.
 */
import { type Command, Option } from "commander";
import {
  addCollectionItem,
  type Collection,
  createCollection,
  createWebhook,
  deleteCollection,
  deleteWebhook,
  disableWebhook,
  enableWebhook,
  getCollection,
  getSpaceRuntime,
  listCollections,
  listWebhooks,
  pauseSpace,
  requestSpaceHardware,
  restartSpace,
  type SpaceRuntime,
  setSpaceSleepTime,
  type WebhookInfo,
  type WebhookWatchedItem,
} from "../hub/index.js";
import { jsonOption } from "./options.js";
import { printJson, printTable, report } from "./output.js";

interface Common {
  token?: string;
  json?: boolean;
}

const tokenOption = () =>
  new Option("--token <token>", "the token to send (default HF_TOKEN, then the stored one)");

function common<T extends Command>(command: T): T {
  return command.addOption(tokenOption()).addOption(jsonOption()) as T;
}

const call = (options: Common) => (options.token !== undefined ? { token: options.token } : {});

function showCollection(collection: Collection, json: boolean | undefined): void {
  report(collection, json, () =>
    [
      `${collection.slug}  ${collection.title}  (${collection.items.length} items, ${collection.private ? "private" : "public"})\n`,
      ...collection.items.map(
        (item) => `  ${item.itemType}\t${item.itemId}${item.note ? `\t${item.note}` : ""}\n`,
      ),
    ].join(""),
  );
}

function showRuntime(runtime: SpaceRuntime, json: boolean | undefined): void {
  report(
    runtime,
    json,
    () =>
      `${runtime.stage}  hardware ${runtime.hardware ?? "-"} (requested ${runtime.requestedHardware ?? "-"}), sleep ${runtime.sleepTime ?? "-"} s\n`,
  );
}

function showWebhook(webhook: WebhookInfo, json: boolean | undefined): void {
  report(
    webhook,
    json,
    () =>
      `${webhook.id}  ${webhook.disabled ? "disabled" : "enabled"}  ${webhook.url ?? "(job)"}  ${webhook.watched.map((w) => `${w.type}:${w.name}`).join(",")}\n`,
  );
}

export function registerHubExtras(program: Command): void {
  const collections = program
    .command("collections")
    .description("collections on the Hub: list, show, create, add, delete");
  common(collections.command("list").description("collections, by owner or item"))
    .option("--owner <name>", "only this user's or organization's")
    .option("--item <id>", "only those holding this item (models/gpt2, datasets/x/y)")
    .option("--limit <n>", "at most this many")
    .action(async (options: Common & { owner?: string; item?: string; limit?: string }) => {
      const found: Collection[] = [];
      for await (const collection of listCollections({
        ...call(options),
        owner: options.owner,
        item: options.item,
        limit: options.limit ? Number(options.limit) : undefined,
      }))
        found.push(collection);
      if (options.json) return printJson(found);
      printTable(
        ["slug", "title", "items", "upvotes"],
        found.map((c) => [c.slug, c.title, String(c.items.length), String(c.upvotes)]),
      );
    });
  common(
    collections
      .command("show")
      .description("a collection and its items")
      .argument("<slug>", "the collection's slug"),
  ).action(async (slug: string, options: Common) =>
    showCollection(await getCollection({ ...call(options), slug }), options.json),
  );
  common(collections.command("create").description("create a collection").argument("<title>", "the title"))
    .option("--namespace <name>", "the owner (default: the token's user)")
    .option("--description <text>", "a description")
    .option("--private", "make it private")
    .action(
      async (
        title: string,
        options: Common & { namespace?: string; description?: string; private?: boolean },
      ) =>
        showCollection(
          await createCollection({
            ...call(options),
            title,
            namespace: options.namespace,
            description: options.description,
            private: options.private,
          }),
          options.json,
        ),
    );
  common(
    collections
      .command("add")
      .description("add a repo, paper or collection to a collection")
      .argument("<slug>", "the collection")
      .argument("<type>", "model, dataset, space, paper or collection")
      .argument("<id>", "the item"),
  )
    .option("--note <text>", "a note")
    .action(async (slug: string, type: "model", id: string, options: Common & { note?: string }) =>
      showCollection(
        await addCollectionItem({
          ...call(options),
          slug,
          itemId: id,
          itemType: type,
          note: options.note,
          existsOk: true,
        }),
        options.json,
      ),
    );
  common(
    collections.command("delete").description("delete a collection").argument("<slug>", "the collection"),
  ).action(async (slug: string, options: Common) => {
    await deleteCollection({ ...call(options), slug });
    report({ slug, deleted: true }, options.json, () => `deleted ${slug}\n`);
  });

  const spaces = program
    .command("spaces")
    .description("Spaces on the Hub: runtime, pause, restart, hardware, sleep time");
  common(
    spaces
      .command("runtime")
      .description("a Space's stage, hardware and sleep time")
      .argument("<id>", "namespace/name"),
  ).action(async (id: string, options: Common) =>
    showRuntime(await getSpaceRuntime({ ...call(options), repoId: id }), options.json),
  );
  common(spaces.command("pause").description("pause a Space").argument("<id>", "namespace/name")).action(
    async (id: string, options: Common) =>
      showRuntime(await pauseSpace({ ...call(options), repoId: id }), options.json),
  );
  common(spaces.command("restart").description("restart a Space").argument("<id>", "namespace/name"))
    .option("--factory-reboot", "rebuild from scratch")
    .action(async (id: string, options: Common & { factoryReboot?: boolean }) =>
      showRuntime(
        await restartSpace({ ...call(options), repoId: id, factoryReboot: options.factoryReboot }),
        options.json,
      ),
    );
  common(
    spaces
      .command("hardware")
      .description("ask for other hardware")
      .argument("<id>", "namespace/name")
      .argument("<flavor>", "cpu-basic, cpu-upgrade, t4-small, ..."),
  ).action(async (id: string, flavor: string, options: Common) =>
    showRuntime(await requestSpaceHardware({ ...call(options), repoId: id, hardware: flavor }), options.json),
  );
  common(
    spaces
      .command("sleep")
      .description("set the inactivity before a Space sleeps")
      .argument("<id>", "namespace/name")
      .argument("<seconds>", "inactivity before it sleeps (-1: never)"),
  ).action(async (id: string, seconds: string, options: Common) =>
    showRuntime(
      await setSpaceSleepTime({ ...call(options), repoId: id, sleepTime: Number(seconds) }),
      options.json,
    ),
  );

  const webhooks = program
    .command("webhooks")
    .description("your webhooks on the Hub: list, create, enable, disable, delete");
  common(webhooks.command("list").description("your webhooks")).action(async (options: Common) => {
    const found = await listWebhooks(call(options));
    if (options.json) return printJson(found);
    for (const webhook of found) showWebhook(webhook, false);
  });
  common(webhooks.command("create").description("create a webhook"))
    .requiredOption("--url <url>", "where deliveries go")
    .requiredOption(
      "--watch <type:name...>",
      "what to watch: model:gpt2, dataset:team/data, user:alice, org:team",
    )
    .option("--domain <domain...>", "repo, discussion (default both)")
    .option("--secret <secret>", "sent as X-Webhook-Secret with each delivery")
    .action(
      async (
        options: Common & {
          url: string;
          watch: string[];
          domain?: Array<"repo" | "discussion">;
          secret?: string;
        },
      ) => {
        const watched = options.watch.map((entry): WebhookWatchedItem => {
          const [type, ...name] = entry.split(":");
          return { type: type as WebhookWatchedItem["type"], name: name.join(":") };
        });
        showWebhook(
          await createWebhook({
            ...call(options),
            url: options.url,
            watched,
            domains: options.domain,
            secret: options.secret,
          }),
          options.json,
        );
      },
    );
  for (const [name, run] of [
    ["enable", enableWebhook],
    ["disable", disableWebhook],
  ] as const) {
    common(
      webhooks.command(name).description(`${name} a webhook`).argument("<id>", "the webhook's id"),
    ).action(async (id: string, options: Common) =>
      showWebhook(await run({ ...call(options), webhookId: id }), options.json),
    );
  }
  common(
    webhooks.command("delete").description("delete a webhook").argument("<id>", "the webhook's id"),
  ).action(async (id: string, options: Common) => {
    await deleteWebhook({ ...call(options), webhookId: id });
    report({ id, deleted: true }, options.json, () => `deleted webhook ${id}\n`);
  });
}
