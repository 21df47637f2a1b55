import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { condaScheme, parseCondaVersion, parseMatchSpec } from './version.js';
import { parseCondaRange } from './version-spec.js';

function testdata(name: string): string[] {
  return readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8').split('\n');
}

function version(text: string) {
  const parsed = parseCondaVersion(text);
  if (!parsed.ok) throw new Error(`test setup: ${parsed.error.message}`);
  return parsed.value;
}

function range(text: string) {
  const parsed = parseCondaRange(text);
  if (!parsed.ok) throw new Error(`test setup: ${parsed.error.message}`);
  return parsed.value;
}

describe('conda ranges: bare version, prefix and exact', () => {
  // conda's own rules (conda/models/version.py): a bare `1.2` is exact like `==1.2`;
  // only `1.2.*`, `1.2*` and `=1.2` are prefix matches.
  it.each([
    ['1.2', '1.2', true],
    ['1.2', '1.2.0', true],
    ['1.2', '1.2.1', false],
    ['1.2', '1.2a1', false],
    ['==1.2', '1.2.0', true],
    ['==1.2', '1.2.1', false],
    ['1.2.*', '1.2.1', true],
    ['1.2.*', '1.2', true],
    ['1.2.*', '1.2a1', true],
    ['1.2.*', '1.20', false],
    ['1.2*', '1.2.7', true],
    ['1.2*', '1.20', false],
    ['=1.2', '1.2.7', true],
    ['=1.2', '1.3', false],
    ['!=1.2.*', '1.2.5', false],
    ['!=1.2.*', '1.3', true],
    ['~=1.2.3', '1.2.9', true],
    ['~=1.2.3', '1.3', false],
    ['~=1.2.3', '1.2.2', false],
    ['>=1.2,<2', '1.9.9', true],
    ['>=1.2,<2', '2.0', false],
    ['>=1.2,<2', '2.0a1', true], // conda ranges do not exclude pre-releases
    ['1.2|1.3', '1.3.0', true],
    ['1.2|1.3', '1.3.1', false],
    ['>=1,<2|>3', '3.7', true],
    ['>=1,<2|>3', '2.5', false],
    ['(1.1|1.2),<1.2.5', '1.2', true],
    ['*', '0.0.1', true],
    ['1.*.3', '1.2.3', true],
    ['1.*.3', '1.2.4', false],
  ])('%s contains %s: %s', (spec, candidate, expected) => {
    expect(range(spec).contains(version(candidate))).toBe(expected);
  });

  it.each(['', ' ', '>=', '==', '~=1.2.*', '1.2,', ',1.2', '(1.2', '1.2)', '1.2$', '<= 1.2', '<>1.2', '>=1..2', '(1.2)(1.3)', '^1.[$'])(
    'rejects %j with invalid-range',
    (spec) => {
      const parsed = parseCondaRange(spec);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('invalid-range');
    },
  );
});

describe('conda ranges against conda itself (testdata/conda-ranges-generated.txt)', () => {
  const lines = testdata('conda-ranges-generated.txt');
  const rows = lines
    .map((line, index) => ({ line, at: index + 1 }))
    .filter(({ line }) => line.trim() !== '' && !line.startsWith('#'));

  it('has rows to check', () => {
    expect(rows.length).toBeGreaterThan(900);
  });

  it('agrees on every row', () => {
    const failures: string[] = [];
    for (const { line, at } of rows) {
      const [spec, candidate, expected] = line.split('\t') as [string, string, string];
      const parsedRange = parseCondaRange(spec);
      const parsedVersion = parseCondaVersion(candidate);
      if (!parsedRange.ok || !parsedVersion.ok) {
        failures.push(`conda-ranges-generated.txt:${at}: ${line} did not parse`);
        continue;
      }
      const got = parsedRange.value.contains(parsedVersion.value);
      if (String(got) !== expected) failures.push(`conda-ranges-generated.txt:${at}: ${line} (got ${got})`);
    }
    expect(failures).toEqual([]);
  });
});

describe('conda versions conda refuses (testdata/conda-invalid-versions-generated.txt)', () => {
  const texts = testdata('conda-invalid-versions-generated.txt')
    .filter((line) => line.startsWith('"'))
    .map((line) => JSON.parse(line) as string);

  it('has the cases', () => {
    expect(texts).toContain('1..2');
    expect(texts.length).toBeGreaterThan(20);
  });

  it.each(texts)('rejects %j with invalid-version', (text) => {
    const parsed = condaScheme.parse(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.code).toBe('invalid-version');
  });
});

describe('conda version details', () => {
  it.each([
    ['1.0rc1', true],
    ['2.0.dev3', true],
    ['1.2.beta', true],
    ['1.0', false],
    ['1.0.post1', false],
    ['1.0.1_', false],
    ['1.0+cpu', false],
  ])('%s is a pre-release: %s', (text, expected) => {
    expect(version(text).isPrerelease).toBe(expected);
  });

  it('keeps integers beyond 2^53 exact', () => {
    expect(version('9007199254740993').compare(version('9007199254740992'))).toBe(1);
  });

  it('reads dashes as underscores only when there is no underscore', () => {
    expect(version('1-2-3').compare(version('1.2.3'))).toBe(0);
    expect(parseCondaVersion('1-2_3').ok).toBe(false);
  });
});

