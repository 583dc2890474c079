/** `wharf serve`: a store served as a Hub endpoint that Hub clients read from and commit to through `HF_ENDPOINT`. */
import { setFlagsFromString } from "node:v8";
import type { Command } from "commander";
import { InvalidArgumentError } from "../core/index.js";
import { EMPTY_CONFIG, loadServerConfig, startHubServer } from "../mirror/index.js";
import { endpointUrlOption, openStore, type StoreOptions, storeOption } from "./store-option.js";

export function registerServe(program: Command): void {
  program
    .command("serve")
    .description("serve a store as a Hugging Face Hub endpoint (read API, downloads, commits, LFS uploads)")
    .addOption(storeOption())
    .addOption(endpointUrlOption())
    .option("--port <n>", "the port; 0 picks a free one", "8080")
    .option("--host <host>", "the address to listen on", "127.0.0.1")
    .option("--config <file>", "a YAML file of tokens: tokens: [{token, user, orgs, role}]")
    .option("--public-url <url>", "the URL clients reach the server at, if not the one they ask")
    .option("--log", "log every request")
    .option("--upload-secret <secret>", "sign LFS upload URLs with this (servers sharing a store share it)")
    .addHelpText(
      "after",
      "\nExamples:\n  wharf serve --store ./store --port 8080\n" +
        "  wharf serve --store s3://my-bucket/hub --endpoint-url http://127.0.0.1:9000\n" +
        '  HF_ENDPOINT=http://127.0.0.1:8080 python -c "from huggingface_hub import snapshot_download; ..."',
    )
    .action(
      async (
        options: StoreOptions & {
          port: string;
          host: string;
          config?: string;
          publicUrl?: string;
          log?: boolean;
          uploadSecret?: string;
        },
      ) => {
        // This process only serves, so its garbage collector is tuned for that before the server
        // starts (V8 reads the setting each time it would start marking). A server receiving an
        // upload takes a new 64 KiB buffer from Node for every socket read; with incremental marking
        // on, once the old generation had little headroom V8 followed nearly every young collection
        // with a full one: 40 to 50 full collections per GiB received, 0.4 to 0.6 s more CPU, in about
        // one upload of five (bench/upload, 3.3 to 3.7 s instead of 2.9 s). Without it, the old
        // generation is collected when it is full: three full collections of 16 to 21 ms each per
        // upload, and 30 of 30 runs took 2.8 to 3.1 s. A program that embeds `startHubServer` keeps
        // its own settings.
        setFlagsFromString("--no-incremental-marking");
        const port = Number(options.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) {
          throw new InvalidArgumentError(`--port must be a number from 0 to 65535, not ${options.port}.`);
        }
        const config = options.config ? await loadServerConfig(options.config) : EMPTY_CONFIG;
        const store = openStore(options);
        const server = await startHubServer(
          store,
          { host: options.host, port },
          {
            config,
            publicUrl: options.publicUrl,
            logRequests: options.log,
            uploadSecret: options.uploadSecret,
          },
        );
        process.stdout.write(`wharf serving ${store.objects.location} at ${server.url}\n`);
        process.stdout.write(`use it with: HF_ENDPOINT=${server.url}\n`);
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            void server.close().then(resolve);
          };
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
      },
    );
}
