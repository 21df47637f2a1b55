import { describe, expect, it } from 'vitest';
import { replayClient } from '../../../test/http-replay.js';
import { defaultEnvironment, parseEnvironmentName } from '../../ecosystems/pypi/environment.js';
import { createPypiRegistry, parseDistributionFilename, type PypiFile, type PypiRegistry } from '../../ecosystems/pypi/registry.js';
import { parseRequirement } from '../../ecosystems/pypi/requirement.js';
import { context, root } from '../resolver-testing.fixture.js';
import { createPypiResolver, environmentMarker, labextensionsOf, licenseOf } from './adapter.js';

describe('labextensionsOf on the recorded jupyterlab-widgets wheel', () => {
  it('reads the labextension package.json inside the wheel by range requests', async () => {
    const { client, agent } = replayClient(new URL('../../ecosystems/pypi/fixtures/registry/wheel-ranges.json.gz', import.meta.url), { persist: true });
    try {
      const registry = createPypiRegistry({ http: client, indexUrl: 'https://pypi.test/simple/' });
      const page = await registry.project('jupyterlab-widgets');
      const wheel = page!.files.find((file) => file.filename === 'jupyterlab_widgets-3.0.17-py3-none-any.whl');
      const extensions = await labextensionsOf(registry, wheel);
      // Read from the cassette: the wheel's data directory holds @jupyter-widgets/jupyterlab-manager 5.0.16's package.json.
      expect(extensions).toHaveLength(1);
      expect(extensions![0]).toMatchObject({
        path: 'jupyterlab_widgets-3.0.17.data/data/share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/package.json',
        name: '@jupyter-widgets/jupyterlab-manager',
        version: '5.0.16',
      });
      expect(extensions![0]!.dependencies?.['@jupyter-widgets/base']).toBe('^6.0.12');
      expect(await labextensionsOf(registry, undefined)).toBeNull();
    } finally {
      await client.close();
      await agent.close();
    }
  });
});

/** A PyPI index in memory: pages of files, each file with its Requires-Dist. */
function memoryRegistry(projects: Record<string, { filename: string; uploadTime: string; yanked?: boolean; requires?: string[]; provenance?: boolean | null }[]>, licenses: Record<string, string> = {}): PypiRegistry {
  const files = new Map<string, { file: PypiFile; requires: string[] }>();
  const pages = Object.fromEntries(
    Object.entries(projects).map(([name, entries]) => [
      name,
      entries.map((entry) => {
        const parsed = parseDistributionFilename(entry.filename, name);
        const file: PypiFile = {
          filename: entry.filename,
          url: `https://files.pypi.test/${entry.filename}`,
          hashes: {},
          requiresPython: null,
          yanked: entry.yanked ?? false,
          yankedReason: null,
          uploadTime: entry.uploadTime,
          size: null,
          coreMetadata: null,
          provenanceUrl: entry.provenance ? `https://pypi.test/integrity/${entry.filename}/provenance` : null,
          provenanceKnown: entry.provenance !== null && entry.provenance !== undefined,
          ...parsed,
        };
        files.set(file.url, { file, requires: entry.requires ?? [] });
        return file;
      }),
    ]),
  );
  const metadataOf = (url: string) => {
    const found = files.get(url)!;
    const name = found.file.filename.split('-')[0]!;
    return {
      source: 'pep658' as const,
      metadata: {
        metadataVersion: '2.4', name, version: found.file.version!.normalized, summary: null, requiresPython: null,
        requiresDist: found.requires.map((text) => { const parsed = parseRequirement(text); if (!parsed.ok) throw parsed.error; return parsed.value; }),
        invalidRequiresDist: [], providesExtra: [], license: null, licenseExpression: licenses[name] ?? null, licenseFiles: [], classifiers: [],
        projectUrls: [{ label: 'Source', url: `https://github.com/example/${name}` }], homePage: null, downloadUrl: null, author: null, authorEmail: null,
        maintainer: null, maintainerEmail: null, dynamic: [], fields: {}, errors: [],
      },
      unknown: [] as string[],
      notes: [] as string[],
    };
  };
  return {
    indexUrl: 'https://pypi.test/simple/',
    async project(name) {
      const found = pages[name];
      return found ? { name, url: `https://pypi.test/simple/${name}/`, format: 'json', apiVersion: '1.1', files: found, versions: null } : null;
    },
    async metadata(file) {
      const result = metadataOf(file.url);
      return { ...result, dependencies: { known: true, value: result.metadata.requiresDist } };
    },
    async projectJson() {
      return null;
    },
    async releaseJson() {
      return null;
    },
    async listFiles() {
      return [];
    },
    async readMember() {
      return null;
    },
  } as PypiRegistry;
}

