/**
 * hg_localization's public manifest (`public_datasets.json`): read by anyone, and updated by
 * compare-and-swap so that concurrent sharers each keep their entry (hg_localization itself rewrites
 * it blindly). Written as Python's `json.dump(..., indent=2)` writes it.
 */
import { InvalidArgumentError } from "../../core/errors.js";
import { pythonJsonDumps } from "../../datasets/python-json.js";
import type { S3ObjectStore } from "../store/s3-object-store.js";
import { type Manifest, type ManifestEntry, PUBLIC_MANIFEST } from "./hg-layout.js";

function readManifest(text: string | undefined, where: string): Manifest {
  if (text === undefined || text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new InvalidArgumentError(
      `The public manifest in ${where} is not JSON (${(error as Error).message}); fix or remove it, then share again.`,
    );
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw new InvalidArgumentError(`The public manifest in ${where} is not a JSON object of entries.`);
  return parsed as Manifest;
}

export async function readPublicManifest(bucket: S3ObjectStore): Promise<Manifest> {
  return readManifest((await bucket.readBytes(PUBLIC_MANIFEST))?.toString("utf8"), bucket.location);
}

/** Adds or replaces one entry of the public manifest, by compare-and-swap, retrying when others wrote first. */
export async function addManifestEntry(
  bucket: S3ObjectStore,
  key: string,
  entry: ManifestEntry,
): Promise<void> {
  for (;;) {
    const current = await bucket.readBytes(PUBLIC_MANIFEST);
    const text = current?.toString("utf8");
    const manifest: Manifest = { ...readManifest(text, bucket.location), [key]: entry };
    // As hg_localization writes it: json.dump with indent 2.
    const next = pythonJsonDumps(manifest, { indent: 2 });
    const swapped = await bucket.compareAndSwap(PUBLIC_MANIFEST, text, next, {
      publicRead: true,
      contentType: "application/json",
    });
    if (swapped) return;
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 50));
  }
}
