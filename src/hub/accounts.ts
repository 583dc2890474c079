/**
 * Users and organizations, as Python's: `getUserOverview`, `getOrganizationOverview`,
 * `listUserFollowers`, `listUserFollowing` and `listOrganizationMembers` (paged). The Hub's camelCase
 * fields become a typed record; fields a newer Hub adds are kept in `raw`.
 */
import { type HubCallOptions, hubGetJson, hubGetPages } from "./hub-request.js";

export interface UserProfile {
  username: string;
  fullname: string;
  avatarUrl: string;
  type?: string;
  isPro?: boolean;
  isFollowing?: boolean;
  details?: string;
  numModels?: number;
  numDatasets?: number;
  numSpaces?: number;
  numDiscussions?: number;
  numPapers?: number;
  numUpvotes?: number;
  numLikes?: number;
  numFollowing?: number;
  numFollowers?: number;
  orgs: OrganizationProfile[];
  raw: Record<string, unknown>;
}

export interface OrganizationProfile {
  name: string;
  fullname: string;
  avatarUrl: string;
  details?: string;
  isVerified?: boolean;
  isFollowing?: boolean;
  numUsers?: number;
  numModels?: number;
  numSpaces?: number;
  numDatasets?: number;
  numFollowers?: number;
  numPapers?: number;
  plan?: string;
  raw: Record<string, unknown>;
}

type Raw = Record<string, unknown>;

/** The fields of `names` that `raw` holds (the Hub leaves out what it does not know). */
function pick(raw: Raw, names: readonly string[]): Raw {
  return Object.fromEntries(
    names.filter((name) => raw[name] !== undefined && raw[name] !== null).map((name) => [name, raw[name]]),
  );
}

const ORGANIZATION_FIELDS = [
  "details",
  "isVerified",
  "isFollowing",
  "numUsers",
  "numModels",
  "numSpaces",
  "numDatasets",
  "numFollowers",
  "numPapers",
  "plan",
];
const USER_FIELDS = [
  "isPro",
  "isFollowing",
  "details",
  "numModels",
  "numDatasets",
  "numSpaces",
  "numDiscussions",
  "numPapers",
  "numUpvotes",
  "numLikes",
  "numFollowing",
  "numFollowers",
];

export function organizationOf(raw: Raw): OrganizationProfile {
  return {
    name: String(raw.name ?? ""),
    fullname: String(raw.fullname ?? ""),
    avatarUrl: String(raw.avatarUrl ?? ""),
    ...pick(raw, ORGANIZATION_FIELDS),
    raw,
  } as OrganizationProfile;
}

export function userOf(raw: Raw): UserProfile {
  return {
    username: String(raw.user ?? ""),
    fullname: String(raw.fullname ?? ""),
    avatarUrl: String(raw.avatarUrl ?? ""),
    ...(typeof raw.type === "string" && { type: raw.type }),
    ...pick(raw, USER_FIELDS),
    orgs: ((raw.orgs as Raw[] | undefined) ?? []).map(organizationOf),
    raw,
  } as UserProfile;
}

export async function getUserOverview(options: HubCallOptions & { username: string }): Promise<UserProfile> {
  return userOf(await hubGetJson<Raw>(`/api/users/${options.username}/overview`, options));
}

export async function getOrganizationOverview(
  options: HubCallOptions & { organization: string },
): Promise<OrganizationProfile> {
  return organizationOf(
    await hubGetJson<Raw>(`/api/organizations/${options.organization}/overview`, options),
  );
}

async function* users(path: string, options: HubCallOptions): AsyncIterable<UserProfile> {
  for await (const raw of hubGetPages<Raw>(path, options)) yield userOf(raw);
}

export function listUserFollowers(
  options: HubCallOptions & { username: string },
): AsyncIterable<UserProfile> {
  return users(`/api/users/${options.username}/followers`, options);
}

export function listUserFollowing(
  options: HubCallOptions & { username: string },
): AsyncIterable<UserProfile> {
  return users(`/api/users/${options.username}/following`, options);
}

export function listOrganizationMembers(
  options: HubCallOptions & { organization: string },
): AsyncIterable<UserProfile> {
  return users(`/api/organizations/${options.organization}/members`, options);
}
