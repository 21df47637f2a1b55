import { existsSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectWellFormed, fixtureFolder, pypiPackage as pinned, readSharedFile, registryPackage } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { ChainwatchError } from '../../core/errors.js';
import type { ExtractedPackage, ExtractInput, ExtractResult, NotScannable } from '../types.js';
import { parseDirectReference } from './direct-reference.js';
import { extractor as extractorUnderTest } from './index.js';
import { logicalLines, splitRequirementAndOptions } from './logical-lines.js';
import { parseOptions } from './options.js';
import { MAX_INCLUDE_DEPTH } from './requirements-txt.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const folder = fixtureFolder('lockfiles/python/requirements');
const readFixture = folder.read;

/** Extracts a fixture with includes resolved inside the fixture folder, as the walker would. */
function extractFixture(name: string): ExtractResult {
  return extractor.extract({
    path: name,
    text: readFixture(name),
    readRelated: (relativePath) => {
      const file = folder.path(relativePath);
      return existsSync(file) ? { path: relativePath, text: readFileSync(file, 'utf8') } : null;
    },
  });
}

/** Extracts from in-memory files (paths relative to the root file's folder). */
function extractFiles(rootPath: string, files: Record<string, string>): ExtractResult {
  const input: ExtractInput = {
    path: rootPath,
    text: files[rootPath]!,
    readRelated: (relativePath) => {
      const key = posix.normalize(relativePath);
      return Object.hasOwn(files, key) ? { path: key, text: files[key]! } : null;
    },
  };
  return extractor.extract(input);
}

function unpinned(name: string, path: string, line: number, extra: Partial<ExtractedPackage> = {}): ExtractedPackage {
  return registryPackage('PyPI', name, null, path, line, extra);
}

function notScannable(name: string, path: string, line: number, reason: string): NotScannable {
  return { name, reason, location: { path, line } };
}

function errorSummary(result: ExtractResult): Array<[string, string | undefined, number | undefined]> {
  return result.errors.map((error) => [error.code, error.location?.path, error.location?.line]);
}

