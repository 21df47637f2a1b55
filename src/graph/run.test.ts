/** The graph pipeline with fake resolvers, an in-memory history and no advisory database: what it saves and reports. */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { toPurl } from '../core/package.js';
import { resolveReference, type GraphHistoryReader, type GraphHistoryWriter, type GraphSnapshot } from './history.js';
import { graphInputs } from './inputs.js';
import { parseRoot } from './roots.js';
import type { EcosystemResolver } from './resolver.js';
import type { NewRun } from './runs.js';
import { diffSnapshots, registryResolverFactory, runConcernsPipeline, runGraphPipeline, PYPI_PAGE_MAX_AGE_MS, REGISTRY_ANSWER_MAX_AGE_MS, type GraphRunDependencies, type RegistryAccess } from './run.js';

/** A history in memory, implementing both sides graph/history.ts declares (the store's rules: ids name any run, `latest` one identity's). */
function memoryHistory(): GraphHistoryWriter & GraphHistoryReader & { snapshots: GraphSnapshot[]; runs: NewRun[]; closed: number } {
  const history = {
    snapshots: [] as GraphSnapshot[],
    runs: [] as NewRun[],
    closed: 0,
    saveRun(run: NewRun) {
      const id = history.runs.push(run);
      const { graph, asGiven } = run.graph!;
      history.snapshots.push({
        id,
        createdAt: run.startedAt.toISOString(),
        toolVersion: run.toolVersion,
        inputs: { ...asGiven, offline: run.offline },
        identity: run.identity,
        status: run.status,
        nodeCount: graph.nodes.length,
        edgeCount: graph.edges.length,
        graph,
      });
      return { id, pruned: [] };
    },
    defaultIdentity: () => ([...history.snapshots].reverse().find((snapshot) => !snapshot.identity.adHoc) ?? history.snapshots[history.snapshots.length - 1])?.identity.key ?? null,
    identities: () => [...new Set(history.snapshots.map((snapshot) => snapshot.identity.key))],
    resolveReference: (reference: string, identity?: string) => {
      const scope = identity ?? history.defaultIdentity();
      const ids = history.snapshots.filter((snapshot) => /^[0-9]+$/.test(reference) || snapshot.identity.key === scope).map((snapshot) => snapshot.id);
      return resolveReference(ids, reference);
    },
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

/** The inputs a config file gives: not ad hoc, with orgs. */
function configInputs(source: string, orgs: string[], ...purls: string[]) {
  const roots = purls.map((purl) => {
    const root = parseRoot(purl);
    if (!root.ok) throw root.error;
    return root.value;
  });
  const read = graphInputs({ source, roots, environments: [], registries: {}, orgs }, [], []);
  if (!read.ok) throw read.error;
  return read.value;
}

describe('runGraphPipeline', () => {
  it('builds, saves one snapshot with its inputs, and keeps an unreachable source in the report', async () => {
    const history = memoryHistory();
    const wired = dependencies(history);
    const run = await runGraphPipeline(inputs('pkg:pypi/jupyterlab', 'pkg:conda/jupyterlab'), {}, wired);
    expect(run.runId).toBe(1);
    expect(run.saveError).toBeNull();
    // conda-forge and the advisory database were not reachable: a partial run of an ad-hoc identity.
    expect(run.status).toBe('partial');
    expect(run.identity).toMatchObject({ adHoc: true, profile: null, label: 'command line', inputs: { roots: ['pkg:conda/jupyterlab?channel=conda-forge', 'pkg:pypi/jupyterlab'], orgs: [] } });
    expect(history.runs[0]).toMatchObject({ command: 'graph', status: 'partial', offline: false });
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
    expect(run.runId).toBeNull();
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

  it('with save: false (--no-save) builds the graph and never opens the history', async () => {
    let opened = 0;
    const run = await runGraphPipeline(inputs('pkg:pypi/jupyterlab'), { save: false }, {
      ...dependencies(memoryHistory()),
      openHistory: () => {
        opened++;
        throw new Error('not to be opened');
      },
    });
    expect(opened).toBe(0);
    expect(run).toMatchObject({ runId: null, saveError: null, pruned: [] });
    expect(run.graph.nodes).toHaveLength(2);
  });

  it('a config run has the hash of its roots, environments and orgs; a profile names it instead', async () => {
    const history = memoryHistory();
    const plain = await runGraphPipeline(configInputs('council.yaml', ['Jupyter'], 'pkg:pypi/jupyterlab'), {}, dependencies(history));
    const named = await runGraphPipeline(configInputs('council.yaml', ['jupyter'], 'pkg:pypi/jupyterlab'), { profile: 'weekly' }, dependencies(history));
    expect(plain.identity).toMatchObject({ adHoc: false, label: 'council.yaml', inputs: { orgs: ['jupyter'] } });
    expect(plain.identity.key).toBe(plain.identity.hash);
    expect(named.identity).toMatchObject({ key: 'profile:weekly', profile: 'weekly', hash: plain.identity.hash });
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
    expect(ranked.ok && ranked.run?.runId).toBe(1);
    expect(history.runs[0]!.command).toBe('concerns');
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

  it('compares within one identity: an ad-hoc run in between is skipped, an id anchors the other reference', async () => {
    const history = memoryHistory();
    const preset = () => configInputs('preset:jupyter', ['jupyter'], 'pkg:pypi/jupyterlab');
    await runGraphPipeline(preset(), {}, dependencies(history, '2.14.0'));
    await runGraphPipeline(inputs('pkg:pypi/jupyterlab', 'pkg:pypi/notebook'), {}, dependencies(history, '2.14.1'));
    await runGraphPipeline(preset(), {}, dependencies(history, '2.14.2'));
    await runGraphPipeline(inputs('pkg:pypi/notebook'), {}, dependencies(history, '2.14.3'));
    const latest = diffSnapshots(history, 'latest~1', 'latest');
    expect(latest.ok && [latest.previous.id, latest.current.id]).toEqual([1, 3]);
    // `diff 2`: run 2 against the latest run asked the same way (itself: no change).
    const anchored = diffSnapshots(history, '2', 'latest');
    expect(anchored.ok && [anchored.previous.id, anchored.current.id]).toEqual([2, 2]);
    const ranked = await runConcernsPipeline({ snapshot: { history, reference: 'latest' } });
    expect(ranked.ok && ranked.snapshot?.id).toBe(3);
    const adHoc = await runConcernsPipeline({ snapshot: { history, reference: 'latest', identity: history.snapshots[3]!.identity.key } });
    expect(adHoc.ok && adHoc.snapshot?.id).toBe(4);
  });
});
