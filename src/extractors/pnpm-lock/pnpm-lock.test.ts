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
} from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { parseDependencyPath } from './dependency-path.js';
import { extractor as extractorUnderTest } from './index.js';
import { lineTooDeep } from '../common/yaml-nesting.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/javascript/pnpmlock');
const extractFixture = fixtures.extract;

describe('pnpm-lock detect', () => {
  it.each([
    ['pnpm-lock.yaml', true],
    ['web/pnpm-lock.yaml', true],
    ['C:\\web\\pnpm-lock.yaml', true],
    ['pnpm-lock.yml', false],
    ['pnpm-workspace.yaml', false],
    ['yarn.lock', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('pnpm-lock fixtures', () => {
  const mixedGroups5: Row[] = [
    ['ansi-regex', '5.0.1', 19],
    ['is-number', '7.0.0', 24, dev],
    ['uuid', '8.3.2', 29, optional],
  ];
  const peers6: Row[] = [
    ['js-tokens', '4.0.0', 14],
    ['loose-envify', '1.4.0', 18],
    ['react-dom', '18.2.0', 25],
    ['react', '18.2.0', 35],
    ['scheduler', '0.23.0', 42],
  ];
  const cases: Array<[string, Row[]]> = [
    ['empty.yaml', []],
    ['no-packages.yaml', []],
    ['no-packages.v9.yaml', []],
    ['missing-packages.yaml', []],
    // 5.x: `dev: false` is production, so no flag.
    ['one-package.yaml', [['acorn', '8.7.0', 11]]],
    ['one-package-dev.yaml', [['acorn', '8.7.0', 11]]],
    ['one-package-v6-lockfile.yaml', [['acorn', '8.7.0', 10]]],
    ['one-package.v9.yaml', [['acorn', '8.11.3', 17]]],
    // v9 has no dev flag: acorn is dev because only the importer's devDependencies reach it.
    ['one-package-dev.v9.yaml', [['acorn', '8.11.3', 17, dev]]],
    ['scoped-packages.yaml', [['@typescript-eslint/types', '5.13.0', 11]]],
    ['scoped-packages-v6-lockfile.yaml', [['@typescript-eslint/types', '5.57.1', 10]]],
    ['scoped-packages.v9.yaml', [['@typescript-eslint/types', '5.62.0', 17]]],
    ['mixed-groups.v53.yaml', mixedGroups5],
    ['mixed-groups.v54.yaml', mixedGroups5],
    [
      'mixed-groups.v6.yaml',
      [
        ['ansi-regex', '5.0.0', 24],
        ['is-number', '7.0.0', 29, dev],
        ['uuid', '8.0.0', 34, optional],
      ],
    ],
    // v9: optional from `snapshots`, dev from the importers graph.
    [
      'mixed-groups.v9.yaml',
      [
        ['ansi-regex', '5.0.1', 25],
        ['is-number', '7.0.0', 29, dev],
        ['uuid', '8.3.2', 33, optional],
      ],
    ],
    [
      'multiple-packages.yaml',
      [
        ['aws-sdk', '2.1087.0', 11],
        ['base64-js', '1.5.1', 26],
        ['buffer', '4.9.2', 30],
        ['events', '1.1.1', 38],
        ['ieee754', '1.1.13', 43],
        ['isarray', '1.0.0', 47],
        ['jmespath', '0.16.0', 51],
        ['punycode', '1.3.2', 56],
        ['querystring', '0.2.0', 60],
        ['sax', '1.2.1', 66],
        ['url', '0.10.3', 70],
        ['uuid', '3.3.2', 77],
        ['xml2js', '0.4.19', 83],
        ['xmlbuilder', '9.0.7', 90],
      ],
    ],
    [
      'multiple-versions.yaml',
      [
        ['uuid', '3.3.2', 13],
        ['uuid', '8.3.2', 19],
        ['xmlbuilder', '9.0.7', 24],
      ],
    ],
    [
      'multiple-versions.v9.yaml',
      [
        ['uuid', '8.0.0', 20],
        ['uuid', '8.3.2', 24],
        ['xmlbuilder', '11.0.1', 28],
      ],
    ],
    // Peer suffixes: `_acorn@8.7.0` (5.x), `(react@18.2.0)` (6.0), and v9 keys have none.
    [
      'peer-dependencies.yaml',
      [
        ['acorn-jsx', '5.3.2', 13],
        ['acorn', '8.7.0', 21],
      ],
    ],
    ['peer-dependencies-v6.yaml', peers6],
    [
      'peer-dependencies.v9.yaml',
      [
        ['acorn-jsx', '5.3.2', 17],
        ['acorn', '8.11.3', 22],
      ],
    ],
    [
      'peer-dependencies-advanced.yaml',
      [
        ['@typescript-eslint/eslint-plugin', '5.13.0', 17],
        ['@typescript-eslint/parser', '5.13.0', 44],
        ['@typescript-eslint/type-utils', '5.13.0', 64],
        ['@typescript-eslint/types', '5.13.0', 83],
        ['@typescript-eslint/typescript-estree', '5.13.0', 88],
        ['@typescript-eslint/utils', '5.13.0', 109],
        ['eslint-utils', '3.0.0', 127],
        ['eslint', '8.10.0', 137],
        ['tsutils', '3.21.0', 181],
      ],
    ],
    [
      'peer-dependencies-advanced-v6.yaml',
      [
        ['js-tokens', '4.0.0', 14],
        ['loose-envify', '1.4.0', 18],
        ['react-dom', '18.3.0-canary-ab31a9ed2-20230824', 25],
        ['react', '18.3.0-canary-ab31a9ed2-20230824', 35],
        ['scheduler', '0.24.0-canary-ab31a9ed2-20230824', 42],
      ],
    ],
    [
      'peer-dependencies-advanced-rc-v6.yaml',
      [
        ['js-tokens', '4.0.0', 14],
        ['loose-envify', '1.4.0', 18],
        ['react-dom', '18.0.0-rc.3', 25],
        ['react', '18.2.0', 35],
        ['scheduler', '0.21.0', 42],
      ],
    ],
    [
      'peer-dependencies-advanced.v9.yaml',
      [
        ['@eslint-community/eslint-utils', '4.4.0', 26],
        ['@eslint/eslintrc', '2.1.4', 32],
        ['@typescript-eslint/eslint-plugin', '5.62.0', 36],
        ['@typescript-eslint/parser', '5.62.0', 47],
        ['@typescript-eslint/type-utils', '5.62.0', 57],
        ['@typescript-eslint/typescript-estree', '5.62.0', 67],
        ['@typescript-eslint/utils', '5.62.0', 76],
        ['debug', '4.3.4', 82],
        ['eslint', '8.57.0', 91],
        ['has-flag', '4.0.0', 96],
        ['supports-color', '7.2.0', 100],
        ['tsutils', '3.21.0', 104],
        ['typescript', '4.9.5', 110],
      ],
    ],
    // Git dependencies: `resolution: {commit, repo, type: git}` or a codeload tarball of one commit.
    [
      'commits.yaml',
      [
        ['my-bitbucket-package', '1.0.0', 14, git('6104ae42cd32c3d724036d3964678f197b2c9cdb')],
        ['@my-scope/my-package', '1.0.0', 20, git('267087851ad5fac92a184749c27cd539e2fc862e')],
        ['@my-scope/my-other-package', '1.0.0', 28, git('fbfc962ab51eb1d754749b68c064460221fbd689')],
        ['faker-parser', '0.0.1', 34, git('d2dc42a9351d4d89ec48c525e34f612b6d77993f')],
        ['mocks', '20.0.1', 42, git('590f321b4eb3f692bb211bd74e22947639a6f79d')],
      ],
    ],
    [
      'commits.v9.yaml',
      [
        ['ansi-regex', '6.0.1', 20, git('02fa893d619d3da85411acc8fd4e2eea0e95a9d9')],
        ['is-number', '7.0.0', 25, git('98e8ff1da1a89f93d1397a24d7413ed15421c139')],
      ],
    ],
    ['tarball.yaml', [['@my-org/my-package', '3.2.3', 10, { source: 'url', dev: true }]]],
    // Every entry is a file: tarball or directory on disk.
    ['files.yaml', []],
  ];

  it.each(cases)('%s', (name, rows) => {
    expect(extractFixture(name)).toEqual({ packages: expand(name, rows), notScannable: [], errors: [] });
  });

  it('exotic.yaml: registry hosts and peer suffixes are read; keys that name no version are errors', () => {
    const name = 'exotic.yaml';
    const result = extractFixture(name);
    expect(result.packages).toEqual(
      expand(name, [
        ['foo', '1.0.0', 10],
        ['@foo/bar', '1.0.0', 11],
        ['foo', '1.1.0', 12],
        ['@foo/bar', '1.1.0', 13],
        ['foo', '1.2.0', 15],
        ['foo', '1.3.0', 16],
        ['foo', '1.4.0', 17],
      ]),
    );
    expect(result.errors.map((error) => [error.code, error.location?.line, error.message])).toEqual([
      ['parse-error', 14, 'cannot tell the package name and version from key "github.com/kevva/is-positive"'],
      ['parse-error', 18, 'cannot tell the package name and version from key "/foo/bar"'],
    ]);
  });

  it.each([
    ['invalid-path.yaml', [['acorn', '8.7.0', 11]] as Row[], [17]],
    ['invalid-paths.yaml', [['acorn', '8.7.0', 17]] as Row[], [11, 23]],
  ])('%s: the valid entry is read, each invalid key is an error at its line', (name, rows, errorLines) => {
    const result = extractFixture(name);
    expect(result.packages).toEqual(expand(name, rows));
    expect(result.errors.map((error) => [error.code, error.location])).toEqual(errorLines.map((line) => ['parse-error', { path: name, line }]));
  });

  it('not-yaml.txt is a parse error (a plain YAML string, not a mapping)', () => {
    const result = extractFixture('not-yaml.txt');
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path: 'not-yaml.txt', line: 1 }]]);
  });
});

describe('pnpm-lock dependency paths', () => {
  it.each([
    ['/acorn/8.7.0', 5, { name: 'acorn', version: '8.7.0', isVersion: true }],
    ['/@babel/core/7.1.0_@types+node@18.0.0', 5, { name: '@babel/core', version: '7.1.0', isVersion: true }],
    ['registry.example.test/foo/1.1.0', 5, { name: 'foo', version: '1.1.0', isVersion: true }],
    ['github.com/owner/repo/0123456789abcdef0123456789abcdef01234567', 5, null],
    ['/foo/bar', 5, null],
    ['/react-dom@18.2.0(react@18.2.0)', 6, { name: 'react-dom', version: '18.2.0', isVersion: true }],
    ['/@scope/pkg@1.0.0-rc.1(a@1.0.0)(b@2.0.0)', 6, { name: '@scope/pkg', version: '1.0.0-rc.1', isVersion: true }],
    ['@scope/pkg@2.0.0', 9, { name: '@scope/pkg', version: '2.0.0', isVersion: true }],
    ['pkg@https://example.test/pkg.tgz', 9, { name: 'pkg', version: 'https://example.test/pkg.tgz', isVersion: false }],
    // Without a lockfileVersion the syntax is guessed from the key.
    ['/acorn/8.7.0', Number.NaN, { name: 'acorn', version: '8.7.0', isVersion: true }],
    ['/acorn@8.7.0', Number.NaN, { name: 'acorn', version: '8.7.0', isVersion: true }],
    ['acorn@8.7.0', Number.NaN, { name: 'acorn', version: '8.7.0', isVersion: true }],
    ['invalidpath', 5, null],
    ['', 9, null],
  ])('%s (v%s)', (key, major, expected) => {
    expect(parseDependencyPath(key, major)).toEqual(expected);
  });
});

describe('pnpm-lock edge cases', () => {
  const path = 'pnpm-lock.yaml';

  it('a broken YAML file still yields the entries the parser could build', () => {
    const text = [
      "lockfileVersion: '6.0'",
      '',
      'packages:',
      '',
      '  /a@1.0.0:',
      '    resolution: {integrity: sha512-aaa}',
      '    dev: false',
      '',
      '  /b@2.0.0:',
      '    resolution: {integrity: sha512-bbb',
      '    dev: true',
      '',
    ].join('\n');
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(
      expand(path, [
        ['a', '1.0.0', 5],
        ['b', '2.0.0', 9, dev],
      ]),
    );
    // The unclosed flow map is reported where the parser notices it, on the next line.
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path, line: 11 }]]);
  });

  it('versions stay strings: 1.10 is not the number 1.1', () => {
    const text = "lockfileVersion: '9.0'\n\npackages:\n\n  weird@1.10:\n    resolution: {tarball: https://example.test/weird.tgz}\n    version: 1.10\n";
    expect(extractor.extract({ path, text }).packages).toEqual(expand(path, [['weird', '1.10', 5, { source: 'url' }]]));
  });

  it('a registry key that spells its tarball out (custom registry) stays a registry package', () => {
    const text = "lockfileVersion: '9.0'\n\npackages:\n\n  left-pad@1.3.0:\n    resolution: {integrity: sha512-x, tarball: https://npm.example.test/left-pad/-/left-pad-1.3.0.tgz}\n";
    expect(extractor.extract({ path, text }).packages).toEqual(expand(path, [['left-pad', '1.3.0', 5]]));
  });

  it('v9: a package reached from both dev and production importers is not dev', () => {
    const text = [
      "lockfileVersion: '9.0'",
      'importers:',
      '  .:',
      '    dependencies:',
      '      a: {specifier: ^1.0.0, version: 1.0.0}',
      '    devDependencies:',
      '      b: {specifier: ^1.0.0, version: 1.0.0(a@1.0.0)}',
      '  packages/tool:',
      '    devDependencies:',
      '      shared-alias: {specifier: npm:c@^1.0.0, version: c@1.0.0}',
      '      linked: {specifier: workspace:*, version: link:../linked}',
      'packages:',
      '  a@1.0.0: {}',
      '  b@1.0.0: {}',
      '  c@1.0.0: {}',
      '  d@1.0.0: {}',
      'snapshots:',
      '  a@1.0.0:',
      '    dependencies:',
      '      d: 1.0.0',
      '  b@1.0.0(a@1.0.0):',
      '    dependencies:',
      '      a: 1.0.0',
      '      d: 1.0.0',
      '  c@1.0.0: {}',
      '  d@1.0.0: {}',
    ].join('\n');
    expect(extractor.extract({ path, text }).packages).toEqual(
      expand(path, [
        ['a', '1.0.0', 13],
        ['b', '1.0.0', 14, dev],
        ['c', '1.0.0', 15, dev],
        ['d', '1.0.0', 16],
      ]),
    );
  });

  it('an entry with a mapping where the version should be is an error at its line', () => {
    const text = "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    version: {x: 1}\n  b@2.0.0: {}\n";
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['b', '2.0.0', 5]]));
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 3]]);
  });

  it('an alias bomb is an error for that entry, not a hang', () => {
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 12; level++) levels.push(`l${level}: &l${level} [${Array(10).fill(level === 1 ? '*a' : `*l${level - 1}`).join(', ')}]`);
    const text = `lockfileVersion: '9.0'\nbomb:\n  ${levels.join('\n  ')}\npackages:\n  a@1.0.0:\n    resolution: *l11\n`;
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 16]]);
  });
});

