import { entrySchema, isPlainRecord, optionalString } from '../common/entry-schema.js';

/**
 * One entry of a yarn.lock v1 (classic), as `parseSyml` returns it: every
 * scalar is a string. Only the fields chainwatch reads.
 */
export interface YarnClassicEntry {
  version?: string | undefined;
  resolved?: string | undefined;
}
export const YarnClassicEntry = entrySchema<YarnClassicEntry>(
  (z) =>
    z.object({
      version: z.string().optional(),
      resolved: z.string().optional().catch(undefined),
    }),
  (value) => {
    if (!isPlainRecord(value)) return undefined;
    const version = optionalString(value.version);
    if (version === null) return undefined;
    // `.catch(undefined)`: anything but a string reads as no `resolved`.
    const resolved = typeof value.resolved === 'string' ? value.resolved : undefined;
    return { ...('version' in value ? { version } : {}), ...('resolved' in value ? { resolved } : {}) };
  },
);

/** The fields of a Berry entry that YarnBerryEntry reads: the fast path keeps no others (berry-fast-path.ts). */
export const YARN_BERRY_ENTRY_FIELDS: ReadonlySet<string> = new Set(['version', 'resolution']);

/** One entry of a Yarn Berry (v2+) yarn.lock: `resolution` is the locator actually installed. */
export interface YarnBerryEntry {
  version?: string | undefined;
  resolution: string;
}
export const YarnBerryEntry = entrySchema<YarnBerryEntry>(
  (z) =>
    z.object({
      version: z.string().optional(),
      resolution: z.string(),
    }),
  (value) => {
    if (!isPlainRecord(value) || typeof value.resolution !== 'string') return undefined;
    const version = optionalString(value.version);
    if (version === null) return undefined;
    return { ...('version' in value ? { version } : {}), resolution: value.resolution };
  },
);