describe('requirements-txt detect', () => {
  it.each([
    ['requirements.txt', true],
    ['src/requirements.txt', true],
    ['requirements-dev.txt', true],
    ['requirements_test.txt', true],
    ['requirements.prod.txt', true],
    ['dev-requirements.txt', true],
    ['test_requirements.txt', true],
    ['docs.requirements.txt', true],
    ['requirements/base.txt', true],
    ['proj\\requirements\\dev.txt', true],
    ['constraints.txt', true],
    ['constraints-py312.txt', true],
    ['Requirements.txt', true],
    ['requirements.in', false],
    ['requirementstxt', false],
    ['myrequirements.txt', false],
    ['notes.txt', false],
    ['LICENSE.txt', false],
    ['requirements/README.md', false],
    ['requirements', false],
    ['other-loop.txt', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describe('logicalLines', () => {
  const cases: Array<[string, string, Array<{ line: number; text: string }>]> = [
    ['comments at line start and after blanks', '# c\npkg==1 # note\nurl#frag\n', [{ line: 2, text: 'pkg==1' }, { line: 3, text: 'url#frag' }]],
    ['continuations report the first line', 'a==1 \\\n  --hash=x \\\n  --hash=y\nb==2', [{ line: 1, text: 'a==1   --hash=x   --hash=y' }, { line: 4, text: 'b==2' }]],
    ['a comment line ends a continuation', 'a==1 \\\n# comment \\\nb==2', [{ line: 1, text: 'a==1' }, { line: 3, text: 'b==2' }]],
    ['trailing backslash at the end of the file', 'pkg1==1.0 \\\n', [{ line: 1, text: 'pkg1==1.0' }]],
    ['CRLF and CR line ends', 'a==1\r\nb==2\rc==3', [{ line: 1, text: 'a==1' }, { line: 2, text: 'b==2' }, { line: 3, text: 'c==3' }]],
    ['a hash without whitespace before it is not a comment', 'foo==1 --hash=sha256:x;#', [{ line: 1, text: 'foo==1 --hash=sha256:x;#' }]],
    ['blank lines vanish', '\n\n  \n', []],
  ];
  it.each(cases)('%s', (_label, text, expected) => {
    expect(logicalLines(text)).toEqual(expected);
  });
});

describe('splitRequirementAndOptions', () => {
  it.each([
    ['foo==1.0 --hash=sha256:1 trailing', 'foo==1.0', ['--hash=sha256:1', 'trailing']],
    ['foo5==1.0; python_version < "2.7" --hash=x', 'foo5==1.0; python_version < "2.7"', ['--hash=x']],
    ['-r other.txt', '', ['-r', 'other.txt']],
    ['foo17--hash==1.0', 'foo17--hash==1.0', []],
  ])('%s', (text, requirement, options) => {
    expect(splitRequirementAndOptions(text)).toEqual({ requirement, options });
  });
});

describe('parseOptions', () => {
  it.each([
    [['-r', 'base.txt'], [{ ok: true, flag: '-r', kind: 'requirement', value: 'base.txt' }]],
    [['-rbase.txt'], [{ ok: true, flag: '-r', kind: 'requirement', value: 'base.txt' }]],
    [['--requirement=base.txt'], [{ ok: true, flag: '--requirement', kind: 'requirement', value: 'base.txt' }]],
    [['--constraint', 'c.txt'], [{ ok: true, flag: '--constraint', kind: 'constraint', value: 'c.txt' }]],
    [['-e', '.'], [{ ok: true, flag: '-e', kind: 'editable', value: '.' }]],
    [['-i', 'https://pypi.test/simple'], [{ ok: true, flag: '-i', kind: 'ignored', value: 'https://pypi.test/simple' }]],
    [
      ['--extra-index-url=https://x.test', '--pre'],
      [
        { ok: true, flag: '--extra-index-url', kind: 'ignored', value: 'https://x.test' },
        { ok: true, flag: '--pre', kind: 'ignored', value: undefined },
      ],
    ],
    [['-f', 'wheels/'], [{ ok: true, flag: '-f', kind: 'ignored', value: 'wheels/' }]],
    [['-r'], [{ ok: false, flag: '-r', message: 'option -r needs a value' }]],
    [['-foo==1.0'], [{ ok: false, flag: '-foo==1.0', message: 'unknown option "-foo==1.0"' }]],
    [['--constructor'], [{ ok: false, flag: '--constructor', message: 'unknown option "--constructor"' }]],
  ])('%j', (tokens, expected) => {
    expect(parseOptions(tokens)).toEqual(expected);
  });
});

describe('parseDirectReference', () => {
  const sha = '0123456789abcdef0123456789abcdef01234567';
  it.each([
    [
      `git+https://github.test/org/repo.git@${sha}#egg=repo`,
      { text: `git+https://github.test/org/repo.git@${sha}#egg=repo`, local: false, vcs: 'git', repository: 'https://github.test/org/repo.git', revision: sha, eggName: 'repo' },
    ],
    [
      'git+ssh://git@github.test/org/repo.git#egg=repo&subdirectory=py',
      { text: 'git+ssh://git@github.test/org/repo.git#egg=repo&subdirectory=py', local: false, vcs: 'git', repository: 'ssh://git@github.test/org/repo.git', eggName: 'repo' },
    ],
    [
      'hg+https://hg.test/repo@v1 ; python_version > "3"',
      { text: 'hg+https://hg.test/repo@v1', local: false, vcs: 'hg', repository: 'https://hg.test/repo', revision: 'v1' },
    ],
    [
      './downloads/numpy-1.9.2-cp34-none-win32.whl',
      { text: './downloads/numpy-1.9.2-cp34-none-win32.whl', local: true, wheel: { name: 'numpy', version: '1.9.2' } },
    ],
    [
      'https://files.test/pkg_a-2.0-1-py3-none-any.whl',
      { text: 'https://files.test/pkg_a-2.0-1-py3-none-any.whl', local: false, wheel: { name: 'pkg_a', version: '2.0' } },
    ],
    ['.', { text: '.', local: true }],
    ['file:///src/lib#egg=lib', { text: 'file:///src/lib#egg=lib', local: true, eggName: 'lib' }],
  ])('%s', (text, expected) => {
    expect(parseDirectReference(text)).toEqual(expected);
  });
});

describeWithSharedData('requirements-txt fixtures', () => {
  it('comments.txt', () => {
    const path = 'comments.txt';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.notScannable).toEqual([]);
    expect(result.packages).toEqual([
      pinned('PyCrypto', '1.2-alpha', path, 2),
      pinned('GMPY2', '1', path, 3),
      pinned('SymPy', '1.2', path, 6),
      pinned('requests', '1.0', path, 7),
      pinned('six', '1.2', path, 8),
    ]);
  });

  it('env_var.txt: a version from an environment variable is not expanded', () => {
    const path = 'env_var.txt';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([pinned('asdf', '1.2', path, 1), unpinned('qwert', path, 2), pinned('another', '1.0', path, 3)]);
    expect(result.notScannable).toEqual([notScannable('qwert', path, 2, 'uses environment variable ${MY_VARIABLE_1}, which is not expanded')]);
  });

  it('example.txt: plain names, ranges, URLs, paths, an include and a missing constraints file', () => {
    const path = 'example.txt';
    const result = extractFixture(path);
    expect(result.packages).toEqual([
      unpinned('pytest', path, 3),
      unpinned('pytest-cov', path, 4),
      unpinned('beautifulsoup4', path, 5),
      pinned('docopt', '0.6.1', path, 8),
      unpinned('requests', path, 9),
      {
        ecosystem: 'PyPI',
        name: 'urllib3',
        version: null,
        location: { path, line: 10 },
        source: 'url',
        qualifiers: { download_url: 'https://github.com/urllib3/urllib3/archive/refs/tags/1.26.8.zip' },
      },
      unpinned('keyring', path, 13),
      unpinned('coverage', path, 15),
      unpinned('Mopidy-Dirble', path, 17),
      // From `-r other-requirements.txt` on line 21: the included file's own path and line.
      pinned('pandas', '2.2.3', 'other-requirements.txt', 1),
      // Wheel file names carry an exact name and version.
      { ecosystem: 'PyPI', name: 'numpy', version: '1.9.2', location: { path, line: 25 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'wxPython_Phoenix',
        version: '3.0.3.dev1820+49a8884',
        location: { path, line: 28 },
        source: 'url',
        qualifiers: {
          download_url: 'http://wxpython.org/Phoenix/snapshot-builds/wxPython_Phoenix-3.0.3.dev1820+49a8884-cp34-none-win_amd64.whl',
        },
      },
    ]);
    expect(result.notScannable).toEqual([
      notScannable('pytest', path, 3, 'no version specifier'),
      notScannable('pytest-cov', path, 4, 'no version specifier'),
      notScannable('beautifulsoup4', path, 5, 'no version specifier'),
      notScannable('requests', path, 9, '">=2.8.1,==2.8.*" is not an exact pin'),
      notScannable('urllib3', path, 10, 'URL requirement without a version'),
      notScannable('keyring', path, 13, '">=4.1.1" is not an exact pin'),
      notScannable('coverage', path, 15, '"!=3.5" is not an exact pin'),
      notScannable('Mopidy-Dirble', path, 17, '"~=1.1" is not an exact pin'),
    ]);
    // `-c constraints.txt` on line 22 names a file that does not exist.
    expect(errorSummary(result)).toEqual([['unreadable-file', path, 22]]);
    expect(result.errors[0]!.message).toContain('constraints.txt');
  });

  it('extras.txt', () => {
    const result = extractFixture('extras.txt');
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([pinned('pyjwt', '2.1.0', 'extras.txt', 1), pinned('celery', '4.4.7', 'extras.txt', 2)]);
  });

  it('invalid.txt: each bad line is an error at its line; the URL requirement is valid PEP 508', () => {
    const path = 'invalid.txt';
    const result = extractFixture(path);
    expect(errorSummary(result)).toEqual([
      ['parse-error', path, 1],
      ['parse-error', path, 2],
      ['parse-error', path, 3],
      ['parse-error', path, 5],
    ]);
    expect(result.packages).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'urllib3',
        version: null,
        location: { path, line: 4 },
        source: 'url',
        qualifiers: { download_url: 'https://github.com/urllib3/urllib3/archive/refs/tags/==1.26.8.zip' },
      },
    ]);
    expect(result.notScannable).toEqual([notScannable('urllib3', path, 4, 'URL requirement without a version')]);
  });

  it.each([
    ['loop.txt', 'other-loop.txt'],
    ['other-loop.txt', 'loop.txt'],
  ])('%s: the include loop is reported once, where it closes', (root, closer) => {
    const result = extractFixture(root);
    expect(result.packages).toEqual([]);
    expect(errorSummary(result)).toEqual([['include-loop', closer, 2]]);
  });

  it('multiline_and_comments.txt', () => {
    const path = 'multiline_and_comments.txt';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([pinned('pkgA', '1.0', path, 3), pinned('pkgB', '2.0', path, 7)]);
  });

  it('no_version.txt', () => {
    const path = 'no_version.txt';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([unpinned('PyCrypto', path, 1), unpinned('GMPY2', path, 2), unpinned('SymPy', path, 3)]);
    expect(result.notScannable).toEqual([
      notScannable('PyCrypto', path, 1, 'no version specifier'),
      notScannable('GMPY2', path, 2, 'no version specifier'),
      notScannable('SymPy', path, 3, 'no version specifier'),
    ]);
  });

  it('per_req_options.txt: options after the requirement are dropped, text before them is part of it', () => {
    const path = 'per_req_options.txt';
    const result = extractFixture(path);
    expect(result.packages).toEqual([
      pinned('foo1', '1.0', path, 1),
      pinned('foo2', '1.0', path, 3),
      pinned('foo3', '1.0', path, 5),
      pinned('foo4', '1.0', path, 7),
      pinned('foo5', '1.0', path, 9),
      pinned('foo6', '1.0', path, 11),
      pinned('foo8', '1.0', path, 15),
      pinned('foo9', '1.0', path, 17),
      pinned('foo11', '1.0', path, 22),
      pinned('foo12', '1.0', path, 24),
      pinned('foo13', '1.0', path, 26),
      pinned('foo14', '1.0', path, 28),
      pinned('foo16-Client', '1.0', path, 32),
      pinned('foo17--hash', '1.0', path, 34),
      pinned('foo18-Client', '1.0', path, 36),
    ]);
    // foo7 keeps its stray text (invalid), foo10 and foo15 pin nothing after `==`.
    expect(errorSummary(result)).toEqual([
      ['parse-error', path, 13],
      ['parse-error', path, 20],
      ['parse-error', path, 30],
    ]);
    expect(result.notScannable).toEqual([]);
  });

  it('trailing_backslash.txt', () => {
    const result = extractFixture('trailing_backslash.txt');
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([pinned('pkg1', '1.0', 'trailing_backslash.txt', 1)]);
  });

  it('with_versions.txt', () => {
    const path = 'with_versions.txt';
    const result = extractFixture(path);
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      pinned('nltk', '3.2.2', path, 1),
      pinned('tabulate', '0.7.7', path, 2),
      unpinned('newspaper3k', path, 3),
      unpinned('asdf', path, 4),
      // `qwerty \` + `  == 0.1`: one logical line starting on line 5.
      pinned('qwerty', '0.1', path, 5),
      pinned('hy-phen', '1.2', path, 7),
      pinned('under_score', '1.3', path, 8),
      pinned('pkg.dot.name', '5.0.0', path, 9),
      unpinned('combination-._-.also_-._valid', path, 10),
      pinned('yolo', '1.0', path, 11),
      unpinned('pkg', path, 12),
    ]);
    expect(result.notScannable).toEqual([
      notScannable('newspaper3k', path, 3, '">=0.2.2" is not an exact pin'),
      notScannable('asdf', path, 4, '"==0.7.*" is not an exact pin'),
      notScannable('combination-._-.also_-._valid', path, 10, '">=3.5" is not an exact pin'),
      notScannable('pkg', path, 12, '"<=1.2.3" is not an exact pin'),
    ]);
  });

  it('other-requirements.txt', () => {
    const result = extractFixture('other-requirements.txt');
    expect(result.packages).toEqual([pinned('pandas', '2.2.3', 'other-requirements.txt', 1)]);
  });
});

