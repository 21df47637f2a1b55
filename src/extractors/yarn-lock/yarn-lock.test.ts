import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkDamagedCopies,
  expectWellFormed,
  extractorFixtures,
  fromGit as git,
  npmPackages as expand,
  type PackageRow as Row,
  readSharedFile as read,
} from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { extractor as extractorUnderTest } from './index.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixtures = extractorFixtures(extractor, 'lockfiles/javascript/yarnlock');
const extractFixture = fixtures.extract;

describe('yarn-lock detect', () => {
  it.each([
    ['yarn.lock', true],
    ['packages/app/yarn.lock', true],
    ['C:\\app\\yarn.lock', true],
    ['yarn.lock.orig', false],
    ['Yarn.lock', false],
    ['package-lock.json', false],
    ['.yarnrc.yml', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('yarn-lock fixtures', () => {
  const cases: Array<[string, Row[]]> = [
    ['empty.v1.lock', []],
    ['empty.v2.lock', []],
    ['metadata-only.v2.lock', []],
    ['one-package.v1.lock', [['balanced-match', '1.0.2', 5]]],
    ['one-package.v2.lock', [['balanced-match', '1.0.2', 8]]],
    // The key names no range at all.
    ['no-version.v1.lock', [['balanced-match', '1.0.2', 5]]],
    [
      'two-packages.v1.lock',
      [
        ['concat-map', '0.0.1', 5],
        ['concat-stream', '1.6.2', 10],
      ],
    ],
    [
      'two-packages.v2.lock',
      [
        ['compare-func', '2.0.0', 8],
        ['concat-map', '0.0.1', 18],
      ],
    ],
    [
      'with-quotes.v1.lock',
      [
        ['concat-map', '0.0.1', 5],
        ['concat-stream', '1.6.2', 10],
      ],
    ],
    [
      'with-quotes.v2.lock',
      [
        ['compare-func', '2.0.0', 8],
        ['concat-map', '0.0.1', 18],
      ],
    ],
    // Keys merging several descriptors are one entry, so one package each.
    [
      'multiple-constraints.v1.lock',
      [
        ['domelementtype', '1.3.1', 5],
        ['@babel/code-frame', '7.12.13', 10],
      ],
    ],
    [
      'multiple-versions.v1.lock',
      [
        ['define-properties', '1.1.3', 5],
        ['define-property', '0.2.5', 12],
        ['define-property', '1.0.0', 19],
        ['define-property', '2.0.2', 26],
      ],
    ],
    [
      'multiple-versions.v2.lock',
      [
        ['debug', '4.3.3', 8],
        ['debug', '2.6.9', 20],
        ['debug', '3.2.7', 29],
      ],
    ],
    [
      'scoped-packages.v1.lock',
      [
        ['@babel/code-frame', '7.12.11', 5],
        ['@babel/compat-data', '7.14.0', 12],
      ],
    ],
    [
      'scoped-packages.v2.lock',
      [
        ['@babel/cli', '7.16.8', 8],
        ['@babel/code-frame', '7.16.7', 35],
        ['@babel/compat-data', '7.16.8', 44],
      ],
    ],
    [
      'with-prerelease.v1.lock',
      [
        ['css-tree', '1.0.0-alpha.37', 5],
        ['gensync', '1.0.0-beta.2', 13],
        ['node-fetch', '3.0.0-beta.9', 18],
        ['resolve', '1.20.0', 26],
        ['resolve', '2.0.0-next.3', 34],
      ],
    ],
    // eslint-plugin-jest@workspace:. is the project itself.
    [
      'with-prerelease.v2.lock',
      [
        ['@nicolo-ribaudo/chokidar-2', '2.1.8-no-fsevents.3', 8],
        ['gensync', '1.0.0-beta.2', 15],
      ],
    ],
    // Both workspace entries (root and @ws/ansi-regex) are the project itself.
    ['exclude-root.v2.lock', [['ansi-regex', '6.1.0', 16]]],
    [
      'with-aliases.v1.lock',
      [
        ['ansi-regex', '5.0.1', 5, { qualifiers: { alias: 'ansi-regex-cjs' } }],
        ['ansi-regex', '6.0.1', 10],
        ['@babel/helper-validator-identifier', '7.22.20', 15, { qualifiers: { alias: 'babel-hvi' } }],
      ],
    ],
    [
      'with-aliases.v2.lock',
      [
        ['ansi-regex', '5.0.1', 8, { qualifiers: { alias: 'ansi-regex-cjs' } }],
        ['ansi-regex', '6.0.1', 15],
        ['@babel/helper-validator-identifier', '7.22.20', 22, { qualifiers: { alias: 'babel-hvi' } }],
      ],
    ],
    // The v1 resolved git URL has no commit; the key's #<sha> has it.
    [
      'with-build-string.v1.lock',
      [
        ['domino', '2.1.6+git', 5, git('f2435fe1f9f7c91ade0bd472c4723e5eacd7d19a')],
        ['tslib', '2.6.2', 10],
      ],
    ],
    [
      'with-build-string.v2.lock',
      [
        ['domino', '2.1.6+git', 8, git('f2435fe1f9f7c91ade0bd472c4723e5eacd7d19a')],
        ['tslib', '2.6.2', 15],
      ],
    ],
    // file: and link: entries (including sprintf-js, whose other descriptor is a range) are local folders.
    [
      'files.v1.lock',
      [
        ['etag', '1.8.1', 5],
        ['lodash', '1.3.1', 12],
      ],
    ],
    ['files.v2.lock', []],
    // Commits from git URL fragments, codeload tarball paths and GitLab's archive ?ref=.
    [
      'commits.v1.lock',
      [
        ['mine1', '1.0.0-alpha.37', 5, git('0a2d2506c1fe299691fc5db53a2097db3bd615bc')],
        ['mine2', '0.0.1', 11, git('0a2d2506c1fe299691fc5db53a2097db3bd615bc')],
        ['mine3', '1.2.3', 17, git('094e581aaf927d010e4b61d706ba584551dac502')],
        ['mine4', '0.0.2', 21, git('aa3bdfcb1d845c79f14abb66f60d35b8a3ee5998')],
        ['mine4', '0.0.4', 25, git('aa3bdfcb1d845c79f14abb66f60d35b8a3ee5998')],
        ['my-package', '1.8.3', 29, git('b3bd3f1b3dad036e671251f5258beaae398f983a')],
        ['@bower_components/angular-animate', '1.4.14', 33, git('e7f778fc054a086ba3326d898a00fa1bc78650a8')],
        ['@bower_components/alertify', '0.0.0', 37, git('e7b6c46d76604d297c389d830817b611c9a8f17c')],
        ['minimist', '0.0.8', 41, git('3754568bfd43a841d2d72d7fb54598635aea8fa4')],
        ['bats-assert', '2.0.0', 45, git('4bdd58d3fbcdce3209033d44d884e87add1d8405')],
        ['bats-support', '0.3.0', 49, git('d140a65044b2d6810381935ae7f0c94c7023c8c3')],
        ['bats', '1.5.0', 53, git('172580d2ce19ee33780b5f1df817bbddced43789')],
        ['vue', '2.6.12', 57, git('bb253db0b3e17124b6d1fe93fbf2db35470a1347')],
        ['kit', '1.0.0', 61, git('5b6830c0252eb73c6024d40a8ff5106d3023a2a6')],
        ['casadistance', '1.0.0', 68, git('f0308391f0c50104182bfb2332a53e4e523a4603')],
        ['babel-preset-php', '1.1.1', 72, git('c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced')],
        ['is-number', '2.0.0', 78, git('d5ac0584ee9ae7bd9288220a39780f155b9ad4c8')],
        ['is-number', '5.0.0', 82, git('af885e2e890b9ef0875edd2b117305119ee5bdc5')],
      ],
    ],
    [
      'commits.v2.lock',
      [
        ['@my-scope/my-first-package', '0.0.6', 8, git('0b824c650d3a03444dbcf2b27a5f3566f6e41358')],
        ['my-second-package', '0.2.2', 12, git('59e2127b9f9d4fda5f928c4204213b3502cd5bb0')],
        ['@typegoose/typegoose', '7.2.0', 21, git('3ed06e5097ab929f69755676fee419318aaec73a')],
        ['vuejs', '2.5.0', 37, git('0948d999f2fddf9f90991956493f976273c5da1f')],
        ['my-third-package', '0.16.1-dev', 45, git('5675a0aed98e067ff6ecccc5ac674fe8995960e0')],
        ['my-node-sdk', '1.1.0', 50, git('053dea9e0b8af442d8f867c8e690d2fb0ceb1bf5')],
        ['is-really-great', '1.0.0', 58, git('191eeef50c584714e1fb8927d17ee72b3b8c97c4')],
      ],
    ],
  ];

  it.each(cases)('%s', (name, rows) => {
    expect(extractFixture(name)).toEqual({ packages: expand(name, rows), notScannable: [], errors: [] });
  });
});

describeWithSharedData('yarn-lock real lockfiles', () => {
  // Counted with grep: entries = grep -c '^  resolution: ' FILE; workspaces = grep -c '^  resolution: ".*@workspace:' FILE.
  // Every other resolution is npm: or patch: (grep -c '^  resolution: ".*@patch:'); packages = entries - workspaces.
  it.each([
    ['projects/jupyterlab/jupyterlab/yarn.lock', 1993, 130, 4],
    ['projects/jupyterlab/jupyterlab/jupyterlab/staging/yarn.lock', 1109, 1, 2],
    ['projects/jupyter/notebook/yarn.lock', 1577, 16, 4],
    ['projects/jupyterlab/lumino/yarn.lock', 1303, 27, 5],
    ['projects/jupyter-widgets/ipywidgets/yarn.lock', 1642, 13, 3],
  ])('%s: %i entries, %i workspaces, %i patched', (path, entries, workspaces, patched) => {
    const result = extractor.extract({ path, text: read(path) });
    expect(result.errors).toEqual([]);
    expect(result.notScannable).toEqual([]);
    expect(result.packages).toHaveLength(entries - workspaces);
    expect(result.packages.filter((entry) => entry.qualifiers?.patch !== undefined)).toHaveLength(patched);
    expect(result.packages.every((entry) => entry.source === 'registry')).toBe(true);
  });

  it.each([
    'projects/jupyterlab/jupyterlab/yarn.lock',
    'projects/jupyterlab/jupyterlab/jupyterlab/staging/yarn.lock',
    'projects/jupyter/notebook/yarn.lock',
    'projects/jupyterlab/lumino/yarn.lock',
    'projects/jupyter-widgets/ipywidgets/yarn.lock',
  ])('%s: the one-pass reading gives what the long way (nesting check, key-line index, parser) gives', (path) => {
    const text = read(path);
    // A trailing comment holding `\"` sends the same entries the long way.
    const longWay = extractor.extract({ path, text: `${text}${text.endsWith('\n') ? '' : '\n'}# \\"\n` });
    expect(extractor.extract({ path, text })).toEqual(longWay);
  });

  it('jupyterlab yarn.lock: spot checks', () => {
    const path = 'projects/jupyterlab/jupyterlab/yarn.lock';
    const result = extractor.extract({ path, text: read(path) });
    const spots: Row[] = [
      ['@aashutoshrathi/word-wrap', '1.2.6', 8],
      ['@braintree/sanitize-url', '7.1.2', 1338],
      ['@npmcli/git', '4.1.0', 5918],
      ['@polka/url', '1.0.0-next.29', 6311],
      ['@verdaccio/url', '13.0.0-next-8.29', 8297],
      ['JSONStream', '1.3.5', 8473],
      ['d3-dispatch', '3.0.1', 10660],
      ['fsevents', '2.3.2', 12762],
      ['fsevents', '2.3.2', 12772, { qualifiers: { patch: '~builtin<compat/fsevents>' } }],
      ['hosted-git-info', '2.8.9', 13423],
      ['resolve', '1.22.12', 18704, { qualifiers: { patch: '~builtin<compat/resolve>' } }],
      ['resolve', '2.0.0-next.6', 18718, { qualifiers: { patch: '~builtin<compat/resolve>' } }],
      ['typescript', '5.9.3', 20634, { qualifiers: { patch: '~builtin<compat/typescript>' } }],
      ['whatwg-url', '11.0.0', 21689],
    ];
    for (const expected of expand(path, spots)) expect(result.packages).toContainEqual(expected);
    // Workspace entries such as the root are never packages.
    expect(result.packages.some((entry) => entry.name === '@jupyterlab/application')).toBe(false);
  });

  it('ipywidgets yarn.lock: an entry mixing an alias with plain descriptors is the real package, once', () => {
    const path = 'projects/jupyter-widgets/ipywidgets/yarn.lock';
    const result = extractor.extract({ path, text: read(path) });
    // Line 14967: "string-width-cjs@npm:string-width@^4.2.0, string-width@npm:^1.0.2 || 2 || 3 || 4, ...", resolution string-width@npm:4.2.3.
    expect(result.packages.filter((entry) => entry.location.line === 14967)).toEqual(expand(path, [['string-width', '4.2.3', 14967]]));
    expect(result.packages.some((entry) => entry.name === 'string-width-cjs')).toBe(false);
  });
});

describe('yarn-lock edge cases', () => {
  const path = 'yarn.lock';

  it('reads a classic file whose header comment was removed', () => {
    const text = 'left-pad@^1.3.0:\n  version "1.3.0"\n  resolved "https://registry.example.test/left-pad/-/left-pad-1.3.0.tgz#abc"\n';
    expect(extractor.extract({ path, text })).toEqual({ packages: expand(path, [['left-pad', '1.3.0', 1]]), notScannable: [], errors: [] });
  });

  it('classic: a remote tarball dependency is a url package', () => {
    const text = '# yarn lockfile v1\n\n"remote@https://example.test/remote-2.0.0.tgz":\n  version "2.0.0"\n  resolved "https://example.test/remote-2.0.0.tgz"\n';
    expect(extractor.extract({ path, text }).packages).toEqual(expand(path, [['remote', '2.0.0', 3, { source: 'url' }]]));
  });

  it('classic: an entry without a version is kept and listed as not scannable', () => {
    const text = '# yarn lockfile v1\n\nodd@^1.0.0:\n  resolved "https://registry.example.test/odd/-/odd-1.0.0.tgz"\n';
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['odd', null, 3]]));
    expect(result.notScannable).toEqual([{ name: 'odd', reason: 'no version in the lock entry', location: { path, line: 3 } }]);
  });

  it('classic: one broken entry is an error at its line; the entries around it are still read', () => {
    const text = [
      '# yarn lockfile v1',
      '',
      'a@^1.0.0:',
      '  version "1.0.0"',
      '',
      'b@^2.0.0:',
      '  version "2.0.0',
      '',
      'c@^3.0.0:',
      '  version "3.0.0"',
      '',
    ].join('\n');
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(
      expand(path, [
        ['a', '1.0.0', 3],
        ['c', '3.0.0', 9],
      ]),
    );
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path, line: 7 }]]);
  });

  it('Berry: broken YAML in one entry keeps the others', () => {
    const text = [
      '__metadata:',
      '  version: 8',
      '',
      '"a@npm:^1.0.0":',
      '  version: 1.0.0',
      '  resolution: "a@npm:1.0.0"',
      '',
      '"b@npm:^2.0.0":',
      '  version: 2.0.0',
      ' resolution: "b@npm:2.0.0"',
      '',
      '"c@npm:^3.0.0":',
      '  version: 3.0.0',
      '  resolution: "c@npm:3.0.0"',
      '',
    ].join('\n');
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(
      expand(path, [
        ['a', '1.0.0', 4],
        ['c', '3.0.0', 12],
      ]),
    );
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path, line: 10 }]]);
  });

  it('Berry: an entry without a resolution is an error at its line', () => {
    const text = '__metadata:\n  version: 8\n\n"a@npm:^1.0.0":\n  version: 1.0.0\n';
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path, line: 4 }]]);
  });

  it('Berry: other protocols', () => {
    const text = [
      '__metadata:',
      '  version: 8',
      '',
      '"remote@https://example.test/remote-1.0.0.tgz":',
      '  version: 1.0.0',
      '  resolution: "remote@https://example.test/remote-1.0.0.tgz"',
      '',
      '"gen@exec:./generate.js":',
      '  version: 0.0.1',
      '  resolution: "gen@exec:./generate.js#./generate.js::hash=1&locator=app%40workspace%3A."',
      '',
      '"left-pad@patch:left-pad@npm%3A1.3.0#~/.yarn/patches/left-pad.patch::locator=app%40workspace%3A.":',
      '  version: 1.3.0',
      '  resolution: "left-pad@patch:left-pad@npm%3A1.3.0#~/.yarn/patches/left-pad.patch::version=1.3.0&hash=abc&locator=app%40workspace%3A."',
      '',
      '"linked@link:../linked::locator=app%40workspace%3A.":',
      '  version: 0.0.0-use.local',
      '  resolution: "linked@link:../linked::locator=app%40workspace%3A."',
      '',
      '"portal@portal:../portal::locator=app%40workspace%3A.":',
      '  version: 0.0.0-use.local',
      '  resolution: "portal@portal:../portal::locator=app%40workspace%3A."',
      '',
    ].join('\n');
    const result = extractor.extract({ path, text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual(
      expand(path, [
        ['remote', '1.0.0', 4, { source: 'url' }],
        ['gen', '0.0.1', 8, { source: 'unknown' }],
        ['left-pad', '1.3.0', 12, { qualifiers: { patch: '~/.yarn/patches/left-pad.patch' } }],
      ]),
    );
  });

  it('classic: an entry whose key names no package is an error at its line', () => {
    const text = '# yarn lockfile v1\n\n"":\n  version "1.0.0"\n\nok@^1.0.0:\n  version "1.0.0"\n';
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['ok', '1.0.0', 6]]));
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 3]]);
  });

  it('Berry: deep nesting is refused by the YAML parser (maxDepth 100), not a stack overflow', () => {
    const text = `__metadata:\n  version: 8\n\n"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n\n"b@npm:^1.0.0":\n  x: ${'['.repeat(5000)}\n`;
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual(expand(path, [['a', '1.0.0', 4]]));
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 9]]);
  });

  it.each([
    // The parser meets the end of the input on the line after the last: the error is on the last line.
    ['__metadata:\n!', 2],
    ['__metadata:\n  version: 8\n\n"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a', 6],
  ])('a file cut off mid-entry (%j) is an error on its last line, %d', (text, line) => {
    const result = extractor.extract({ path, text });
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', line]]);
  });

  it.each([
    ['- a list\n- not a lock\n'],
    ['just a scalar'],
    ['__metadata:\n  version: 8\n\nfoo: bar\n'],
  ])('%j is an error, not a crash', (text) => {
    const result = extractor.extract({ path, text });
    expect(result.packages).toEqual([]);
    expect(result.errors.length).toBeGreaterThan(0);
    expect(result.errors.every((error) => error.code === 'parse-error' && error.location?.path === path)).toBe(true);
  });
});

