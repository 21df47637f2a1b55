import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectOneParseError, expectOnlyPackages, expectWellFormed, extractorFixtures, pypiPackage as registry } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import type { ExtractedPackage } from '../types.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/python/uvlock');
const { read: readFixture, extract: extractFixture } = fixtures;

describe('uv-lock detect', () => {
  it.each([
    ['uv.lock', true],
    ['services/api/uv.lock', true],
    ['a\\b\\uv.lock', true],
    ['uv.lock.orig', false],
    ['my-uv.lock', false],
    ['poetry.lock', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('uv-lock fixtures', () => {
  const cases: Array<[string, ExtractedPackage[]]> = [
    ['empty.lock', []],
    ['no-packages.lock', []],
    // The only package is the project itself (`source = { virtual = "." }`).
    ['no-dependencies.lock', []],
    ['one-package.lock', [registry('emoji', '2.14.0', 'one-package.lock', 4)]],
    [
      'two-packages.lock',
      [registry('emoji', '2.14.0', 'two-packages.lock', 4), registry('protobuf', '4.25.5', 'two-packages.lock', 13)],
    ],
    [
      'source-git.lock',
      [
        {
          ecosystem: 'PyPI',
          name: 'ruff',
          version: '0.8.1',
          location: { path: 'source-git.lock', line: 4 },
          source: 'git',
          commit: '84748be16341b76e073d117329f7f5f4ee2941ad',
          qualifiers: { vcs_url: 'https://github.com/astral-sh/ruff' },
        },
      ],
    ],
    [
      // No source tables at all: both are reported as registry packages without roles.
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

  it('grouped-packages.lock: main, extras (optional) and the project itself', () => {
    // Count: grep -c '^\[\[package\]\]' grouped-packages.lock → 15, minus the virtual project uv-lockfiles (line 193).
    // The project depends on emoji; extras cli = click, dev = black, test = black + flake8;
    // everything reachable only through an extra is optional.
    const path = 'grouped-packages.lock';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(14);
    const optional = { optional: true };
    expect(result.packages).toEqual([
      registry('black', '24.10.0', path, 4, optional),
      registry('click', '8.1.7', path, 38, optional),
      registry('colorama', '0.4.6', path, 50, optional),
      registry('emoji', '2.14.0', path, 59),
      registry('flake8', '7.1.1', path, 68, optional),
      registry('mccabe', '0.7.0', path, 82, optional),
      registry('mypy-extensions', '1.0.0', path, 91, optional),
      registry('packaging', '24.2', path, 100, optional),
      registry('pathspec', '0.12.1', path, 109, optional),
      registry('platformdirs', '4.3.6', path, 118, optional),
      registry('pycodestyle', '2.12.1', path, 127, optional),
      registry('pyflakes', '3.2.0', path, 136, optional),
      registry('tomli', '2.2.1', path, 145, optional),
      registry('typing-extensions', '4.12.2', path, 184, optional),
    ]);
  });

  it('not-toml.txt is a parse error on line 1', () => {
    expectOneParseError(extractFixture('not-toml.txt'), 'not-toml.txt', 1);
  });
});

describe('uv-lock edge cases', () => {
  const lock = [
    'version = 1', // 1
    '',
    '[[package]]', // 3
    'name = "app"',
    'version = "0.1.0"',
    'source = { editable = "." }',
    'dependencies = [{ name = "requests", extra = ["socks"] }]',
    '[package.dev-dependencies]',
    'dev = [{ name = "pytest" }]',
    '',
    '[[package]]', // 11
    'name = "requests"',
    'version = "2.32.0"',
    'source = { registry = "https://pypi.test/simple" }',
    '[package.optional-dependencies]',
    'socks = [{ name = "pysocks" }]',
    '',
    '[[package]]', // 18
    'name = "pysocks"',
    'version = "1.7.1"',
    'source = { registry = "https://pypi.test/simple" }',
    '',
    '[[package]]', // 23
    'name = "pytest"',
    'version = "8.0.0"',
    'source = { registry = "https://pypi.test/simple" }',
    'dependencies = [{ name = "requests" }]',
    '',
    '[[package]]', // 29
    'name = "lib"',
    'source = { directory = "../lib" }',
    '',
    '[[package]]', // 33
    'name = "member"',
    'version = "0.2.0"',
    'source = { editable = "packages/member" }',
    '',
    '[[package]]', // 38
    'name = "tarball"',
    'version = "1.0"',
    'source = { url = "https://example.test/tarball-1.0.tar.gz" }',
  ].join('\n');

  it('follows extras on edges, marks dev groups, skips editable members and reports dynamic versions', () => {
    const result = extractor.extract({ path: 'uv.lock', text: lock });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      registry('requests', '2.32.0', 'uv.lock', 11),
      // Reached through `extra = ["socks"]` on the project's own dependency: main, not optional.
      registry('pysocks', '1.7.1', 'uv.lock', 18),
      registry('pytest', '8.0.0', 'uv.lock', 23, { dev: true }),
      { ecosystem: 'PyPI', name: 'lib', version: null, location: { path: 'uv.lock', line: 29 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'tarball',
        version: '1.0',
        location: { path: 'uv.lock', line: 38 },
        source: 'url',
        qualifiers: { download_url: 'https://example.test/tarball-1.0.tar.gz' },
      },
    ]);
    expect(result.notScannable).toEqual([
      { name: 'lib', reason: 'no version in the lock entry (dynamic version)', location: { path: 'uv.lock', line: 29 } },
    ]);
  });

  it('takes the commit from the URL fragment and drops the query from the repository', () => {
    const text = '[[package]]\nname = "x"\nversion = "1"\nsource = { git = "https://example.test/x.git?rev=main#0123456789abcdef0123456789abcdef01234567" }\n';
    expect(extractor.extract({ path: 'uv.lock', text }).packages).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'x',
        version: '1',
        location: { path: 'uv.lock', line: 1 },
        source: 'git',
        commit: '0123456789abcdef0123456789abcdef01234567',
        qualifiers: { vcs_url: 'https://example.test/x.git' },
      },
    ]);
  });

  it('ends on dependency cycles', () => {
    const text = [
      '[[package]]', 'name = "root"', 'version = "0"', 'source = { virtual = "." }', 'dependencies = [{ name = "a" }]',
      '[[package]]', 'name = "a"', 'version = "1"', 'dependencies = [{ name = "b", extra = ["x"] }]',
      '[[package]]', 'name = "b"', 'version = "1"', 'dependencies = [{ name = "a" }]',
      '[package.optional-dependencies]', 'x = [{ name = "a", extra = ["y"] }, { name = "b", extra = ["x"] }]',
    ].join('\n');
    const result = extractor.extract({ path: 'uv.lock', text });
    expect(result.packages.map((found) => [found.name, found.location.line, found.dev, found.optional])).toEqual([
      ['a', 6, undefined, undefined],
      ['b', 10, undefined, undefined],
    ]);
  });

  it('keeps intact entries of a damaged file', () => {
    const text = '[[package]]\nname = "ok"\nversion = "1"\n\n[[package]]\nname = "broken\nversion = "2"\n';
    const result = extractor.extract({ path: 'uv.lock', text });
    expect(result.packages.map((found) => [found.name, found.location.line])).toEqual([['ok', 1]]);
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 6]]);
  });
});

