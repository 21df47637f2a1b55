import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { toPurl } from '../core/package.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { buildGraph } from './build.js';
import { manifestLookupFromDirectory } from './repository.js';
import type { EcosystemResolution, EcosystemResolver, PackageFacts, ResolvedPackage, RootRequest } from './resolver.js';
import { parseRoot } from './roots.js';
import { advisoryLookupFrom } from './signals.js';
import { itWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const clock = fixedClock('2025-01-01T00:00:00Z');
const projects = sharedDataPath('projects');

function root(text: string): RootRequest {
  const parsed = parseRoot(text);
  if (!parsed.ok) throw parsed.error;
  return parsed.value;
}

function pkg(ecosystem: 'PyPI' | 'npm' | 'conda', name: string, version: string, facts: PackageFacts = {}, isRoot = false): ResolvedPackage {
  return { ecosystem, name, version, purl: toPurl(ecosystem, name, version), root: isRoot, facts };
}

/** A resolver that answers from a fixed resolution and records what it was asked. */
function fakeResolver(
  ecosystem: 'PyPI' | 'npm' | 'conda',
  resolution: Partial<EcosystemResolution> | Error,
  catalogue: ResolvedPackage[] = [],
): EcosystemResolver & { asked: RootRequest[][]; described: { name: string; version: string }[][] } {
  const asked: RootRequest[][] = [];
  const described: { name: string; version: string }[][] = [];
  return {
    ecosystem,
    sourceNames: [ecosystem.toLowerCase()],
    asked,
    described,
    async resolve(roots) {
      asked.push([...roots]);
      if (resolution instanceof Error) throw resolution;
      return { packages: [], edges: [], sources: [{ name: ecosystem.toLowerCase(), reachable: true }], problems: [], ...resolution };
    },
    async describe(packages) {
      described.push([...packages]);
      return catalogue.filter((entry) => packages.some((wanted) => wanted.name === entry.name && wanted.version === entry.version));
    },
  };
}

const jupyterlab = pkg('PyPI', 'jupyterlab', '4.2.5', {
  repositoryUrls: ['https://jupyter.org', 'https://github.com/jupyterlab/jupyterlab'],
  labextensions: [],
}, true);
const widgets = pkg('PyPI', 'jupyterlab-widgets', '3.0.13', {
  labextensions: [
    {
      path: 'share/jupyter/labextensions/@jupyter-widgets/jupyterlab-manager/package.json',
      name: '@jupyter-widgets/jupyterlab-manager',
      version: '5.0.13',
      dependencies: { '@jupyter-widgets/base': '^6.0.10', 'jquery': '3.7.1', '@lumino/widgets': '^2.3.0', 'nowhere': '^1.0.0' },
      bundledDependencies: ['jquery', '@lumino/widgets', 'nowhere'],
    },
  ],
});
const jupyterServer = pkg('PyPI', 'jupyter-server', '1.23.0', { repositoryUrls: ['https://github.com/jupyter-server/jupyter_server'] });

const pypiResolution: Partial<EcosystemResolution> = {
  packages: [jupyterlab, widgets, jupyterServer],
  edges: [
    { from: jupyterlab.purl, to: jupyterServer.purl, requirement: '>=1.16,<3', kind: 'runtime' },
    { from: jupyterlab.purl, to: widgets.purl, requirement: '~=3.0', kind: 'optional', condition: 'extra == "widgets"' },
  ],
};
const services = pkg('npm', '@jupyterlab/services', '7.2.5', { installScripts: [], deprecated: false }, true);
const lumino = pkg('npm', '@lumino/widgets', '2.4.0', { installScripts: [] });
const npmResolution: Partial<EcosystemResolution> = {
  packages: [services, lumino],
  edges: [{ from: services.purl, to: lumino.purl, requirement: '^2.3.0', kind: 'runtime' }],
};
const manager = pkg('npm', '@jupyter-widgets/jupyterlab-manager', '5.0.13', { installScripts: ['postinstall'], license: 'BSD-3-Clause' });
const jquery = pkg('npm', 'jquery', '3.7.1', { installScripts: [] });

describe('buildGraph', () => {
  it('merges every ecosystem, keeps roots as nodes, and says plainly which source could not be reached', async () => {
    const pypi = fakeResolver('PyPI', pypiResolution);
    const npm = fakeResolver('npm', npmResolution, [manager, jquery]);
    const conda = fakeResolver('conda', new HostError('conda-forge', 'conda-forge could not be reached: connect ECONNREFUSED'));
    const events = collectingSink();
    const graph = await buildGraph({
      roots: [root('pkg:pypi/jupyterlab'), root('pkg:npm/%40jupyterlab/services'), root('pkg:conda/jupyterlab?channel=conda-forge')],
      resolvers: { PyPI: pypi, npm, conda: { ...conda, sourceNames: ['conda-forge'] } },
      clock,
      events,
    });
    expect(pypi.asked).toEqual([[root('pkg:pypi/jupyterlab')]]);
    expect(graph.nodes.filter((node) => node.root).map((node) => node.purl)).toEqual(['pkg:npm/%40jupyterlab/services@7.2.5', 'pkg:pypi/jupyterlab@4.2.5']);
    expect(graph.sources).toEqual([
      { name: 'advisories', reachable: false, error: 'no advisory database was given' },
      { name: 'conda-forge', reachable: false, error: 'conda-forge could not be reached: connect ECONNREFUSED' },
      { name: 'npm', reachable: true },
      { name: 'pypi', reachable: true },
    ]);
    expect(graph.problems).toEqual([{ purl: 'pkg:conda/jupyterlab?channel=conda-forge', message: 'conda-forge could not be reached: connect ECONNREFUSED' }]);
    const progress = events.events.filter((event) => event.type === 'progress' && event.task === 'resolve');
    expect(progress.at(-1)).toMatchObject({ done: 3, total: 3 });
  });

  it('adds bundles edges from a wheel to its labextension and the bundled packages it pins or the graph holds', async () => {
    const npm = fakeResolver('npm', npmResolution, [manager, jquery]);
    const graph = await buildGraph({
      roots: [root('pkg:pypi/jupyterlab'), root('pkg:npm/%40jupyterlab/services')],
      resolvers: { PyPI: fakeResolver('PyPI', pypiResolution), npm },
      clock,
    });
    const bundles = graph.edges.filter((edge) => edge.kind === 'bundles');
    expect(bundles).toEqual([
      // The labextension itself, at its exact version; jquery pinned; @lumino/widgets ^2.3.0 → the 2.4.0 already in the graph.
      { from: widgets.purl, to: 'pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13', requirement: '5.0.13', kind: 'bundles' },
      { from: widgets.purl, to: 'pkg:npm/%40lumino/widgets@2.4.0', requirement: '^2.3.0', kind: 'bundles' },
      { from: widgets.purl, to: 'pkg:npm/jquery@3.7.1', requirement: '3.7.1', kind: 'bundles' },
    ]);
    // Only the packages not already resolved were described, once.
    expect(npm.described).toEqual([
      [
        { name: '@jupyter-widgets/jupyterlab-manager', version: '5.0.13' },
        { name: 'jquery', version: '3.7.1' },
      ],
    ]);
    const managerNode = graph.nodes.find((node) => node.purl === 'pkg:npm/%40jupyter-widgets/jupyterlab-manager@5.0.13')!;
    expect(managerNode.root).toBe(false);
    expect(managerNode.signals.installScripts).toEqual({ known: true, value: ['postinstall'] });
  });

  it('links a conda package whose PyPI twin is known to the same release on PyPI', async () => {
    const condaJupyterlab = pkg('conda', 'jupyterlab', '4.2.5', { pypiName: 'jupyterlab' }, true);
    const condaServer = pkg('conda', 'jupyter_server', '2.14.2', { pypiName: 'jupyter-server' });
    const condaNode = pkg('conda', 'nodejs', '22.9.0', { pypiName: null });
    // Same name as a PyPI package in the graph, but no evidence: no guess.
    const condaGuess = pkg('conda', 'jupyter-server', '1.23.0', {});
    const condaRenamed = pkg('conda', 'pytables', '3.10.1', { pypiName: 'tables' });
    const conda = fakeResolver('conda', {
      packages: [condaJupyterlab, condaServer, condaNode, condaGuess, condaRenamed],
      sources: [{ name: 'conda-forge', reachable: true }],
    });
    const graph = await buildGraph({
      roots: [root('pkg:pypi/jupyterlab'), root('pkg:conda/jupyterlab')],
      resolvers: { PyPI: fakeResolver('PyPI', pypiResolution), conda },
      clock,
    });
    // Edges come sorted by code point: `jupyter_server` before `jupyterlab`; nodejs and the unproven same-name package get none.
    expect(graph.edges.filter((edge) => edge.kind === 'twin')).toEqual([
      { from: condaServer.purl, to: 'pkg:pypi/jupyter-server@2.14.2', requirement: '==2.14.2', kind: 'twin' },
      { from: condaJupyterlab.purl, to: 'pkg:pypi/jupyterlab@4.2.5', requirement: '==4.2.5', kind: 'twin' },
      { from: condaRenamed.purl, to: 'pkg:pypi/tables@3.10.1', requirement: '==3.10.1', kind: 'twin' },
    ]);
    // A twin the PyPI resolver cannot describe stays in the graph with every signal visibly unknown.
    const twin = graph.nodes.find((node) => node.purl === 'pkg:pypi/tables@3.10.1')!;
    expect(twin.signals.releasedAt).toEqual({ known: false, reason: 'the PyPI twin of a conda package; its registry was not asked' });
  });

  it('reports an ecosystem without a resolver instead of skipping it', async () => {
    const graph = await buildGraph({ roots: [root('pkg:npm/left-pad')], resolvers: {}, clock });
    expect(graph.nodes).toEqual([]);
    expect(graph.sources).toContainEqual({ name: 'npm', reachable: false, error: 'no npm resolver is available' });
    expect(graph.problems).toEqual([{ purl: 'pkg:npm/left-pad', message: 'no npm resolver is available' }]);
  });

  it('lets a bug in a resolver surface', async () => {
    await expect(buildGraph({ roots: [root('pkg:npm/left-pad')], resolvers: { npm: fakeResolver('npm', new TypeError('boom')) }, clock })).rejects.toThrow('boom');
  });

  it('drops an edge to a package no resolver listed, and says so', async () => {
    const graph = await buildGraph({
      roots: [root('pkg:npm/%40jupyterlab/services')],
      resolvers: { npm: fakeResolver('npm', { packages: [services], edges: [{ from: services.purl, to: 'pkg:npm/ghost@1.0.0', requirement: '*', kind: 'runtime' }] }) },
      clock,
    });
    expect(graph.edges).toEqual([]);
    expect(graph.problems).toEqual([{ purl: 'pkg:npm/ghost@1.0.0', message: `edge ${services.purl} → pkg:npm/ghost@1.0.0 names a package that is not in the graph` }]);
  });

  it('merges the same package from two environments into one node, root if either says so', async () => {
    const early = { ...pkg('PyPI', 'traitlets', '5.14.3', { license: 'BSD-3-Clause' }), root: false };
    const asRoot = { ...pkg('PyPI', 'traitlets', '5.14.3', { yanked: false }), root: true };
    const graph = await buildGraph({ roots: [root('pkg:pypi/traitlets')], resolvers: { PyPI: fakeResolver('PyPI', { packages: [early, asRoot] }) }, clock });
    expect(graph.nodes).toHaveLength(1);
    expect(graph.nodes[0]).toMatchObject({ root: true, signals: { license: { known: true, value: 'BSD-3-Clause' }, yanked: { known: true, value: false } } });
  });

  itWithSharedData('gives every node its signals: advisories from the matcher, repository confirmed by the manifest', async () => {
    const store = openSqliteStore(':memory:');
    store.importRecords([
      {
        id: 'GHSA-test-0001',
        modified: '2024-01-01T00:00:00Z',
        affected: [{ package: { ecosystem: 'PyPI', name: 'jupyter-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }] }],
        database_specific: { severity: 'CRITICAL' },
      },
    ]);
    const graph = await buildGraph({
      roots: [root('pkg:pypi/jupyterlab')],
      resolvers: { PyPI: fakeResolver('PyPI', pypiResolution) },
      clock,
      advisories: advisoryLookupFrom(store, 'test'),
      manifests: manifestLookupFromDirectory(projects),
    });
    const byName = new Map(graph.nodes.map((node) => [node.name, node]));
    expect(byName.get('jupyter-server')!.signals.advisories).toEqual({ known: true, value: ['GHSA-test-0001'] });
    expect(byName.get('jupyter-server')!.signals.advisorySeverity).toEqual({ known: true, value: 'critical' });
    expect(byName.get('jupyterlab')!.signals.advisories).toEqual({ known: true, value: [] });
    expect(byName.get('jupyterlab')!.signals.repository).toEqual({ known: true, value: { url: 'github.com/jupyterlab/jupyterlab', confidence: 'confirmed' } });
    expect(byName.get('jupyter-server')!.signals.repository).toEqual({ known: true, value: { url: 'github.com/jupyter-server/jupyter_server', confidence: 'confirmed' } });
    expect(graph.sources).toContainEqual({ name: 'advisories test', reachable: true });
    store.close();
  });
});