describe('createPypiResolver', () => {
  const registry = memoryRegistry(
    {
      app: [
        { filename: 'app-1.0-py3-none-any.whl', uploadTime: '2025-01-01T00:00:00Z', requires: ['lib>=1', 'winonly; sys_platform == "win32"'], provenance: true },
        { filename: 'app-2.0-py3-none-any.whl', uploadTime: '2026-10-01T00:00:00Z', requires: ['lib>=1', 'winonly; sys_platform == "win32"'], provenance: false },
      ],
      lib: [
        { filename: 'lib-1.5-py3-none-any.whl', uploadTime: '2024-01-01T00:00:00Z', provenance: null },
        { filename: 'lib-1.6-py3-none-any.whl', uploadTime: '2026-01-01T00:00:00Z', yanked: true, provenance: null },
      ],
      winonly: [{ filename: 'winonly-0.1-py3-none-any.whl', uploadTime: '2020-01-01T00:00:00Z' }],
    },
    { app: 'MIT' },
  );

  it('resolves, marks roots, and gives each package its facts from the index', async () => {
    const resolver = createPypiResolver({ registry });
    const resolution = await resolver.resolve([root('pkg:pypi/app')], context);
    expect(resolution.packages.map((found) => [found.purl, found.root])).toEqual([
      ['pkg:pypi/app@2.0', true],
      // 1.6 is yanked: the resolver takes 1.5.
      ['pkg:pypi/lib@1.5', false],
    ]);
    expect(resolution.edges).toEqual([{ from: 'pkg:pypi/app@2.0', to: 'pkg:pypi/lib@1.5', requirement: 'lib>=1', kind: 'runtime' }]);
    const app = resolution.packages[0]!;
    expect(app.facts).toMatchObject({ releasedAt: '2026-10-01T00:00:00Z', yanked: false, provenance: false, license: 'MIT', repositoryUrls: ['https://github.com/example/app'] });
    expect(app.facts.releases).toEqual([
      { version: '1.0', publishedAt: '2025-01-01T00:00:00Z', yanked: false, provenance: true },
      { version: '2.0', publishedAt: '2026-10-01T00:00:00Z', yanked: false, provenance: false },
    ]);
    // The index did not state lib's provenance: unknown, not false.
    expect(resolution.packages[1]!.facts.provenance).toBeNull();
  });

  it('with several environments, an edge found in only some carries their marker', async () => {
    const windows = parseEnvironmentName('py3.12-windows');
    if (!windows.ok) throw windows.error;
    const resolution = await createPypiResolver({ registry }).resolve([root('pkg:pypi/app')], { ...context, environments: [defaultEnvironment, windows.value] });
    const toWinonly = resolution.edges.filter((edge) => edge.to === 'pkg:pypi/winonly@0.1');
    expect(toWinonly).toEqual([
      { from: 'pkg:pypi/app@2.0', to: 'pkg:pypi/winonly@0.1', requirement: 'winonly', kind: 'runtime', condition: `sys_platform == "win32" and ${environmentMarker(windows.value)}` },
    ]);
    // Found in both environments: no environment marker.
    expect(resolution.edges.filter((edge) => edge.to === 'pkg:pypi/lib@1.5')).toEqual([{ from: 'pkg:pypi/app@2.0', to: 'pkg:pypi/lib@1.5', requirement: 'lib>=1', kind: 'runtime' }]);
  });

  it('a root no version satisfies is a problem of that root, the source stays reachable', async () => {
    const resolution = await createPypiResolver({ registry }).resolve([root('pkg:pypi/app@9.9')], context);
    expect(resolution.packages).toEqual([]);
    expect(resolution.sources).toEqual([{ name: 'pypi', reachable: true }]);
    expect(resolution.problems).toEqual([{ purl: 'pkg:pypi/app@9.9', message: expect.stringMatching(/no versions satisfy/) }]);
  });

  it('describes an exact version (a conda twin) without resolving it', async () => {
    const described = await createPypiResolver({ registry }).describe!([{ name: 'lib', version: '1.6' }, { name: 'lib', version: '7.0' }], context);
    expect(described.map((found) => [found.purl, found.facts.yanked])).toEqual([['pkg:pypi/lib@1.6', true]]);
  });
});

describe('licenseOf', () => {
  it.each([
    [{ licenseExpression: 'BSD-3-Clause', license: 'whatever', classifiers: [] }, 'BSD-3-Clause'],
    [{ licenseExpression: null, license: 'MIT', classifiers: [] }, 'MIT'],
    [{ licenseExpression: null, license: 'Copyright (c) 2015\nAll rights reserved.', classifiers: ['License :: OSI Approved :: BSD License'] }, 'BSD License'],
    [{ licenseExpression: null, license: null, classifiers: [] }, null],
  ])('%j → %s', (info, expected) => {
    expect(licenseOf(info)).toBe(expected);
  });
});
