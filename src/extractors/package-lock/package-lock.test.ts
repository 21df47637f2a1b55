import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDamagedCopies,
  DEV_ONLY as dev,
  expectWellFormed,
  extractorFixtures,
  fromGit as git,
  npmPackages as expand,
  OPTIONAL as optional,
  type PackageRow as Row,
  readSharedFile as read,
} from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/javascript/packagelockjson');
const extractFixture = fixtures.extract;

describe('package-lock detect', () => {
  it.each([
    ['package-lock.json', true],
    ['app/package-lock.json', true],
    ['npm-shrinkwrap.json', true],
    ['C:\\app\\npm-shrinkwrap.json', true],
    ['node_modules/.package-lock.json', false],
    ['package.json', false],
    ['package-lock.json.bak', false],
    ['yarn.lock', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('package-lock fixtures', () => {
  const twoPackagesV2: Row[] = [
    ['wrappy', '1.0.2', 13],
    ['supports-color', '5.5.0', 18],
  ];
  const cases: Array<[string, Row[]]> = [
    ['empty.v1.json', []],
    ['empty.v2.json', []],
    ['one-package.v1.json', [['wrappy', '1.0.2', 5]]],
    ['one-package.v2.json', [['wrappy', '1.0.2', 10]]],
    ['one-package-dev.v1.json', [['wrappy', '1.0.2', 5, dev]]],
    ['one-package-dev.v2.json', [['wrappy', '1.0.2', 10, dev]]],
    [
      'two-packages.v1.json',
      [
        ['wrappy', '1.0.2', 5],
        ['supports-color', '5.5.0', 10],
      ],
    ],
    ['two-packages.v2.json', twoPackagesV2],
    ['both/package-lock.json', twoPackagesV2],
    ['both/npm-shrinkwrap.json', twoPackagesV2],
    ['package-lock-only/package-lock.json', twoPackagesV2],
    ['npm-shrinkwrap-only/npm-shrinkwrap.json', twoPackagesV2],
    [
      'scoped-packages.v1.json',
      [
        ['@babel/code-frame', '7.0.0', 5],
        ['wrappy', '1.0.2', 13],
      ],
    ],
    [
      'scoped-packages.v2.json',
      [
        ['@babel/code-frame', '7.0.0', 10],
        ['wrappy', '1.0.2', 18],
      ],
    ],
    [
      'alias.v1.json',
      [
        ['@babel/code-frame', '7.0.0', 5, { qualifiers: { alias: 'babel-code-frame' } }],
        ['string-width', '5.1.2', 13],
        ['string-width', '4.2.0', 23, { qualifiers: { alias: 'string-width-cjs' } }],
      ],
    ],
    [
      'alias.v2.json',
      [
        ['@babel/code-frame', '7.0.0', 13, { qualifiers: { alias: 'babel-code-frame' } }],
        ['string-width', '5.1.2', 22],
        ['string-width', '4.2.0', 32, { qualifiers: { alias: 'string-width-cjs' } }],
      ],
    ],
    [
      'bundled-dependencies.v3.json',
      [
        ['ansi-regex', '6.2.2', 22],
        ['semver', '7.7.2', 35, dev],
        ['strip-ansi', '7.1.2', 49],
      ],
    ],
    // other_package is a local file: folder: not a registry package.
    ['files.v1.json', [['lodash', '1.3.1', 5]]],
    // deps/etag is the local folder itself; its own node_modules holds a real install.
    [
      'files.v2.json',
      [
        ['abbrev', '1.0.9', 36, dev],
        ['abbrev', '2.3.4', 42, dev],
      ],
    ],
    [
      'nested-dependencies.v1.json',
      [
        ['postcss', '6.0.23', 5],
        ['postcss-calc', '7.0.1', 15],
        ['postcss', '7.0.16', 26],
        ['supports-color', '6.1.0', 36],
        ['supports-color', '5.5.0', 46],
      ],
    ],
    [
      'nested-dependencies.v2.json',
      [
        ['postcss', '6.0.23', 10],
        ['postcss-calc', '7.0.1', 23],
        ['postcss', '7.0.16', 34],
        ['supports-color', '6.1.0', 47],
        ['supports-color', '5.5.0', 58],
      ],
    ],
    [
      'optional-package.v1.json',
      [
        ['wrappy', '1.0.2', 5, { dev: true, optional: true }],
        ['supports-color', '5.5.0', 12, optional],
      ],
    ],
    // devOptional: needed by a dev dependency and optionally at run time, so optional but not dev-only.
    [
      'optional-package.v2.json',
      [
        ['wrappy', '1.0.2', 10, optional],
        ['supports-color', '5.5.0', 16, optional],
      ],
    ],
    [
      'same-package-different-groups.v1.json',
      [
        ['ajv', '5.5.2', 5, dev],
        ['eslint', '1.2.3', 17, dev],
        ['ajv', '5.5.2', 21, dev],
        ['ajv', '5.5.2', 33, optional],
        ['table', '1.0.0', 49],
        ['ajv', '5.5.2', 52],
        ['ajv', '5.5.2', 63, { dev: true, optional: true }],
      ],
    ],
    [
      'same-package-different-groups.v2.json',
      [
        ['ajv', '5.5.2', 10, dev],
        ['eslint', '1.2.3', 22, dev],
        ['ajv', '5.5.2', 26, dev],
        ['ajv', '5.5.2', 38, optional],
        ['table', '1.0.0', 50],
        ['ajv', '5.5.2', 53],
        ['ajv', '5.5.2', 64, optional],
      ],
    ],
    // Only `dependencies` (although it says lockfileVersion 2): v1 puts the git URL where the version goes.
    [
      'commits.v1.json',
      [
        ['@segment/analytics.js-integration-facebook-pixel', null, 5, git('3b1bb80b302c2e552685dc8a029797ec832ea7c9')],
        ['ansi-styles', '1.0.0', 19],
        ['babel-preset-php', null, 24, git('c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced')],
        ['is-number-1', null, 31, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['is-number-2', null, 38, git('d5ac0584ee9ae7bd9288220a39780f155b9ad4c8')],
        ['is-number-3', null, 42, git('d5ac0584ee9ae7bd9288220a39780f155b9ad4c8', dev)],
        ['is-number-4', null, 47, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['is-number-5', null, 55, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['is-number-6', null, 63, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['postcss-calc', '7.0.1', 70],
        ['is-number-1', null, 75, git('be5935f8d2595bcd97b05718ef1eeae08d812e10', dev)],
        ['is-number-2', null, 82, git('82dcc8e914dabd9305ab9ae580709a7825e824f5')],
        ['is-number-3', null, 86, git('82ae8802978da40d7f1be5ad5943c9e550ab2c89', dev)],
        ['raven-js', null, 93, git('c2b377e7a254264fd4a1fe328e4e3cfc9e245570')],
        ['slick-carousel', null, 97, git('280b560161b751ba226d50c7db1e0a14a78c2de0', dev)],
      ],
    ],
    // Has both sections: `packages` wins, where git installs keep their package.json version.
    [
      'commits.v2.json',
      [
        ['@segment/analytics.js-integration-facebook-pixel', '2.4.1', 26, git('3b1bb80b302c2e552685dc8a029797ec832ea7c9')],
        ['ansi-styles', '1.0.0', 42],
        ['babel-preset-php', '1.1.1', 50, git('c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced', dev)],
        ['is-number-1', '3.0.0', 60, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['is-number-2', '2.0.0', 73, git('d5ac0584ee9ae7bd9288220a39780f155b9ad4c8', dev)],
        ['is-number-3', '2.0.0', 83, git('d5ac0584ee9ae7bd9288220a39780f155b9ad4c8', dev)],
        ['is-number-4', '3.0.0', 93, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['is-number-5', '3.0.0', 106, git('af885e2e890b9ef0875edd2b117305119ee5bdc5', dev)],
        ['postcss-calc', '7.0.1', 119],
        ['is-number-1', '3.0.0', 130, git('be5935f8d2595bcd97b05718ef1eeae08d812e10', dev)],
        ['is-number-2', '2.0.0', 143, git('82dcc8e914dabd9305ab9ae580709a7825e824f5', dev)],
        ['is-number-3', '3.0.0', 153, git('82ae8802978da40d7f1be5ad5943c9e550ab2c89', dev)],
        ['raven-js', null, 163, git('c2b377e7a254264fd4a1fe328e4e3cfc9e245570')],
        ['slick-carousel', '1.7.1', 166, git('280b560161b751ba226d50c7db1e0a14a78c2de0', dev)],
      ],
    ],
  ];

  it.each(cases)('%s', (name, rows) => {
    const result = extractFixture(name);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual(expand(name, rows));
    // Every package without a version, and only those, is listed as not scannable at the same place.
    expect(result.notScannable.map((entry) => [entry.name, entry.location.line])).toEqual(
      rows.filter(([, version]) => version === null).map(([packageName, , line]) => [packageName, line]),
    );
  });

  it('says why a git dependency without a version cannot be matched', () => {
    const result = extractFixture('commits.v2.json');
    expect(result.notScannable).toEqual([
      {
        name: 'raven-js',
        reason: 'git dependency without a version (commit c2b377e7a254264fd4a1fe328e4e3cfc9e245570)',
        location: { path: 'commits.v2.json', line: 163 },
      },
    ]);
  });

  // grep -c '"version"' nested-dependencies-dup.v1.json → 73 (every "version" key is one dependency entry).
  it('nested-dependencies-dup.v1.json: 73 nested entries, each its own install', () => {
    const result = extractFixture('nested-dependencies-dup.v1.json');
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(73);
    const spots: Row[] = [
      ['@vue/component-compiler-utils', '2.6.0', 5],
      ['supports-color', '6.1.0', 21],
      ['autoprefixer', '9.5.1', 31],
      ['supports-color', '6.1.0', 44],
      ['babel-code-frame', '6.26.0', 54],
      ['supports-color', '6.1.0', 749],
      ['supports-color', '5.5.0', 759],
    ];
    for (const expected of expand('nested-dependencies-dup.v1.json', spots)) expect(result.packages).toContainEqual(expected);
  });

  // python: len([k for k in packages if k != '']) → 36, all node_modules/<parent>/node_modules/supports-color.
  it('nested-dependencies-dup.v2.json: 36 copies of supports-color, one per install folder', () => {
    const result = extractFixture('nested-dependencies-dup.v2.json');
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(36);
    expect(new Set(result.packages.map((entry) => entry.name))).toEqual(new Set(['supports-color']));
    expect(result.packages.filter((entry) => entry.version === '2.0.0')).toHaveLength(2);
  });

  it.each([
    ['not-json.txt', 1],
    ['null.v2.jsontest', 1],
  ])('%s is reported as a parse error at line %i', (name, line) => {
    const result = extractFixture(name);
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path: name, line }]]);
  });
});

describeWithSharedData('package-lock real lockfiles', () => {
  // python3: d=json.load(f); len([k for k in d['packages'] if k != '']) → 44; no link, file: or folder entries.
  it('jupyter_server (v2): 44 packages', () => {
    const path = 'projects/jupyter-server/jupyter_server/package-lock.json';
    const result = extractor.extract({ path, text: read(path) });
    expect(result.errors).toEqual([]);
    expect(result.notScannable).toEqual([]);
    expect(result.packages).toHaveLength(44);
    const spots: Row[] = [
      ['ansi-regex', '5.0.1', 16],
      ['brace-expansion', '1.1.13', 51],
      ['copyfiles', '2.4.1', 91],
      ['isarray', '0.0.1', 181],
      ['string_decoder', '0.10.31', 262],
      ['yargs-parser', '20.2.9', 394],
    ];
    for (const expected of expand(path, spots)) expect(result.packages).toContainEqual(expected);
  });

  // python3: 189 entries besides ""; 183 with "dev": true, 17 with "optional": true, none devOptional.
  it('jupyterhub (v3): 189 packages, 183 dev, 17 optional', () => {
    const path = 'projects/jupyterhub/jupyterhub/package-lock.json';
    const result = extractor.extract({ path, text: read(path) });
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(189);
    expect(result.packages.filter((entry) => entry.dev)).toHaveLength(183);
    expect(result.packages.filter((entry) => entry.optional)).toHaveLength(17);
    const spots: Row[] = [
      ['@colors/colors', '1.5.0', 27, dev],
      ['@fortawesome/fontawesome-free', '7.3.1', 37],
      ['anymatch', '3.1.3', 454, dev],
      ['detect-libc', '2.1.2', 773, { dev: true, optional: true }],
      ['function-bind', '1.1.2', 1090, dev],
      ['is-regex', '1.2.1', 1387, dev],
      ['minimist', '1.2.8', 1643, dev],
      ['setprototypeof', '1.2.0', 1996, dev],
      ['yargs-parser', '20.2.9', 2516, dev],
    ];
    for (const expected of expand(path, spots)) expect(result.packages).toContainEqual(expected);
  });
});

describe('package-lock edge cases', () => {
  const path = 'package-lock.json';

  it('skips workspace links, workspace folders and file: installs', () => {
    const text = `{
  "lockfileVersion": 3,
  "packages": {
    "": { "name": "root", "workspaces": ["packages/*"] },
    "node_modules/@me/a": { "resolved": "packages/a", "link": true },
    "node_modules/vendored": { "version": "1.0.0", "resolved": "file:vendor/vendored-1.0.0.tgz" },
    "packages/a": { "name": "@me/a", "version": "0.1.0" },
    "packages/a/node_modules/left-pad": { "version": "1.3.0" }
  }
}`;
    const result = extractor.extract({ path, text });
    expect(result).toEqual({ packages: expand(path, [['left-pad', '1.3.0', 8]]), notScannable: [], errors: [] });
  });

  it('v1: a tarball URL in place of the version is a url package without a version', () => {
    const text = `{
  "lockfileVersion": 1,
  "dependencies": {
    "remote": { "version": "https://example.test/remote-1.0.0.tgz" }
  }
}`;
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['remote', null, 4, { source: 'url' }]]));
    expect(result.notScannable).toEqual([{ name: 'remote', reason: 'tarball URL dependency without a version', location: { path, line: 4 } }]);
  });

  it('keeps reading entries of a truncated file and reports where it broke', () => {
    const text = `{
  "lockfileVersion": 3,
  "packages": {
    "node_modules/a": { "version": "1.0.0" },
    "node_modules/b": { "version": "2.0.0" },
    "node_modules/c": { "vers`;
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(
      expand(path, [
        ['a', '1.0.0', 4],
        ['b', '2.0.0', 5],
        ['c', null, 6],
      ]),
    );
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]!.code).toBe('parse-error');
    expect(result.errors[0]!.location).toEqual({ path, line: 6 });
  });

  it('an entry with a non-string version is an error at its line; the others are kept', () => {
    const text = `{
  "packages": {
    "node_modules/a": { "version": 1 },
    "node_modules/b": { "version": "2.0.0" }
  }
}`;
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['b', '2.0.0', 4]]));
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 3]]);
  });

  it('v1: an entry with an empty name is an error at its line', () => {
    const text = '{\n  "dependencies": {\n    "": { "version": "1.0.0" },\n    "ok": { "version": "2.0.0" }\n  }\n}';
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['ok', '2.0.0', 4]]));
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 3]]);
  });

  it.each([
    ['', 'empty file'],
    ['[]', 'top-level array'],
    ['"text"', 'top-level string'],
  ])('%j (%s) is a parse error, not a crash', (text) => {
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => error.code)).toEqual(['parse-error']);
  });

  it('nesting far deeper than any lockfile is an error, not a stack overflow', () => {
    const depth = 200_000;
    const text = '{"dependencies":' + '{"a":{"version":"1.0.0","dependencies":'.repeat(depth) + '{}' + '}}'.repeat(depth) + '}';
    const result = extractor.extract({ path, text });
    expect(result.errors.map((error) => [error.code, error.message, error.location?.line])).toEqual([
      ['parse-error', 'package lockfile nests deeper than 1000 levels', 1],
    ]);
  });

  it('1000 levels of nesting are still read; brackets inside strings do not count', () => {
    const levels = 499; // each level is an entry object plus its dependencies object, under the root object
    const text = '{"dependencies":' + '{"a":{"version":"1.0.0","resolved":"[[[{{{","dependencies":'.repeat(levels) + '{}' + '}}'.repeat(levels) + '}';
    const result = extractor.extract({ path, text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(levels);
  });

  itWithSharedData('package-lock.json gives way to an npm-shrinkwrap.json beside it, as npm does', () => {
    const text = fixtures.read('both/package-lock.json');
    const shrinkwrap = { path: 'both/npm-shrinkwrap.json', text: fixtures.read('both/npm-shrinkwrap.json') };
    const asked: string[] = [];
    const shadowed = extractor.extract({
      path: 'both/package-lock.json',
      text,
      readRelated: (relativePath) => (asked.push(relativePath), relativePath === 'npm-shrinkwrap.json' ? shrinkwrap : null),
    });
    expect(asked).toEqual(['npm-shrinkwrap.json']);
    expect(shadowed).toEqual({ packages: [], notScannable: [], errors: [] });
    const alone = extractor.extract({ path: 'package-lock-only/package-lock.json', text, readRelated: () => null });
    expect(alone.packages).toHaveLength(2);
  });
});

