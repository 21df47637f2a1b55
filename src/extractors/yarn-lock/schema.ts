import { z } from 'zod';

/**
 * One entry of a yarn.lock v1 (classic), as `parseSyml` returns it: every
 * scalar is a string. Only the fields chainwatch reads.
 */
export const YarnClassicEntry = z.object({
  version: z.string().optional(),
  resolved: z.string().optional().catch(undefined),
});
export type YarnClassicEntry = z.infer<typeof YarnClassicEntry>;

/** One entry of a Yarn Berry (v2+) yarn.lock: `resolution` is the locator actually installed. */
export const YarnBerryEntry = z.object({
  version: z.string().optional(),
  resolution: z.string(),
});
export type YarnBerryEntry = z.infer<typeof YarnBerryEntry>;
