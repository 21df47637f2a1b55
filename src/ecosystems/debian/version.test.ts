import { describe, expect, it } from 'vitest';
import { debianScheme, parseDebianRange, parseDebianVersion } from './version.js';

function version(text: string) {
  const parsed = parseDebianVersion(text);
  if (!parsed.ok) throw new Error(`test setup: ${parsed.error.message}`);
  return parsed.value;
}

describe('Debian relations', () => {
  it.each([
    ['>= 1.2-3', '1.2-3', true],
    ['>= 1.2-3', '1.2-2', false],
    ['>= 1.2-3', '1:0.1', true],
    ['>=1.2-3', '1.2-10', true],
    ['<< 1.0', '1.0~rc1', true],
    ['<< 1.0', '1.0', false],
    ['<= 1.0-1', '1.0-1~bpo11+1', true],
    ['<= 1.0-1', '1.0-1+deb12u1', false],
    ['= 2:1.0-1', '2:1.0-1', true],
    ['(= 2:1.0-1)', '1.0-1', false],
    ['= 1.0', '1.0-0', true],
    ['>> 1.0', '1.0+dfsg', true],
    ['>> 1.0', '1.0', false],
    ['>> 1.0', '1.0a', true],
  ])('%j contains %s: %s', (relation, candidate, expected) => {
    const parsed = debianScheme.parseRange(relation);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(parsed.value.contains(version(candidate))).toBe(expected);
  });

  it.each(['', '1.0', '<< ', '>= a1', '>= 1.0 1.1', '>= 1.0 | >= 2.0', '(>= 1.0', '>= 1.0)', '!= 1.0'])(
    'rejects %j with invalid-range',
    (text) => {
      const parsed = parseDebianRange(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('invalid-range');
    },
  );

  it.each(['< 1.0', '> 1.0'])('refuses the obsolete relation in %j and says why', (text) => {
    const parsed = parseDebianRange(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.message).toContain('obsolete');
  });
});

describe('Debian version syntax, as dpkg 1.21 judges it', () => {
  // Each reason is the text dpkg --compare-versions printed for the same input on Debian 12.
  it.each([
    ['', 'version string is empty'],
    ['1 0', 'version string has embedded spaces'],
    [':1', 'epoch in version is empty'],
    ['a:1', 'epoch in version is empty'],
    ['1.0-1.0:1', 'epoch in version is not number'],
    ['2147483648:1', 'epoch in version is too big'],
    ['1:', 'nothing after colon in version number'],
    ['1.0-', 'revision number is empty'],
    ['1:-1', 'version number is empty'],
    ['a1', 'version number does not start with digit'],
    ['~1', 'version number does not start with digit'],
    ['1.0_1', 'invalid character in version number'],
    ['1.0-a_b', 'invalid character in revision number'],
  ])('refuses %j: %s', (text, reason) => {
    const parsed = parseDebianVersion(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.error.code).toBe('invalid-version');
      expect(parsed.error.message).toContain(reason);
    }
  });

  it.each([
    ['1:2:3', 1, '2:3', ''],
    ['1.0-1-2', 0, '1.0-1', '2'],
    [' 1.0 ', 0, '1.0', ''],
    ['2147483647:1', 2147483647, '1', ''],
    ['00:1.2-3ubuntu1', 0, '1.2', '3ubuntu1'],
  ])('accepts %j as epoch %d, upstream %s, revision %j', (text, epoch, upstream, revision) => {
    const parsed = version(text);
    expect([parsed.epoch, parsed.upstream, parsed.revision]).toEqual([epoch, upstream, revision]);
    expect(parsed.text).toBe(text);
  });

  it.each([
    ['1.0~rc1-1', true],
    ['1.0-1~bpo12+1', false],
    ['1.0-1', false],
  ])('%s is a pre-release: %s', (text, expected) => {
    expect(version(text).isPrerelease).toBe(expected);
  });

  it('compares digit runs longer than a double holds', () => {
    expect(version('1.18446744073709551617').compare(version('1.18446744073709551616'))).toBe(1);
  });
});
