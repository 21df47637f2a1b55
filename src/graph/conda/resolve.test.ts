import { describe, expect, it } from 'vitest';
import type { CondaPackageRecord } from '../../ecosystems/conda/registry.js';
import { resolveConda, type CondaRecordSource, type CondaResolveRequest } from './resolve.js';

interface Extra {
  depends?: string[];
  constrains?: string[];
  buildNumber?: number;
  timestamp?: number;
  trackFeatures?: string[];
  subdir?: string;
}

/** `name version build` plus fields: a repodata record as the registry gives it. */
function record(text: string, extra: Extra = {}): CondaPackageRecord {
  const [name, version, build = '0'] = text.split(' ') as [string, string, string?];
  const subdir = extra.subdir ?? 'linux-64';
  return {
    name,
    version,
    build,
    buildNumber: extra.buildNumber ?? Number(/_(\d+)$/.exec(build)?.[1] ?? 0),
    depends: extra.depends ?? [],
    constrains: extra.constrains ?? [],
    subdir,
    fileName: `${name}-${version}-${build}.conda`,
    url: `https://conda.test/conda-forge/${subdir}/${name}-${version}-${build}.conda`,
    trackFeatures: extra.trackFeatures ?? [],
    purls: [],
    ...(extra.timestamp === undefined ? {} : { timestamp: extra.timestamp }),
  };
}

function source(records: CondaPackageRecord[]): CondaRecordSource & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    async records(name) {
      asked.push(name);
      return records.filter((item) => item.name === name);
    },
  };
}

function installed(packages: readonly { record: CondaPackageRecord }[]): string[] {
  return packages.map(({ record: item }) => `${item.name} ${item.version} ${item.build}`);
}

const python = [
  record('python 3.11.9 h1_0_cpython', { constrains: ['python_abi 3.11.* *_cp311'] }),
  record('python 3.12.4 h2_0_cpython', { constrains: ['python_abi 3.12.* *_cp312'] }),
  record('python_abi 3.11 5_cp311', { constrains: ['python 3.11.* *_cpython'] }),
  record('python_abi 3.12 5_cp312', { constrains: ['python 3.12.* *_cpython'] }),
];

