import { z } from 'zod';

/**
 * zod schemas of the conda channel documents chainwatch reads:
 *   - `<channel>/<subdir>/repodata.json` (also the body of `repodata.json.zst`);
 *   - CEP 16 sharded repodata: the index `repodata_shards.msgpack.zst` and
 *     one shard per package name, `<shards_base_url><sha256>.msgpack.zst`.
 *
 * Only the fields chainwatch uses are kept. Tolerance (STYLE rule 2): one
 * record that does not parse is reported and dropped, the rest of the subdir
 * survives; a wrong-typed optional field becomes absent, never a default that
 * looks like a fact (a missing timestamp stays unknown, not 1970).
 */

/** Hex text in repodata.json, raw bytes in shards (CEP 16 stores md5/sha256 as binary). */
const Digest = z
  .union([z.string().regex(/^[0-9a-fA-F]+$/), z.instanceof(Uint8Array)])
  .optional()
  .catch(undefined)
  .transform((value) => (value instanceof Uint8Array ? Buffer.from(value).toString('hex') : value?.toLowerCase()));

const Text = z.string().optional().catch(undefined);
const Strings = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((list) => (list ?? []).filter((item): item is string => typeof item === 'string'));

/**
 * conda's `noarch` field: `python` or `generic`; very old records wrote
 * `true` for generic. Anything else is absent.
 */
const NoArch = z
  .union([z.enum(['python', 'generic']), z.boolean()])
  .optional()
  .catch(undefined)
  .transform((value) => (value === true ? 'generic' : value === false ? undefined : value));

/** `track_features` is a space- or comma-separated string (a list in some tools' output). */
const TrackFeatures = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .catch(undefined)
  .transform((value) => (Array.isArray(value) ? value : (value ?? '').split(/[\s,]+/)).filter((item) => item !== ''));

/**
 * conda writes timestamps in milliseconds; older records used seconds. conda
 * itself reads any value below 253402300799 (the year 9999 in seconds) as
 * seconds, and so does this.
 */
const Timestamp = z
  .number()
  .nonnegative()
  .optional()
  .catch(undefined)
  .transform((value) => (value === undefined ? undefined : value < 253_402_300_799 ? value * 1000 : value));

/** One entry of `packages` / `packages.conda`. */
export const RepodataRecordSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  build: z.string(),
  build_number: z.number().int().nonnegative().optional().catch(undefined),
  depends: Strings,
  constrains: Strings,
  subdir: Text,
  timestamp: Timestamp,
  license: Text,
  noarch: NoArch,
  md5: Digest,
  sha256: Digest,
  size: z.number().int().nonnegative().optional().catch(undefined),
  track_features: TrackFeatures,
  /** CEP 17: where a python package puts its site-packages (python records only). */
  python_site_packages_path: Text,
  /** Package URLs of the upstream packages, where a channel publishes them (rattler reads this field). */
  purls: Strings,
});
export type RepodataRecordFields = z.infer<typeof RepodataRecordSchema>;

/** `{ filename: record }`, checked record by record by the caller. */
const RecordMap = z
  .record(z.string(), z.unknown())
  .optional()
  .catch(undefined)
  .transform((map) => map ?? {});

/** `repodata.json`. `info.base_url` is CEP 15: where the package files live, relative to this file. */
export const RepodataSchema = z.object({
  info: z
    .object({ subdir: Text, base_url: Text })
    .optional()
    .catch(undefined),
  packages: RecordMap,
  'packages.conda': RecordMap,
  removed: Strings,
  repodata_version: z.number().optional().catch(undefined),
});

/** CEP 16 shard index: package name → sha256 (32 bytes) of the compressed shard. */
export const ShardIndexSchema = z.object({
  version: z.number().int().optional().catch(undefined),
  info: z.object({
    subdir: Text,
    base_url: Text,
    shards_base_url: Text,
    created_at: z.unknown().optional(),
  }),
  shards: z
    .record(z.string(), z.unknown())
    .transform((map) => {
      const hashes = new Map<string, string>();
      for (const [name, hash] of Object.entries(map)) {
        if (hash instanceof Uint8Array && hash.length === 32) hashes.set(name, Buffer.from(hash).toString('hex'));
      }
      return hashes;
    }),
});
export type ShardIndex = z.infer<typeof ShardIndexSchema>;

/** One CEP 16 shard: the records of one package name, with `removed` file names. */
export const ShardSchema = z.object({
  packages: RecordMap,
  'packages.conda': RecordMap,
  removed: Strings,
});
