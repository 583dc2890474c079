/**
 * `wayback`: a file that is gone from its site, fetched from the Internet Archive. The Wayback
 * Machine's availability API gives the snapshot closest to `timestamp`; its URL with `id_` after the
 * timestamp gives the original bytes rather than the archive's page around them. The lookup is tried
 * three times (the API sometimes answers without a snapshot), and the HTTP client retries 429 and 5xx
 * answers with a growing pause, as the archive asks of its clients.
 */
import { defaultHttpClient } from "../../core/http/client.js";
import type { Checksum } from "../checksums.js";
import { fetchUrl, urlBaseName } from "./fetch-url.js";
import { makeResource, type Resource, type ResourceOptions } from "./resource.js";

export const WAYBACK_AVAILABILITY = "https://archive.org/wayback/available";

interface Availability {
  archived_snapshots?: { closest?: { url?: string; available?: boolean } };
}

/** A snapshot's URL with `id_` after its timestamp: the archived bytes as they were, without the archive's page. */
export function originalBytesUrl(archived: string): string {
  return archived.replace(/(web\.archive\.org\/web\/\d+)(?!\d|id_)/, "$1id_");
}

export function wayback(
  spec: {
    url: string;
    timestamp?: string;
    checksum?: Checksum;
    availabilityEndpoint?: string;
  } & ResourceOptions,
): Resource {
  return makeResource("wayback", spec, {
    canRecover: true,
    urls: [spec.url],
    fileName: spec.fileName ?? urlBaseName(spec.url),
    async make(ctx) {
      let archived = /^https?:\/\/web\.archive\.org\/web\//.test(spec.url) ? spec.url : undefined;
      const lookup = new URL(spec.availabilityEndpoint ?? WAYBACK_AVAILABILITY);
      lookup.searchParams.set("url", spec.url);
      if (spec.timestamp) lookup.searchParams.set("timestamp", spec.timestamp);
      for (let attempt = 0; archived === undefined && attempt < 3; attempt++) {
        const answer = await (ctx.client ?? defaultHttpClient()).request(lookup, {
          signal: ctx.signal,
          context: "Wayback lookup",
        });
        archived = (await answer.json<Availability>()).archived_snapshots?.closest?.url;
      }
      if (!archived) throw new Error(`the Wayback Machine has no snapshot of ${spec.url}`);
      await fetchUrl([originalBytesUrl(archived)], ctx.workPath, spec.checksum, ctx);
    },
  });
}
