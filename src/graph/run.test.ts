/** The graph pipeline with fake resolvers, an in-memory history and no advisory database: what it saves and reports. */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { toPurl } from '../core/package.js';
import type { BuiltGraph } from './build.js';
import { resolveReference, type GraphHistoryReader, type GraphHistoryWriter, type GraphSnapshot, type SnapshotInputs } from './history.js';
import { graphInputs } from './inputs.js';
import type { EcosystemResolver } from './resolver.js';
import { diffSnapshots, registryResolverFactory, runConcernsPipeline, runGraphPipeline, PYPI_PAGE_MAX_AGE_MS, REGISTRY_ANSWER_MAX_AGE_MS, type GraphRunDependencies, type RegistryAccess } from './run.js';

/** A history in memory, implementing both sides graph/history.ts declares. */
function memoryHistory(): GraphHistoryWriter & GraphHistoryReader & { snapshots: GraphSnapshot[]; closed: number } {
  const history = {
    snapshots: [] as GraphSnapshot[],
    closed: 0,
    saveSnapshot(graph: BuiltGraph, meta: { createdAt: Date; toolVersion: string; inputs: SnapshotInputs }) {
      const id = history.snapshots.length + 1;
      history.snapshots.push({ id, createdAt: meta.createdAt.toISOString(), toolVersion: meta.toolVersion, inputs: meta.inputs, nodeCount: graph.nodes.length, edgeCount: graph.edges.length, graph });
      return id;
    },
    resolveReference: (reference: string) => resolveReference(history.snapshots.map((snapshot) => snapshot.id), reference),
    loadSnapshot: (id: number) => history.snapshots.find((snapshot) => snapshot.id === id) ?? null,
    close() {
      history.closed++;
    },
  };
  return history;
}

function pypiResolver(dependencyVersion: string): EcosystemResolver {
  const root = { ecosystem: 'PyPI' as const, name: 'jupyterlab', version: '4.2.5', purl: toPurl('PyPI', 'jupyterlab', '4.2.5'), root: true, facts: {} };
  const dependency = { ecosystem: 'PyPI' as const, name: 'jupyter-server', version: dependencyVersion, purl: toPurl('PyPI', 'jupyter-server', dependencyVersion), root: false, facts: {} };
  return {
    ecosystem: 'PyPI',
    sourceNames: ['pypi'],
    resolve: async () => ({ packages: [root, dependency], edges: [{ from: root.purl, to: dependency.purl, requirement: '>=2', kind: 'runtime' }], sources: [{ name: 'pypi', reachable: true }], problems: [] }),
  };
}

const condaUnreachable: EcosystemResolver = {
  ecosystem: 'conda',
  sourceNames: ['conda-forge'],
  resolve: async () => {
    throw new HostError('conda-forge', 'conda-forge: connect ECONNREFUSED');
  },
};

function dependencies(history: GraphHistoryWriter, dependencyVersion = '2.14.0', at = '2025-01-01T00:00:00Z'): GraphRunDependencies & { closed: () => number } {
  let closed = 0;
  return {
    clock: fixedClock(at),
    events: collectingSink(),
    resolvers: async () => ({ resolvers: { PyPI: pypiResolver(dependencyVersion), conda: condaUnreachable }, close: async () => void closed++ }),
    advisories: {
      path: '/nonexistent/advisories.sqlite',
      open: () => {
        throw new Error('an absent database is not opened');
      },
    },
    openHistory: () => history,
    toolVersion: '0.0.0-test',
    closed: () => closed,
  };
}

function inputs(...purls: string[]) {
  const read = graphInputs(null, purls, []);
  if (!read.ok) throw read.error;
  return read.value;
}