describe('pnpm-lock never throws', () => {
  const path = 'pnpm-lock.yaml';

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (text) => {
        const result = extractor.extract({ path, text });
        expect(Array.isArray(result.packages)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary keys under packages', () => {
    fc.assert(
      fc.property(fc.constantFrom('5.3', "'6.0'", "'9.0'", ''), fc.array(fc.string({ maxLength: 30 }), { maxLength: 10 }), (version, keys) => {
        const text = `lockfileVersion: ${version}\npackages:\n${keys.map((key) => `  ${JSON.stringify(key)}: {}`).join('\n')}\n`;
        extractor.extract({ path, text });
      }),
      { numRuns: 300 },
    );
  });

  itWithSharedData('on real lockfiles truncated or spliced with random text', () => {
    const reals = [fixtures.read('peer-dependencies-advanced.yaml'), fixtures.read('peer-dependencies-advanced.v9.yaml'), fixtures.read('commits.yaml')];
    checkDamagedCopies(reals, (text) => expectWellFormed(extractor.extract({ path, text }), { path }), {
      numRuns: 150,
      noise: fc.string({ maxLength: 40 }),
    });
  });
});

describe('pnpm-lock nesting limit (the yaml library recurses per level)', () => {
  const staircase = (levels: number) => Array.from({ length: levels }, (_, level) => `${'  '.repeat(level)}k${level}:`).join('\n');
  it.each([
    ['64 indentation levels', staircase(64), undefined],
    ['65 indentation levels', staircase(65), 65],
    ['63 open brackets on 2 indentation levels, line 3', `lockfileVersion: '9.0'\npackages:\n  a@1.0.0: ${'['.repeat(63)}`, 3],
    ['brackets closed again do not add up', `a: ${'[]'.repeat(100)}\nb: ${'{}'.repeat(100)}`, undefined],
    ['compact sequences', `${'- '.repeat(65)}x`, 1],
  ])('%s', (_name, text, line) => {
    expect(lineTooDeep(text)).toBe(line);
  });

  itWithSharedData('the deepest fixture is within the limit', () => {
    expect(lineTooDeep(fixtures.read('peer-dependencies-advanced.v9.yaml'))).toBe(undefined);
  });

  it('deep input is one error at the line where it gets too deep, and nothing is parsed', () => {
    const text = `lockfileVersion: '9.0'\npackages:\n  a@1.0.0: {}\n  b@1.0.0: ${'['.repeat(5000)}`;
    const result = extractor.extract({ path: 'pnpm-lock.yaml', text });
    expect(result).toEqual({ packages: [], notScannable: [], errors: [expect.objectContaining({ code: 'parse-error', location: { path: 'pnpm-lock.yaml', line: 4 } })] });
  });
});