describeWithSharedData('requirements-txt real project files', () => {
  it('jupyterhub requirements.txt: nothing is pinned, every line is not scannable', () => {
    // grep -cvE '^\s*(#|$)' requirements.txt → 18 requirement lines; grep -cE '^[A-Za-z0-9._-]+==' → 0 pins.
    const path = 'requirements.txt';
    const result = extractor.extract({ path, text: readSharedFile('projects/jupyterhub/jupyterhub/requirements.txt') });
    expect(result.errors).toEqual([]);
    expect(result.packages).toHaveLength(18);
    expect(result.notScannable).toHaveLength(18);
    expect(result.packages.every((found) => found.version === null && found.dev === undefined)).toBe(true);
    expect(result.packages[0]).toEqual(unpinned('aiodns', path, 1));
    // Markers are kept, not evaluated: the Windows-only psutil is still listed.
    expect(result.packages[9]).toEqual(unpinned('pamela', path, 10));
    expect(result.packages[11]).toEqual(unpinned('psutil', path, 12));
    expect(result.notScannable[11]).toEqual(notScannable('psutil', path, 12, '">=5.6.5" is not an exact pin'));
    expect(result.packages[15]).toEqual(unpinned('SQLAlchemy', path, 16));
    expect(result.packages[17]).toEqual(unpinned('traitlets', path, 18));
  });

  it('docker-stacks requirements-dev.txt: all pinned, dev by file name, comments skipped', () => {
    // grep -cE '^[A-Za-z0-9._-]+==' requirements-dev.txt → 10
    const path = 'requirements-dev.txt';
    const result = extractor.extract({ path, text: readSharedFile('projects/jupyter/docker-stacks/requirements-dev.txt') });
    expect(result.errors).toEqual([]);
    expect(result.notScannable).toEqual([]);
    const dev = { dev: true };
    expect(result.packages).toEqual([
      pinned('docker', '7.2.0', path, 1, dev),
      pinned('plumbum', '2.0.2', path, 2, dev),
      pinned('pre-commit', '4.6.1', path, 3, dev),
      pinned('pytest', '9.1.1', path, 4, dev),
      pinned('pytest-rerunfailures', '16.4', path, 5, dev),
      pinned('pytest-xdist', '3.8.0', path, 8, dev),
      pinned('python-dateutil', '2.9.0.post0', path, 9, dev),
      pinned('requests', '2.34.2', path, 10, dev),
      pinned('tabulate', '0.10.0', path, 11, dev),
      pinned('tenacity', '9.1.4', path, 12, dev),
    ]);
  });
});

