import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { MAX_RECORD_DEPTH, osvRecordSchema, pathDeeperThan } from './osv-schema.js';
import { nestedDeeperThan, validateOsvRecord } from './osv-validator.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

/**
 * The compiled validator against the zod schema it replaces at run time: the
 * same records accepted and rejected, and for accepted ones the same output,
 * compared key by key in order (the stored JSON text depends on the order),
 * keys whose value became undefined included.
 */

/** A value with its key order and undefined-valued keys made visible to toEqual. */
function layout(value: unknown): unknown {
  if (value === undefined) return '<undefined>';
  if (Array.isArray(value)) return value.map(layout);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value).map((key) => [key, layout((value as Record<string, unknown>)[key])]);
    // A `__proto__` copied by assignment would not show as a key: it would change the object's prototype.
    return Object.getPrototypeOf(value) === Object.prototype ? entries : ['<prototype changed>', entries];
  }
  return value;
}

function expectSameVerdict(document: unknown): void {
  const zod = osvRecordSchema.safeParse(document);
  const compiled = validateOsvRecord(document);
  expect(compiled !== null, JSON.stringify(document)?.slice(0, 400)).toBe(zod.success);
  if (zod.success && compiled !== null) {
    expect(layout(compiled)).toEqual(layout(zod.data));
    expect(JSON.stringify(compiled)).toBe(JSON.stringify(zod.data));
  }
}

const minimal = { id: 'PYSEC-1', modified: '2024-01-01T00:00:00Z' };

function sharedDocuments(): unknown[] {
  const documents: unknown[] = [];
  const ghsa = sharedDataPath('osv', 'ghsa');
  for (const name of readdirSync(ghsa).filter((file) => file.endsWith('.json'))) documents.push(JSON.parse(readFileSync(path.join(ghsa, name), 'utf8')));
  const vulns = sharedDataPath('osv', 'pypa', 'vulns');
  for (const folder of readdirSync(vulns).filter((name) => !name.startsWith('.'))) {
    for (const name of readdirSync(path.join(vulns, folder)).filter((file) => file.endsWith('.yaml'))) {
      documents.push(parseYaml(readFileSync(path.join(vulns, folder, name), 'utf8'), { schema: 'failsafe', customTags: ['null', 'bool'], uniqueKeys: false }));
    }
  }
  return documents;
}

describeWithSharedData('validateOsvRecord on the shared records', () => {
  it('accepts every shared record exactly as the zod schema does, output included', () => {
    const documents = sharedDocuments();
    expect(documents.length).toBe(2664);
    for (const document of documents) expectSameVerdict(document);
  });

  it('agrees with zod on the shared records with one field replaced by junk', () => {
    const documents = sharedDocuments().slice(0, 400);
    const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, '', 'x', '2024-01-01', [], {}, [null], [''], [{}], 0, true));
    fc.assert(
      fc.property(fc.nat(documents.length - 1), fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), junk, (which, steps, replacement) => {
        const copy = structuredClone(documents[which]) as Record<string, unknown>;
        // Walk a random path into the record, then replace what is there.
        let parent: Record<string, unknown> | unknown[] = copy;
        for (const step of steps) {
          const keys = Object.keys(parent);
          if (keys.length === 0) break;
          const key = keys[step % keys.length]!;
          const child = (parent as Record<string, unknown>)[key];
          if (typeof child !== 'object' || child === null || step % 5 === 0) {
            (parent as Record<string, unknown>)[key] = replacement;
            break;
          }
          parent = child as Record<string, unknown>;
        }
        expectSameVerdict(copy);
      }),
      { numRuns: 1000, seed: 12 },
    );
  });
});

/** Generated records: every declared field, sometimes right, sometimes of another shape. */
const text = fc.oneof(fc.string({ maxLength: 4 }), fc.constant(''));
const junk = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(null, '', [], {}, 0, false, '__proto__'));
const maybe = <T,>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: junk });
const loose = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T) =>
  fc.tuple(fc.record(fields, { requiredKeys: [] }), fc.dictionary(fc.constantFrom('extra', '1', '0', 'constructor', '__proto__', 'toString', 'zz'), junk, { maxKeys: 2 })).map(([known, extra]) => {
    const value: Record<string, unknown> = {};
    // Unknown keys before, between and after the declared ones: the output order must not depend on where they were.
    for (const [key, entry] of Object.entries(extra)) if (key.length > 1) Object.defineProperty(value, key, { value: entry, enumerable: true, writable: true, configurable: true });
    for (const [key, entry] of Object.entries(known)) value[key] = entry;
    for (const [key, entry] of Object.entries(extra)) if (key.length <= 1) Object.defineProperty(value, key, { value: entry, enumerable: true, writable: true, configurable: true });
    return value;
  });
