import { describe, expect, it } from 'vitest';
import { npmScheme, parseNpmRange, parseNpmVersion } from './version.js';

function version(text: string) {
  const parsed = parseNpmVersion(text);
  if (!parsed.ok) throw new Error(`test setup: ${parsed.error.message}`);
  return parsed.value;
}

describe('npm ranges', () => {
  // Expected values follow npm's documented range grammar and pre-release rule.
  it.each([
    ['^1.2.3', '1.2.3', true],
    ['^1.2.3', '1.9.9', true],
    ['^1.2.3', '2.0.0', false],
    ['^1.2.3', '1.2.2', false],
    ['^0.2.3', '0.2.9', true],
    ['^0.2.3', '0.3.0', false],
    ['^0.0.3', '0.0.4', false],
    ['~1.2.3', '1.2.9', true],
    ['~1.2.3', '1.3.0', false],
    ['~1.2', '1.2.0', true],
    ['~1.2', '1.3.0', false],
    ['1.x', '1.9.0', true],
    ['1.x', '2.0.0', false],
    ['1.2.3 - 2.3.4', '2.3.4', true],
    ['1.2.3 - 2.3.4', '2.3.5', false],
    ['1.2 - 2.3', '2.3.9', true],
    ['1.2 - 2.3', '2.4.0', false],
    ['<1.2.3 || >2', '1.2.2', true],
    ['<1.2.3 || >2', '2.0.1', false],
    ['<1.2.3 || >2', '3.0.0', true],
    ['>=1.0.0 <1.5.0', '1.4.99', true],
    ['', '3.0.0', true],
    ['*', '3.0.0', true],
    ['v1.2.3', '1.2.3', true],
    ['1.2.3', '1.2.3+build.7', true],
  ])('%j contains %s: %s', (range, candidate, expected) => {
    const parsed = npmScheme.parseRange(range);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.contains(version(candidate))).toBe(expected);
  });

  describe('pre-releases satisfy a range only through a comparator with the same [major, minor, patch]', () => {
    it.each([
      ['^1.2.3', '1.2.4-beta', false],
      ['^1.2.3-beta.2', '1.2.3-beta.4', true],
      ['^1.2.3-beta.2', '1.2.3-alpha', false],
      ['^1.2.3-beta.2', '1.2.4-beta.2', false],
      ['^1.2.3-beta.2', '1.2.3', true],
      ['>=1.3.0-alpha <2', '1.3.0-beta.1', true],
      ['>=1.3.0-alpha <2', '1.4.0-beta', false],
      ['>1.2.3-alpha.3', '1.2.3-alpha.7', true],
      ['>1.2.3-alpha.3', '3.4.5-alpha.9', false],
      ['*', '1.0.0-beta', false],
      ['<2.0.0', '2.0.0-rc.1', false],
      ['1.2.3-rc.1 || 2.x', '1.2.3-rc.1', true],
    ])('%j contains %s: %s', (range, candidate, expected) => {
      const parsed = parseNpmRange(range);
      expect(parsed.ok).toBe(true);
      if (parsed.ok) expect(parsed.value.contains(version(candidate))).toBe(expected);
    });
  });

  it.each(['not a range', '>>1.0.0', '^1.2.3 || garbage', 'latest', 'npm:foo@^1', 'file:../x', 'git+ssh://host/repo.git'])(
    'rejects %j with invalid-range',
    (text) => {
      const parsed = parseNpmRange(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('invalid-range');
    },
  );
});

describe('npm versions', () => {
  it.each([
    ['1.2.3', false],
    ['1.2.3-0', true],
    ['1.2.3-beta.1', true],
    ['1.2.3+build', false],
  ])('%s is a pre-release: %s', (text, expected) => {
    expect(version(text).isPrerelease).toBe(expected);
  });

  it('accepts a leading v and keeps the text as given', () => {
    expect(version('v1.2.3').text).toBe('v1.2.3');
    expect(version('v1.2.3').compare(version('1.2.3'))).toBe(0);
  });

  it('ignores build metadata in ordering', () => {
    expect(version('1.2.3+a').compare(version('1.2.3+b'))).toBe(0);
  });

  it.each(['=1.2.3', '1.2.3beta', '01.2.3', '1.2', ' 1.2.3 4'])('refuses the loose form %j', (text) => {
    const parsed = parseNpmVersion(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid-version');
  });
});
