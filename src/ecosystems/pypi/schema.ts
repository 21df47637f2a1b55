import { z } from 'zod';

/**
 * zod schemas of every PyPI response the registry client reads (STYLE rule 2):
 * only the fields it uses. Lists are tolerant: one malformed file entry is
 * dropped, not the whole page. Inside one entry the fields are strict, so a
 * wrong `requires-python` never turns silently into "no constraint".
 */

/** Keeps the entries that pass `item`, drops the rest. */
function tolerantArray<T extends z.ZodType>(item: T) {
  return z.array(z.unknown()).transform((entries) =>
    entries.flatMap((entry) => {
      const parsed = item.safeParse(entry);
      return parsed.success ? [parsed.data as z.output<T>] : [];
    }),
  );
}

/** A string → string map; entries with other values are dropped (PyPI sends `null` project URLs now and then). */
const StringRecord = z.record(z.string(), z.unknown()).transform((record) => {
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') strings[key] = value;
  }
  return strings;
});

/** PEP 658/714 `core-metadata` (and the older `dist-info-metadata`): true, false or the file's hashes. */
export const CoreMetadataFlagSchema = z.union([z.boolean(), StringRecord]);

/** One file of a PEP 691 project page (with PEP 700 `size`/`upload-time` and PEP 740 `provenance`). */
export const SimpleFileSchema = z.object({
  filename: z.string().min(1),
  url: z.string().min(1),
  hashes: StringRecord,
  'requires-python': z.string().nullish(),
  /** false, true, or the reason (a string means yanked). */
  yanked: z.union([z.boolean(), z.string()]).optional(),
  'upload-time': z.string().nullish(),
  size: z.number().int().nonnegative().nullish(),
  'core-metadata': CoreMetadataFlagSchema.optional(),
  'dist-info-metadata': CoreMetadataFlagSchema.optional(),
  provenance: z.string().nullish(),
});
export type SimpleFile = z.output<typeof SimpleFileSchema>;

/** A PEP 691 project page (`application/vnd.pypi.simple.v1+json`). */
export const SimpleProjectSchema = z.object({
  meta: z.object({ 'api-version': z.string() }),
  name: z.string(),
  files: tolerantArray(SimpleFileSchema),
  /** PEP 700 (api-version 1.1): every version of the project, including ones without files. */
  versions: tolerantArray(z.string()).optional(),
});

/** One file in the per-project JSON API (`urls` and `releases`). */
export const JsonApiFileSchema = z.object({
  filename: z.string().min(1),
  url: z.string().min(1),
  digests: StringRecord,
  requires_python: z.string().nullish(),
  yanked: z.boolean().optional(),
  yanked_reason: z.string().nullish(),
  upload_time_iso_8601: z.string().nullish(),
  size: z.number().int().nonnegative().nullish(),
  packagetype: z.string().nullish(),
  'core-metadata': CoreMetadataFlagSchema.nullish(),
  'data-dist-info-metadata': CoreMetadataFlagSchema.nullish(),
  provenance: z.string().nullish(),
});
export type JsonApiFile = z.output<typeof JsonApiFileSchema>;

const optionalText = z.string().nullish();

/** `info` of the JSON API: the metadata of the newest release (project JSON) or of the one release asked for. */
export const JsonApiInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  summary: optionalText,
  license: optionalText,
  license_expression: optionalText,
  license_files: tolerantArray(z.string()).nullish(),
  classifiers: tolerantArray(z.string()).nullish(),
  project_urls: StringRecord.nullish(),
  home_page: optionalText,
  download_url: optionalText,
  author: optionalText,
  author_email: optionalText,
  maintainer: optionalText,
  maintainer_email: optionalText,
  requires_python: optionalText,
  requires_dist: tolerantArray(z.string()).nullish(),
  provides_extra: tolerantArray(z.string()).nullish(),
  yanked: z.boolean().optional(),
  yanked_reason: optionalText,
});

/** `<index-root>/pypi/<name>/json` and `<index-root>/pypi/<name>/<version>/json` (the latter has no `releases`). */
export const JsonApiProjectSchema = z.object({
  info: JsonApiInfoSchema,
  releases: z.record(z.string(), tolerantArray(JsonApiFileSchema)).optional(),
  urls: tolerantArray(JsonApiFileSchema),
  last_serial: z.number().int().optional(),
});