describe('requirements-txt includes and direct references', () => {
  const sha = 'b36054111bc1e8bbadb5d0d60158feb72926f467';

  it('resolves nested includes relative to the including file and reads a shared file once', () => {
    const result = extractFiles('requirements.txt', {
      'requirements.txt': '-r requirements/base.txt\n-c constraints.txt\nflask==3.0.0\n',
      'requirements/base.txt': 'click==8.1.7\n--requirement common.txt\n',
      'requirements/common.txt': 'six==1.16.0\n',
      // Includes the same common file again: a diamond, not a loop.
      'constraints.txt': '--constraint=requirements/common.txt\nidna==3.7\n',
    });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      pinned('click', '8.1.7', 'requirements/base.txt', 1),
      pinned('six', '1.16.0', 'requirements/common.txt', 1),
      pinned('idna', '3.7', 'constraints.txt', 2),
      pinned('flask', '3.0.0', 'requirements.txt', 3),
    ]);
  });

  it('marks packages from dev-named included files as dev', () => {
    const result = extractFiles('requirements-dev.txt', {
      'requirements-dev.txt': '-r requirements.txt\npytest==8.0.0\n',
      'requirements.txt': 'flask==3.0.0\n',
    });
    expect(result.packages).toEqual([pinned('flask', '3.0.0', 'requirements.txt', 1), pinned('pytest', '8.0.0', 'requirements-dev.txt', 2, { dev: true })]);
  });

  it('reports a self-include, a missing file, a remote include and a missing readRelated', () => {
    const result = extractFiles('requirements.txt', {
      'requirements.txt': 'a==1\n-r requirements.txt\n-r ./nope.txt\n-r https://example.test/r.txt\n',
    });
    expect(errorSummary(result)).toEqual([
      ['include-loop', 'requirements.txt', 2],
      ['unreadable-file', 'requirements.txt', 3],
      ['unreadable-file', 'requirements.txt', 4],
    ]);
    const alone = extractor.extract({ path: 'requirements.txt', text: '-r base.txt\n' });
    expect(errorSummary(alone)).toEqual([['unreadable-file', 'requirements.txt', 1]]);
  });

  it('reads editable, VCS and PEP 508 URL requirements', () => {
    const path = 'requirements.txt';
    const text = [
      `-e git+https://github.test/pallets/markupsafe@${sha}#egg=markupsafe`, // 1
      'git+https://github.test/org/tool.git@v1.2#egg=tool', // 2
      `lib @ git+https://github.test/org/lib.git@${sha}`, // 3
      '-e .', // 4
      'https://files.test/archive.zip', // 5
      `--editable=hg+https://hg.test/repo@${sha}#egg=hgpkg`, // 6
      'local-pkg @ file:///src/local_pkg-1.0-py3-none-any.whl', // 7
      'other @ https://files.test/local_pkg-1.0-py3-none-any.whl', // 8: the wheel is not the named package
    ].join('\n');
    const result = extractor.extract({ path, text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'markupsafe',
        version: null,
        location: { path, line: 1 },
        source: 'git',
        commit: sha,
        qualifiers: { vcs_url: 'https://github.test/pallets/markupsafe' },
      },
      // `v1.2` is a tag, not a commit.
      { ecosystem: 'PyPI', name: 'tool', version: null, location: { path, line: 2 }, source: 'git', qualifiers: { vcs_url: 'https://github.test/org/tool.git' } },
      {
        ecosystem: 'PyPI',
        name: 'lib',
        version: null,
        location: { path, line: 3 },
        source: 'git',
        commit: sha,
        qualifiers: { vcs_url: 'https://github.test/org/lib.git' },
      },
      {
        ecosystem: 'PyPI',
        name: 'hgpkg',
        version: null,
        location: { path, line: 6 },
        source: 'unknown',
        commit: sha,
        qualifiers: { vcs_url: 'https://hg.test/repo' },
      },
      { ecosystem: 'PyPI', name: 'local-pkg', version: '1.0', location: { path, line: 7 }, source: 'path' },
      {
        ecosystem: 'PyPI',
        name: 'other',
        version: null,
        location: { path, line: 8 },
        source: 'url',
        qualifiers: { download_url: 'https://files.test/local_pkg-1.0-py3-none-any.whl' },
      },
    ]);
    expect(result.notScannable).toEqual([
      notScannable('markupsafe', path, 1, `git requirement at commit ${sha}: no version`),
      notScannable('tool', path, 2, 'git requirement without a pinned commit or version'),
      notScannable('lib', path, 3, `git requirement at commit ${sha}: no version`),
      notScannable('.', path, 4, 'local path requirement without a package name'),
      notScannable('https://files.test/archive.zip', path, 5, 'URL requirement without a package name'),
      notScannable('hgpkg', path, 6, `hg requirement at commit ${sha}: no version`),
      notScannable('other', path, 8, 'URL requirement without a version'),
    ]);
  });

  it('ignores index and install options, and keeps requirements with markers and extras', () => {
    const path = 'requirements.txt';
    const text = [
      '--index-url https://pypi.test/simple', // 1
      '-i https://pypi.test/simple', // 2
      '--extra-index-url=https://mirror.test/simple', // 3
      '-f ./wheels', // 4
      '--require-hashes', // 5
      'celery[redis,  sqs]==5.3.0 ; python_version >= "3.8" and sys_platform == "win32"', // 6
      'attrs===23.1.0 --hash=sha256:abc', // 7
    ].join('\n');
    const result = extractor.extract({ path, text });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([pinned('celery', '5.3.0', path, 6), pinned('attrs', '23.1.0', path, 7)]);
  });
});