describe('package-lock files that are not lockfiles, and duplicate keys', () => {
  const path = 'package-lock.json';
  const junk = (count: number) => `{${Array.from({ length: count }, (_, index) => `"junk${index}": ${index}`).join(',\n')}}`;
  const summary = (text: string) => {
    const result = extractor.extract({ path, text });
    return { packages: result.packages.map((found) => [found.name, found.version, found.location.line]), errors: result.errors.map((error) => [error.code, error.message, error.location?.line]) };
  };

  it('200,000 junk keys (the issue had a million: 0 packages and exit 0) say it is not an npm lockfile', () => {
    expect(summary(junk(200_000))).toEqual({
      packages: [],
      errors: [['unsupported-format', 'no "lockfileVersion", "packages" or "dependencies": not an npm lockfile', 1]],
    });
  });

  it('junk keys inside "packages" say so too; junk values are errors at their lines, at most 100 listed', () => {
    const text = `{\n"lockfileVersion": 3,\n"packages": {\n${Array.from({ length: 5000 }, (_, index) => `"junk${index}": ${index}`).join(',\n')}\n}\n}`;
    const { errors } = summary(text);
    expect(errors).toHaveLength(101);
    expect(errors[0]).toEqual(['unsupported-format', 'none of the 5000 keys of "packages" is the project ("") or an install folder (node_modules/…)', 3]);
    expect(errors[1]).toEqual(['parse-error', 'entry "junk0" is not an object', 4]);
    expect(errors[100]).toEqual(['parse-error', 'more than 100 errors in this file: the rest are not listed', 103]);
  });

  it.each([
    ['an empty v3 lockfile', '{"name": "x", "lockfileVersion": 3, "requires": true, "packages": {"": {"name": "x"}}}'],
    ['an empty v1 lockfile without "dependencies"', '{"name": "x", "version": "1.0.0", "lockfileVersion": 1}'],
    ['a workspace-only lockfile', '{"lockfileVersion": 3, "packages": {"": {}, "packages/a": {"name": "a", "version": "1.0.0"}}}'],
  ])('%s is empty, not an error', (_label, text) => {
    expect(summary(text)).toEqual({ packages: [], errors: [] });
  });

  it('a key quoted in an error is an excerpt, not the whole key', () => {
    const key = `node_modules/${'x'.repeat(100_000)}`;
    const { errors } = summary(`{"lockfileVersion": 3, "packages": {"${key}": 1}}`);
    expect(errors).toHaveLength(1);
    expect(String(errors[0]![1]).length).toBeLessThan(100);
  });

  it.each([
    // JSON.parse keeps the last of duplicate keys; so does the streaming reader.
    ['a later "packages" replaces an earlier one', '{"packages": {"node_modules/a": {"version": "1.0.0"}}, "packages": {"node_modules/b": {"version": "2.0.0"}}}', [['b', '2.0.0', 1]]],
    ['a later "packages" that is not an object leaves v1\'s tree to read', '{"packages": {"node_modules/a": {"version": "1.0.0"}}, "dependencies": {"c": {"version": "3.0.0"}}, "packages": 0}', [['c', '3.0.0', 1]]],
    ['"dependencies" before "packages" is still ignored', '{"dependencies": {"c": {"version": "3.0.0"}}, "packages": {"node_modules/a": {"version": "1.0.0"}}}', [['a', '1.0.0', 1]]],
    ['a later field of an entry replaces an earlier one', '{"packages": {"node_modules/a": {"version": "1.0.0", "version": "1.0.1"}}}', [['a', '1.0.1', 1]]],
    ['v1: a later nested "dependencies" replaces an earlier one', '{"dependencies": {"a": {"version": "1.0.0", "dependencies": {"b": {"version": "1.0.0"}}, "dependencies": {"c": {"version": "1.0.0"}}}}}', [['a', '1.0.0', 1], ['c', '1.0.0', 1]]],
  ])('%s', (_label, text, packages) => {
    expect(summary(text)).toEqual({ packages, errors: [] });
  });

  it('lines are counted from the text in one pass, with CRLF line ends and a byte-order mark', () => {
    const text = '\uFEFF{\r\n  "lockfileVersion": 3,\r\n  "packages": {\r\n    "node_modules/a": {"version": "1.0.0"},\r\n\r\n    "node_modules/b": {"version": "2.0.0"}\r\n  }\r\n}\r\n';
    expect(summary(text).packages).toEqual([
      ['a', '1.0.0', 4],
      ['b', '2.0.0', 6],
    ]);
  });
});

describe('package-lock never throws', () => {
  const path = 'package-lock.json';
  const sizes = { maxLength: 2_000 };

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(sizes), (text) => {
        const result = extractor.extract({ path, text });
        expect(Array.isArray(result.packages)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary JSON values', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 6 }), (text) => {
        extractor.extract({ path, text });
      }),
      { numRuns: 300 },
    );
  });

  itWithSharedData('on a real lockfile truncated or spliced with random text', () => {
    const realText = fixtures.read('commits.v2.json');
    checkDamagedCopies([realText], (text) => expectWellFormed(extractor.extract({ path, text }), { path }), {
      numRuns: 200,
      noise: fc.string({ maxLength: 40 }),
    });
  });
});
