import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PackageLockDependency, PackageLockPackage } from '../package-lock/schema.js';
import { YARN_BERRY_ENTRY_FIELDS, YarnBerryEntry, YarnClassicEntry } from '../yarn-lock/schema.js';
import type { EntrySchema } from './entry-schema.js';

/** Each schema, its fields, and an entry as the tools write it (which the quick check must answer alone). */
const schemas: [string, EntrySchema<unknown>, readonly string[], unknown][] = [
  ['YarnBerryEntry', YarnBerryEntry, ['version', 'resolution'], { version: '7.5.0', resolution: 'ws@npm:7.5.0', dependencies: { a: '^1' }, checksum: 'abc', languageName: 'node', linkType: 'hard' }],
  ['YarnClassicEntry', YarnClassicEntry, ['version', 'resolved'], { version: '1.0.0', resolved: 'https://registry.example.test/a/-/a-1.0.0.tgz#abc', integrity: 'sha512-x' }],
  ['PackageLockPackage', PackageLockPackage, ['name', 'version', 'resolved', 'link', 'dev', 'optional', 'devOptional'], { version: '1.0.0', resolved: 'https://registry.example.test/a/-/a-1.0.0.tgz', integrity: 'sha512-x', dev: true, license: 'MIT' }],
  ['PackageLockDependency', PackageLockDependency, ['version', 'resolved', 'dev', 'optional'], { version: '1.0.0', resolved: 'https://registry.example.test/a/-/a-1.0.0.tgz', requires: { b: '^2' } }],
];

/** Values of every type a field may hold in a parsed lockfile, and some it should not. */
const fieldValue = fc.oneof(fc.string({ maxLength: 8 }), fc.boolean(), fc.constant(undefined), fc.constant(null), fc.integer(), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string(), { maxKeys: 2 }));

describe.each(schemas)('%s', (_name, entry, fields, written) => {
  it('answers an entry as the tools write it without zod', () => {
    expect(entry.quick(written)).toEqual(entry.schema().parse(written));
  });

  const entryLike = fc.oneof(
    fc.record(Object.fromEntries(fields.map((field) => [field, fieldValue])), { requiredKeys: [] }),
    fc.record(Object.fromEntries(fields.map((field) => [field, fc.string({ maxLength: 8 })])), { requiredKeys: [] }).map((value) => ({ ...value, checksum: 'x', dependencies: { a: '1' } })),
    fc.record(Object.fromEntries(fields.map((field) => [field, fieldValue]))).map((value) => Object.assign(Object.create(null) as object, value)),
    fc.anything(),
  );

  it('answers what its zod schema answers, for every value (the quick check only where it is sure)', () => {
    fc.assert(
      fc.property(entryLike, (value) => {
        const quick = entry.safeParse(value);
        const zod = entry.schema().safeParse(value);
        expect(quick.success).toBe(zod.success);
        if (quick.success && zod.success) expect(quick.data).toStrictEqual(zod.data);
        if (!quick.success && !zod.success) expect(quick.error.issues).toEqual(zod.error.issues);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('YARN_BERRY_ENTRY_FIELDS', () => {
  it('names every field YarnBerryEntry reads (the Berry fast path keeps only these)', () => {
    expect(new Set(Object.keys((YarnBerryEntry.schema() as unknown as { shape: object }).shape))).toEqual(YARN_BERRY_ENTRY_FIELDS);
  });
});