describe('runGraphPipeline', () => {
  it('builds, saves one snapshot with its inputs, and keeps an unreachable source in the report', async () => {
    const history = memoryHistory();
    const wired = dependencies(history);
    const run = await runGraphPipeline(inputs('pkg:pypi/jupyterlab', 'pkg:conda/jupyterlab'), {}, wired);
    expect(run.snapshotId).toBe(1);
    expect(run.saveError).toBeNull();
    expect(run.createdAt.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(run.graph.nodes.map((node) => node.purl)).toEqual(['pkg:pypi/jupyter-server@2.14.0', 'pkg:pypi/jupyterlab@4.2.5']);
    expect(run.graph.sources).toContainEqual({ name: 'conda-forge', reachable: false, error: 'conda-forge: connect ECONNREFUSED' });
    expect(run.graph.sources.find((source) => source.name.startsWith('advisories'))).toMatchObject({ reachable: false, error: expect.stringMatching(/no advisory database yet/) });
    expect(history.snapshots[0]).toMatchObject({
      toolVersion: '0.0.0-test',
      inputs: { roots: ['pkg:pypi/jupyterlab', 'pkg:conda/jupyterlab'], environments: ['py3.12-linux'], config: 'command line', offline: false },
    });
    expect(history.closed).toBe(1);
    expect(wired.closed()).toBe(1);
  });

  it('reports a history that cannot be written, with the graph still built', async () => {
    const failing = new ChainwatchError('store-error', 'cannot open graph history: disk full');
    const run = await runGraphPipeline(inputs('pkg:pypi/jupyterlab'), { offline: true }, {
      ...dependencies(memoryHistory()),
      openHistory: () => {
        throw failing;
      },
    });
    expect(run.snapshotId).toBeNull();
    expect(run.saveError).toBe(failing);
    expect(run.graph.nodes).toHaveLength(2);
  });

  it('passes environments, offline and registry overrides to the resolver factory', async () => {
    const seen: unknown[] = [];
    const read = graphInputs({ source: 'preset:x', roots: [], environments: [], registries: { pypi: 'https://pypi.example.test/simple/' } }, ['pkg:pypi/jupyterlab'], ['py3.11-macos-arm64']);
    if (!read.ok) throw read.error;
    const wired = dependencies(memoryHistory());
    await runGraphPipeline(read.value, { offline: true }, {
      ...wired,
      resolvers: async (request) => {
        seen.push({ environments: request.environments.map((environment) => environment.sys_platform), offline: request.offline, registries: request.registries });
        return wired.resolvers(request);
      },
    });
    expect(seen).toEqual([{ environments: ['darwin'], offline: true, registries: { pypi: 'https://pypi.example.test/simple/' } }]);
  });
});

describe('registryResolverFactory', () => {
  it('asks for registry answers fresh for 300 s and keeps PyPI pages 600 s, and closes what it opened', async () => {
    const asked: number[] = [];
    const closed: string[] = [];
    const access: RegistryAccess = {
      registryConfig: async () => ({
        npm: { values: {}, files: [], defaultRegistry: null, missingRegistry: 'none here', problems: [] },
        pypi: { index: null, extraIndexes: [], from: null, files: [], problems: [] },
        conda: { channels: [], channelAlias: null, customChannels: {}, override: null, files: [], problems: [] },
      }),
      httpClient: (options) => {
        asked.push(options.maxAgeMs);
        return { close: async () => void closed.push('http') } as unknown as ReturnType<RegistryAccess['httpClient']>;
      },
      openPypiSummaries: () => ({ close: () => void closed.push('summaries') }) as unknown as ReturnType<RegistryAccess['openPypiSummaries']>,
    };
    const setup = await registryResolverFactory(access, fixedClock('2025-01-01T00:00:00Z'))({ environments: inputs('pkg:pypi/x').environments.map((entry) => entry.environment), offline: true, registries: {}, events: collectingSink() });
    expect(asked).toEqual([REGISTRY_ANSWER_MAX_AGE_MS]);
    expect([REGISTRY_ANSWER_MAX_AGE_MS, PYPI_PAGE_MAX_AGE_MS]).toEqual([300_000, 600_000]);
    expect(Object.keys(setup.resolvers).sort()).toEqual(['PyPI', 'conda', 'npm']);
    await setup.close();
    expect(closed).toEqual(['summaries', 'http']);
  });
});

describe('runConcernsPipeline and diffSnapshots', () => {
  it('ranks a snapshot by reference, and says when the history is empty', async () => {
    const history = memoryHistory();
    const empty = await runConcernsPipeline({ snapshot: { history, reference: 'latest' } });
    expect(empty).toMatchObject({ ok: false, empty: true });
    await runGraphPipeline(inputs('pkg:pypi/jupyterlab'), {}, dependencies(history));
    const missing = await runConcernsPipeline({ snapshot: { history, reference: '7' } });
    expect(missing).toMatchObject({ ok: false, empty: false, error: { message: 'no snapshot 7 (ids 1–1)' } });
    const ranked = await runConcernsPipeline({ snapshot: { history, reference: 'latest' } }, { top: 1 });
    expect(ranked.ok && ranked.concerns.rows).toHaveLength(1);
    expect(ranked.ok && ranked.run).toBeNull();
  });

  it('builds and saves a fresh graph before ranking it', async () => {
    const history = memoryHistory();
    const ranked = await runConcernsPipeline({ fresh: { inputs: inputs('pkg:pypi/jupyterlab'), options: {}, dependencies: dependencies(history) } });
    expect(ranked.ok && ranked.run?.snapshotId).toBe(1);
    expect(ranked.ok && ranked.concerns.ranked).toBe(2);
  });

  it('diffs two snapshots; the first bad reference is the error', async () => {
    const history = memoryHistory();
    await runGraphPipeline(inputs('pkg:pypi/jupyterlab'), {}, dependencies(history, '2.14.0'));
    await runGraphPipeline(inputs('pkg:pypi/jupyterlab'), {}, dependencies(history, '2.14.2', '2025-02-01T00:00:00Z'));
    const result = diffSnapshots(history, 'latest~1', 'latest');
    expect(result.ok && result.diff.versionChanges).toEqual([{ ecosystem: 'PyPI', name: 'jupyter-server', from: ['2.14.0'], to: ['2.14.2'] }]);
    expect(result.ok && [result.previous.id, result.current.id]).toEqual([1, 2]);
    expect(diffSnapshots(history, 'yesterday', '9')).toMatchObject({ ok: false, error: { message: expect.stringMatching(/not a snapshot reference/) } });
    expect(diffSnapshots(history, '1', '9')).toMatchObject({ ok: false, error: { message: 'no snapshot 9 (ids 1–2)' } });
  });
});