describe('uv-lock hostile dependency graphs', () => {
  const project = 'version = 1\nrequires-python = ">=3.9"\n\n[[package]]\nname = "me"\nversion = "0.1.0"\nsource = { virtual = "." }\n';

  it('a project with 200,000 edges is read (they were spread into push(), a stack overflow)', () => {
    const edges = Array.from({ length: 200_000 }, () => '{ name = "a" }').join(', ');
    const text = `${project}dependencies = [${edges}]\n\n[[package]]\nname = "a"\nversion = "1.0"\n`;
    const result = extractor.extract({ path: 'uv.lock', text });
    expect(result.errors).toEqual([]);
    expect(result.packages.map((found) => [found.name, found.dev, found.optional])).toEqual([['a', undefined, undefined]]);
  });

  it('20,000 packages of one name reached by 20,000 edges with different extras: linear, not 4×10⁸ steps', () => {
    // The old walk kept one state per (package, extra) and died with "Set maximum size exceeded".
    const count = 20_000;
    const edges = Array.from({ length: count }, (_, index) => `{ name = "a", extra = ["e${index}"] }`).join(', ');
    const packages = Array.from({ length: count }, (_, index) => `\n[[package]]\nname = "a"\nversion = "${index}"\n`).join('');
    const result = extractor.extract({ path: 'uv.lock', text: `${project}dependencies = [${edges}]\n${packages}` });
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(count);
    expect(result.packages.every((found) => found.dev === undefined && found.optional === undefined)).toBe(true);
  });

  it('extras named like Object.prototype members are only extras', () => {
    const text = `${project}dependencies = [{ name = "a", extra = ["constructor", "__proto__", "toString"] }]\n\n[[package]]\nname = "a"\nversion = "1.0"\n`;
    expect(extractor.extract({ path: 'uv.lock', text }).packages.map((found) => found.name)).toEqual(['a']);
  });
});

describe('uv-lock fuzz', () => {
  function assertWellFormed(text: string): void {
    expectWellFormed(extractor.extract({ path: 'uv.lock', text }), { path: 'uv.lock', errorCodes: ['parse-error', 'unsupported-format'] });
  }

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => assertWellFormed(text)), { numRuns: 300 });
  });

  itWithSharedData('never throws on truncated or spliced real lockfiles', () => {
    const fixtures = ['grouped-packages.lock', 'source-git.lock', 'names-outside-package-block.lock', 'two-packages.lock'].map(readFixture);
    checkDamagedCopies(fixtures, assertWellFormed, { numRuns: 200 });
  });
});
