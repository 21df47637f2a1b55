import type { OsvRecord } from './types.js';

/**
 * The OSV record schema of osv-schema.ts, written out as plain code: the same
 * rules, the same output object (same keys, in the same order, unknown
 * fields kept, bad list entries dropped), at a fraction of zod's cost (zod was
 * a fifth of a 220k-record import's CPU profile). It only decides and copies:
 * it answers null for every record the zod schema rejects, and parseOsvRecord
 * then asks zod for the error (the path and message a user sees), so messages
 * come from one place. osv-validator.test.ts holds the two to equal accepted
 * and rejected sets and equal outputs, on the shared records and on generated
 * hostile ones.
 *
 * Mirrors zod 4's object parsing (core/schemas.js, $ZodObjectJIT and
 * handleCatchall): the declared keys first, in declaration order, each set
 * when present in the input (`key in input`), even when its value became
 * undefined (a dropped free-text field); then every other key in `for…in`
 * order, except `__proto__`.
 */

type Fields = Record<string, unknown>;

/** Marks a value the schema rejects; the whole record is then rejected. */
const INVALID: unique symbol = Symbol('invalid');
type Checked<T> = T | typeof INVALID;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function copyUnknown(input: Fields, output: Fields, known: ReadonlySet<string>): void {
  for (const key in input) {
    if (known.has(key) || key === '__proto__') continue;
    output[key] = input[key];
  }
}

/** `z.string().min(1)`. */
function isText(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1;
}

/** `z.string().optional().catch(undefined)`: a string, else dropped. */
function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** The `timestamp` schema: a non-empty string Date.parse reads. */
function isTimestamp(value: unknown): value is string {
  return isText(value) && !Number.isNaN(Date.parse(value));
}

/** `freeFormObject`: `z.record(z.string(), z.unknown()).optional().catch(undefined)`. */
function freeForm(value: unknown): Fields | undefined {
  if (!isObject(value)) return undefined;
  const output: Fields = {};
  for (const key of Object.keys(value)) {
    if (key === '__proto__') continue;
    output[key] = value[key];
  }
  return output;
}

/** `tolerantList(item)`: a list keeps the entries `item` accepts; anything but a list is dropped. */
function tolerantList<T>(value: unknown, item: (entry: unknown) => Checked<T>): T[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const kept: T[] = [];
  for (const entry of value) {
    const checked = item(entry);
    if (checked !== INVALID) kept.push(checked);
  }
  return kept;
}

function stringItem(value: unknown): Checked<string> {
  return typeof value === 'string' ? value : INVALID;
}

/** A declared key whose schema is `.optional()` without a catch: absent is fine, present must pass. */
function setOptional<T>(input: Fields, output: Fields, key: string, check: (value: unknown) => Checked<T>): boolean {
  if (!(key in input)) return true;
  const checked = check(input[key]);
  if (checked === INVALID) return false;
  output[key] = checked;
  return true;
}

/** A declared key whose schema never fails (a catch or a tolerant list): set when present. */
function setLenient(input: Fields, output: Fields, key: string, convert: (value: unknown) => unknown): void {
  if (key in input) output[key] = convert(input[key]);
}

function optionalString(value: unknown): Checked<string> {
  return typeof value === 'string' ? value : INVALID;
}

const SEVERITY_KEYS = new Set(['type', 'score']);
function severity(value: unknown): Checked<Fields> {
  if (!isObject(value) || !isText(value.type) || !isText(value.score)) return INVALID;
  const output: Fields = { type: value.type, score: value.score };
  copyUnknown(value, output, SEVERITY_KEYS);
  return output;
}

const REFERENCE_KEYS = new Set(['type', 'url']);
function reference(value: unknown): Checked<Fields> {
  if (!isObject(value) || !isText(value.type) || !isText(value.url)) return INVALID;
  const output: Fields = { type: value.type, url: value.url };
  copyUnknown(value, output, REFERENCE_KEYS);
  return output;
}

const CREDIT_KEYS = new Set(['name', 'contact', 'type']);
function credit(value: unknown): Checked<Fields> {
  if (!isObject(value) || !isText(value.name)) return INVALID;
  const output: Fields = { name: value.name };
  setLenient(value, output, 'contact', (contact) => tolerantList(contact, stringItem));
  setLenient(value, output, 'type', optionalText);
  copyUnknown(value, output, CREDIT_KEYS);
  return output;
}

const EVENT_KEYS = new Set(['introduced', 'fixed', 'last_affected', 'limit']);
function event(value: unknown): Checked<Fields> {
  if (!isObject(value)) return INVALID;
  const output: Fields = {};
  for (const key of EVENT_KEYS) if (!setOptional(value, output, key, optionalString)) return INVALID;
  copyUnknown(value, output, EVENT_KEYS);
  return output;
}

/** `z.array(item)`: every entry must pass. */
function strictList<T>(value: unknown, item: (entry: unknown) => Checked<T>): Checked<T[]> {
  if (!Array.isArray(value)) return INVALID;
  const output: T[] = [];
  for (const entry of value) {
    const checked = item(entry);
    if (checked === INVALID) return INVALID;
    output.push(checked);
  }
  return output;
}