const cases: { name: string; records: CondaPackageRecord[]; request: Partial<CondaResolveRequest>; expected: string[] }[] = [
  {
    name: 'highest version wins',
    records: [record('a 1.0 h_0'), record('a 2.0 h_0'), record('a 1.10 h_0')],
    request: { roots: ['a'] },
    expected: ['a 2.0 h_0'],
  },
  {
    name: 'same version: highest build number wins',
    records: [record('a 1.0 h_0'), record('a 1.0 h_2'), record('a 1.0 h_1')],
    request: { roots: ['a'] },
    expected: ['a 1.0 h_2'],
  },
  {
    name: 'same version and build number: newest timestamp wins',
    records: [record('a 1.0 hold_0', { timestamp: 1000 }), record('a 1.0 hnew_0', { timestamp: 2000 })],
    request: { roots: ['a'] },
    expected: ['a 1.0 hnew_0'],
  },
  {
    name: 'track_features are avoided before versions are maximised (as conda does)',
    records: [record('a 2.0 pypy_0', { trackFeatures: ['pypy'] }), record('a 1.0 cpython_0')],
    request: { roots: ['a'] },
    expected: ['a 1.0 cpython_0'],
  },
  {
    name: 'the root MatchSpec limits the version',
    records: [record('a 1.0 h_0'), record('a 2.0 h_0'), record('a 2.1 h_0')],
    request: { roots: ['a >=1,<2.1'] },
    expected: ['a 2.0 h_0'],
  },
  {
    name: 'a build glob in a root',
    records: [record('a 1.0 openblas_0'), record('a 1.0 mkl_1')],
    request: { roots: ['a * *openblas*'] },
    expected: ['a 1.0 openblas_0'],
  },
  {
    name: 'depends are followed and honoured',
    records: [record('a 2.0 h_0', { depends: ['b <2'] }), record('b 1.5 h_0'), record('b 2.0 h_0')],
    request: { roots: ['a'] },
    expected: ['a 2.0 h_0', 'b 1.5 h_0'],
  },
  {
    name: 'constrains restrict a package that is installed anyway',
    records: [record('a 1.0 h_0', { constrains: ['b <2'] }), record('b 1.0 h_0'), record('b 2.0 h_0')],
    request: { roots: ['a', 'b'] },
    expected: ['a 1.0 h_0', 'b 1.0 h_0'],
  },
  {
    name: 'constrains never pull a package in',
    records: [record('a 1.0 h_0', { constrains: ['b <2'] }), record('b 1.0 h_0')],
    request: { roots: ['a'] },
    expected: ['a 1.0 h_0'],
  },
  {
    name: 'a constraint from a later choice rules out an earlier one: backtrack',
    records: [
      record('x 2.0 h_0', { depends: ['w'] }),
      record('x 1.0 h_0'),
      record('w 1.0 h_0', { depends: ['z >=2'] }),
      record('y 1.0 h_0', { depends: ['z <2'] }),
      record('z 1.0 h_0'),
      record('z 2.0 h_0'),
    ],
    request: { roots: ['x', 'y'] },
    expected: ['x 1.0 h_0', 'y 1.0 h_0', 'z 1.0 h_0'],
  },
  {
    name: 'the python pin picks the builds for that Python through python_abi',
    records: [
      ...python,
      record('pyzmq 27.0 py311h_0', { depends: ['python >=3.11,<3.12.0a0', 'python_abi 3.11.* *_cp311'] }),
      record('pyzmq 27.0 py312h_0', { depends: ['python >=3.12,<3.13.0a0', 'python_abi 3.12.* *_cp312'] }),
    ],
    request: { roots: ['pyzmq'], python: '3.11' },
    expected: ['python 3.11.9 h1_0_cpython', 'python_abi 3.11 5_cp311', 'pyzmq 27.0 py311h_0'],
  },
  {
    name: 'without a pin the newest Python is chosen',
    records: [
      ...python,
      record('pyzmq 27.0 py311h_0', { depends: ['python >=3.11,<3.12.0a0', 'python_abi 3.11.* *_cp311'] }),
      record('pyzmq 27.0 py312h_0', { depends: ['python >=3.12,<3.13.0a0', 'python_abi 3.12.* *_cp312'] }),
    ],
    request: { roots: ['pyzmq'] },
    expected: ['python 3.12.4 h2_0_cpython', 'python_abi 3.12 5_cp312', 'pyzmq 27.0 py312h_0'],
  },
  {
    name: 'a pure-Python package whose newest version needs an extension that has no build for the pinned Python',
    records: [
      ...python,
      record('urllib3 2.6 pyh_0', { depends: ['python >=3.10', 'backports.zstd >=1.0'], subdir: 'noarch' }),
      record('urllib3 2.5 pyh_0', { depends: ['python >=3.9'], subdir: 'noarch' }),
      record('backports.zstd 1.3 py311h_0', { depends: ['python >=3.11,<3.12.0a0', 'python_abi 3.11.* *_cp311'] }),
    ],
    request: { roots: ['urllib3'], python: '3.12' },
    expected: ['python 3.12.4 h2_0_cpython', 'urllib3 2.5 pyh_0'],
  },
  {
    name: '__glibc comes from the platform: 2.28 by default',
    records: [record('a 2.0 h_0', { depends: ['__glibc >=2.34'] }), record('a 1.0 h_0', { depends: ['__glibc >=2.17,<3.0.a0'] })],
    request: { roots: ['a'] },
    expected: ['a 1.0 h_0'],
  },
  {
    name: '__glibc from the caller',
    records: [record('a 2.0 h_0', { depends: ['__glibc >=2.34'] }), record('a 1.0 h_0', { depends: ['__glibc >=2.17,<3.0.a0'] })],
    request: { roots: ['a'], virtualPackages: [{ name: '__glibc', version: '2.39', build: '0' }] },
    expected: ['a 2.0 h_0'],
  },
  {
    name: 'a noarch package split by platform: the __unix build on Linux',
    records: [
      record('terminado 0.18 pyh0d859eb_0', { depends: ['__unix', 'python >=3.8'], subdir: 'noarch' }),
      record('terminado 0.18 pyh5737063_0', { depends: ['__win', 'python >=3.8'], subdir: 'noarch' }),
      ...python,
    ],
    request: { roots: ['terminado'], python: '3.12' },
    expected: ['python 3.12.4 h2_0_cpython', 'terminado 0.18 pyh0d859eb_0'],
  },
  {
    name: 'a noarch package split by platform: the __win build on Windows',
    records: [
      record('terminado 0.18 pyh0d859eb_0', { depends: ['__unix', 'python >=3.8'], subdir: 'noarch' }),
      record('terminado 0.18 pyh5737063_0', { depends: ['__win', 'python >=3.8'], subdir: 'noarch' }),
      ...python,
    ],
    request: { roots: ['terminado'], python: '3.12', platform: 'win-64' },
    expected: ['python 3.12.4 h2_0_cpython', 'terminado 0.18 pyh5737063_0'],
  },
  {
    name: 'a subdir in the MatchSpec brackets',
    records: [record('a 1.0 h_0', { subdir: 'noarch' }), record('a 2.0 h_0', { subdir: 'linux-64' })],
    request: { roots: ['a[subdir=noarch]'] },
    expected: ['a 1.0 h_0'],
  },
];

