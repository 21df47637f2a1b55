import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePypiVersion, type Pep440Version } from './pep440-version.js';
import { parsePep440Specifier, parsePep440SpecifierSet, type Pep440SpecifierSet } from './specifier.js';

function fixtureLines(name: string): string[] {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function version(text: string): Pep440Version {
  const parsed = parsePypiVersion(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function specifierSet(text: string, prereleases?: boolean): Pep440SpecifierSet {
  const parsed = parsePep440SpecifierSet(text, prereleases === undefined ? {} : { prereleases });
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

describe('specifier sets against the cases packaging generated (fixtures/specifier-cases.tsv)', () => {
  const rows = fixtureLines('specifier-cases.tsv').map((line) => line.split('\t'));

  it('has the cases the generator writes', () => {
    expect(rows.length).toBe(6004);
  });

  it('matches packaging for the default, prereleases=true and prereleases=false', () => {
    const mismatches: string[] = [];
    const sets = new Map<string, Pep440SpecifierSet>();
    for (const [text, candidateText, byDefault, withPre, withoutPre] of rows as [string, string, string, string, string][]) {
      let set = sets.get(text);
      if (!set) sets.set(text, (set = specifierSet(text)));
      const candidate = version(candidateText);
      const got = [
        set.contains(candidate),
        set.contains(candidate, { prereleases: true }),
        set.contains(candidate, { prereleases: false }),
      ].map((value) => (value ? 'T' : 'F'));
      const want = [byDefault, withPre, withoutPre];
      if (got.join() !== want.join()) mismatches.push(`${JSON.stringify(text)} ${candidateText}: got ${got} want ${want}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('honours prereleases given when the set is parsed', () => {
    expect(specifierSet('>=1.0', true).contains(version('1.1a1'))).toBe(true);
    expect(specifierSet('>=1.0a1', false).contains(version('1.1a1'))).toBe(false);
    expect(specifierSet('>=1.0a1', false).contains(version('1.1a1'), { prereleases: true })).toBe(true);
  });
});

describe('specifiers packaging rejects (fixtures/specifier-invalid.txt)', () => {
  it.each(fixtureLines('specifier-invalid.txt'))('%j is an invalid-range error', (text) => {
    const parsed = parsePep440SpecifierSet(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid-range');
  });
});

describe('parsePep440Specifier', () => {
  it.each([
    ['>=1.0', '>=', '1.0', false],
    [' ~= 1.4.5a4 ', '~=', '1.4.5a4', true],
    ['==1.0.*', '==', '1.0.*', false],
    ['!=1.0a1', '!=', '1.0a1', false],
    ['<1.0rc1', '<', '1.0rc1', true],
    ['===foo', '===', 'foo', false],
    ['===1.0.dev1', '===', '1.0.dev1', true],
  ] as const)('%j → %s %s (names a pre-release: %s)', (text, operator, versionText, impliesPrereleases) => {
    const parsed = parsePep440Specifier(text);
    expect(parsed.ok && { ...parsed.value, matches: undefined }).toEqual({
      operator,
      version: versionText,
      impliesPrereleases,
      matches: undefined,
    });
  });

  it('rejects a comma-separated set', () => {
    expect(parsePep440Specifier('>=1.0,<2').ok).toBe(false);
  });
});

describe('Pep440SpecifierSet', () => {
  it('keeps the text and prints the specifiers normalised', () => {
    const set = specifierSet(' >= 1.0 , <2 ,!=1.5.* ');
    expect(set.text).toBe(' >= 1.0 , <2 ,!=1.5.* ');
    expect(set.toString()).toBe('>=1.0,<2,!=1.5.*');
    expect(set.specifiers.map((specifier) => specifier.operator)).toEqual(['>=', '<', '!=']);
  });

  it('handles release numbers beyond 2^53 exactly', () => {
    const set = specifierSet('>=1.9007199254740993');
    expect(set.contains(version('1.9007199254740993'))).toBe(true);
    expect(set.contains(version('1.9007199254740992'))).toBe(false);
    expect(specifierSet('==1.9007199254740993.*').contains(version('1.9007199254740993.5'))).toBe(true);
    expect(specifierSet('~=1.9007199254740993.0').contains(version('1.9007199254740994'))).toBe(false);
  });

  it('throws on a version of another scheme (a programming error)', () => {
    expect(() => specifierSet('>=1').contains({ text: '1.0.0', isPrerelease: false, compare: () => 0 })).toThrow(TypeError);
  });
});
