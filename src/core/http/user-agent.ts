/**
 * The `User-Agent` wharf sends, shaped like `huggingface_hub`'s (`name/version; key/value; ...`) so Hub
 * operators can tell wharf's traffic apart.
 */
import { createRequire } from "node:module";
import { readEnv } from "../env.js";

const require = createRequire(import.meta.url);
const { version } = require("../../../package.json") as { version: string };

export const WHARF_VERSION: string = version;

export function userAgent(suffix?: string): string {
  const parts = [`wharf/${WHARF_VERSION}`, `node/${process.versions.node}`];
  const origin = readEnv().userAgentOrigin;
  if (origin) parts.push(`origin/${origin}`);
  if (suffix) parts.push(suffix);
  return parts.join("; ");
}
