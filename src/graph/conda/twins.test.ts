import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normalizeName, parsePurl } from '../../core/package.js';
import type { CondaPackageRecord } from '../../ecosystems/conda/registry.js';
import { defaultEnvironment, parseEnvironmentName } from '../../ecosystems/pypi/environment.js';
import { matchSpecFromPurl } from './purl.js';
import { pypiTwin, VERIFIED_PYPI_TWINS } from './twins.js';
import { condaPlatformFor, virtualPackagesFor } from './virtual-packages.js';
import { itWithSharedData, sharedDataPath } from '../../../test/shared-data.js';

const FIXTURES = new URL('../../ecosystems/conda/fixtures/repodata/', import.meta.url);
const RECIPE = sharedDataPath('projects', 'conda-forge', 'jupyterlab-feedstock', 'recipe', 'meta.yaml');

function record(name: string, extra: Partial<CondaPackageRecord> = {}): CondaPackageRecord {
  return {
    name,
    version: '1.0',
    build: 'pyhd8ed1ab_0',
    buildNumber: 0,
    depends: ['python >=3.10'],
    constrains: [],
    subdir: 'noarch',
    fileName: `${name}-1.0-pyhd8ed1ab_0.conda`,
    url: `https://conda.test/conda-forge/noarch/${name}-1.0-pyhd8ed1ab_0.conda`,
    noarch: 'python',
    trackFeatures: [],
    purls: [],
    ...extra,
  };
}

describe('VERIFIED_PYPI_TWINS', () => {
  // conda file name → PyPI name, as recorded by a mapping that read each package's dist-info.
  const evidence = new Map<string, string>();
  for (const line of readFileSync(new URL('pypi-twins-hash-mapping.tsv', FIXTURES), 'utf8').trim().split('\n').slice(1)) {
    const [fileName, pypi] = line.split('\t') as [string, string];
    const stem = fileName.replace(/\.(conda|tar\.bz2)$/, '');
    evidence.set(stem.slice(0, stem.lastIndexOf('-', stem.lastIndexOf('-') - 1)), pypi);
  }

  it.each(VERIFIED_PYPI_TWINS.map((twin) => [twin.conda, twin.pypi]))('%s → %s is backed by the fixture evidence', (conda, pypi) => {
    expect(evidence.get(conda)).toBe(pypi);
    expect(normalizeName('PyPI', pypi)).toBe(pypi);
  });

  itWithSharedData('jupyterlab is also backed by the feedstock recipe: pip install of the PyPI sdist', () => {
    const recipe = readFileSync(RECIPE, 'utf8');
    expect(recipe).toMatch(/url: https:\/\/pypi\.test\/packages\/source\/j\/jupyterlab\/jupyterlab-\{\{ version \}\}\.tar\.gz/);
    expect(recipe).toMatch(/-m pip install \. /);
  });

  it('keeps names that differ between conda and PyPI', () => {
    const differing = VERIFIED_PYPI_TWINS.filter((twin) => normalizeName('PyPI', twin.conda) !== twin.pypi).map((twin) => `${twin.conda} → ${twin.pypi}`);
    expect(differing).toEqual(['nbconvert-core → nbconvert', 'python-fastjsonschema → fastjsonschema']);
  });
});

