import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePep440Version, parsePypiVersion, type Pep440Version } from './pep440-version.js';
import { pypiScheme } from './version.js';
import { describeWithSharedData, sharedDataPath } from '../../../test/shared-data.js';

/** The shared ordering vectors (osv-scalibr, the generated file made with pip's packaging). */
function orderingVectors(name: string): { line: string; left: string; operator: string; right: string }[] {
  const text = readFileSync(sharedDataPath('versions', name), 'utf8');
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('//'))
    .map((line) => {
      const [left, operator, right] = line.split(/\s+/) as [string, string, string];
      return { line, left, operator, right };
    });
}

function version(text: string): Pep440Version {
  const parsed = pypiScheme.parse(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

const EXPECTED_ORDER = { '<': -1, '=': 0, '>': 1 } as Record<string, number>;

describeWithSharedData('PyPI ordering vectors', () => {
  describe.each([
    ['pypi-versions.txt', 37],
    ['pypi-versions-generated.txt', 12375],
  ])('%s', (file, count) => {
    const vectors = orderingVectors(file);

    it(`has ${count} orderings`, () => {
      expect(vectors.length).toBe(count);
    });

    it('orders every pair as the vector says, in both directions', () => {
      const wrong: string[] = [];
      for (const { line, left, operator, right } of vectors) {
        const want = EXPECTED_ORDER[operator];
        const a = version(left);
        const b = version(right);
        if (a.compare(b) !== want || b.compare(a) !== -want!) wrong.push(line);
      }
      expect(wrong).toEqual([]);
    });
  });
});

describe('parsePep440Version normalises as PEP 440 says', () => {
  it.each([
    // text, normalized, public, local, prerelease, dev, post, release, epoch
    ['1.0.0-ALPHA.1', '1.0.0a1', '1.0.0a1', null, true, false, false, [1, 0, 0], 0],
    ['v1.0', '1.0', '1.0', null, false, false, false, [1, 0], 0],
    ['V1.0', '1.0', '1.0', null, false, false, false, [1, 0], 0],
    [' 1.0 \n', '1.0', '1.0', null, false, false, false, [1, 0], 0],
    ['1!2.0.post1.dev3+Ubuntu-1.0', '1!2.0.post1.dev3+ubuntu.1.0', '1!2.0.post1.dev3', 'ubuntu.1.0', true, true, true, [2, 0], 1],
    ['1.0-1', '1.0.post1', '1.0.post1', null, false, false, true, [1, 0], 0],
    ['1.0.0.RC1', '1.0.0rc1', '1.0.0rc1', null, true, false, false, [1, 0, 0], 0],
    ['1.0c1', '1.0rc1', '1.0rc1', null, true, false, false, [1, 0], 0],
    ['1.0.r2', '1.0.post2', '1.0.post2', null, false, false, true, [1, 0], 0],
    ['1.0-r', '1.0.post0', '1.0.post0', null, false, false, true, [1, 0], 0],
    ['1.0.DEV', '1.0.dev0', '1.0.dev0', null, true, true, false, [1, 0], 0],
    ['1.0+1e3', '1.0+1e3', '1.0', '1e3', false, false, false, [1, 0], 0],
    ['1.0+0x10', '1.0+0x10', '1.0', '0x10', false, false, false, [1, 0], 0],
    ['1.0a.1', '1.0a1', '1.0a1', null, true, false, false, [1, 0], 0],
    ['1.0_post-2', '1.0.post2', '1.0.post2', null, false, false, true, [1, 0], 0],
    ['01.002', '1.2', '1.2', null, false, false, false, [1, 2], 0],
    ['1.0+abc_def-1', '1.0+abc.def.1', '1.0', 'abc.def.1', false, false, false, [1, 0], 0],
    ['1.0.post0.dev0', '1.0.post0.dev0', '1.0.post0.dev0', null, true, true, true, [1, 0], 0],
    ['1.99999999999999999999', '1.99999999999999999999', '1.99999999999999999999', null, false, false, false, [1, 1e20], 0],
  ] as const)('%j', (text, normalized, publicText, local, prerelease, dev, post, release, epoch) => {
    const parsed = parsePep440Version(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const v = parsed.value;
    expect({
      text: v.text,
      normalized: v.normalized,
      string: String(v),
      public: v.public,
      local: v.local,
      isPrerelease: v.isPrerelease,
      isDevRelease: v.isDevRelease,
      isPostRelease: v.isPostRelease,
      isLegacy: v.isLegacy,
      release: v.release,
      epoch: v.epoch,
    }).toEqual({
      text,
      normalized,
      string: normalized,
      public: publicText,
      local,
      isPrerelease: prerelease,
      isDevRelease: dev,
      isPostRelease: post,
      isLegacy: false,
      release,
      epoch,
    });
  });

  it.each(['', ' ', 'foo', '1.0-foo', '0.3m1', '1..0', '.1', '1.0+', '1.0+a..b', '1.0 .post1', '1.0-', 'a1.0', '1.0++1', '1!', '1.0.x'])(
    '%j is an invalid-version error',
    (text) => {
      const parsed = parsePep440Version(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('invalid-version');
    },
  );
});

describe('parsePep440Version of a plain release (read without the full pattern)', () => {
  it.each(['0', '1.0', '01.002.0', '2024.10.1', '1.2.3.4.5.6', '99999999999999999999.1'])('%s has the parts the full pattern gives', (text) => {
    // A leading space takes the full pattern (which allows surrounding whitespace) to the same parts.
    const plain = parsePep440Version(text);
    const full = parsePep440Version(` ${text}`);
    if (!plain.ok || !full.ok) throw new Error('expected versions');
    expect(plain.value.parts).toEqual(full.value.parts);
    expect(plain.value.normalized).toBe(full.value.normalized);
    expect(plain.value.compare(full.value)).toBe(0);
  });
});

describe('comparison', () => {
  it.each([
    ['1.0', '1.0.0', 0],
    ['1.0', '1.0.0.0+local', -1],
    ['1.0+local', '1.0', 1],
    ['1.0+abc', '1.0+ABC', 0],
    ['1.0+1', '1.0+abc', 1],
    ['1.0+abc', '1.0+abc.0', -1],
    ['1.0+2', '1.0+10', -1],
    ['1.0+1e3', '1.0+2', -1],
    ['1.0.dev0', '1.0a1', -1],
    ['1.0a1.dev1', '1.0a1', -1],
    ['1.0a1.post1', '1.0b1', -1],
    ['1.0rc1', '1.0', -1],
    ['1.0', '1.0.post0.dev0', -1],
    ['1.0.post0.dev0', '1.0.post0', -1],
    ['1.0.post1', '1.0.1.dev0', -1],
    ['1!0.1', '2.0', 1],
    ['1.9007199254740993', '1.9007199254740992', 1],
    ['1.99999999999999999999', '1.99999999999999999998', 1],
    ['foo', '0.dev0', -1],
    ['0.9-doduo', '0.9-eevee', -1],
    ['1.0-beta-2', '1.0-beta-10', -1],
  ] as const)('%s vs %s = %i', (left, right, expected) => {
    expect(version(left).compare(version(right))).toBe(expected);
    expect(version(right).compare(version(left))).toBe(-expected || 0);
    expect(version(left).equals(version(right))).toBe(expected === 0);
  });
});

describe('parsePypiVersion (pypiScheme.parse)', () => {
  it('keeps pre-PEP 440 versions as legacy versions', () => {
    const parsed = parsePypiVersion(' 0.3m1 ');
    expect(parsed.ok && parsed.value).toMatchObject({
      text: ' 0.3m1 ',
      normalized: '0.3m1',
      public: '0.3m1',
      isLegacy: true,
      isPrerelease: false,
      epoch: -1,
      release: [],
      local: null,
    });
  });

  it('orders legacy words that are also names on Object.prototype like any other word', () => {
    expect(version('constructor-2').compare(version('constructor-10'))).toBe(-1);
    expect(version('1.0-toString').compare(version('1.0-valueOf'))).toBe(-1);
  });

  it.each(['', '   ', '---', '1.0 beta', 'caf\u00e9-1', '1.0\t2'])('%j is an invalid-version error', (text) => {
    const parsed = parsePypiVersion(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid-version');
  });

  it('is the scheme for PyPI with specifier sets as ranges', () => {
    expect(pypiScheme.ecosystem).toBe('PyPI');
    const range = pypiScheme.parseRange('>=1.0,<2');
    expect(range.ok && range.value.contains(version('1.5'))).toBe(true);
    expect(range.ok && range.value.contains(version('2.0'))).toBe(false);
    const bad = pypiScheme.parseRange('>=1.0+local');
    expect(!bad.ok && bad.error.code).toBe('invalid-range');
  });
});
