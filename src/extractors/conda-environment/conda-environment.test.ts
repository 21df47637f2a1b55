import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectWellFormed, registryPackage, runExtractor } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { extractor as extractorUnderTest } from './index.js';
import { condaDependencyOf } from './conda-dependency.js';
import { parsePipEntry } from './pip-requirement.js';
import { lineTooDeep } from '../common/yaml-nesting.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const PATH = 'binder/environment.yml';

function run(text: string) {
  return runExtractor(extractor, PATH, text);
}

function at(line: number) {
  return { path: PATH, line };
}

function conda(name: string, version: string | null, line: number, qualifiers: Record<string, string>) {
  return registryPackage('conda', name, version, PATH, line, { qualifiers });
}

function pypi(name: string, version: string | null, line: number) {
  return registryPackage('PyPI', name, version, PATH, line);
}

describe('conda-environment detect', () => {
  it.each([
    ['environment.yml', true],
    ['binder/environment.yaml', true],
    ['ci/py312.environment.yml', true],
    ['docs/Environment.YML', true],
    ['C:\\proj\\environment.yml', true],
    ['environment.yml.bak', false],
    ['my-environment.yml', false],
    ['env.yml', false],
    ['conda-lock.yml', false],
    ['environment.json', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describe('condaDependencyOf (MatchSpecs through the conda ecosystem parser, package files)', () => {
  it.each([
    // Exact: `==`, `=version=build`, the space form, bracket version, package file URL.
    ['numpy==1.26.4', { name: 'numpy', versionConstraint: '==1.26.4', exactVersion: '1.26.4' }],
    ['jupyterlab=4.2.5=pyhd8ed1ab_0', { name: 'jupyterlab', versionConstraint: '=4.2.5', build: 'pyhd8ed1ab_0', exactVersion: '4.2.5' }],
    [
      'conda-forge::numpy==1.26.4=py312h8753938_0',
      { name: 'numpy', channel: 'conda-forge', versionConstraint: '==1.26.4', build: 'py312h8753938_0', exactVersion: '1.26.4' },
    ],
    ['pandas 2.2.2', { name: 'pandas', versionConstraint: '2.2.2', exactVersion: '2.2.2' }],
    ['pandas 2.2.2 py312hf9745cd_1', { name: 'pandas', versionConstraint: '2.2.2', build: 'py312hf9745cd_1', exactVersion: '2.2.2' }],
    ['foo=1.0=*', { name: 'foo', versionConstraint: '=1.0', build: '*', exactVersion: '1.0' }],
    ['openssl==3.0.14', { name: 'openssl', versionConstraint: '==3.0.14', exactVersion: '3.0.14' }],
    ['openssl 1.1.1w', { name: 'openssl', versionConstraint: '1.1.1w', exactVersion: '1.1.1w' }],
    ['libjpeg-turbo==2!3.0.0', { name: 'libjpeg-turbo', versionConstraint: '==2!3.0.0', exactVersion: '2!3.0.0' }],
    ["numpy[version='1.26.4']", { name: 'numpy', versionConstraint: '1.26.4', exactVersion: '1.26.4' }],
    [
      'conda-forge/linux-64::scipy[version="==1.14.1", build=py312h62794b6_0]',
      { name: 'scipy', channel: 'conda-forge', subdir: 'linux-64', versionConstraint: '==1.14.1', build: 'py312h62794b6_0', exactVersion: '1.14.1' },
    ],
    [
      'https://conda.anaconda.test/conda-forge/noarch/tzdata-2024a-h0c530f3_0.conda',
      {
        name: 'tzdata',
        channel: 'conda-forge',
        subdir: 'noarch',
        versionConstraint: '2024a',
        build: 'h0c530f3_0',
        exactVersion: '2024a',
        url: 'https://conda.anaconda.test/conda-forge/noarch/tzdata-2024a-h0c530f3_0.conda',
      },
    ],
    // Not exact.
    ['python=3.12', { name: 'python', versionConstraint: '=3.12', exactVersion: null, why: '"=3.12" means 3.12.* in conda, not one exact version' }],
    ['python =3.12', { name: 'python', versionConstraint: '=3.12', exactVersion: null, why: '"=3.12" means 3.12.* in conda, not one exact version' }],
    ['python>=3.10', { name: 'python', versionConstraint: '>=3.10', exactVersion: null, why: 'version ">=3.10" is a range or pattern, not one exact version' }],
    ['numpy 1.26.*', { name: 'numpy', versionConstraint: '1.26.*', exactVersion: null, why: 'version "1.26.*" is a range or pattern, not one exact version' }],
    ['numpy==1.26.*', { name: 'numpy', versionConstraint: '==1.26.*', exactVersion: null, why: 'version "==1.26.*" is a range or pattern, not one exact version' }],
    ['protobuf>=5.28.3,<6', { name: 'protobuf', versionConstraint: '>=5.28.3,<6', exactVersion: null, why: 'version ">=5.28.3,<6" is a range or pattern, not one exact version' }],
    ['pytorch 2.3.1|2.4.0', { name: 'pytorch', versionConstraint: '2.3.1|2.4.0', exactVersion: null, why: 'version "2.3.1|2.4.0" is a range or pattern, not one exact version' }],
    ['conda-forge::blas=*=openblas', { name: 'blas', channel: 'conda-forge', versionConstraint: '=*', build: 'openblas', exactVersion: null, why: 'no version pinned' }],
    ['altair', { name: 'altair', exactVersion: null, why: 'no version pinned' }],
    ["numpy[version='=1.26']", { name: 'numpy', versionConstraint: '=1.26', exactVersion: null, why: 'version "=1.26" is a range or pattern, not one exact version' }],
    ['r-base=4.3 # the R kernel', { name: 'r-base', versionConstraint: '=4.3', exactVersion: null, why: '"=4.3" means 4.3.* in conda, not one exact version' }],
    ['pkgs/main::zlib', { name: 'zlib', channel: 'pkgs/main', exactVersion: null, why: 'no version pinned' }],
    ['https://conda.anaconda.test/t/tk-123/bioconda::samtools==1.20', { name: 'samtools', channel: 'bioconda', versionConstraint: '==1.20', exactVersion: '1.20' }],
  ])('%s', (text, expected) => {
    expect(condaDependencyOf(text)).toEqual({ ok: true, value: expected });
  });

  it.each([[''], ['   '], ['numpy[version=1.2'], ['>=1.2'], ['conda-forge::'], ['# only a comment'], ['https://c.test/x/broken.conda'], [`numpy[${'a'.repeat(5000)}]`]])(
    '%j is an error',
    (text) => {
      expect(condaDependencyOf(text).ok).toBe(false);
    },
  );
});

describe('parsePipEntry', () => {
  it.each([
    ['tensorflow-cpu==2.17.0', { kind: 'pinned', name: 'tensorflow-cpu', version: '2.17.0' }],
    ['torch == 2.4.1', { kind: 'pinned', name: 'torch', version: '2.4.1' }],
    ['jupyter_ai[all]==2.24.0; python_version >= "3.9"', { kind: 'pinned', name: 'jupyter_ai', version: '2.24.0' }],
    ['legacy===0.9-custom', { kind: 'pinned', name: 'legacy', version: '0.9-custom' }],
    ['requests (==2.32.3)', { kind: 'pinned', name: 'requests', version: '2.32.3' }],
    ['idna==3.10 --hash=sha256:946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3', { kind: 'pinned', name: 'idna', version: '3.10' }],
    ['torch', { kind: 'unpinned', name: 'torch', reason: 'no version pinned' }],
    ['jupyter-ai>=2', { kind: 'unpinned', name: 'jupyter-ai', reason: '">=2" does not pin one exact version' }],
    ['numpy==1.26.*', { kind: 'unpinned', name: 'numpy', reason: '"==1.26.*" does not pin one exact version' }],
    ['attrs==23.2.0,!=23.1.0', { kind: 'unpinned', name: 'attrs', reason: '"==23.2.0,!=23.1.0" does not pin one exact version' }],
    ['-r requirements.txt', { kind: 'unmatchable', text: '-r requirements.txt', reason: 'pip include not followed: scan the referenced requirements file itself' }],
    ['--requirement=dev.txt', { kind: 'unmatchable', text: '--requirement=dev.txt', reason: 'pip include not followed: scan the referenced requirements file itself' }],
    ['-e .', { kind: 'unmatchable', text: '-e .', reason: 'editable install' }],
    ['git+https://github.test/org/tool.git@v1#egg=tool', { kind: 'unmatchable', text: 'tool', reason: 'direct URL or path, not a registry release' }],
    ['./vendor/pkg', { kind: 'unmatchable', text: './vendor/pkg', reason: 'direct URL or path, not a registry release' }],
    ['pkg @ https://files.pypi.test/pkg-1.0-py3-none-any.whl', { kind: 'unmatchable', text: 'pkg', reason: 'direct URL, not a registry release' }],
    ['--extra-index-url https://download.example.test/whl/cpu', { kind: 'option' }],
    ['--pre', { kind: 'option' }],
    ['numpy==', { kind: 'invalid', reason: 'invalid version specifier "==" for numpy' }],
    ['!!!', { kind: 'invalid', reason: 'invalid pip requirement "!!!"' }],
    [`x==1 ${'--hash=sha256:0 '.repeat(1200)}`, { kind: 'invalid', reason: 'pip requirement longer than 16384 characters' }],
  ])('%s', (text, expected) => {
    expect(parsePipEntry(text)).toEqual(expected);
  });
});

// Package specs as the jupyter/docker-stacks images install them (scipy-notebook, base-notebook,
// tensorflow-notebook Dockerfiles), written as one environment file.
const DOCKER_STACKS_ENVIRONMENT = `name: scipy-notebook
channels:
  - conda-forge
  - nodefaults
dependencies:
  - python=3.12
  - jupyterlab=4.2.5=pyhd8ed1ab_0
  - notebook>=7.2.2
  - jupyterhub-singleuser==5.2.0
  - conda-forge::blas=*=openblas
  - bokeh
  - pandas 2.2.2
  - conda-forge::numpy==1.26.4=py312h8753938_0
  - protobuf>=5.28.3,<6
  - __glibc>=2.17
  - pip
  - pip:
      - tensorflow-cpu==2.17.0
      - torch  # the CPU wheel index is configured below
      - --index-url https://download.example.test/whl/cpu
      - -r requirements-extra.txt
`;

describe('conda-environment extract', () => {
  it('docker-stacks specs: exact pins are packages with versions, the rest not scannable, channel from the first channel', () => {
    const channel = { channel: 'conda-forge' };
    expect(run(DOCKER_STACKS_ENVIRONMENT)).toEqual({
      packages: [
        conda('python', null, 6, channel),
        conda('jupyterlab', '4.2.5', 7, { channel: 'conda-forge', build: 'pyhd8ed1ab_0' }),
        conda('notebook', null, 8, channel),
        conda('jupyterhub-singleuser', '5.2.0', 9, channel),
        conda('blas', null, 10, channel),
        conda('bokeh', null, 11, channel),
        conda('pandas', '2.2.2', 12, channel),
        conda('numpy', '1.26.4', 13, { channel: 'conda-forge', build: 'py312h8753938_0' }),
        conda('protobuf', null, 14, channel),
        conda('pip', null, 16, channel),
        pypi('tensorflow-cpu', '2.17.0', 18),
        pypi('torch', null, 19),
      ],
      notScannable: [
        { name: 'python', reason: '"=3.12" means 3.12.* in conda, not one exact version', location: at(6) },
        { name: 'notebook', reason: 'version ">=7.2.2" is a range or pattern, not one exact version', location: at(8) },
        { name: 'blas', reason: 'no version pinned', location: at(10) },
        { name: 'bokeh', reason: 'no version pinned', location: at(11) },
        { name: 'protobuf', reason: 'version ">=5.28.3,<6" is a range or pattern, not one exact version', location: at(14) },
        { name: '__glibc', reason: 'virtual package (a property of the machine)', location: at(15) },
        { name: 'pip', reason: 'no version pinned', location: at(16) },
        { name: 'torch', reason: 'no version pinned', location: at(19) },
        {
          name: '-r requirements-extra.txt',
          reason: 'pip include not followed: scan the referenced requirements file itself',
          location: at(21),
        },
      ],
      errors: [],
    });
  });

  it('without channels there is no channel qualifier unless the spec names one; channel URLs become names', () => {
    const text = ['dependencies:', '  - zlib==1.3.1', '  - bioconda::samtools=1.20=h50ea8bc_0', '  - "https://conda.anaconda.test/t/tk-9/internal::tool==2.0"'].join('\n');
    expect(run(text)).toEqual({
      packages: [
        conda('zlib', '1.3.1', 2, {}),
        conda('samtools', '1.20', 3, { channel: 'bioconda', build: 'h50ea8bc_0' }),
        conda('tool', '2.0', 4, { channel: 'internal' }),
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('package file URLs are exact: a channel URL is a registry release, a local file a path', () => {
    const text = [
      'dependencies:',
      '  - https://conda.anaconda.test/conda-forge/linux-64/openssl-3.3.2-hb9d3cd8_0.conda',
      '  - ./local-builds/noarch/mytool-0.1.0-py_0.tar.bz2',
    ].join('\n');
    expect(run(text).packages).toEqual([
      { ...conda('openssl', '3.3.2', 2, { channel: 'conda-forge', subdir: 'linux-64', build: 'hb9d3cd8_0' }) },
      { ...conda('mytool', '0.1.0', 3, { subdir: 'noarch', build: 'py_0' }), source: 'path' },
    ]);
  });

  it('a URL channel as the first channel is named by its path', () => {
    const text = ['channels:', '  - https://conda.anaconda.test/conda-forge/', 'dependencies:', '  - xz==5.4.6'].join('\n');
    expect(run(text).packages).toEqual([conda('xz', '5.4.6', 4, { channel: 'conda-forge' })]);
  });

  it('flow-style lists and quoted specs keep their own lines', () => {
    const text = ["channels: [conda-forge]", 'dependencies:', "  - 'numpy=1.26.4=py312h8753938_0'", '  - {pip: ["six==1.16.0"]}'].join('\n');
    expect(run(text)).toEqual({
      packages: [conda('numpy', '1.26.4', 3, { channel: 'conda-forge', build: 'py312h8753938_0' }), pypi('six', '1.16.0', 4)],
      notScannable: [],
      errors: [],
    });
  });

  it('bad entries are errors with their lines; the good ones are still read', () => {
    const text = [
      'channels:',
      '  - conda-forge',
      'dependencies:',
      '  - numpy[version=1.2',
      '  - npm:',
      '      - left-pad',
      '  - pip: six==1.16.0',
      '  - pip:',
      '      - numpy==',
      '      - {a: b}',
      '  - ',
      '  - scipy==1.14.1',
    ].join('\n');
    expect(run(text)).toEqual({
      packages: [conda('scipy', '1.14.1', 12, { channel: 'conda-forge' })],
      notScannable: [],
      errors: [
        { code: 'parse-error', line: 4 },
        { code: 'parse-error', line: 5 },
        { code: 'parse-error', line: 7 },
        { code: 'parse-error', line: 9 },
        { code: 'parse-error', line: 10 },
        { code: 'parse-error', line: 11 },
      ],
    });
  });

  it('invalid YAML is reported where the parser can tell, and what could be read is kept', () => {
    // The flow sequence opened on line 5 is found unclosed on line 6.
    const text = ['channels:', '  - conda-forge', 'dependencies:', '  - zlib==1.3.1', '  - [xz', '  - bzip2==1.0.8'].join('\n');
    expect(run(text)).toEqual({
      packages: [conda('zlib', '1.3.1', 4, { channel: 'conda-forge' }), conda('bzip2', '1.0.8', 6, { channel: 'conda-forge' })],
      notScannable: [],
      errors: [
        { code: 'parse-error', line: 6 },
        { code: 'parse-error', line: 5 },
      ],
    });
  });

  it.each([
    ['an empty file', '', []],
    ['only comments', '# nothing here\n', []],
    ['no dependencies', 'name: x\nchannels: [conda-forge]\n', []],
    ['a list at the top', '- numpy\n', [{ code: 'parse-error', line: 1 }]],
    ['dependencies that are not a list', 'name: x\ndependencies: numpy\n', [{ code: 'parse-error', line: 2 }]],
  ])('%s', (_name, text, errors) => {
    expect(run(text)).toEqual({ packages: [], notScannable: [], errors });
  });
});

describe('YAML nesting limit (the yaml library overflows the stack around a thousand levels)', () => {
  const staircase = (levels: number) => Array.from({ length: levels }, (_, level) => `${' '.repeat(level)}- x${level}:`).join('\n');
  it.each([
    ['an ordinary environment file', DOCKER_STACKS_ENVIRONMENT, undefined],
    // Each staircase line is one indentation level plus one "- " sequence level.
    ['63 indentation levels', staircase(63), undefined],
    ['64 indentation levels', staircase(64), 64],
    ['65 flow brackets on line 2', `dependencies:\n  - ${'['.repeat(65)}`, 2],
    ['compact sequences', `${'- '.repeat(65)}x`, 1],
    ['brackets left open over several lines', `a: ${'['.repeat(40)}\nb: ${'{'.repeat(40)}`, 2],
  ])('%s', (_name, text, line) => {
    expect(lineTooDeep(text)).toBe(line);
  });

  it('deep input is one error at the line where it gets too deep, and nothing else is read', () => {
    expect(run(`dependencies:\n  - zlib==1.3.1\n  - ${'['.repeat(5000)}`)).toEqual({
      packages: [],
      notScannable: [],
      errors: [{ code: 'parse-error', line: 3 }],
    });
  });
});

describe('conda-environment fuzz', () => {
  const fixtures = [DOCKER_STACKS_ENVIRONMENT];
  const specLike = fc.stringMatching(/^[a-z:=<>!~*.,|[\]' 0-9_/-]{0,40}$/);

  function checkNeverThrows(text: string): void {
    expectWellFormed(extractor.extract({ path: PATH, text }), { linesWithin: { text, lineBreak: /\r\n|\r|\n/ } });
  }

  it('arbitrary strings never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkNeverThrows), { numRuns: 300 });
  });

  it('arbitrary spec strings in a dependency list never throw', () => {
    const environment = fc
      .array(specLike, { maxLength: 10 })
      .map((specs) => `channels: [conda-forge]\ndependencies:\n${specs.map((spec) => `  - ${JSON.stringify(spec)}`).join('\n')}\n`);
    fc.assert(fc.property(environment, checkNeverThrows), { numRuns: 300 });
  });

  it('truncated and spliced environment files never throw', () => {
    checkDamagedCopies(fixtures, checkNeverThrows, { numRuns: 300 });
  });
});
