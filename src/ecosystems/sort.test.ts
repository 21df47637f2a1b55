import { describe, expect, it } from 'vitest';
import type { Ecosystem } from '../core/package.js';
import { sortVersions } from './sort.js';

describe('sortVersions', () => {
  it.each<[Ecosystem, string[], string[]]>([
    ['PyPI', ['1.0', '1.0rc1', '0.9', '1.0.post1', '1.0.dev0'], ['0.9', '1.0.dev0', '1.0rc1', '1.0', '1.0.post1']],
    ['npm', ['1.10.0', '1.2.0', '1.2.0-rc.1', '1.2.0-beta.2', '1.2.0-beta.11'], ['1.2.0-beta.2', '1.2.0-beta.11', '1.2.0-rc.1', '1.2.0', '1.10.0']],
    ['Debian', ['1.0-1', '1:0.9', '1.0~rc1-1', '1.0-1+deb12u1', '1.0-1~bpo11+1'], ['1.0~rc1-1', '1.0-1~bpo11+1', '1.0-1', '1.0-1+deb12u1', '1:0.9']],
    ['conda', ['1.0', '1.0.post1', '1.0rc1', '1.0dev1', '1!0.1', '1.0_', '1.0.dev1'], ['1.0dev1', '1.0_', '1.0rc1', '1.0.dev1', '1.0', '1.0.post1', '1!0.1']],
  ])('orders %s versions ascending', (ecosystem, input, expected) => {
    expect(sortVersions(ecosystem, input)).toEqual({ sorted: expected, invalid: [] });
  });

  it('skips blank lines, trims the others and keeps equal versions in input order', () => {
    const { sorted, invalid } = sortVersions('PyPI', ['', '  1.0.0 ', '\t', '1.0', '0.5', '1', '']);
    expect(sorted).toEqual(['0.5', '1.0.0', '1.0', '1']);
    expect(invalid).toEqual([]);
  });

  it('returns unparseable lines with their 1-based line number and a located error', () => {
    const { sorted, invalid } = sortVersions('npm', ['1.0.0', '', 'one', '0.1.0', '1.2'], { path: 'versions.txt' });
    expect(sorted).toEqual(['0.1.0', '1.0.0']);
    expect(invalid.map(({ line, text, error }) => ({ line, text, code: error.code, location: error.location }))).toEqual([
      { line: 3, text: 'one', code: 'invalid-version', location: { path: 'versions.txt', line: 3 } },
      { line: 5, text: '1.2', code: 'invalid-version', location: { path: 'versions.txt', line: 5 } },
    ]);
    expect(invalid[0]!.error.describe()).toMatch(/^versions\.txt:3: /);
  });

  it('returns nothing for no input', () => {
    expect(sortVersions('Debian', [])).toEqual({ sorted: [], invalid: [] });
  });
});

describe('sortVersions and legacy PyPI versions', () => {
  it('reports pre-PEP 440 versions as invalid by default, naming the line', () => {
    const { sorted, invalid } = sortVersions('PyPI', ['1.0', '0.9-doduo', '4.0.11rc1', '4.0.10'], { path: 'stdin' });
    expect(sorted).toEqual(['1.0', '4.0.10', '4.0.11rc1']);
    expect(invalid.map((entry) => [entry.line, entry.text, entry.error.code, entry.error.location?.path])).toEqual([[2, '0.9-doduo', 'invalid-version', 'stdin']]);
  });

  it('orders them before every PEP 440 version when legacy ordering is asked for', () => {
    expect(sortVersions('PyPI', ['1.0', '0.9-doduo', '0.1'], { legacy: true })).toEqual({ sorted: ['0.9-doduo', '0.1', '1.0'], invalid: [] });
  });
});