describe('requirements-txt fuzz', () => {

  function assertWellFormed(text: string, readRelated?: ExtractInput['readRelated']): void {
    const result = extractor.extract({ path: 'requirements.txt', text, ...(readRelated ? { readRelated } : {}) });
    expectWellFormed(result, { linesKnown: true, errorCodes: ['parse-error', 'unreadable-file', 'include-loop', 'include-too-deep'] });
  }

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (text) => assertWellFormed(text)), { numRuns: 300 });
  });

  itWithSharedData('never throws on truncated or spliced real requirement files', () => {
    const fixtures = ['example.txt', 'per_req_options.txt', 'with_versions.txt', 'comments.txt', 'invalid.txt'].map(readFixture);
    checkDamagedCopies(fixtures, (text) => assertWellFormed(text), { numRuns: 200 });
  });

  it('always ends on random include graphs, including loops', () => {
    const names = ['a.txt', 'b.txt', 'sub/c.txt', 'requirements.txt'];
    const fileText = fc.array(fc.oneof(fc.constantFrom(...names, '../a.txt', './b.txt', 'sub/../a.txt').map((name) => `-r ${name}`), fc.constant('x==1')), {
      maxLength: 6,
    });
    fc.assert(
      fc.property(fc.array(fileText, { minLength: names.length, maxLength: names.length }), (texts) => {
        const files = new Map(names.map((name, index) => [name, texts[index]!.join('\n')]));
        assertWellFormed(files.get('requirements.txt')!, (relativePath) => {
          const text = files.get(posix.normalize(relativePath));
          return text === undefined ? null : { path: posix.normalize(relativePath), text };
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('requirements-txt hostile input', () => {
  const secret = 'MY_DB_PASSWORD=hunter2-secret-value';

  function said(result: ExtractResult): string {
    return JSON.stringify({
      errors: result.errors.map((error) => [error.message, String((error.cause as Error | undefined)?.message ?? '')]),
      notScannable: result.notScannable,
    });
  }

  it('never quotes an unparsable line whole: errors and names carry a bounded excerpt, and no cause repeats the line', () => {
    // What /proc/self/environ looks like to pip: one line, NUL-separated.
    const environ = `PATH=/usr/bin\u0000HOME=/home/runner\u0000${secret}\u0000AWS_SECRET_ACCESS_KEY=abcdefghijklmnopqrstuvwxyz0123456789`;
    const text = [
      environ, // 1: not a requirement
      `-${secret}`, // 2: an unknown option that is a pasted secret
      `./${'x'.repeat(50)}/${secret}`, // 3: a path without a name
      `name==1.0 ; ${'x'.repeat(60)} ${secret}`, // 4: a bad marker
      `-r ${'d/'.repeat(30)}${secret}`, // 5: a missing include
      `-r https://example.test/${'p/'.repeat(30)}${secret}`, // 6: a remote include
      `LANG=C.UTF-8\u0000${secret}`, // 7: a line of an environment
    ].join('\n');
    const result = extractor.extract({ path: 'requirements.txt', text, readRelated: () => null });
    expect(result.errors.map((error) => error.describe())).toEqual([
      'requirements.txt:2: unknown option "-MY_DB_PASSWORD=hunter2-secret-value"',
      'requirements.txt:4: invalid requirement "name==1.0 ; xxxxxxxxxxxxxxxxxxxxxxxxxxxx…": Expected a marker variable or quoted string (column 13)',
      'requirements.txt:5: cannot read included requirements file "d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/d/…": it does not exist',
      'requirements.txt:6: included requirements file "https://example.test/p/p/p/p/p/p/p/p/p/p…" is a URL; remote files are not fetched',
      'requirements.txt:7: invalid requirement "LANG=C.UTF-8\\x00MY_DB_PASSWORD=hunter2-secr…": Expected semicolon (after name with no version specifier) or end (column 5)',
    ]);
    // Line 1 has a `/`, so pip would take it for a path: named by an excerpt too.
    expect(result.notScannable).toEqual([
      notScannable('PATH=/usr/bin\\x00HOME=/home/runner\\x00MY_DB_PA…', 'requirements.txt', 1, 'local path requirement without a package name'),
      notScannable(`./${'x'.repeat(38)}…`, 'requirements.txt', 3, 'local path requirement without a package name'),
    ]);
    for (const error of result.errors) expect(error.cause).toBeUndefined();
    // Only line 2, a short line of its own, is quoted whole: a 40-character excerpt is the bound.
    expect(said(result)).not.toContain('hunter2-secret-value"');
    expect(said(result).split('hunter2-secret-value').length - 1).toBe(1);
    expect(said(result)).not.toContain('AWS_SECRET');
    for (const error of result.errors) expect(error.message.length).toBeLessThan(240);
  });

  it('a refused include is named by the path as written, with the reader\'s reason and the included line', () => {
    const refusals: Record<string, ChainwatchError> = {
      '/proc/self/environ': new ChainwatchError('unreadable-file', 'is outside the scanned tree'),
      'big.txt': new ChainwatchError('input-too-large', 'is larger than 256 MiB, the limit for this kind of input', { location: { path: 'big.txt' } }),
      'latin1.txt': new ChainwatchError('invalid-encoding', 'is not valid UTF-8 (first bad byte at offset 9)', { location: { path: 'latin1.txt', line: 2 } }),
    };
    const result = extractor.extract({
      path: 'requirements.txt',
      text: '-r /proc/self/environ\n-c big.txt\n-r latin1.txt\nok==1.0\n',
      readRelated: (relativePath) => (refusals[relativePath] ? { error: refusals[relativePath] } : null),
    });
    expect(result.errors.map((error) => error.describe())).toEqual([
      'requirements.txt:1: cannot read included requirements file "/proc/self/environ": is outside the scanned tree',
      'requirements.txt:2: cannot read included requirements file "big.txt": is larger than 256 MiB, the limit for this kind of input',
      'requirements.txt:3: cannot read included requirements file "latin1.txt": line 2 is not valid UTF-8 (first bad byte at offset 9)',
    ]);
    expect(result.errors.map((error) => error.code)).toEqual(['unreadable-file', 'input-too-large', 'invalid-encoding']);
    expect(result.packages).toEqual([pinned('ok', '1.0', 'requirements.txt', 4)]);
  });

  it(`follows includes ${MAX_INCLUDE_DEPTH} deep, then stops with one error: 2,000 nested files cost no stack`, () => {
    const files: Record<string, string> = { 'requirements.txt': '-r f0.txt\n' };
    for (let index = 0; index < 2000; index++) files[`f${index}.txt`] = `-r f${index + 1}.txt\np${index}==1.0\n`;
    const result = extractFiles('requirements.txt', files);
    expect(errorSummary(result)).toEqual([['include-too-deep', `f${MAX_INCLUDE_DEPTH - 2}.txt`, 1]]);
    expect(result.packages).toHaveLength(MAX_INCLUDE_DEPTH - 1);
  });

  it.each([
    ['1M blank continuations', ' \\\n'.repeat(1_000_000) + 'x==1\n', 1],
    ['a 1M-character run of blanks', `${' '.repeat(1_000_000)}x==1`, 1],
    ['1M blanks before a `#` at the end', `x==1${' '.repeat(1_000_000)}#`, 1],
    ['a line of 1M backslashes then a continuation', `${'\\'.repeat(1_000_000)}x\\\ny`, 1],
    ['1M `#` after blanks', ' #'.repeat(500_000), 0],
  ])('logical lines are linear: %s', (_label, text, count) => {
    // Each was quadratic (a backtracking `(^|\s+)#` or `\\+$`): 40k continuations took 1.6 s, 1M would take 1,000 s.
    expect(logicalLines(text)).toHaveLength(count);
  }, 20_000);

  it('200k backslash continuations through the extractor: one logical line, read in linear time', () => {
    const result = extractor.extract({ path: 'requirements.txt', text: `${'  \\\n'.repeat(200_000)}requests==2.31.0\n` });
    expect(result.errors).toEqual([]);
    expect(result.packages).toEqual([pinned('requests', '2.31.0', 'requirements.txt', 1)]);
  }, 20_000);
});
