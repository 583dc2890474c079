/**
 * `getSafetensorsMetadata`, as Python's `get_safetensors_metadata`: the tensors of a repo's weights
 * (names, dtypes, shapes, offsets, parameter counts) read from the safetensors headers alone, with
 * ranged requests, never the weights. A safetensors file starts with its header's length (a
 * little-endian uint64) and the header (JSON); the first request asks for the first 100 kB, which holds
 * most headers whole, and a second asks for the rest when it does not. A sharded repo's
 * `model.safetensors.index.json` names the shards, whose headers are read in parallel.
 */
import pLimit from "p-limit";
import { InvalidArgumentError, WharfError } from "../core/errors.js";
import { defaultHttpClient } from "../core/http/client.js";
import { authHeaders, endpointOf, type HubCallOptions } from "./hub-request.js";
import { fileExists } from "./repo-exists.js";
import type { RepoType } from "./repo-id.js";
import { hfHubUrl } from "./urls.js";

export const SAFETENSORS_SINGLE_FILE = "model.safetensors";
export const SAFETENSORS_INDEX_FILE = "model.safetensors.index.json";
/** Python's bound: a header longer than this is refused rather than read. */
export const SAFETENSORS_MAX_HEADER_LENGTH = 25_000_000;
const FIRST_READ = 100_000;

/** The file is not a safetensors file, or its header cannot be read. */
export class SafetensorsParsingError extends WharfError {
  override readonly code = "SafetensorsParsing";
}

/** The repo holds neither `model.safetensors` nor its sharded index. */
export class NotASafetensorsRepoError extends WharfError {
  override readonly code = "NotASafetensorsRepo";
}

export interface TensorInfo {
  dtype: string;
  shape: number[];
  dataOffsets: [number, number];
  parameterCount: number;
}

export interface SafetensorsFileMetadata {
  metadata: Record<string, string>;
  tensors: Record<string, TensorInfo>;
  /** Parameters by dtype. */
  parameterCount: Record<string, number>;
}

export interface SafetensorsRepoMetadata {
  metadata: Record<string, unknown> | undefined;
  sharded: boolean;
  /** Tensor name to the file that holds it. */
  weightMap: Record<string, string>;
  filesMetadata: Record<string, SafetensorsFileMetadata>;
  parameterCount: Record<string, number>;
}

interface RepoCall extends HubCallOptions {
  repoId: string;
  repoType?: RepoType;
  revision?: string;
}

async function fetchRange(options: RepoCall, filename: string, start: number, end: number): Promise<Buffer> {
  const url = hfHubUrl({ ...options, filename, endpoint: endpointOf(options) });
  const response = await (options.client ?? defaultHttpClient()).request(url, {
    headers: { ...authHeaders(options), range: `bytes=${start}-${end}` },
    signal: options.signal,
    context: `the safetensors header of ${filename}`,
  });
  const bytes = Buffer.from(await response.bytes());
  // A server that ignores Range sends the whole file: keep only what was asked.
  return response.status === 200 ? bytes.subarray(start, end + 1) : bytes;
}

/** One file's header, parsed. */
export function parseSafetensorsHeader(
  header: Record<string, unknown>,
  filename: string,
): SafetensorsFileMetadata {
  const tensors: Record<string, TensorInfo> = {};
  const parameterCount: Record<string, number> = {};
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const info = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof info?.dtype !== "string" || !Array.isArray(info.shape) || !Array.isArray(info.data_offsets))
      throw new SafetensorsParsingError(
        `${filename}: the tensor ${name} has no dtype, shape and data_offsets.`,
      );
    const count = (info.shape as number[]).reduce((product, size) => product * size, 1);
    tensors[name] = {
      dtype: info.dtype,
      shape: info.shape as number[],
      dataOffsets: info.data_offsets as [number, number],
      parameterCount: count,
    };
    parameterCount[info.dtype] = (parameterCount[info.dtype] ?? 0) + count;
  }
  return { metadata: (header.__metadata__ as Record<string, string>) ?? {}, tensors, parameterCount };
}

