/**
 * Settings read from the environment, with the names and defaults of Python `huggingface_hub` and
 * `datasets` (so one shell setup drives both), plus wharf's own `WHARF_*` settings.
 * Read once per call of `readEnv`; nothing here caches, so tests can pass their own environment.
 */
import { homedir } from "node:os";
import { join } from "node:path";

export const DEFAULT_ENDPOINT = "https://huggingface.co";

export interface WharfEnv {
  /** `HF_HOME`, default `$XDG_CACHE_HOME/huggingface` or `~/.cache/huggingface`. */
  hfHome: string;
  /** `HF_HUB_CACHE` (legacy `HUGGINGFACE_HUB_CACHE`), default `$HF_HOME/hub`. */
  hubCache: string;
  /** `HF_DATASETS_CACHE`, default `$HF_HOME/datasets`. */
  datasetsCache: string;
  /** `HF_ENDPOINT` without a trailing slash, default `https://huggingface.co`. */
  endpoint: string;
  /** `HF_TOKEN` (legacy `HUGGING_FACE_HUB_TOKEN`), when set. */
  token: string | undefined;
  /** `HF_TOKEN_PATH`, default `$HF_HOME/token`. */
  tokenPath: string;
  /** `stored_tokens` beside the token file. */
  storedTokensPath: string;
  /** `HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`). */
  hubOffline: boolean;
  /** `HF_DATASETS_OFFLINE`, or the Hub's offline flag. */
  datasetsOffline: boolean;
  /** `HF_HUB_DISABLE_PROGRESS_BARS`: true, false, or undefined when unset (the caller decides). */
  disableProgressBars: boolean | undefined;
  /** `HF_HUB_DISABLE_IMPLICIT_TOKEN`: do not send the stored token unless asked to. */
  disableImplicitToken: boolean;
  /** `HF_HUB_ETAG_TIMEOUT` in seconds, default 10: how long a metadata request may take. */
  etagTimeoutSeconds: number;
  /** `HF_HUB_DOWNLOAD_TIMEOUT` in seconds, default 10: how long a download may go without a byte. */
  downloadTimeoutSeconds: number;
  /** `HF_HUB_USER_AGENT_ORIGIN`, appended to the user agent. */
  userAgentOrigin: string | undefined;
  /** `WHARF_HOME`, default `$XDG_CACHE_HOME/wharf` or `~/.cache/wharf`. */
  wharfHome: string;
  /** `WHARF_STORE`, default `$WHARF_HOME/store`: the mirror's default repo store. */
  storeDir: string;
  /** `WHARF_CATALOG_DIR`, default `$WHARF_HOME/catalog`: the catalog's data. */
  catalogDir: string;
}

type Environment = Record<string, string | undefined>;

const TRUE_VALUES = new Set(["1", "ON", "YES", "TRUE"]);

/** Python's `_is_true`: 1, on, yes, true in any case. */
export function isTrue(value: string | undefined): boolean {
  return value !== undefined && TRUE_VALUES.has(value.toUpperCase());
}

/** `~` and `$VAR` / `${VAR}` expanded, as Python's `expanduser(expandvars(...))` does. */
export function expandPath(value: string, env: Environment = process.env): string {
  const expanded = value.replace(
    /\$(\w+)|\$\{(\w+)\}/g,
    (whole, a: string | undefined, b: string | undefined) => {
      const name = a ?? b ?? "";
      return env[name] ?? whole;
    },
  );
  if (expanded === "~") return env.HOME ?? homedir();
  if (expanded.startsWith("~/")) return join(env.HOME ?? homedir(), expanded.slice(2));
  return expanded;
}

function positiveNumber(value: string | undefined, fallback: number): number {
  if (value === undefined || value === "") return fallback;
  const parsed = Number(value);
  return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

export function readEnv(env: Environment = process.env): WharfEnv {
  const home = env.HOME ?? homedir();
  const cacheRoot = expandPath(nonEmpty(env.XDG_CACHE_HOME) ?? join(home, ".cache"), env);
  const hfHome = expandPath(nonEmpty(env.HF_HOME) ?? join(cacheRoot, "huggingface"), env);
  const hubCache = expandPath(
    nonEmpty(env.HF_HUB_CACHE) ?? nonEmpty(env.HUGGINGFACE_HUB_CACHE) ?? join(hfHome, "hub"),
    env,
  );
  const tokenPath = expandPath(nonEmpty(env.HF_TOKEN_PATH) ?? join(hfHome, "token"), env);
  const hubOffline = isTrue(nonEmpty(env.HF_HUB_OFFLINE) ?? env.TRANSFORMERS_OFFLINE);
  const progress = env.HF_HUB_DISABLE_PROGRESS_BARS;
  const wharfHome = expandPath(nonEmpty(env.WHARF_HOME) ?? join(cacheRoot, "wharf"), env);

  return {
    hfHome,
    hubCache,
    datasetsCache: expandPath(nonEmpty(env.HF_DATASETS_CACHE) ?? join(hfHome, "datasets"), env),
    endpoint: (nonEmpty(env.HF_ENDPOINT) ?? DEFAULT_ENDPOINT).replace(/\/+$/, ""),
    token: nonEmpty(env.HF_TOKEN) ?? nonEmpty(env.HUGGING_FACE_HUB_TOKEN),
    tokenPath,
    storedTokensPath: join(tokenPath, "..", "stored_tokens"),
    hubOffline,
    datasetsOffline: hubOffline || isTrue(env.HF_DATASETS_OFFLINE),
    disableProgressBars: progress === undefined ? undefined : isTrue(progress),
    disableImplicitToken: isTrue(env.HF_HUB_DISABLE_IMPLICIT_TOKEN),
    etagTimeoutSeconds: positiveNumber(env.HF_HUB_ETAG_TIMEOUT, 10),
    downloadTimeoutSeconds: positiveNumber(env.HF_HUB_DOWNLOAD_TIMEOUT, 10),
    userAgentOrigin: nonEmpty(env.HF_HUB_USER_AGENT_ORIGIN),
    wharfHome,
    storeDir: expandPath(nonEmpty(env.WHARF_STORE) ?? join(wharfHome, "store"), env),
    catalogDir: expandPath(nonEmpty(env.WHARF_CATALOG_DIR) ?? join(wharfHome, "catalog"), env),
  };
}
