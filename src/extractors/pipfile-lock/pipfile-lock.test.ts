import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectOneParseError, expectOnlyPackages, expectWellFormed, extractorFixtures, pypiPackage as registry } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import type { ExtractedPackage } from '../types.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/python/pipfilelock');
const { read: readFixture, extract: extractFixture } = fixtures;

const dev = { dev: true };

describe('pipfile-lock detect', () => {
  it.each([
    ['Pipfile.lock', true],
    ['app/Pipfile.lock', true],
    ['app\\Pipfile.lock', true],
    ['pipfile.lock', false],
    ['Pipfile', false],
    ['Pipfile.lock.json', false],
    ['package-lock.json', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('pipfile-lock fixtures', () => {
  const cases: Array<[string, ExtractedPackage[]]> = [
    ['empty.json', []],
    ['minified.json', [registry('markupsafe', '2.1.1', 'minified.json', 1)]],
    ['one-package.json', [registry('markupsafe', '2.1.1', 'one-package.json', 19)]],
    ['one-package-dev.json', [registry('markupsafe', '2.1.1', 'one-package-dev.json', 20, dev)]],
    ['two-packages.json', [registry('itsdangerous', '2.1.2', 'two-packages.json', 19), registry('markupsafe', '2.1.1', 'two-packages.json', 29, dev)]],
    [
      'two-packages-alt.json',
      [registry('itsdangerous', '2.1.2', 'two-packages-alt.json', 19), registry('markupsafe', '2.1.1', 'two-packages-alt.json', 27)],
    ],
    [
      // The same names in both sections are two entries, each with its own line and role.
      'multiple-packages.json',
      [
        registry('itsdangerous', '2.1.2', 'multiple-packages.json', 19),
        registry('pluggy', '1.0.1', 'multiple-packages.json', 27),
        registry('markupsafe', '2.1.1', 'multiple-packages.json', 32),
        registry('itsdangerous', '2.1.2', 'multiple-packages.json', 80, dev),
        registry('pluggy', '1.0.0', 'multiple-packages.json', 88, dev),
      ],
    ],
  ];

  it.each(cases)('%s', (name, expected) => {
    expectOnlyPackages(extractFixture(name), expected);
  });

  it('no-version.json: git entries keep their commit and are not scannable by version', () => {
    const path = 'no-version.json';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'markupsafe',
        version: null,
        location: { path, line: 19 },
        source: 'git',
        commit: 'b36054111bc1e8bbadb5d0d60158feb72926f467',
        qualifiers: { vcs_url: 'https://github.com/pallets/markupsafe' },
      },
      {
        ecosystem: 'PyPI',
        name: 'itsdangerous',
        version: null,
        location: { path, line: 26 },
        source: 'git',
        commit: 'de09cad488a4d7c7bbcbcdb8e1c2dfde64325f48',
        qualifiers: { vcs_url: 'https://github.com/pallets/itsdangerous' },
        dev: true,
      },
    ]);
    expect(result.notScannable).toEqual([
      { name: 'markupsafe', reason: 'no version in the lock entry', location: { path, line: 19 } },
      { name: 'itsdangerous', reason: 'no version in the lock entry', location: { path, line: 26 } },
    ]);
  });

  it.each([
    ['empty-file', 1],
    ['not-json.txt', 1],
  ])('%s is a parse error on line %i', (name, line) => {
    expectOneParseError(extractFixture(name), name, line);
  });
});

describe('pipfile-lock edge cases', () => {
  it('reads custom categories as dev, path/file sources, non-SHA refs and non-exact versions', () => {
    const text = [
      '{', // 1
      '  "_meta": {},',
      '  "default": {',
      '    "local": {"path": "./libs/local", "editable": true},', // 4
      '    "remote": {"file": "https://example.test/remote-1.0.tar.gz", "version": "==1.0"},', // 5
      '    "branchy": {"git": "https://example.test/b.git", "ref": "main", "version": "===2.0"},', // 6
      '    "loose": {"version": "*"}', // 7
      '  },',
      '  "docs": {',
      '    "sphinx": {"version": "==7.0.0"}', // 10
      '  }',
      '}',
    ].join('\n');
    const result = extractor.extract({ path: 'Pipfile.lock', text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      { ecosystem: 'PyPI', name: 'local', version: null, location: { path: 'Pipfile.lock', line: 4 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'remote',
        version: '1.0',
        location: { path: 'Pipfile.lock', line: 5 },
        source: 'url',
        qualifiers: { download_url: 'https://example.test/remote-1.0.tar.gz' },
      },
      {
        ecosystem: 'PyPI',
        name: 'branchy',
        version: '2.0',
        location: { path: 'Pipfile.lock', line: 6 },
        source: 'git',
        qualifiers: { vcs_url: 'https://example.test/b.git' },
      },
      { ecosystem: 'PyPI', name: 'loose', version: null, location: { path: 'Pipfile.lock', line: 7 }, source: 'registry' },
      registry('sphinx', '7.0.0', 'Pipfile.lock', 10, dev),
    ]);
    expect(result.notScannable).toEqual([
      { name: 'local', reason: 'no version in the lock entry', location: { path: 'Pipfile.lock', line: 4 } },
      { name: 'loose', reason: 'version "*" is not an exact pin', location: { path: 'Pipfile.lock', line: 7 } },
    ]);
  });

  itWithSharedData('keeps complete entries of a truncated file and reports where it broke', () => {
    const text = readFixture('multiple-packages.json');
    // Cut inside the develop "pluggy" entry (line 88 onwards): everything before it is intact.
    const cut = text.slice(0, text.indexOf('"markers"', text.indexOf('"develop"')));
    const result = extractor.extract({ path: 'Pipfile.lock', text: cut });
    expect(result.packages.map((found) => [found.name, found.version, found.location.line, found.dev])).toEqual([
      ['itsdangerous', '2.1.2', 19, undefined],
      ['pluggy', '1.0.1', 27, undefined],
      ['markupsafe', '2.1.1', 32, undefined],
      ['itsdangerous', '2.1.2', 80, true],
    ]);
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 93]]);
  });

  it.each([
    ['[]', 'Pipfile.lock is not a JSON object'],
    ['{"default": []}', 'section "default" is not an object'],
    ['{"default": {"x": "==1.0"}}', 'package entry "x" is not an object with a name'],
  ])('reports the wrong shape %s', (text, message) => {
    const result = extractor.extract({ path: 'Pipfile.lock', text });
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.message, error.location])).toEqual([
      ['parse-error', message, { path: 'Pipfile.lock', line: 1 }],
    ]);
  });
});

describe('pipfile-lock fuzz', () => {
  function assertWellFormed(text: string): void {
    expectWellFormed(extractor.extract({ path: 'Pipfile.lock', text }), { path: 'Pipfile.lock', errorCodes: ['parse-error', 'unsupported-format'] });
  }

  it('never throws on arbitrary text and JSON values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 400 }), fc.json({ maxDepth: 4 })), (text) => assertWellFormed(text)),
      { numRuns: 300 },
    );
  });

  itWithSharedData('never throws on truncated or spliced real lockfiles', () => {
    const fixtures = ['multiple-packages.json', 'no-version.json', 'minified.json'].map(readFixture);
    checkDamagedCopies(fixtures, assertWellFormed, { numRuns: 200 });
  });
});
