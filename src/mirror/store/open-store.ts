/**
 * The object store an address names: `s3://bucket/prefix` is a bucket (reached as `s3-settings.ts`
 * says), anything else a folder. The CLI's `--store`, `--to` and `--from` all go through here.
 */
import { FsObjectStore } from "./fs-object-store.js";
import type { ObjectStore } from "./object-store.js";
import { S3ObjectStore } from "./s3-object-store.js";
import { isS3Address, type S3SettingsOptions, s3Settings } from "./s3-settings.js";

export type OpenStoreOptions = S3SettingsOptions;

export function openObjectStore(address: string, options: OpenStoreOptions = {}): ObjectStore {
  return isS3Address(address) ? new S3ObjectStore(s3Settings(address, options)) : new FsObjectStore(address);
}
