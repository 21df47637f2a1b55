import { z } from 'zod';
import { ChainwatchError, fail, ok, type ErrorLocation, type Result } from '../core/errors.js';
import { excerpt } from '../core/excerpt.js';
import { MAX_RECORD_DEPTH, nestedDeeperThan, validateOsvRecord } from './osv-validator.js';
import type { OsvRecord } from './types.js';

/**
 * zod schema of an OSV record (schema 1.7, https://ossf.github.io/osv-schema/),
 * covering the fields in types.ts. Validation happens once, at the boundary
 * (files, zips, downloads); everything behind it trusts `OsvRecord`.
 *
 * Tolerance rules, and why:
 *   - unknown fields are kept as they are (loose objects): the stored record
 *     stays complete, and a newer schema never breaks an older chainwatch;
 *   - a bad entry inside `references`, `credits`, `severity` (top level and per
 *     package) or inside the string lists is dropped, the record survives:
 *     these lists never decide whether a version is affected;
 *   - a bad `affected` entry, range or event fails the whole record: dropping
 *     one would silently hide a vulnerability, failing it is reported;
 *   - `null` where the schema allows a list (aliases, severity, affected,
 *     references) means "absent";
 *   - a record without `id` or `modified` (or with a `modified` that is not a
 *     date) fails.
 */

/** A list whose bad entries are dropped instead of failing the record. */
function tolerantList<Item extends z.ZodType>(item: Item) {
  return z
    .array(z.unknown())
    .nullish()
    .catch(undefined)
    .transform((entries): z.output<Item>[] | undefined => {
      if (entries === null || entries === undefined) return undefined;
      const kept: z.output<Item>[] = [];
      for (const entry of entries) {
        const parsed = item.safeParse(entry);
        if (parsed.success) kept.push(parsed.data);
      }
      return kept;
    });
}

/** An optional free-text field: a wrong type is dropped, not fatal. */
const optionalText = z.string().optional().catch(undefined);

/** `database_specific` / `ecosystem_specific`: any JSON object, anything else dropped. */
const freeFormObject = z.record(z.string(), z.unknown()).optional().catch(undefined);

const timestamp = z
  .string()
  .min(1)
  .refine((text) => !Number.isNaN(Date.parse(text)), { message: 'not an RFC 3339 date-time' });

export const osvSeveritySchema = z.looseObject({
  type: z.string().min(1),
  score: z.string().min(1),
});

export const osvEventSchema = z.looseObject({
  introduced: z.string().optional(),
  fixed: z.string().optional(),
  last_affected: z.string().optional(),
  limit: z.string().optional(),
});

export const osvRangeSchema = z.looseObject({
  type: z.string().min(1),
  repo: z.string().optional(),
  events: z.array(osvEventSchema),
  database_specific: freeFormObject,
});

export const osvPackageSchema = z.looseObject({
  ecosystem: z.string().min(1),
  name: z.string().min(1),
  purl: z.string().optional().catch(undefined),
});

export const osvAffectedSchema = z.looseObject({
  package: osvPackageSchema.optional(),
  severity: tolerantList(osvSeveritySchema),
  ranges: z
    .array(osvRangeSchema)
    .nullish()
    .transform((ranges) => ranges ?? undefined),
  versions: tolerantList(z.string()),
  ecosystem_specific: freeFormObject,
  database_specific: freeFormObject,
});

export const osvReferenceSchema = z.looseObject({
  type: z.string().min(1),
  url: z.string().min(1),
});

export const osvCreditSchema = z.looseObject({
  name: z.string().min(1),
  contact: tolerantList(z.string()),
  type: z.string().optional().catch(undefined),
});

export const osvRecordSchema = z.looseObject({
  schema_version: optionalText,
  id: z.string().min(1),
  modified: timestamp,
  published: timestamp.optional().catch(undefined),
  // A malformed `withdrawn` is kept as text rather than dropped: dropping it
  // would make a withdrawn advisory look live.
  withdrawn: z.string().optional(),
  aliases: tolerantList(z.string()),
  related: tolerantList(z.string()),
  upstream: tolerantList(z.string()),
  summary: optionalText,
  details: optionalText,
  severity: tolerantList(osvSeveritySchema),
  affected: z
    .array(osvAffectedSchema)
    .nullish()
    .transform((affected) => affected ?? undefined),
  references: tolerantList(osvReferenceSchema),
  credits: tolerantList(osvCreditSchema),
  database_specific: freeFormObject,
});

