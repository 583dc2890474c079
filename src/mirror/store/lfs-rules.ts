/**
 * Which files a Hub repo keeps in LFS: those over 10 MB, and (unless empty) those that the `.gitattributes` the Hub
 * writes into every new repo sends to LFS by name (model weights, archives, columnar data; dataset repos
 * add audio, images and video). An LFS file's git oid is that of its pointer text, and clients download
 * it by its sha256; so the rule decides what `ETag`, tree entries and paths-info say about the file.
 */
import { fnmatch } from "../../core/glob/fnmatch.js";
import type { RepoType } from "../../hub/repo-id.js";

/** Files bigger than this go to LFS whatever their name (the Hub refuses bigger regular files). */
export const LFS_SIZE_THRESHOLD = 10 * 1000 * 1000;

const COMMON_PATTERNS = [
  "*.7z",
  "*.arrow",
  "*.bin",
  "*.bz2",
  "*.ckpt",
  "*.ftz",
  "*.gz",
  "*.h5",
  "*.joblib",
  "*.lfs.*",
  "*.mlmodel",
  "*.model",
  "*.msgpack",
  "*.npy",
  "*.npz",
  "*.onnx",
  "*.ot",
  "*.parquet",
  "*.pb",
  "*.pickle",
  "*.pkl",
  "*.pt",
  "*.pth",
  "*.rar",
  "*.safetensors",
  "saved_model/**/*",
  "*.tar.*",
  "*.tar",
  "*.tflite",
  "*.tgz",
  "*.wasm",
  "*.xz",
  "*.zip",
  "*.zst",
  "*tfevents*",
];

const DATASET_PATTERNS = [
  "*.lz4",
  "*.mds",
  // audio
  "*.pcm",
  "*.sam",
  "*.raw",
  "*.aac",
  "*.flac",
  "*.mp3",
  "*.ogg",
  "*.wav",
  // images
  "*.bmp",
  "*.gif",
  "*.png",
  "*.tiff",
  "*.jpg",
  "*.jpeg",
  "*.webp",
  // video
  "*.mp4",
  "*.webm",
];

/** The default LFS patterns of a repo type, as `.gitattributes` lines would list them. */
export function defaultLfsPatterns(type: RepoType): readonly string[] {
  return type === "dataset" ? [...COMMON_PATTERNS, ...DATASET_PATTERNS] : COMMON_PATTERNS;
}

/** The `.gitattributes` a new repo starts with, as the Hub writes it: one LFS line per default pattern. */
export function defaultGitattributes(type: RepoType): string {
  return defaultLfsPatterns(type)
    .map((pattern) => `${pattern} filter=lfs diff=lfs merge=lfs -text\n`)
    .join("");
}

/**
 * True when a file of this path and size belongs in LFS. As in `.gitattributes`, a pattern without a
 * slash matches the file's name in any folder; one with a slash matches the whole path.
 */
export function isLfsFile(path: string, size: number, patterns: readonly string[]): boolean {
  // The Hub keeps empty files regular whatever their name.
  if (size === 0) return false;
  if (size > LFS_SIZE_THRESHOLD) return true;
  const name = path.slice(path.lastIndexOf("/") + 1);
  return patterns.some((pattern) => fnmatch(pattern.includes("/") ? path : name, pattern));
}