describe('yarn-lock never throws', () => {
  const path = 'yarn.lock';

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), (text) => {
        const result = extractor.extract({ path, text });
        expect(Array.isArray(result.packages)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on lockfile-shaped lines', () => {
    const line = fc.oneof(
      fc.constantFrom('__metadata:', '  version: 8', '"a@npm:^1":', '  resolution: "a@npm:1.0.0"', 'a@^1:', '  version "1"', '', '# c', '? "x"', ':'),
      fc.string({ maxLength: 30 }),
    );
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), (lines) => {
        extractor.extract({ path, text: lines.join('\n') });
      }),
      { numRuns: 300 },
    );
  });

  itWithSharedData('on real lockfiles truncated or spliced with random text', () => {
    const classic = fixtures.read('commits.v1.lock');
    const berry = fixtures.read('scoped-packages.v2.lock');
    checkDamagedCopies([classic, berry], (text) => expectWellFormed(extractor.extract({ path, text }), { path }), {
      numRuns: 200,
      noise: fc.string({ maxLength: 40 }),
    });
  });
});

describe('yarn.lock lines too long to parse', () => {
  it('reports an overlong line and still reads every other entry, with their lines', () => {
    // The parser's time grows with the square of a line's length: 150,000 blanks inside one
    // line took half a minute before such lines were set aside.
    const text = [
      '# yarn lockfile v1',
      '',
      '',
      '"a@^1.0.0":',
      '  version "1.0.0"',
      `  depend${' '.repeat(150_000)}encies:`,
      '',
      'b@^2.0.0:',
      '  version "2.0.0"',
      '',
    ].join('\n');
    const result = extractor.extract({ path: 'yarn.lock', text });
    expect(result.packages.map((p) => [p.name, p.version, p.location.line])).toEqual([
      ['a', '1.0.0', 4],
      ['b', '2.0.0', 8],
    ]);
    expect(result.errors.map((error) => error.describe())).toEqual(['yarn.lock:6: line is 150015 characters long, with a run of blanks or a token too long to parse: not read']);
  });
});