const timestamp = fc.oneof(fc.constantFrom('2024-01-01T00:00:00Z', '2024-02-30T00:00:00.123456789+01:00', 'yesterday', '', '2024'), text);
const stringList = maybe(fc.array(maybe(text), { maxLength: 3 }));
const freeForm = maybe(fc.dictionary(fc.constantFrom('a', '__proto__', '2', 'severity'), junk, { maxKeys: 3 }));
const severity = maybe(fc.array(maybe(loose({ type: maybe(text), score: maybe(text) })), { maxLength: 2 }));
const event = maybe(loose({ introduced: maybe(text), fixed: maybe(text), last_affected: maybe(text), limit: maybe(text) }));
const range = maybe(loose({ type: maybe(text), repo: maybe(text), events: maybe(fc.array(event, { maxLength: 3 })), database_specific: freeForm }));
const affected = maybe(
  loose({
    package: maybe(loose({ ecosystem: maybe(text), name: maybe(text), purl: maybe(text) })),
    severity,
    ranges: maybe(fc.oneof(fc.array(range, { maxLength: 2 }), fc.constant(null))),
    versions: stringList,
    ecosystem_specific: freeForm,
    database_specific: freeForm,
  }),
);
const record = loose({
  schema_version: maybe(text),
  id: maybe(fc.oneof(fc.constant('GHSA-1'), text)),
  modified: maybe(timestamp),
  published: maybe(timestamp),
  withdrawn: maybe(timestamp),
  aliases: stringList,
  related: stringList,
  upstream: stringList,
  summary: maybe(text),
  details: maybe(text),
  severity,
  affected: maybe(fc.oneof(fc.array(affected, { maxLength: 2 }), fc.constant(null))),
  references: maybe(fc.array(maybe(loose({ type: maybe(text), url: maybe(text) })), { maxLength: 2 })),
  credits: maybe(fc.array(maybe(loose({ name: maybe(text), contact: stringList, type: maybe(text) })), { maxLength: 2 })),
  database_specific: freeForm,
});

describe('validateOsvRecord against the zod schema', () => {
  it('agrees on generated records, right and wrong', () => {
    fc.assert(fc.property(record, (document) => expectSameVerdict(document)), { numRuns: 4000, seed: 20261206 });
  });

  it.each([
    ['the smallest record', minimal],
    ['a JSON __proto__ key at the top', JSON.parse('{"id":"A","modified":"2024-01-01T00:00:00Z","__proto__":{"x":1}}')],
    ['a JSON __proto__ key in database_specific', JSON.parse('{"id":"A","modified":"2024-01-01T00:00:00Z","database_specific":{"__proto__":[1],"b":2}}')],
    ['a constructor key', { ...minimal, constructor: 'x', database_specific: { constructor: { prototype: 1 } } }],
    ['numeric keys', { '2': 'b', ...minimal, '1': 'a', affected: [{ '0': 1, package: { ecosystem: 'PyPI', name: 'x' } }] }],
    ['null lists', { ...minimal, aliases: null, severity: null, affected: null, references: null, credits: null }],
    ['null inside affected', { ...minimal, affected: [null] }],
    ['null ranges', { ...minimal, affected: [{ ranges: null, versions: null, severity: null }] }],
    ['a null package', { ...minimal, affected: [{ package: null }] }],
    ['a null event version', { ...minimal, affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: null }] }] }] }],
    ['a null repo', { ...minimal, affected: [{ ranges: [{ type: 'GIT', repo: null, events: [] }] }] }],
    ['events that are no list', { ...minimal, affected: [{ ranges: [{ type: 'GIT', events: {} }] }] }],
    ['a null withdrawn', { ...minimal, withdrawn: null }],
    ['a malformed withdrawn', { ...minimal, withdrawn: 'not a date' }],
    ['a bad published', { ...minimal, published: 'then' }],
    ['free text of the wrong type', { ...minimal, summary: 1, details: ['x'], schema_version: {} }],
    ['an array as database_specific', { ...minimal, database_specific: [1] }],
    ['a list as the record', [minimal]],
    ['text as the record', 'id: x'],
    ['modified as a number', { id: 'A', modified: 20240101 }],
    ['an empty modified', { id: 'A', modified: '' }],
  ])('agrees on %s', (_label, document) => {
    expectSameVerdict(document);
  });
});

describe('nestedDeeperThan', () => {
  it('answers what pathDeeperThan answers', () => {
    const nest = (depth: number): unknown => (depth <= 1 ? {} : depth % 2 === 0 ? [nest(depth - 1)] : { a: nest(depth - 1) });
    for (const depth of [1, 2, 63, 64, 65, 66, 200]) {
      for (const limit of [1, 64]) {
        const value = { ...minimal, database_specific: nest(depth) };
        expect(nestedDeeperThan(value, limit)).toBe(pathDeeperThan(value, limit) !== null);
      }
    }
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 1, max: 6 }), (value, limit) => nestedDeeperThan(value, limit) === (pathDeeperThan(value, limit) !== null)));
    let deep: unknown = {};
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(nestedDeeperThan(deep, MAX_RECORD_DEPTH)).toBe(true);
  });
});
