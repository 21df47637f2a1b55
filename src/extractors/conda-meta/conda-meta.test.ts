import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectWellFormed, fixtureFolder, runExtractor } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { extractor as extractorUnderTest } from './index.js';
import { distributionFromPath } from './read-record.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixture = fixtureFolder('lockfiles/python/condameta').read;

const PATH = 'opt/conda/conda-meta/jupyterlab-3.1.12-py39hf3db000.json';

function run(text: string, path = PATH) {
  return runExtractor(extractor, path, text, { errorPaths: true });
}

describe('conda-meta detect', () => {
  it.each([
    ['opt/conda/conda-meta/numpy-1.26.4-py312h8753938_0.json', true],
    ['/home/u/miniforge3/envs/x/conda-meta/python-3.12.3-h.json', true],
    ['C:\\Miniconda3\\conda-meta\\zlib-1.3.1-h2466b09_1.json', true],
    ['opt/conda/conda-meta/history', false],
    ['opt/conda/conda-meta/pinned', false],
    ['opt/conda/pkgs/numpy-1.26.4/info/index.json', false],
    ['conda-meta.json', false],
    ['opt/conda/conda-meta/sub/x.json', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('conda-meta fixtures (shared/data/lockfiles/python/condameta, from osv-scalibr testdata)', () => {
  it('valid: jupyterlab 3.1.12, channel named from the channel URL path, build from build_string', () => {
    expect(run(fixture('valid'))).toEqual({
      packages: [
        {
          ecosystem: 'conda',
          name: 'jupyterlab',
          version: '3.1.12',
          location: { path: PATH, line: 1 },
          source: 'registry',
          qualifiers: { channel: 'pkgs/main', subdir: 'linux-64', build: 'py39hf3db000' },
        },
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('noversion: the package is kept with a null version and listed as not scannable', () => {
    expect(run(fixture('noversion'))).toEqual({
      packages: [
        {
          ecosystem: 'conda',
          name: 'jupyterlab',
          version: null,
          location: { path: PATH, line: 1 },
          source: 'registry',
          qualifiers: { channel: 'pkgs/main', subdir: 'linux-64', build: 'py39hf3db000' },
        },
      ],
      notScannable: [{ name: 'jupyterlab', reason: 'conda-meta record has no "version"', location: { path: PATH, line: 1 } }],
      errors: [],
    });
  });

  it.each([['noname'], ['empty']])('%s: no name is an error at the record (line 1), no package', (name) => {
    expect(run(fixture(name))).toEqual({
      packages: [],
      notScannable: [],
      errors: [{ code: 'parse-error', line: 1, path: PATH }],
    });
  });

  it('invalid: not JSON is one parse error at line 1', () => {
    expect(run(fixture('invalid'))).toEqual({
      packages: [],
      notScannable: [],
      errors: [{ code: 'parse-error', line: 1, path: PATH }],
    });
  });
});

/** A conda-forge style record (hand-written, trimmed to the fields the extractor reads plus some noise). */
function record(fields: Record<string, unknown>): string {
  return JSON.stringify(
    {
      build_number: 0,
      depends: ['python >=3.8'],
      license: 'BSD-3-Clause',
      md5: '0123456789abcdef0123456789abcdef',
      ...fields,
    },
    null,
    2,
  );
}

describe('conda-meta: the conda → PyPI twin from site-packages metadata folders', () => {
  it('a noarch python package with a dist-info METADATA gets a PyPI twin with the dist-info name and version', () => {
    const text = record({
      name: 'jupyter_core',
      version: '5.7.2',
      build: 'pyh31011fe_1',
      channel: 'https://conda.anaconda.test/conda-forge/noarch',
      subdir: 'noarch',
      files: [
        'bin/jupyter',
        'lib/python3.12/site-packages/jupyter_core-5.7.2.dist-info/INSTALLER',
        'lib/python3.12/site-packages/jupyter_core-5.7.2.dist-info/METADATA',
        'lib/python3.12/site-packages/jupyter_core-5.7.2.dist-info/RECORD',
        'lib/python3.12/site-packages/jupyter_core/__init__.py',
      ],
      paths_data: { paths: [{ _path: 'site-packages/jupyter_core-5.7.2.dist-info/METADATA', path_type: 'hardlink' }] },
    });
    const location = { path: PATH, line: 1 };
    expect(run(text)).toEqual({
      packages: [
        {
          ecosystem: 'conda',
          name: 'jupyter_core',
          version: '5.7.2',
          location,
          source: 'registry',
          qualifiers: { channel: 'conda-forge', subdir: 'noarch', build: 'pyh31011fe_1' },
        },
        { ecosystem: 'PyPI', name: 'jupyter_core', version: '5.7.2', location, source: 'registry', qualifiers: { conda: 'jupyter_core' } },
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('the twin takes the distribution name, not the conda name (pytorch installs torch)', () => {
    const text = record({
      name: 'pytorch',
      version: '2.3.1',
      build: 'cpu_py312h0e5d5a0_0',
      schannel: 'conda-forge',
      channel: 'https://conda.anaconda.test/conda-forge/linux-64',
      files: ['lib/python3.12/site-packages/torch-2.3.1.dist-info/METADATA', 'lib/python3.12/site-packages/torch/__init__.py'],
    });
    const packages = run(text).packages;
    expect(packages.map((p) => [p.ecosystem, p.name, p.version, p.qualifiers])).toEqual([
      ['conda', 'pytorch', '2.3.1', { channel: 'conda-forge', build: 'cpu_py312h0e5d5a0_0' }],
      ['PyPI', 'torch', '2.3.1', { conda: 'pytorch' }],
    ]);
  });

  it('egg-info folders and single-file egg-info count; the python tag is not part of the version', () => {
    const text = record({
      name: 'pyyaml',
      version: '5.4.1',
      build: 'py39h27cfd23_1',
      channel: 'https://repo.anaconda.test/pkgs/main/linux-64',
      files: [
        'lib/python3.9/site-packages/PyYAML-5.4.1-py3.9.egg-info/PKG-INFO',
        'lib/python3.9/site-packages/PyYAML-5.4.1-py3.9.egg-info/SOURCES.txt',
        'Lib/site-packages/legacy_thing-0.3-py3.9.egg-info',
      ],
    });
    expect(run(text).packages.map((p) => [p.ecosystem, p.name, p.version, p.qualifiers])).toEqual([
      ['conda', 'pyyaml', '5.4.1', { channel: 'pkgs/main', build: 'py39h27cfd23_1' }],
      ['PyPI', 'PyYAML', '5.4.1', { conda: 'pyyaml' }],
      ['PyPI', 'legacy_thing', '0.3', { conda: 'pyyaml' }],
    ]);
  });

  it('no twin without a metadata folder directly in site-packages (C library, vendored dist, RECORD only)', () => {
    const text = record({
      name: 'openssl',
      version: '3.3.1',
      build: 'h4bc722e_2',
      schannel: 'conda-forge',
      files: [
        'lib/libssl.so.3',
        'lib/python3.12/site-packages/pip/_vendor/urllib3-2.2.1.dist-info/METADATA',
        'lib/python3.12/site-packages/other-1.0.dist-info/RECORD',
        'lib/python3.12/site-packages/noversion.dist-info/METADATA',
      ],
    });
    expect(run(text).packages.map((p) => [p.ecosystem, p.name])).toEqual([['conda', 'openssl']]);
  });

  it('a channel access token never reaches the qualifiers', () => {
    const text = record({
      name: 'numpy',
      version: '1.26.4',
      build: 'py312h8753938_0',
      channel: 'https://conda.anaconda.test/t/tk-0123456789/conda-forge/linux-64',
      subdir: 'linux-64',
    });
    const packages = run(text).packages;
    expect(packages[0]?.qualifiers).toEqual({ channel: 'conda-forge', subdir: 'linux-64', build: 'py312h8753938_0' });
    expect(JSON.stringify(packages)).not.toContain('tk-0123456789');
  });

  it('a truncated record still yields what was read before the damage, plus the error line', () => {
    const text = '{\n  "name": "zlib",\n  "version": "1.3.1",\n  "files": [\n    "lib/libz.so"';
    expect(run(text)).toEqual({
      packages: [{ ecosystem: 'conda', name: 'zlib', version: '1.3.1', location: { path: PATH, line: 1 }, source: 'registry', qualifiers: {} }],
      notScannable: [],
      errors: [{ code: 'parse-error', line: 5, path: PATH }],
    });
  });

  it('a JSON array is an error, not a record', () => {
    expect(run('\n[1, 2]').errors).toEqual([{ code: 'parse-error', line: 2, path: PATH }]);
  });
});

describe('conda-meta helpers', () => {
  it.each([
    ['lib/python3.12/site-packages/attrs-23.2.0.dist-info/METADATA', { name: 'attrs', version: '23.2.0' }],
    ['site-packages/typing_extensions-4.12.2.dist-info/METADATA', { name: 'typing_extensions', version: '4.12.2' }],
    ['Lib\\site-packages\\six-1.16.0.dist-info\\METADATA', { name: 'six', version: '1.16.0' }],
    ['lib/python3.9/site-packages/tornado-6.1-py3.9-linux-x86_64.egg-info/PKG-INFO', { name: 'tornado', version: '6.1' }],
    ['lib/python3.12/site-packages/attrs-23.2.0.dist-info/RECORD', undefined],
    ['lib/python3.12/site-packages/attrs/__init__.py', undefined],
    ['lib/python3.12/dist-packages/attrs-23.2.0.dist-info/METADATA', undefined],
  ])('distributionFromPath(%s)', (path, expected) => {
    expect(distributionFromPath(path)).toEqual(expected);
  });
});

describe('conda-meta fuzz', () => {
  function checkNeverThrows(text: string): void {
    expectWellFormed(extractor.extract({ path: PATH, text }), { linesWithin: { text, lineBreak: '\n' } });
  }

  it('arbitrary strings never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkNeverThrows), { numRuns: 300 });
  });

  it('arbitrary JSON values never throw', () => {
    fc.assert(fc.property(fc.json({ maxDepth: 4 }), checkNeverThrows), { numRuns: 300 });
  });

  itWithSharedData('truncated and spliced records never throw', () => {
    const fixtures = [
      fixture('valid'),
      record({ name: 'a', version: '1', files: ['lib/python3.12/site-packages/a-1.dist-info/METADATA'], channel: 'https://c.test/x/noarch' }),
    ];
    checkDamagedCopies(fixtures, checkNeverThrows, { numRuns: 300 });
  });
});
