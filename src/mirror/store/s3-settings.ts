/**
 * Where an S3 store is and how to reach it: the bucket and prefix of an `s3://bucket/prefix` address,
 * and the endpoint, region and credentials, from options first, then wharf's own variables
 * (`WHARF_S3_*`), then the standard AWS ones, then `hg_localization`'s `HGLOC_*` names, so a shell set
 * up for either tool works unchanged. A custom endpoint (moto, MinIO, Ceph) gets path-style addresses,
 * which those servers need and virtual-host names on 127.0.0.1 cannot give.
 */
import { InvalidArgumentError } from "../../core/errors.js";

type Environment = Record<string, string | undefined>;

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface S3Settings {
  bucket: string;
  /** Empty, or ends with `/`. */
  prefix: string;
  /** Undefined: AWS itself. */
  endpoint: string | undefined;
  region: string;
  forcePathStyle: boolean;
  /**
   * Keys given in the environment; undefined leaves the AWS SDK's own chain (profiles, instance roles)
   * to find them. `anonymous` sends unsigned requests, as a consumer of public objects does.
   */
  credentials: S3Credentials | "anonymous" | undefined;
}

export interface S3SettingsOptions {
  endpoint?: string;
  region?: string;
  /** Send unsigned requests (public objects only). */
  anonymous?: boolean;
  env?: Environment;
}

export function isS3Address(address: string): boolean {
  return address.startsWith("s3://");
}

/** Splits `s3://bucket/some/prefix` into the bucket and a prefix that ends with `/` (or is empty). */
export function parseS3Address(address: string): { bucket: string; prefix: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(address);
  const bucket = match?.[1] ?? "";
  if (!match || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new InvalidArgumentError(
      `${JSON.stringify(address)} is not an S3 address: write s3://bucket/prefix, with a bucket name of ` +
        "3 to 63 lowercase letters, digits, dots and hyphens.",
    );
  }
  const path = (match[2] ?? "").replace(/\/+$/, "");
  if (path.split("/").some((part) => part === "." || part === "..")) {
    throw new InvalidArgumentError(`The S3 prefix of ${address} may not hold "." or ".." parts.`);
  }
  return { bucket, prefix: path === "" ? "" : `${path}/` };
}

function firstSet(env: Environment, names: readonly string[]): string | undefined {
  for (const name of names) {
    const value = env[name];
    if (value !== undefined && value !== "") return value;
  }
  return undefined;
}

function credentialsFrom(env: Environment): S3Credentials | undefined {
  for (const [id, secret, session] of [
    ["WHARF_S3_ACCESS_KEY_ID", "WHARF_S3_SECRET_ACCESS_KEY", "WHARF_S3_SESSION_TOKEN"],
    ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"],
    ["HGLOC_AWS_ACCESS_KEY_ID", "HGLOC_AWS_SECRET_ACCESS_KEY", undefined],
  ] as const) {
    const accessKeyId = env[id];
    const secretAccessKey = env[secret];
    if (accessKeyId && secretAccessKey) {
      const sessionToken = session ? env[session] : undefined;
      return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
    }
  }
  return undefined;
}

export function s3Settings(address: string, options: S3SettingsOptions = {}): S3Settings {
  const env = options.env ?? process.env;
  const { bucket, prefix } = parseS3Address(address);
  const endpoint =
    options.endpoint ??
    firstSet(env, [
      "WHARF_S3_ENDPOINT_URL",
      "AWS_ENDPOINT_URL_S3",
      "AWS_ENDPOINT_URL",
      "HGLOC_S3_ENDPOINT_URL",
    ]);
  if (endpoint !== undefined && !/^https?:\/\/[^/]+/.test(endpoint)) {
    throw new InvalidArgumentError(
      `The S3 endpoint ${JSON.stringify(endpoint)} is not a URL: write http://host:port or https://host.`,
    );
  }
  return {
    bucket,
    prefix,
    endpoint: endpoint?.replace(/\/+$/, ""),
    region:
      options.region ??
      firstSet(env, ["WHARF_S3_REGION", "AWS_REGION", "AWS_DEFAULT_REGION", "HGLOC_AWS_DEFAULT_REGION"]) ??
      "us-east-1",
    forcePathStyle: endpoint !== undefined || firstSet(env, ["WHARF_S3_PATH_STYLE"]) === "1",
    credentials: options.anonymous ? "anonymous" : credentialsFrom(env),
  };
}
