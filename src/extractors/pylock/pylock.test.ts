import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectOneParseError, expectOnlyPackages, expectWellFormed, extractorFixtures, pypiPackage as registry } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import type { ExtractedPackage } from '../types.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/python/pylock');
const { read: readFixture, extract: extractFixture } = fixtures;

describe('pylock detect', () => {
  it.each([
    ['pylock.toml', true],
    ['pylock.dev.toml', true],
    ['deploy/pylock.spam.toml', true],
    ['pylock.a.b.toml', false],
    ['pylock..toml', false],
    ['Pylock.toml', false],
    ['pylock.toml.bak', false],
    ['my-pylock.toml', false],
    ['pyproject.toml', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('pylock fixtures', () => {
  const cases: Array<[string, ExtractedPackage[]]> = [
    ['empty.toml', []],
    // `packages = [ { name = "hspaans-github-io", directory = { path = ".", editable = true } } ]`: the project itself.
    ['pip-just-self.toml', []],
    [
      'example.toml',
      [registry('attrs', '25.1.0', 'example.toml', 6), registry('cattrs', '24.1.2', 'example.toml', 19), registry('numpy', '2.2.3', 'example.toml', 30)],
    ],
    [
      'names-outside-package-block.toml',
      [registry('first-pkg', '1.0.0', 'names-outside-package-block.toml', 5), registry('second-pkg', '2.0.0', 'names-outside-package-block.toml', 17)],
    ],
    [
      // grep -c '^\[\[packages\]\]' pip-full.toml → 5
      'pip-full.toml',
      [
        registry('annotated-types', '0.7.0', 'pip-full.toml', 4),
        registry('packaging', '25.0', 'pip-full.toml', 15),
        registry('pyproject-toml', '0.1.0', 'pip-full.toml', 26),
        registry('setuptools', '80.9.0', 'pip-full.toml', 37),
        registry('wheel', '0.45.1', 'pip-full.toml', 48),
      ],
    ],
    [
      // grep -c '^\[\[packages\]\]' pdm-full.toml → 10
      'pdm-full.toml',
      [
        registry('certifi', '2025.1.31', 'pdm-full.toml', 10),
        registry('chardet', '3.0.4', 'pdm-full.toml', 23),
        registry('charset-normalizer', '2.0.12', 'pdm-full.toml', 36),
        registry('colorama', '0.3.9', 'pdm-full.toml', 49),
        registry('idna', '2.7', 'pdm-full.toml', 62),
        registry('py', '1.4.34', 'pdm-full.toml', 75),
        registry('pytest', '3.2.5', 'pdm-full.toml', 88),
        registry('requests', '2.27.1', 'pdm-full.toml', 101),
        registry('setuptools', '39.2.0', 'pdm-full.toml', 114),
        registry('urllib3', '1.26.20', 'pdm-full.toml', 127),
      ],
    ],
    [
      // grep -c '^\[\[packages\]\]' commits.toml → 8, minus the project itself (net-inf-eval, directory ".", line 19).
      'commits.toml',
      [
        registry('click', '8.2.1', 'commits.toml', 7),
        {
          ecosystem: 'PyPI',
          name: 'mleroc',
          version: '0.1.0',
          location: { path: 'commits.toml', line: 14 },
          source: 'git',
          commit: '735093f03c4d8be70bfaaae44074ac92d7419b6d',
          qualifiers: { vcs_url: 'https://github.com/Veggente/mleroc.git' },
        },
        registry('packaging', '24.2', 'commits.toml', 23),
        registry('pathspec', '0.12.1', 'commits.toml', 30),
        registry('python-dateutil', '2.9.0.post0', 'commits.toml', 37),
        registry('scikit-learn', '1.6.1', 'commits.toml', 44),
        registry('tqdm', '4.67.1', 'commits.toml', 71),
      ],
    ],
  ];

  it.each(cases)('%s', (name, expected) => {
    expectOnlyPackages(extractFixture(name), expected);
  });

  it('not-toml.txt is a parse error on line 1', () => {
    expectOneParseError(extractFixture('not-toml.txt'), 'not-toml.txt', 1);
  });
});

describe('pylock edge cases', () => {
  it('reads inline-array entries with their own lines, source trees without versions, archives and other VCSs', () => {
    const text = [
      "lock-version = '1.0'", // 1
      'packages = [',
      '  { name = "sub", directory = { path = "libs/sub" } },', // 3
      '  { name = "tarball", version = "1.0", archive = { url = "https://example.test/t-1.0.tar.gz" } },', // 4
      '  { name = "local-wheel", version = "2.0", archive = { path = "dist/w-2.0-py3-none-any.whl" } },', // 5
      '  { name = "hg-thing", vcs = { type = "hg", url = "https://example.test/hg", commit-id = "abc" } },', // 6
      ']',
    ].join('\n');
    const result = extractor.extract({ path: 'pylock.toml', text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      { ecosystem: 'PyPI', name: 'sub', version: null, location: { path: 'pylock.toml', line: 3 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'tarball',
        version: '1.0',
        location: { path: 'pylock.toml', line: 4 },
        source: 'url',
        qualifiers: { download_url: 'https://example.test/t-1.0.tar.gz' },
      },
      { ecosystem: 'PyPI', name: 'local-wheel', version: '2.0', location: { path: 'pylock.toml', line: 5 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'hg-thing',
        version: null,
        location: { path: 'pylock.toml', line: 6 },
        source: 'unknown',
        commit: 'abc',
        qualifiers: { vcs_url: 'https://example.test/hg' },
      },
    ]);
    const reason = 'no version in the lock entry (source tree)';
    expect(result.notScannable).toEqual([
      { name: 'sub', reason, location: { path: 'pylock.toml', line: 3 } },
      { name: 'hg-thing', reason, location: { path: 'pylock.toml', line: 6 } },
    ]);
  });

  it('keeps intact entries of a damaged file, with their sub-tables', () => {
    const text = [
      '[[packages]]', // 1
      'name = "ok"',
      'version = "1"',
      '[[packages.wheels]]',
      'name = "ok-1-py3-none-any.whl"',
      '',
      '[[packages]]', // 7
      'name = "broken"',
      'version = 1.2.3', // 9: not a TOML value
    ].join('\n');
    const result = extractor.extract({ path: 'pylock.toml', text });
    expect(result.packages).toEqual([registry('ok', '1', 'pylock.toml', 1)]);
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 9]]);
  });
});

describe('pylock fuzz', () => {
  function assertWellFormed(text: string): void {
    expectWellFormed(extractor.extract({ path: 'pylock.toml', text }), { path: 'pylock.toml', errorCodes: ['parse-error', 'unsupported-format'] });
  }

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => assertWellFormed(text)), { numRuns: 300 });
  });

  itWithSharedData('never throws on truncated or spliced real lockfiles', () => {
    const fixtures = ['commits.toml', 'example.toml', 'pip-full.toml', 'pip-just-self.toml'].map(readFixture);
    checkDamagedCopies(fixtures, assertWellFormed, { numRuns: 200 });
  });
});