export type OsvRecordSchemaOutput = z.output<typeof osvRecordSchema>;

// Compile-time proof that the schema's output is an OsvRecord.
const _outputIsOsvRecord = (value: OsvRecordSchemaOutput): OsvRecord => value;

/** `affected[0].ranges[1].events` — the path of the first issue, for messages and line lookup. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else text += text === '' ? String(segment) : `.${String(segment)}`;
  }
  return text;
}

export { MAX_RECORD_DEPTH };

/**
 * The path to the first list or object nested deeper than `limit`, or null.
 * Iterative: the check itself must not overflow on the input it guards against.
 */
export function pathDeeperThan(value: unknown, limit: number): PropertyKey[] | null {
  const pending: { value: unknown; depth: number; key: PropertyKey; parent: number }[] = [{ value, depth: 1, key: '', parent: -1 }];
  // Parents are kept by index so a path is only built for the one offending node.
  const visited: { key: PropertyKey; parent: number }[] = [];
  while (pending.length > 0) {
    const node = pending.pop()!;
    if (typeof node.value !== 'object' || node.value === null) continue;
    const index = visited.length;
    visited.push({ key: node.key, parent: node.parent });
    if (node.depth > limit) {
      const path: PropertyKey[] = [];
      for (let at = index; at > 0; at = visited[at]!.parent) path.push(visited[at]!.key);
      return path.reverse();
    }
    if (Array.isArray(node.value)) {
      for (let item = node.value.length - 1; item >= 0; item--) {
        const child: unknown = node.value[item];
        if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: node.depth + 1, key: item, parent: index });
      }
    } else {
      for (const [key, child] of Object.entries(node.value)) {
        if (typeof child === 'object' && child !== null) pending.push({ value: child, depth: node.depth + 1, key, parent: index });
      }
    }
  }
  return null;
}

/**
 * Validates one parsed document as an OSV record. Bad input is an error
 * value carrying `location` (and the failing field's path in the message);
 * this never throws on bad input.
 */
export function parseOsvRecord(value: unknown, location: ErrorLocation): Result<OsvRecord> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(new ChainwatchError('invalid-advisory', 'not an OSV record: expected a JSON/YAML object', { location }));
  }
  const tooDeep = nestedDeeperThan(value, MAX_RECORD_DEPTH) ? pathDeeperThan(value, MAX_RECORD_DEPTH) : null;
  if (tooDeep !== null) {
    const id = (value as { id?: unknown }).id;
    const shown = formatIssuePath(tooDeep.slice(0, 8));
    return fail(
      new ChainwatchError(
        'invalid-advisory',
        `invalid OSV record${typeof id === 'string' ? ` ${excerpt(id)}` : ''}: lists and objects nested more than ${MAX_RECORD_DEPTH} levels deep (at ${shown}…)`,
        { location },
      ),
    );
  }
  // The compiled twin of osvRecordSchema decides; zod only describes what it refused.
  const record = validateOsvRecord(value);
  if (record !== null) return ok(record);
  const parsed = osvRecordSchema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const where = issue ? formatIssuePath(issue.path) : '';
  const message = issue ? `${where === '' ? 'record' : where}: ${issue.message}` : 'invalid OSV record';
  return fail(
    new ChainwatchError('invalid-advisory', `invalid OSV record: ${message}`, {
      location,
      cause: parsed.error,
    }),
  );
}

/** The path segments of the first schema issue in an error from parseOsvRecord, if any. */
export function issuePathOf(error: ChainwatchError): readonly PropertyKey[] | null {
  const cause = error.cause;
  if (cause instanceof z.ZodError) return cause.issues[0]?.path ?? null;
  return null;
}
