/** `whoami`: the account a token belongs to (`GET /api/whoami-v2`), as Python's `whoami`. */
import { type HubCallOptions, hubGetJson } from "./hub-request.js";

export interface WhoAmI {
  type: string;
  name: string;
  fullname?: string;
  orgs: Array<{ name: string }>;
  auth?: { type: string; accessToken?: { displayName?: string; role?: string } };
}

export async function whoami(options: HubCallOptions = {}): Promise<WhoAmI> {
  const me = await hubGetJson<WhoAmI>("/api/whoami-v2", options);
  return { ...me, orgs: me.orgs ?? [] };
}