/** `z.array(item).nullish().transform((list) => list ?? undefined)`. */
function nullishList<T>(value: unknown, item: (entry: unknown) => Checked<T>): Checked<T[] | undefined> {
  if (value === null || value === undefined) return undefined;
  return strictList(value, item);
}

const RANGE_KEYS = new Set(['type', 'repo', 'events', 'database_specific']);
function range(value: unknown): Checked<Fields> {
  if (!isObject(value) || !isText(value.type)) return INVALID;
  const output: Fields = { type: value.type };
  if (!setOptional(value, output, 'repo', optionalString)) return INVALID;
  if (!('events' in value)) return INVALID;
  const events = strictList(value.events, event);
  if (events === INVALID) return INVALID;
  output.events = events;
  setLenient(value, output, 'database_specific', freeForm);
  copyUnknown(value, output, RANGE_KEYS);
  return output;
}

const PACKAGE_KEYS = new Set(['ecosystem', 'name', 'purl']);
function packageOf(value: unknown): Checked<Fields> {
  if (!isObject(value) || !isText(value.ecosystem) || !isText(value.name)) return INVALID;
  const output: Fields = { ecosystem: value.ecosystem, name: value.name };
  setLenient(value, output, 'purl', optionalText);
  copyUnknown(value, output, PACKAGE_KEYS);
  return output;
}

const AFFECTED_KEYS = new Set(['package', 'severity', 'ranges', 'versions', 'ecosystem_specific', 'database_specific']);
function affected(value: unknown): Checked<Fields> {
  if (!isObject(value)) return INVALID;
  const output: Fields = {};
  if (!setOptional(value, output, 'package', packageOf)) return INVALID;
  setLenient(value, output, 'severity', (list) => tolerantList(list, severity));
  if (!setOptional(value, output, 'ranges', (list) => nullishList(list, range))) return INVALID;
  setLenient(value, output, 'versions', (list) => tolerantList(list, stringItem));
  setLenient(value, output, 'ecosystem_specific', freeForm);
  setLenient(value, output, 'database_specific', freeForm);
  copyUnknown(value, output, AFFECTED_KEYS);
  return output;
}

const RECORD_KEYS = new Set([
  'schema_version',
  'id',
  'modified',
  'published',
  'withdrawn',
  'aliases',
  'related',
  'upstream',
  'summary',
  'details',
  'severity',
  'affected',
  'references',
  'credits',
  'database_specific',
]);

/**
 * The record as osvRecordSchema.safeParse would give it, or null when that
 * would fail. `value` is a parsed JSON or YAML document.
 */
export function validateOsvRecord(value: unknown): OsvRecord | null {
  if (!isObject(value)) return null;
  const output: Fields = {};
  setLenient(value, output, 'schema_version', optionalText);
  if (!('id' in value) || !isText(value.id)) return null;
  output.id = value.id;
  if (!('modified' in value) || !isTimestamp(value.modified)) return null;
  output.modified = value.modified;
  setLenient(value, output, 'published', (published) => (isTimestamp(published) ? published : undefined));
  if (!setOptional(value, output, 'withdrawn', optionalString)) return null;
  setLenient(value, output, 'aliases', (list) => tolerantList(list, stringItem));
  setLenient(value, output, 'related', (list) => tolerantList(list, stringItem));
  setLenient(value, output, 'upstream', (list) => tolerantList(list, stringItem));
  setLenient(value, output, 'summary', optionalText);
  setLenient(value, output, 'details', optionalText);
  setLenient(value, output, 'severity', (list) => tolerantList(list, severity));
  if (!setOptional(value, output, 'affected', (list) => nullishList(list, affected))) return null;
  setLenient(value, output, 'references', (list) => tolerantList(list, reference));
  setLenient(value, output, 'credits', (list) => tolerantList(list, credit));
  setLenient(value, output, 'database_specific', freeForm);
  copyUnknown(value, output, RECORD_KEYS);
  return output as unknown as OsvRecord;
}

/**
 * How deeply a record may nest lists and objects. A real record is at most
 * about ten levels deep (`affected[].ranges[].events[]` is seven); every
 * later step that walks a record recursively (JSON.stringify when it is
 * stored, position-keeping re-parses for error lines) overflows the stack
 * somewhere above ten thousand, so a record is refused long before that.
 */
export const MAX_RECORD_DEPTH = 64;

/**
 * Whether any list or object in `value` sits deeper than `limit` (the value
 * itself is level 1): the question pathDeeperThan answers, without building
 * the path. Recursive, but never deeper than `limit + 1` calls, so it cannot
 * overflow on the input it guards against.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  return deeper(value, 1, limit);
}

function deeper(value: unknown, depth: number, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > limit) return true;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object' && item !== null && deeper(item, depth + 1, limit)) return true;
    return false;
  }
  for (const key in value) {
    if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
    const child = (value as Fields)[key];
    if (typeof child === 'object' && child !== null && deeper(child, depth + 1, limit)) return true;
  }
  return false;
}