describe('parseMatchSpec', () => {
  // Expected values are what conda's MatchSpec gives for the same strings.
  it.each([
    ['conda-forge::jupyterlab >=4,<5 py_0', { channel: 'conda-forge', name: 'jupyterlab', versionText: '>=4,<5', build: 'py_0' }],
    ["numpy[version='>=1.20']", { name: 'numpy', versionText: '>=1.20' }],
    ['python 3.12.*', { name: 'python', versionText: '3.12.*' }],
    ['python 3.12', { name: 'python', versionText: '3.12' }],
    ['python=3.12', { name: 'python', versionText: '3.12*' }],
    ['python==3.12', { name: 'python', versionText: '3.12' }],
    ['numpy 1.8*', { name: 'numpy', versionText: '1.8*' }],
    ['numpy=1.11.1|1.11.3', { name: 'numpy', versionText: '=1.11.1|1.11.3' }],
    ['numpy=', { name: 'numpy' }],
    ['python=3.12=h123_0', { name: 'python', versionText: '3.12', build: 'h123_0' }],
    ['python 3.12 h123*', { name: 'python', versionText: '3.12', build: 'h123*' }],
    ['conda-forge/linux-64::numpy 1.26', { channel: 'conda-forge', subdir: 'linux-64', name: 'numpy', versionText: '1.26' }],
    ['numpy >=1.0 , < 2.0 py34_0', { name: 'numpy', versionText: '>=1.0,<2.0', build: 'py34_0' }],
    ['numpy[version=1.7.*]', { name: 'numpy', versionText: '1.7.*' }],
    ['numpy[build=py*, channel=conda-forge]', { channel: 'conda-forge', name: 'numpy', build: 'py*' }],
    ['NumPy >=1', { name: 'numpy', versionText: '>=1' }],
    ['numpy # comment', { name: 'numpy' }],
    ['numpy >=1 if __unix', { name: 'numpy', versionText: '>=1' }],
    ['numpy (optional)', { name: 'numpy' }],
    ['numpy=1.7.1 py27_0', { name: 'numpy', versionText: '1.7.1', build: 'py27_0' }],
    ['numpy * openblas*', { name: 'numpy', versionText: '*', build: 'openblas*' }],
    ['numpy=1.7=py*', { name: 'numpy', versionText: '1.7', build: 'py*' }],
    ["numpy[version='>=1.20', build=py_0] >=1", { name: 'numpy', versionText: '>=1.20', build: 'py_0' }],
    ['::numpy', { name: 'numpy' }],
    ['numpy==1.2.*', { name: 'numpy', versionText: '1.2.*' }],
    ['numpy=1.2 *', { name: 'numpy', versionText: '1.2', build: '*' }],
    ['__glibc >=2.17', { name: '__glibc', versionText: '>=2.17' }],
  ])('%s', (text, expected) => {
    const parsed = parseMatchSpec(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const { channel, subdir, name, versionText, build } = parsed.value;
    const actual = Object.fromEntries(
      Object.entries({ channel, subdir, name, versionText, build }).filter(([, value]) => value !== undefined),
    );
    expect(actual).toEqual(expected);
  });

  it('returns a range with conda semantics: python=3.12 matches 3.12.4, python 3.12 does not', () => {
    const prefix = parseMatchSpec('python=3.12');
    const exact = parseMatchSpec('python 3.12');
    if (!prefix.ok || !exact.ok) throw new Error('test setup');
    expect(prefix.value.version?.contains(version('3.12.4'))).toBe(true);
    expect(exact.value.version?.contains(version('3.12.4'))).toBe(false);
    expect(exact.value.version?.contains(version('3.12.0'))).toBe(true);
  });

  it.each(['numpy==', 'numpy>=', 'numpy 1.2,', 'bad name!', 'Bad$Name', '=1.2', 'numpy@', 'numpy-1.0-py_0.tar.bz2'])(
    'rejects %j with invalid-requirement',
    (text) => {
      const parsed = parseMatchSpec(text);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('invalid-requirement');
    },
  );
});

describe('parseMatchSpec on arbitrary text', () => {
  const specish = fc
    .array(fc.constantFrom('numpy', 'py_0', '1', '.', '2', '*', '=', '==', '>=', '<', '!=', '~=', ',', '|', ' ', ':', '::', '/', '[', ']', '(', ')', "'", '"', '#', ' if ', 'version=', 'build=', 'channel=', '@', 'é'), { maxLength: 30 })
    .map((parts) => parts.join(''));

  it('never throws and only fails with invalid-requirement', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 80 }), specish), (text) => {
        const parsed = parseMatchSpec(text);
        if (!parsed.ok) expect(parsed.error.code).toBe('invalid-requirement');
      }),
      { numRuns: 3000 },
    );
  });

  it.each([
    'numpy ' + '>=1,'.repeat(3000) + '<2',
    'numpy ' + '1 ='.repeat(5000),
    'numpy ' + 'a='.repeat(5000),
    'x[' + 'a=b '.repeat(3000) + ']',
    'numpy ' + '('.repeat(3000) + '1' + ')'.repeat(3000),
    'numpy >=1 ' + 'x'.repeat(20000),
  ])('parses a long spec quickly (%#)', (text) => {
    parseMatchSpec(text);
  });
});
