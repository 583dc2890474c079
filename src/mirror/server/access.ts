/**
 * Who is asking and what they may read. A request's `Authorization: Bearer` token is looked up in the
 * config; an unknown token is refused (401), no token is an anonymous caller. Anyone reads public repos;
 * a private repo is readable by its namespace's user and members of its namespace's organization, and to
 * everyone else it does not exist. A gated repo needs a signed-in caller. Writing needs a `write` token
 * whose user is the namespace or a member of its organization.
 */
import type { RepoRecord } from "../store/repo-store.js";
import type { ServerConfig, TokenGrant } from "./config.js";
import { HubHttpError, repoNotFound } from "./hub-error.js";

export type Caller = TokenGrant | undefined;

export class Access {
  private readonly byToken: Map<string, TokenGrant>;

  constructor(config: ServerConfig) {
    this.byToken = new Map(config.tokens.map((grant) => [grant.token, grant]));
  }

  /** The caller an Authorization header names; throws 401 for a token the server does not know. */
  identify(authorization: string | undefined): Caller {
    if (!authorization) return undefined;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
    const grant = match?.[1] ? this.byToken.get(match[1]) : undefined;
    if (!grant) throw new HubHttpError(401, "Invalid credentials in Authorization header", "Unauthorized");
    return grant;
  }

  /** True when the caller may see the repo at all. */
  canSee(record: RepoRecord, caller: Caller): boolean {
    if (!record.private) return true;
    return (
      caller !== undefined && (caller.user === record.namespace || caller.orgs.includes(record.namespace))
    );
  }

  /** Throws the Hub's answer for a repo the caller may not read: 404 if hidden, 401 if gated. */
  assertCanRead(record: RepoRecord, caller: Caller): void {
    if (!this.canSee(record, caller)) throw repoNotFound();
    if (record.gated && caller === undefined) {
      throw new HubHttpError(
        401,
        `Access to ${record.namespace}/${record.name} is restricted. You must be authenticated to access it.`,
        "GatedRepo",
      );
    }
  }

  /** Throws the Hub's answer for a caller who may not write to the repo: 401 without a token, else 403. */
  assertCanWrite(record: RepoRecord, caller: Caller): void {
    this.assertCanRead(record, caller);
    this.assertCanWriteIn(record.namespace, caller, `${record.namespace}/${record.name}`);
  }

  /** The same for a namespace (creating a repo in it): 401 without a token, 403 for another's namespace. */
  assertCanWriteIn(namespace: string, caller: Caller, what = namespace): void {
    if (caller === undefined)
      throw new HubHttpError(
        401,
        `You must be authenticated (a write token) to change ${what}.`,
        "Unauthorized",
      );
    const owns = caller.user === namespace || caller.orgs.includes(namespace);
    if (!owns || caller.role !== "write")
      throw new HubHttpError(
        403,
        `You don't have the rights to write to ${what}${owns ? ": the token is read-only." : "."}`,
        "Forbidden",
      );
  }
}
