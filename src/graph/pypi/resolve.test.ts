import { describe, expect, it } from 'vitest';
import { cpythonEnvironment, defaultEnvironment } from '../../ecosystems/pypi/environment.js';
import { createMemoryIndex, type MemoryIndexSpec } from './memory-index.fixture.js';
import { PypiResolutionError, requiresPythonAdmits, resolvePypi, type PrereleasePolicy, type PypiIndex, type PypiRoot } from './resolve.js';

const windows = (() => {
  const built = cpythonEnvironment('3.12', 'windows', 'x86_64');
  if (!built.ok) throw built.error;
  return built.value;
})();

function pins(packages: Array<{ name: string; version: string }>): string[] {
  return packages.map((p) => `${p.name}==${p.version}`);
}

interface Case {
  name: string;
  index: MemoryIndexSpec;
  roots: PypiRoot[];
  expected: string[];
  environment?: typeof defaultEnvironment;
  prereleases?: PrereleasePolicy;
  excludeNewer?: string;
}

const cases: Case[] = [
  {
    name: 'a simple chain takes the highest versions',
    index: {
      a: { '1.0': { requires: ['b>=1'] }, '2.0': { requires: ['b>=2'] } },
      b: { '1.0': {}, '2.0': { requires: ['c<3'] }, '2.1': { requires: ['c<3'] } },
      c: { '1.0': {}, '2.0': {}, '3.0': {} },
    },
    roots: [{ name: 'a' }],
    expected: ['a==2.0', 'b==2.1', 'c==2.0'],
  },
  {
    name: 'a root specifier limits the root',
    index: { a: { '1.0': {}, '1.5': {}, '2.0': {} } },
    roots: [{ name: 'A', specifier: '<2' }],
    expected: ['a==1.5'],
  },
  {
    name: 'extras of a dependency pull in their requirements, and only theirs',
    index: {
      app: { '1.0': { requires: ['lib[speed]>=1'] } },
      lib: {
        '1.0': {
          requires: ['core', 'fast; extra == "speed"', 'docs-tool; extra == "docs"', 'winonly; extra == "speed" and sys_platform == "win32"'],
        },
      },
      core: { '1.0': {} },
      fast: { '3.0': {} },
      'docs-tool': { '1.0': {} },
      winonly: { '1.0': {} },
    },
    roots: [{ name: 'app' }],
    expected: ['app==1.0', 'core==1.0', 'fast==3.0', 'lib==1.0'],
  },
  {
    name: 'extras requested on a root, and an extra that requires another extra of the same package',
    index: {
      tool: { '1.0': { requires: ['tool[test]; extra == "all"', 'pytest; extra == "test"', 'sphinx; extra == "docs"'] } },
      pytest: { '8.0': {} },
      sphinx: { '7.0': {} },
    },
    roots: [{ name: 'tool', extras: ['all'] }],
    expected: ['pytest==8.0', 'tool==1.0'],
  },
  {
    name: 'markers are evaluated for the target environment',
    index: {
      a: { '1.0': { requires: ['colorama; sys_platform == "win32"', 'uvloop; sys_platform != "win32"', 'old; python_version < "3.10"'] } },
      colorama: { '0.4': {} },
      uvloop: { '0.19': {} },
      old: { '1.0': {} },
    },
    roots: [{ name: 'a' }],
    expected: ['a==1.0', 'uvloop==0.19'],
  },
  {
    name: 'the same index on Windows takes the other branch',
    index: {
      a: { '1.0': { requires: ['colorama; sys_platform == "win32"', 'uvloop; sys_platform != "win32"'] } },
      colorama: { '0.4': {} },
      uvloop: { '0.19': {} },
    },
    roots: [{ name: 'a' }],
    environment: windows,
    expected: ['a==1.0', 'colorama==0.4'],
  },
  {
    name: 'Requires-Python: a newer lower bound excludes the release; upper bounds are ignored as uv does',
    index: {
      a: {
        '1.0': { requiresPython: '>=3.8' },
        '2.0': { requiresPython: '>=3.8,<3.12' },
        '3.0': { requiresPython: '>=3.13' },
      },
    },
    roots: [{ name: 'a' }],
    expected: ['a==2.0'],
  },
  {
    name: 'yanked releases are skipped',
    index: { a: { '1.0': {}, '1.1': { yanked: true } } },
    roots: [{ name: 'a' }],
    expected: ['a==1.0'],
  },
  {
    name: 'a yanked release pinned with == on a root is allowed',
    index: { a: { '1.0': {}, '1.1': { yanked: true } } },
    roots: [{ name: 'a', specifier: '==1.1' }],
    expected: ['a==1.1'],
  },
  {
    name: 'a conflict that needs backtracking: b 2.0 wants a c that a 2.0 excludes',
    index: {
      a: { '1.0': { requires: ['c>=1'] }, '2.0': { requires: ['c==1.*'] } },
      b: { '1.0': { requires: ['c<2'] }, '2.0': { requires: ['c>=2'] } },
      c: { '1.0': {}, '2.0': {} },
    },
    roots: [{ name: 'a' }, { name: 'b' }],
    expected: ['a==2.0', 'b==1.0', 'c==1.0'],
  },
  {
    name: 'a deeper conflict found only after a dependency of a dependency',
    index: {
      web: { '1.0': { requires: ['http<1'] }, '2.0': { requires: ['http>=1'] } },
      http: { '0.9': { requires: ['tls<1'] }, '1.0': { requires: ['tls>=2'] } },
      tls: { '0.5': {}, '2.0': {} },
      client: { '1.0': { requires: ['tls<2'] } },
    },
    roots: [{ name: 'client' }, { name: 'web' }],
    expected: ['client==1.0', 'http==0.9', 'tls==0.5', 'web==1.0'],
  },
  {
    name: 'pre-releases only when nothing else fits (if-necessary)',
    index: { a: { '1.0': {}, '2.0b1': {} }, b: { '1.0a1': {}, '1.0a2': {} }, c: { '1.0': { requires: ['a>1'] } } },
    roots: [{ name: 'b' }, { name: 'c' }],
    expected: ['a==2.0b1', 'b==1.0a2', 'c==1.0'],
  },
  {
    name: 'pre-releases allowed everywhere',
    index: { a: { '1.0': {}, '2.0b1': {} } },
    roots: [{ name: 'a' }],
    prereleases: 'allow',
    expected: ['a==2.0b1'],
  },
  {
    name: 'exclude-newer hides files uploaded at or after the cut-off',
    index: {
      a: { '1.0': { uploadTime: '2024-01-01T00:00:00Z' }, '2.0': { uploadTime: '2025-06-01T00:00:00Z' } },
    },
    roots: [{ name: 'a' }],
    excludeNewer: '2025-01-01T00:00:00Z',
    expected: ['a==1.0'],
  },
  {
    name: 'a release whose wheels do not fit the platform is skipped unless it has an sdist',
    index: {
      a: { '1.0': {}, '2.0': { files: ['a-2.0-cp312-cp312-win_amd64.whl'] } },
      b: { '1.0': {}, '2.0': { files: ['b-2.0-cp312-cp312-win_amd64.whl', 'b-2.0.tar.gz'] } },
      c: { '1.0': {}, '2.0': { files: ['c-2.0-cp312-cp312-manylinux_2_34_x86_64.whl'] }, '1.5': { files: ['c-1.5-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl'] } },
    },
    roots: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
    expected: ['a==1.0', 'b==2.0', 'c==1.5'],
  },
  {
    name: 'a release whose metadata cannot be read is skipped',
    index: { a: { '1.0': {}, '2.0': { unreadable: true } } },
    roots: [{ name: 'a' }],
    expected: ['a==1.0'],
  },
  {
    name: 'a release depending on a project the index lacks is skipped',
    index: { a: { '1.0': {}, '2.0': { requires: ['ghost>=1'] } } },
    roots: [{ name: 'a' }],
    expected: ['a==1.0'],
  },
];

