import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectOnlyPackages, expectWellFormed, extractorFixtures, pypiPackage as registry } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import type { ExtractedPackage } from '../types.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/python/poetrylock');
const { read: readFixture, extract: extractFixture } = fixtures;

describe('poetry-lock detect', () => {
  it.each([
    ['poetry.lock', true],
    ['project/poetry.lock', true],
    ['C:\\work\\poetry.lock', true],
    ['poetry.lock.bak', false],
    ['Poetry.lock', false],
    ['pyproject.toml', false],
    ['uv.lock', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('poetry-lock fixtures', () => {
  const cases: Array<[string, ExtractedPackage[]]> = [
    ['empty-file.lock', []],
    ['empty.lock', []],
    ['one-package.lock', [registry('numpy', '1.23.3', 'one-package.lock', 1)]],
    ['one-package-with-metadata.lock', [registry('emoji', '2.0.0', 'one-package-with-metadata.lock', 1)]],
    ['optional-package.lock', [registry('numpy', '1.23.3', 'optional-package.lock', 1, { optional: true })]],
    [
      'two-packages.lock',
      [registry('proto-plus', '1.22.0', 'two-packages.lock', 1), registry('protobuf', '4.21.5', 'two-packages.lock', 15)],
    ],
    [
      'source-git.lock',
      [
        {
          ecosystem: 'PyPI',
          name: 'ike',
          version: '0.2.0',
          location: { path: 'source-git.lock', line: 1 },
          source: 'git',
          commit: 'cd66602cd29f61a2d2e7fb995fef1e61708c034d',
          qualifiers: { vcs_url: 'https://github.com/dzshn/ike' },
        },
      ],
    ],
    [
      'source-legacy.lock',
      [
        registry('appdirs', '1.4.4', 'source-legacy.lock', 1, {
          qualifiers: { repository_url: 'https://piwheels.org/simple' },
        }),
      ],
    ],
    [
      // `name = ...` lines inside a multi-line string, a sub-table and a comment must not count.
      'names-outside-package-block.lock',
      [
        registry('first-pkg', '1.0.0', 'names-outside-package-block.lock', 3),
        registry('second-pkg', '2.0.0', 'names-outside-package-block.lock', 15),
      ],
    ],
  ];

  it.each(cases)('%s', (name, expected) => {
    expectOnlyPackages(extractFixture(name), expected);
  });

  it('multiple-packages.v2.lock (Poetry 2 groups and optional extras)', () => {
    // Count: grep -c '^\[\[package\]\]' multiple-packages.v2.lock → 11
    const path = 'multiple-packages.v2.lock';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(11);
    expect(result.packages).toEqual([
      registry('async-timeout', '5.0.1', path, 3, { optional: true }),
      registry('factory-boy', '3.3.1', path, 16, { dev: true }),
      registry('faker', '33.3.0', path, 35, { dev: true }),
      registry('proto-plus', '1.22.0', path, 51),
      registry('proto-plus', '1.23.0', path, 70),
      registry('protobuf', '4.25.5', path, 89),
      registry('python-dateutil', '2.9.0.post0', path, 110, { dev: true }),
      registry('redis', '5.2.1', path, 125, { optional: true }),
      // groups = ["main", "dev", "test"]: needed at runtime, so not dev.
      registry('six', '1.17.0', path, 145),
      registry('typing-extensions', '4.12.2', path, 157, { dev: true }),
      registry('urllib3', '2.3.0', path, 169, { dev: true }),
    ]);
  });

  it('not-toml.txt is a parse error on line 1 and yields nothing', () => {
    const result = extractFixture('not-toml.txt');
    expect(result.packages).toEqual([]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.code).toBe('parse-error');
    expect(result.errors[0]!.location).toEqual({ path: 'not-toml.txt', line: 1 });
  });
});

describe('poetry-lock edge cases', () => {
  it('reads Poetry 1.x dev category, file, directory and url sources', () => {
    const text = [
      '[[package]]', // 1
      'name = "pytest"',
      'version = "7.0.0"',
      'category = "dev"',
      '',
      '[[package]]', // 6
      'name = "local-lib"',
      'version = "0.1.0"',
      'category = "main"',
      '[package.source]',
      'type = "directory"',
      'url = "../local-lib"',
      '',
      '[[package]]', // 14
      'name = "wheel-file"',
      'version = "1.0"',
      '[package.source]',
      'type = "file"',
      'url = "dist/wheel_file-1.0-py3-none-any.whl"',
      '',
      '[[package]]', // 21
      'name = "remote"',
      'version = "2.0"',
      '[package.source]',
      'type = "url"',
      'url = "https://example.test/remote-2.0.tar.gz"',
    ].join('\n');
    const result = extractor.extract({ path: 'poetry.lock', text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      registry('pytest', '7.0.0', 'poetry.lock', 1, { dev: true }),
      { ecosystem: 'PyPI', name: 'local-lib', version: '0.1.0', location: { path: 'poetry.lock', line: 6 }, source: 'path' },
      { ecosystem: 'PyPI', name: 'wheel-file', version: '1.0', location: { path: 'poetry.lock', line: 14 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'remote',
        version: '2.0',
        location: { path: 'poetry.lock', line: 21 },
        source: 'url',
        qualifiers: { download_url: 'https://example.test/remote-2.0.tar.gz' },
      },
    ]);
  });

  it('keeps the intact entries of a damaged file and reports the error line', () => {
    const text = [
      '[[package]]', // 1
      'name = "a"',
      'version = "1.0"',
      '',
      '[[package]]', // 5
      'name = "b"',
      'version = = "2.0"', // 7: syntax error
      '',
      '[[package]]', // 9
      'name = "c"',
      'version = "3.0"',
      '[package.source]',
      'type = "git"',
      'url = "https://example.test/c.git"',
      'resolved_reference = "0123456789abcdef0123456789abcdef01234567"',
    ].join('\n');
    const result = extractor.extract({ path: 'poetry.lock', text });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.code).toBe('parse-error');
    expect(result.errors[0]!.location).toEqual({ path: 'poetry.lock', line: 7 });
    expect(result.packages).toEqual([
      registry('a', '1.0', 'poetry.lock', 1),
      {
        ecosystem: 'PyPI',
        name: 'c',
        version: '3.0',
        location: { path: 'poetry.lock', line: 9 },
        source: 'git',
        commit: '0123456789abcdef0123456789abcdef01234567',
        qualifiers: { vcs_url: 'https://example.test/c.git' },
      },
    ]);
  });

  it('reports an entry without a name as an error and one without a version as not scannable', () => {
    const text = ['[[package]]', 'version = "1.0"', '', '[[package]]', 'name = "noversion"'].join('\n');
    const result = extractor.extract({ path: 'poetry.lock', text });
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([
      ['parse-error', { path: 'poetry.lock', line: 1 }],
    ]);
    expect(result.packages).toEqual([
      { ecosystem: 'PyPI', name: 'noversion', version: null, location: { path: 'poetry.lock', line: 4 }, source: 'registry' },
    ]);
    expect(result.notScannable).toEqual([
      { name: 'noversion', reason: 'no version in the lock entry', location: { path: 'poetry.lock', line: 4 } },
    ]);
  });

  it('reports a `package` key that is not an array', () => {
    const result = extractor.extract({ path: 'poetry.lock', text: 'package = "oops"\n' });
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => error.code)).toEqual(['parse-error']);
  });
});

describe('poetry-lock fuzz', () => {
  function assertWellFormed(text: string): void {
    expectWellFormed(extractor.extract({ path: 'poetry.lock', text }), { path: 'poetry.lock', errorCodes: ['parse-error', 'unsupported-format'] });
  }

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => assertWellFormed(text)), { numRuns: 300 });
  });

  itWithSharedData('never throws on truncated or spliced real lockfiles', () => {
    const fixtures = ['multiple-packages.v2.lock', 'source-git.lock', 'names-outside-package-block.lock', 'two-packages.lock'].map(readFixture);
    checkDamagedCopies(fixtures, assertWellFormed, { numRuns: 300 });
  });
});