describe('pypiTwin', () => {
  const cases: { name: string; record: CondaPackageRecord; expected: { status: string; pypiName?: string; reason?: RegExp } }[] = [
    { name: 'a verified noarch python package', record: record('jupyter_server'), expected: { status: 'known', pypiName: 'jupyter-server' } },
    {
      name: 'a verified compiled package (depends on python_abi, not noarch)',
      record: record('pyzmq', { noarch: undefined, subdir: 'linux-64', depends: ['python >=3.12,<3.13.0a0', 'python_abi 3.12.* *_cp312'] }),
      expected: { status: 'known', pypiName: 'pyzmq' },
    },
    { name: 'a conda name that differs from the PyPI name', record: record('nbconvert-core'), expected: { status: 'known', pypiName: 'nbconvert' } },
    {
      name: 'purls in the record win over everything',
      record: record('some-conda-name', { purls: ['pkg:pypi/Some_Dist'] }),
      expected: { status: 'known', pypiName: 'some-dist' },
    },
    {
      name: 'an npm purl is not a PyPI twin',
      record: record('jinja2', { purls: ['pkg:npm/jinja2'] }),
      expected: { status: 'unknown', reason: /no verified conda→PyPI mapping for jinja2/ },
    },
    { name: 'a malformed purl is ignored', record: record('jinja2', { purls: ['not a purl'] }), expected: { status: 'unknown', reason: /jinja2/ } },
    { name: 'no guess from the same name', record: record('jinja2'), expected: { status: 'unknown', reason: /no verified conda→PyPI mapping for jinja2/ } },
    {
      name: 'a C library is not a Python distribution',
      record: record('openssl', { noarch: undefined, subdir: 'linux-64', depends: ['__glibc >=2.17,<3.0.a0', 'ca-certificates'] }),
      expected: { status: 'unknown', reason: /not a Python distribution/ },
    },
    {
      name: 'a package depending on python-dateutil is not thereby a Python distribution',
      record: record('tool', { noarch: undefined, depends: ['python-dateutil'] }),
      expected: { status: 'unknown', reason: /not a Python distribution/ },
    },
  ];
  it.each(cases)('$name', ({ record: input, expected }) => {
    const twin = pypiTwin(input);
    expect(twin.status).toBe(expected.status);
    if (twin.status === 'known') expect(twin.pypiName).toBe(expected.pypiName);
    else expect(twin.reason).toMatch(expected.reason!);
  });
});

describe('matchSpecFromPurl', () => {
  it.each([
    ['pkg:conda/jupyterlab?channel=conda-forge', 'jupyterlab'],
    ['pkg:conda/jupyterlab@4.5.6?channel=conda-forge', 'jupyterlab ==4.5.6'],
    ['pkg:conda/jupyterlab@4.5.6?build=pyhd8ed1ab_0&channel=conda-forge&subdir=noarch', 'jupyterlab 4.5.6 pyhd8ed1ab_0'],
  ])('%s → %s', (purl, spec) => {
    expect(matchSpecFromPurl(parsePurl(purl)!)).toBe(spec);
  });
});

describe('virtual packages and platforms', () => {
  it.each([
    ['py3.12-linux', 'linux-64'],
    ['py3.12-linux-aarch64', 'linux-aarch64'],
    ['py3.11-macos-arm64', 'osx-arm64'],
    ['py3.11-macos', 'osx-64'],
    ['py3.13-windows', 'win-64'],
  ])('%s → %s', (name, platform) => {
    const environment = parseEnvironmentName(name);
    if (!environment.ok) throw environment.error;
    expect(condaPlatformFor(environment.value)).toEqual({ ok: true, value: platform });
  });

  it('refuses a target conda-forge does not build for', () => {
    const result = condaPlatformFor({ ...defaultEnvironment, platform_machine: 's390x' });
    expect(result.ok).toBe(false);
  });

  it.each([
    ['linux-64', ['__unix 0', '__linux 5.15', '__glibc 2.28', '__archspec 1 x86_64']],
    ['osx-arm64', ['__unix 0', '__osx 11.0', '__archspec 1 arm64']],
    ['osx-64', ['__unix 0', '__osx 10.13', '__archspec 1 x86_64']],
    ['win-64', ['__win 0', '__archspec 1 x86_64']],
  ] as const)('%s provides %j', (platform, expected) => {
    const provided = virtualPackagesFor(platform).map((item) => (item.build === '0' ? `${item.name} ${item.version}` : `${item.name} ${item.version} ${item.build}`));
    expect(provided).toEqual(expected);
  });

  it('takes the target glibc from the caller', () => {
    expect(virtualPackagesFor('linux-64', { glibc: '2.17' }).find((item) => item.name === '__glibc')?.version).toBe('2.17');
  });
});
