/** One moto S3 server per test file (see moto-server.ts). */
import { afterAll, beforeAll } from "vitest";
import { type MotoServer, startMoto } from "./moto-server.js";

export type { MotoServer };

/** One moto server for the test file: started before its tests, stopped after. */
export function useMoto(): { readonly current: MotoServer } {
  const holder: { current: MotoServer } = { current: undefined as unknown as MotoServer };
  beforeAll(async () => {
    holder.current = await startMoto();
  });
  afterAll(async () => {
    await holder.current?.stop();
  });
  return holder;
}