describe('resolveConda', () => {
  it.each(cases)('$name', async ({ records, request, expected }) => {
    const result = await resolveConda(source(records), { roots: [], platform: 'linux-64', ...request });
    if (!result.ok) throw new Error(result.error.message);
    expect(installed(result.value.packages)).toEqual(expected);
  });

  it('reports who depends on whom, which packages are roots and which virtual packages were used', async () => {
    const records = [
      record('a 1.0 h_0', { depends: ['b >=1', '__glibc >=2.17', 'c'] }),
      record('b 1.2 h_0', { depends: ['c 1.*'] }),
      record('c 1.4 h_0'),
    ];
    const result = await resolveConda(source(records), { roots: ['a'], platform: 'linux-64' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.packages.map((item) => [item.record.name, item.root])).toEqual([
      ['a', true],
      ['b', false],
      ['c', false],
    ]);
    expect(result.value.dependencies).toEqual([
      { from: 'a', to: 'b', spec: 'b >=1' },
      { from: 'a', to: 'c', spec: 'c' },
      { from: 'b', to: 'c', spec: 'c 1.*' },
    ]);
    expect(result.value.virtualPackages).toEqual([{ name: '__glibc', version: '2.28', build: '0' }]);
  });

  it('fetches every name reachable from the roots through any record, and nothing else', async () => {
    const records = [record('a 2.0 h_0', { depends: ['b'] }), record('a 1.0 h_0', { depends: ['old-b'] }), record('b 1.0 h_0'), record('unrelated 1.0 h_0')];
    const channel = source(records);
    await resolveConda(channel, { roots: ['a'], platform: 'linux-64' });
    expect([...channel.asked].sort()).toEqual(['a', 'b', 'old-b']);
  });

  it('jumps back over decisions that took no part in a conflict', async () => {
    // Ten unrelated packages with two versions each are decided before the conflict
    // (x 2 → w → q → r <1, and r has only 5.0) shows up; going back one decision at a
    // time would try their 2^10 combinations.
    const unrelated = Array.from({ length: 10 }, (_, i) => [record(`p${i} 1.0 h_0`), record(`p${i} 2.0 h_0`)]).flat();
    const records = [
      ...unrelated,
      record('x 2.0 h_0', { depends: ['w'] }),
      record('x 1.0 h_0'),
      record('w 1.0 h_0', { depends: ['q >=2'] }),
      record('w 1.1 h_0', { depends: ['q >=2'] }),
      record('q 2.0 h_0', { depends: ['r <1'] }),
      record('q 3.0 h_0', { depends: ['r <1'] }),
      record('r 5.0 h_0'),
    ];
    const roots = ['x', ...Array.from({ length: 10 }, (_, i) => `p${i}`)];
    const result = await resolveConda(source(records), { roots, platform: 'linux-64' });
    if (!result.ok) throw new Error(result.error.message);
    expect(installed(result.value.packages)).toEqual([...Array.from({ length: 10 }, (_, i) => `p${i} 2.0 h_0`), 'x 1.0 h_0']);
    expect(result.value.steps).toBeLessThan(30);
  });

  it('skips records whose version or MatchSpecs do not parse, and says so', async () => {
    const records = [record('a 2.0 h_0', { depends: ['b >=>1'] }), record('a 1..0 h_0'), record('a 1.0 h_0')];
    const result = await resolveConda(source(records), { roots: ['a'], platform: 'linux-64' });
    if (!result.ok) throw new Error(result.error.message);
    expect(installed(result.value.packages)).toEqual(['a 1.0 h_0']);
    expect(result.value.skipped.map((item) => item.fileName)).toEqual(['a-2.0-h_0.conda', 'a-1..0-h_0.conda']);
  });
});

describe('resolveConda: failures are values', () => {
  const failures: { name: string; records: CondaPackageRecord[]; request: Partial<CondaResolveRequest>; code: string; message: RegExp; package?: string }[] = [
    { name: 'an invalid root MatchSpec', records: [], request: { roots: ['a >=>1'] }, code: 'invalid-spec', message: /not a valid conda match spec/ },
    { name: 'an invalid Python pin', records: [], request: { roots: ['a'], python: '3.x y' }, code: 'invalid-spec', message: /not a Python version: "3.x y"/ },
    { name: 'a root the channel lacks', records: [], request: { roots: ['nope'] }, code: 'unsatisfiable', message: /no package named nope/, package: 'nope' },
    {
      name: 'no version satisfies the root',
      records: [record('a 1.0 h_0'), record('a 2.0 h_0')],
      request: { roots: ['a >=3'] },
      code: 'unsatisfiable',
      message: /no record of a fits.*a >=3 \(root\)/,
      package: 'a',
    },
    {
      name: 'two roots that exclude each other',
      records: [record('notebook 7.4.3 pyh_0', { depends: ['jupyterlab >=4.4.3,<4.5'] }), record('jupyterlab 4.4.3 pyh_0'), record('jupyterlab 4.5.6 pyh_0')],
      request: { roots: ['jupyterlab ==4.5.6', 'notebook'] },
      code: 'unsatisfiable',
      message: /no record of notebook fits together with the rest: notebook \(root\); its records conflict with jupyterlab 4\.5\.6 pyh_0/,
      package: 'notebook',
    },
    {
      name: 'a virtual package the platform does not have',
      records: [record('a 1.0 h_0', { depends: ['__unix'] })],
      request: { roots: ['a'], platform: 'win-64' },
      code: 'unsatisfiable',
      message: /a/,
      package: 'a',
    },
    {
      name: 'the step budget runs out',
      records: [record('x 2.0 h_0', { depends: ['z >=2'] }), record('x 1.0 h_0'), record('y 1.0 h_0', { depends: ['z <2'] }), record('z 1.0 h_0'), record('z 2.0 h_0')],
      request: { roots: ['x', 'y'], maxSteps: 1 },
      code: 'too-many-steps',
      message: /gave up after trying 1 candidates/,
    },
  ];
  it.each(failures)('$name', async ({ records, request, code, message, package: name }) => {
    const result = await resolveConda(source(records), { roots: [], platform: 'linux-64', ...request });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    expect(result.error.message).toMatch(message);
    if (name !== undefined && result.error.code === 'unsatisfiable') expect(result.error.package).toBe(name);
  });
});
