import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { readPackageTables } from './read-package-tables.js';

const Entry = z.object({ name: z.string().min(1), version: z.string().optional() });

function summary(text: string, key = 'package') {
  const read = readPackageTables({ path: 'x.lock', text }, { key, fileLabel: 'x.lock', schema: Entry, markers: ['metadata'] });
  return {
    tables: read.tables.map(({ entry, location }) => [entry.name, entry.version, location.line]),
    errors: read.errors.map((error) => [error.code, error.message, error.location]),
  };
}

describe('readPackageTables', () => {
  it('returns valid entries with their header lines and refused entries as located errors', () => {
    const text = ['[[package]]', 'name = "a"', 'version = "1"', '', '[[package]]', 'version = "2"', '', '[[package]]', 'name = "c"'].join('\n');
    expect(summary(text)).toEqual({
      tables: [
        ['a', '1', 1],
        ['c', undefined, 8],
      ],
      errors: [['parse-error', '[[package]] entry is invalid: name Invalid input: expected string, received undefined', { path: 'x.lock', line: 5 }]],
    });
  });

  it('puts the TOML syntax error first, labelled with the file, and keeps the intact entries', () => {
    const text = ['[[packages]]', 'name = "ok"', '', '[[packages]]', 'name = = "broken"', '', '[[packages]]', 'name = 3'].join('\n');
    const { tables, errors } = summary(text, 'packages');
    expect(tables).toEqual([['ok', undefined, 1]]);
    expect(errors.map(([code, message, location]) => [code, String(message).split(':')[0], location])).toEqual([
      ['parse-error', 'x.lock is not valid TOML', { path: 'x.lock', line: 5 }],
      ['parse-error', '[[packages]] entry is invalid', { path: 'x.lock', line: 7 }],
    ]);
  });

  it('a root key that is not an array of tables is one error without a line', () => {
    expect(summary('package = "oops"\n')).toEqual({
      tables: [],
      errors: [['parse-error', 'x.lock is not valid TOML: "package" is not an array of tables', { path: 'x.lock' }]],
    });
  });

  it.each([
    ['[metadata]\nlock-version = "2.0"\n', []],
    ['package = []\n', []],
    [
      Array.from({ length: 1000 }, (_, index) => `junk${index} = ${index}`).join('\n'),
      [['unsupported-format', 'no "package" or "metadata" at the top level: not a x.lock', { path: 'x.lock', line: 1 }]],
    ],
    ['', []],
    ['# only a comment\n', []],
  ])('a document with keys but without the array or a marker says it is not the format: %j', (text, errors) => {
    expect(summary(text)).toEqual({ tables: [], errors });
  });

  it('does not also say "not the format" when the TOML does not parse', () => {
    expect(summary('junk = = 1\n').errors.map(([code]) => code)).toEqual(['parse-error']);
  });

  it('reads past a leading byte-order mark with every line right', () => {
    expect(summary('\uFEFF[[package]]\nname = "a"\n\n[[package]]\nname = "b"\n').tables).toEqual([
      ['a', undefined, 1],
      ['b', undefined, 4],
    ]);
    expect(summary('\uFEFF[[package]]\nname = "a"\nname = = 1\n').errors.map(([, , location]) => location)).toEqual([{ path: 'x.lock', line: 3 }]);
  });
});