describe('resolvePypi on in-memory indexes', () => {
  it.each(cases)('$name', async (testCase) => {
    const result = await resolvePypi(testCase.roots, {
      index: createMemoryIndex(testCase.index),
      environment: testCase.environment ?? defaultEnvironment,
      ...(testCase.prereleases ? { prereleases: testCase.prereleases } : {}),
      ...(testCase.excludeNewer ? { excludeNewer: testCase.excludeNewer } : {}),
    });
    expect(pins(result.packages)).toEqual(testCase.expected);
  });

  it('records edges with their requirement, marker and extra', async () => {
    const result = await resolvePypi([{ name: 'app' }], {
      index: createMemoryIndex({
        app: { '1.0': { requires: ['lib[speed]>=1', 'uvloop; sys_platform != "win32"'] } },
        lib: { '1.0': { requires: ['fast>=2; extra == "speed"'] } },
        fast: { '2.0': {} },
        uvloop: { '0.19': {} },
      }),
      environment: defaultEnvironment,
    });
    expect(result.edges).toEqual(
      expect.arrayContaining([
        { from: null, to: 'app', requirement: 'app', kind: 'runtime' },
        { from: 'app', to: 'lib', requirement: 'lib[speed]>=1', kind: 'runtime' },
        { from: 'app', to: 'uvloop', requirement: 'uvloop', marker: 'sys_platform != "win32"', kind: 'runtime' },
        { from: 'lib', to: 'fast', requirement: 'fast>=2', marker: 'extra == "speed"', kind: 'optional', extra: 'speed' },
      ]),
    );
    expect(result.edges).toHaveLength(4);
    expect(result.packages.find((p) => p.name === 'lib')?.extras).toEqual(['speed']);
  });

  it('counts conflicts and backjumps only when there were some', async () => {
    const simple = await resolvePypi([{ name: 'a' }], { index: createMemoryIndex(cases[0]!.index), environment: defaultEnvironment });
    expect(simple.stats).toEqual({ decisions: 4, conflicts: 0, backtracks: 0 });
    const conflicting = cases.find((testCase) => testCase.name.startsWith('a conflict that needs backtracking'))!;
    const backtracked = await resolvePypi(conflicting.roots, { index: createMemoryIndex(conflicting.index), environment: defaultEnvironment });
    expect(backtracked.stats.conflicts).toBeGreaterThan(0);
    expect(backtracked.stats.backtracks).toBeGreaterThan(0);
  });

  it('reads the files of only the releases it considers when the index gives earliest-upload hints', async () => {
    const read: string[] = [];
    const release = (version: string, earliestUpload: string | null) => ({
      version,
      earliestUpload,
      get files() {
        read.push(version);
        return [{ filename: `a-${version}-py3-none-any.whl`, yanked: false, ...(earliestUpload ? { uploadTime: earliestUpload } : {}) }];
      },
    });
    const index: PypiIndex = {
      versions: async () => [release('1.0', '2020-01-01T00:00:00Z'), release('2.0', '2021-01-01T00:00:00Z'), release('3.0', '2030-01-01T00:00:00Z'), release('3.1', null)],
      metadata: async () => ({ requiresDist: [] }),
    };
    const result = await resolvePypi([{ name: 'a' }], { index, environment: defaultEnvironment, excludeNewer: '2025-01-01T00:00:00Z' });
    expect(pins(result.packages)).toEqual(['a==2.0']);
    expect(read).toEqual(['2.0']);
  });

  it('reports a missing project only when the solver needed it', async () => {
    // a 2.0 (newest, crawled ahead) needs ghost, but b pins a to 1.0 before a 2.0 is ever tried.
    const index = createMemoryIndex({ a: { '1.0': {}, '2.0': { requires: ['ghost'] } }, b: { '1.0': { requires: ['a==1.0'] } } });
    const pinned = await resolvePypi([{ name: 'b' }, { name: 'a' }], { index, environment: defaultEnvironment });
    expect(pins(pinned.packages)).toEqual(['a==1.0', 'b==1.0']);
    expect(pinned.unknown).toEqual([]);
    const open = await resolvePypi([{ name: 'a' }], { index, environment: defaultEnvironment });
    expect(pins(open.packages)).toEqual(['a==1.0']);
    expect(open.unknown).toEqual([{ name: 'ghost', reason: 'not found on the index' }]);
  });

  it('reports what stayed unknown', async () => {
    const result = await resolvePypi([{ name: 'a' }], {
      index: createMemoryIndex({ a: { '1.0': {}, '2.0': { unreadable: true } } }),
      environment: defaultEnvironment,
    });
    expect(result.unknown).toEqual([{ name: 'a', version: '2.0', reason: 'metadata could not be read' }]);
  });

  it('names the clashing requirements when nothing fits', async () => {
    const attempt = resolvePypi([{ name: 'a' }, { name: 'b' }], {
      index: createMemoryIndex({
        a: { '1.0': { requires: ['c==1.0'] } },
        b: { '1.0': { requires: ['c>=2'] } },
        c: { '1.0': {}, '2.0': {} },
      }),
      environment: defaultEnvironment,
    });
    await expect(attempt).rejects.toBeInstanceOf(PypiResolutionError);
    const error = (await attempt.catch((caught: unknown) => caught)) as PypiResolutionError;
    expect([...error.conflicts].sort()).toEqual([
      'every version of a depends on c==1.0',
      'every version of b depends on c>=2',
      'the request asks for a',
      'the request asks for b',
    ]);
    expect(error.message).toContain('every version of a depends on c==1.0');
  });

  it('says when a requested project is not on the index', async () => {
    const attempt = resolvePypi([{ name: 'nowhere' }], { index: createMemoryIndex({}), environment: defaultEnvironment });
    const error = (await attempt.catch((caught: unknown) => caught)) as PypiResolutionError;
    expect(error).toBeInstanceOf(PypiResolutionError);
    expect(error.conflicts.join('\n')).toContain('nowhere');
  });

  it('asks the index once per project', async () => {
    const index = createMemoryIndex({
      a: { '1.0': { requires: ['c'] } },
      b: { '1.0': { requires: ['c'] } },
      c: { '1.0': {} },
    });
    await resolvePypi([{ name: 'a' }, { name: 'b' }], { index, environment: defaultEnvironment });
    expect(index.calls.versions).toBe(3);
    expect(index.calls.metadata).toBe(3);
  });
});

describe('requiresPythonAdmits (uv: only the lower bound counts)', () => {
  it.each([
    ['>=3.8', '3.12.0', true],
    ['>=3.12', '3.12.0', true],
    ['>=3.12.1', '3.12.0', false],
    ['>3.12', '3.12.0', false],
    ['>=3.13', '3.12.0', false],
    ['>=3.7,<3.12', '3.12.0', true],
    ['<3.10', '3.12.0', true],
    ['~=3.11', '3.12.0', true],
    ['==3.13.*', '3.12.0', false],
    ['>=3.12.0rc1', '3.12.0', true],
    ['!=3.12.*', '3.12.0', true],
  ])('%s for %s → %s', (specifier, python, admitted) => {
    expect(requiresPythonAdmits(specifier, python)).toBe(admitted);
  });
});
