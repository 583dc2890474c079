import { describe, expect, it } from "vitest";
import { expandPath, isTrue, readEnv } from "./env.js";

describe("readEnv", () => {
  it("defaults like huggingface_hub and datasets", () => {
    const env = readEnv({ HOME: "/home/u" });
    expect(env).toMatchObject({
      hfHome: "/home/u/.cache/huggingface",
      hubCache: "/home/u/.cache/huggingface/hub",
      datasetsCache: "/home/u/.cache/huggingface/datasets",
      tokenPath: "/home/u/.cache/huggingface/token",
      storedTokensPath: "/home/u/.cache/huggingface/stored_tokens",
      endpoint: "https://huggingface.co",
      token: undefined,
      hubOffline: false,
      datasetsOffline: false,
      disableProgressBars: undefined,
      etagTimeoutSeconds: 10,
      wharfHome: "/home/u/.cache/wharf",
      storeDir: "/home/u/.cache/wharf/store",
      catalogDir: "/home/u/.cache/wharf/catalog",
    });
  });

  it("honours every override, XDG_CACHE_HOME and legacy names", () => {
    const env = readEnv({
      HOME: "/home/u",
      XDG_CACHE_HOME: "/xdg",
      HF_ENDPOINT: "http://127.0.0.1:9000/",
      HUGGINGFACE_HUB_CACHE: "~/legacy-hub",
      HF_DATASETS_OFFLINE: "yes",
      HUGGING_FACE_HUB_TOKEN: "hf_legacy",
      HF_HUB_DISABLE_PROGRESS_BARS: "0",
      HF_HUB_ETAG_TIMEOUT: "3",
      WHARF_HOME: "$HOME/w",
    });
    expect(env.hfHome).toBe("/xdg/huggingface");
    expect(env.hubCache).toBe("/home/u/legacy-hub");
    expect(env.endpoint).toBe("http://127.0.0.1:9000");
    expect(env.token).toBe("hf_legacy");
    expect(env.hubOffline).toBe(false);
    expect(env.datasetsOffline).toBe(true);
    expect(env.disableProgressBars).toBe(false);
    expect(env.etagTimeoutSeconds).toBe(3);
    expect(env.wharfHome).toBe("/home/u/w");
    expect(readEnv({ HOME: "/h", HF_HUB_OFFLINE: "1" }).datasetsOffline).toBe(true);
    expect(readEnv({ HOME: "/h", HF_HUB_CACHE: "/c", HUGGINGFACE_HUB_CACHE: "/legacy" }).hubCache).toBe("/c");
  });

  it("reads booleans and paths like Python", () => {
    for (const value of ["1", "ON", "yes", "True"]) expect(isTrue(value)).toBe(true);
    for (const value of ["0", "off", "", undefined, "2"]) expect(isTrue(value)).toBe(false);
    expect(expandPath("~/x", { HOME: "/h" })).toBe("/h/x");
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the shell-style ${VAR} is what is tested.
    expect(expandPath("${A}/$B/c", { A: "/a", B: "b" })).toBe("/a/b/c");
    expect(expandPath("$MISSING/c", {})).toBe("$MISSING/c");
  });
});
