/** The token Hub calls send when none is given: `HF_TOKEN`, else the token file (`$HF_HOME/token`). */
import { readFileSync } from "node:fs";
import { readEnv, type WharfEnv } from "../core/env.js";

export function getToken(env: WharfEnv = readEnv()): string | undefined {
  if (env.token) return env.token;
  try {
    return readFileSync(env.tokenPath, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}
