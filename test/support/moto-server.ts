/**
 * A real S3 server for the tests: moto (on the machine image; `.ci/run` checks it is there), started on
 * a free 127.0.0.1 port through `moto_serial.py`, which makes its conditional writes atomic as S3's
 * are. `useMoto` (in moto.ts) gives each test file its own server, so buckets never leak between
 * files; the benchmarks start one the same way.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { CreateBucketCommand, S3Client } from "@aws-sdk/client-s3";
import { S3ObjectStore, s3ClientConfig } from "../../src/mirror/store/s3-object-store.js";
import { type S3Settings, s3Settings } from "../../src/mirror/store/s3-settings.js";

/** The variables a wharf process needs to reach the server (moto takes any keys). */
export interface MotoServer {
  endpoint: string;
  env: Record<string, string>;
  /** Creates a bucket and returns settings for a store at `s3://bucket/prefix`. */
  bucket(name: string, prefix?: string): Promise<S3Settings>;
  store(settings: S3Settings): S3ObjectStore;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitUntilUp(endpoint: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited (${child.exitCode}): ${log()}`);
    try {
      const answer = await fetch(`${endpoint}/moto-api/`);
      await answer.arrayBuffer();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new Error(`moto_server did not answer at ${endpoint} within 30 s: ${log()}`);
}

export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const script = fileURLToPath(new URL("./moto_serial.py", import.meta.url));
  const child = spawn("python3", [script, String(port)], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (chunk) => {
    stderr = `${stderr}${chunk}`.slice(-4000);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(endpoint, child, () => stderr);
  const env = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_REGION: "us-east-1",
  };
  const admin = new S3Client(s3ClientConfig(s3Settings("s3://any-bucket", { env })));
  return {
    endpoint,
    env,
    async bucket(name, prefix = "") {
      await admin.send(new CreateBucketCommand({ Bucket: name }));
      return s3Settings(`s3://${name}/${prefix}`, { env });
    },
    store: (settings) => new S3ObjectStore(settings),
    async stop() {
      admin.destroy();
      child.kill("SIGTERM");
      if (child.exitCode === null) await new Promise((resolve) => child.once("exit", resolve));
    },
  };
}
