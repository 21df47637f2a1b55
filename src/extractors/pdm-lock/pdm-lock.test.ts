import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectOneParseError, expectOnlyPackages, expectWellFormed, extractorFixtures, pypiPackage as registry } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import type { ExtractedPackage } from '../types.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/python/pdmlock');
const { read: readFixture, extract: extractFixture } = fixtures;

describe('pdm-lock detect', () => {
  it.each([
    ['pdm.lock', true],
    ['backend/pdm.lock', true],
    ['pdm.lock.toml', false],
    ['pdm.toml', false],
    ['uv.lock', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('pdm-lock fixtures', () => {
  const cases: Array<[string, ExtractedPackage[]]> = [
    ['empty-file.toml', []],
    ['empty.toml', []],
    ['single-package.toml', [registry('toml', '0.10.2', 'single-package.toml', 10)]],
    ['two-packages.toml', [registry('six', '1.16.0', 'two-packages.toml', 10), registry('toml', '0.10.2', 'two-packages.toml', 21)]],
    [
      'dev-dependency.toml',
      [
        registry('pyroute2', '0.7.11', 'dev-dependency.toml', 10, { dev: true }),
        registry('toml', '0.10.2', 'dev-dependency.toml', 22),
        registry('win-inet-pton', '1.1.0', 'dev-dependency.toml', 33, { dev: true }),
      ],
    ],
    [
      // The lock cannot tell an extras group ("tmp") from a dev group: both are outside "default".
      'optional-dependency.toml',
      [
        registry('pyroute2', '0.7.11', 'optional-dependency.toml', 10, { dev: true }),
        registry('toml', '0.10.2', 'optional-dependency.toml', 22),
        registry('win-inet-pton', '1.1.0', 'optional-dependency.toml', 33, { dev: true }),
      ],
    ],
    [
      'git-dependency.toml',
      [
        {
          ecosystem: 'PyPI',
          name: 'toml',
          version: '0.10.2',
          location: { path: 'git-dependency.toml', line: 10 },
          source: 'git',
          commit: '65bab7582ce14c55cdeec2244c65ea23039c9e6f',
          qualifiers: { vcs_url: 'https://github.com/uiri/toml.git' },
        },
      ],
    ],
    [
      'names-outside-package-block.toml',
      [
        registry('first-pkg', '1.0.0', 'names-outside-package-block.toml', 10),
        registry('second-pkg', '2.0.0', 'names-outside-package-block.toml', 23),
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

describe('pdm-lock edge cases', () => {
  it('reads url and path packages and reports a missing version', () => {
    const text = [
      '[[package]]', // 1
      'name = "remote"',
      'version = "1.0"',
      'url = "https://example.test/remote-1.0.tar.gz"',
      'groups = ["default", "test"]',
      '',
      '[[package]]', // 7
      'name = "local"',
      'path = "./libs/local"',
      'groups = ["doc"]',
    ].join('\n');
    const result = extractor.extract({ path: 'pdm.lock', text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'remote',
        version: '1.0',
        location: { path: 'pdm.lock', line: 1 },
        source: 'url',
        qualifiers: { download_url: 'https://example.test/remote-1.0.tar.gz' },
      },
      { ecosystem: 'PyPI', name: 'local', version: null, location: { path: 'pdm.lock', line: 7 }, source: 'path', dev: true },
    ]);
    expect(result.notScannable).toEqual([{ name: 'local', reason: 'no version in the lock entry', location: { path: 'pdm.lock', line: 7 } }]);
  });

  it('reports an entry with a non-string name at its line and keeps the rest', () => {
    const text = '[[package]]\nname = 3\nversion = "1"\n\n[[package]]\nname = "ok"\nversion = "2"\n';
    const result = extractor.extract({ path: 'pdm.lock', text });
    expect(result.packages.map((found) => [found.name, found.location.line])).toEqual([['ok', 5]]);
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 1]]);
  });
});

describe('pdm-lock fuzz', () => {
  function assertWellFormed(text: string): void {
    expectWellFormed(extractor.extract({ path: 'pdm.lock', text }), { path: 'pdm.lock', errorCodes: ['parse-error', 'unsupported-format'] });
  }

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => assertWellFormed(text)), { numRuns: 300 });
  });

  itWithSharedData('never throws on truncated or spliced real lockfiles', () => {
    const fixtures = ['dev-dependency.toml', 'git-dependency.toml', 'names-outside-package-block.toml'].map(readFixture);
    checkDamagedCopies(fixtures, assertWellFormed, { numRuns: 200 });
  });
});
