import fc from 'fast-check';
import { stringify } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { arrayOfTablesLines, readTomlArrayOfTables, scanTomlLayout } from './toml-array-of-tables.js';

describe('scanTomlLayout finds where array entries start', () => {
  const cases: Array<[string, string[], number[]]> = [
    ['plain headers', ['[[package]]', 'name = "a"', '', '[[package]]', 'name = "b"'], [1, 4]],
    ['indented header with comment', ['  [[package]] # first', 'name = "a"'], [1]],
    ['quoted header keys', ['[["package"]]', 'name = "a"', "[[ 'package' ]]", 'name = "b"'], [1, 3]],
    ['sub-tables are not entries', ['[[package]]', '[package.source]', '[[package.wheels]]', '[[package]]'], [1, 4]],
    [
      'look-alikes inside multi-line basic strings',
      ['[[package]]', 'description = """', '[[package]]', 'still \\""" text', '"""', '[[package]]'],
      [1, 6],
    ],
    ['look-alikes inside multi-line literal strings', ['[[package]]', "notes = '''", '[[package]]', "'''", '[[package]]'], [1, 5]],
    ['closing delimiter preceded by quotes', ['[[package]]', 'a = """x""""', '[[package]]'], [1, 3]],
    ['commented-out header', ['# [[package]]', '[[package]]'], [2]],
    [
      'arrays spanning lines hide nothing',
      ['[[package]]', 'files = [', '  "[[package]]", # [[package]]', '  {file = "x"},', ']', '[[package]]'],
      [1, 6],
    ],
    ['other arrays of tables are ignored', ['[[packages]]', '[[package]]'], [2]],
    ['inline array of tables', ['packages = [', '  { name = "a" },', '  { name = "b", d = { path = "." } },', ']'], [2, 3]],
    ['inline array on one line', ['packages = [{ name = "a" }, { name = "b" }]'], [1, 1]],
  ];

  it.each(cases)('%s', (_label, lines, expected) => {
    const key = lines.some((line) => line.startsWith('packages =')) ? 'packages' : 'package';
    expect(arrayOfTablesLines(scanTomlLayout(lines.join('\n')), key)).toEqual(expected);
  });

  it('does not take a non-root `packages = [...]` for the root array', () => {
    const layout = scanTomlLayout(['[tool]', 'packages = [{ name = "a" }]'].join('\n'));
    expect(arrayOfTablesLines(layout, 'packages')).toEqual([]);
  });
});

describe('readTomlArrayOfTables', () => {
  it('returns entries with lines', () => {
    const read = readTomlArrayOfTables('x = 1\n\n[[package]]\nname = "a"\n[[package]]\nname = "b"\n', 'package');
    expect(read).toEqual({ entries: [{ value: { name: 'a' }, line: 3 }, { value: { name: 'b' }, line: 5 }], rootKeys: ['x', 'package'] });
  });

  it('salvages intact blocks and keeps their sub-tables', () => {
    const text = ['[[package]]', 'name = "a"', '[package.source]', 'type = "git"', '[[package]]', 'name = = "b"', '[metadata]', 'x = 1'].join('\n');
    const read = readTomlArrayOfTables(text, 'package');
    expect(read.error?.line).toBe(6);
    expect(read.entries).toEqual([{ value: { name: 'a', source: { type: 'git' } }, line: 1 }]);
  });

  it('agrees with the parser on generated documents', () => {
    const entry = fc.record({ name: fc.string({ maxLength: 20 }), description: fc.string({ maxLength: 40 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (packages) => {
        const text = stringify({ version: 1, package: packages });
        const read = readTomlArrayOfTables(text, 'package');
        expect(read.error).toBeUndefined();
        expect(read.entries.map((found) => found.value)).toEqual(packages);
        const lines = text.split('\n');
        for (const found of read.entries) expect(lines[found.line! - 1]).toBe('[[package]]');
      }),
      { numRuns: 200 },
    );
  });

  it('never throws and always ends on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const read = readTomlArrayOfTables(text, 'package');
        expect(Array.isArray(read.entries)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on TOML-shaped noise', () => {
    const token = fc.constantFrom('[[package]]', '[package.x]', '"""', "'''", '"', "'", '[', ']', '{', '}', '#', '=', '\n', 'name', ' ', '\\', ',');
    fc.assert(
      fc.property(fc.array(token, { maxLength: 60 }), (tokens) => {
        const text = tokens.join('');
        scanTomlLayout(text);
        readTomlArrayOfTables(text, 'package');
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['an inline array', (depth: number) => `[[package]]\nname = "a"\nx = ${'['.repeat(depth)}${']'.repeat(depth)}\n`],
    ['an inline table', (depth: number) => `[[package]]\nname = "a"\nx = ${'{a='.repeat(depth)}1${'}'.repeat(depth)}\n`],
    ['an unclosed root array', (depth: number) => `package = ${'['.repeat(depth)}\n`],
  ])('scans %s nested 100,000 deep without a stack overflow; the parser refuses it with a line', (_label, make) => {
    const text = make(100_000);
    expect(() => scanTomlLayout(text)).not.toThrow();
    const read = readTomlArrayOfTables(text, 'package');
    expect(read.error?.line).toBeGreaterThanOrEqual(1);
  });

  it('salvages 30,000 entries of a file broken at the end without copying the headers per entry (that took 25 s for 50,000)', () => {
    const text = Array.from({ length: 30_000 }, (_, index) => `[[package]]\nname = "p${index}"\n[package.source]\nx = 1\n`).join('') + 'x = = 1\n';
    const read = readTomlArrayOfTables(text, 'package');
    expect(read.error?.line).toBe(120_001);
    expect(read.entries).toHaveLength(29_999);
  });
});
