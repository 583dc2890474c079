/** `GET /api/whoami-v2`: the caller a token names, shaped as the Hub answers (Python needs `name`). */
import type { FastifyInstance } from "fastify";
import { callerOf, type ServerDeps } from "../context.js";
import { HubHttpError } from "../hub-error.js";

export function registerWhoamiRoute(app: FastifyInstance, deps: ServerDeps): void {
  app.get("/api/whoami-v2", async (request) => {
    const caller = callerOf(deps, request);
    if (!caller) throw new HubHttpError(401, "Invalid username or password.", "Unauthorized");
    return {
      type: "user",
      id: caller.user,
      name: caller.user,
      fullname: caller.user,
      isPro: false,
      orgs: caller.orgs.map((org) => ({
        type: "org",
        id: org,
        name: org,
        fullname: org,
        roleInOrg: caller.role,
      })),
      auth: {
        type: "access_token",
        accessToken: { displayName: `${caller.user}-token`, role: caller.role },
      },
    };
  });
}