/** The header of one safetensors file of the repo, read with one or two ranged requests. */
export async function getSafetensorsFileMetadata(
  options: RepoCall & { filename: string },
): Promise<SafetensorsFileMetadata> {
  const first = await fetchRange(options, options.filename, 0, FIRST_READ - 1);
  if (first.length < 8)
    throw new SafetensorsParsingError(`${options.filename} is shorter than a safetensors header.`);
  const length = Number(first.readBigUInt64LE(0));
  if (length > SAFETENSORS_MAX_HEADER_LENGTH) {
    throw new SafetensorsParsingError(
      `${options.filename} announces a header of ${length} bytes, more than the ${SAFETENSORS_MAX_HEADER_LENGTH} a safetensors header may have.`,
    );
  }
  const bytes =
    length + 8 <= first.length
      ? first.subarray(8, 8 + length)
      : await fetchRange(options, options.filename, 8, 8 + length - 1);
  try {
    return parseSafetensorsHeader(
      JSON.parse(bytes.toString("utf8")) as Record<string, unknown>,
      options.filename,
    );
  } catch (error) {
    if (error instanceof SafetensorsParsingError) throw error;
    throw new SafetensorsParsingError(
      `${options.filename}: the header is not JSON (${(error as Error).message}).`,
      { cause: error },
    );
  }
}

function sum(counts: Iterable<Record<string, number>>): Record<string, number> {
  const total: Record<string, number> = {};
  for (const count of counts)
    for (const [dtype, n] of Object.entries(count)) total[dtype] = (total[dtype] ?? 0) + n;
  return total;
}

export async function getSafetensorsMetadata(options: RepoCall): Promise<SafetensorsRepoMetadata> {
  if (await fileExists({ ...options, filename: SAFETENSORS_SINGLE_FILE })) {
    const file = await getSafetensorsFileMetadata({ ...options, filename: SAFETENSORS_SINGLE_FILE });
    return {
      metadata: undefined,
      sharded: false,
      weightMap: Object.fromEntries(Object.keys(file.tensors).map((name) => [name, SAFETENSORS_SINGLE_FILE])),
      filesMetadata: { [SAFETENSORS_SINGLE_FILE]: file },
      parameterCount: file.parameterCount,
    };
  }
  if (!(await fileExists({ ...options, filename: SAFETENSORS_INDEX_FILE }))) {
    throw new NotASafetensorsRepoError(
      `${options.repoId} has neither ${SAFETENSORS_SINGLE_FILE} nor ${SAFETENSORS_INDEX_FILE} at ${options.revision ?? "main"}.`,
    );
  }
  const indexBytes = await fetchRange(options, SAFETENSORS_INDEX_FILE, 0, SAFETENSORS_MAX_HEADER_LENGTH);
  let index: { metadata?: Record<string, unknown>; weight_map?: Record<string, string> };
  try {
    index = JSON.parse(indexBytes.toString("utf8"));
  } catch (error) {
    throw new SafetensorsParsingError(`${SAFETENSORS_INDEX_FILE} is not JSON (${(error as Error).message}).`);
  }
  const weightMap = index.weight_map ?? {};
  const files = [...new Set(Object.values(weightMap))].sort();
  if (files.some((file) => file.includes("..") || file.startsWith("/")))
    throw new InvalidArgumentError(`${SAFETENSORS_INDEX_FILE} names a shard outside the repo.`);
  const limit = pLimit(8);
  const entries = await Promise.all(
    files.map((filename) =>
      limit(async () => [filename, await getSafetensorsFileMetadata({ ...options, filename })] as const),
    ),
  );
  const filesMetadata = Object.fromEntries(entries);
  return {
    metadata: index.metadata,
    sharded: true,
    weightMap,
    filesMetadata,
    parameterCount: sum(entries.map(([, file]) => file.parameterCount)),
  };
}
