/** `chainwatch graph` in-process: fake resolvers (no network), real SQLite history files. */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import { openGraphStore } from '../../store/graph-store.js';
import { captureIo, fakeDependencies, graphOptions, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runGraph, type GraphDependencies } from './graph.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);

describe('chainwatch graph', () => {
  it('prints the graph, saves a snapshot, lists the unreachable source on stderr and exits 0 for a partial graph', async () => {
    const io = captureIo(dir.path);
    const dependencies = fakeDependencies('2.14.0');
    const code = await runGraph(io, ['pkg:pypi/jupyterlab', 'pkg:conda/jupyterlab?channel=conda-forge'], graphOptions(dir.path), dependencies);
    expect(code).toBe(0);
    const document = JSON.parse(io.out()) as { nodes: { purl: string; root: boolean }[]; edges: unknown[]; sources: { name: string; reachable: boolean; error: string | null }[] };
    expect(document.nodes.map((node) => [node.purl, node.root])).toEqual([
      ['pkg:pypi/jupyter-server@2.14.0', false],
      ['pkg:pypi/jupyterlab@4.2.5', true],
    ]);
    expect(document.sources).toContainEqual({ name: 'conda-forge', reachable: false, error: 'conda-forge: connect ECONNREFUSED' });
    expect(io.err()).toContain('chainwatch: source not reachable: conda-forge: conda-forge: connect ECONNREFUSED');
    // No advisory database: said once on stderr, and every advisories signal is unknown.
    expect(io.err()).toMatch(/source not reachable: advisories .*no advisory database yet/);
    expect(dependencies.closed()).toBe(1);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    const [info] = store.listSnapshots();
    expect(info).toMatchObject({ id: 1, createdAt: '2025-01-01T00:00:00.000Z', nodeCount: 2, edgeCount: 1 });
    expect(info!.inputs).toEqual({ roots: ['pkg:pypi/jupyterlab', 'pkg:conda/jupyterlab?channel=conda-forge'], environments: ['py3.12-linux'], config: 'command line', offline: false });
    store.close();
  });

  it('--no-save builds and prints the graph and leaves the history as it was', async () => {
    const io = captureIo(dir.path);
    expect(await runGraph(io, ['pkg:pypi/jupyterlab'], graphOptions(dir.path, { save: false }), fakeDependencies('2.14.0'))).toBe(0);
    expect((JSON.parse(io.out()) as { nodes: unknown[] }).nodes).toHaveLength(2);
    expect(existsSync(join(dir.path, 'graph.sqlite'))).toBe(false);
    // Through the command line too, next to a saved run.
    const env = { CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') };
    expect(await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'))).toBe(0);
    const listed = await runCli(['runs', 'list', '--format', 'json'], { cwd: dir.path, env });
    expect((JSON.parse(listed.stdout) as { runs: unknown[] }).runs).toHaveLength(1);
  });

  it('--profile saves the run under the profile, whatever the config holds; a bad name is bad input', async () => {
    const config = join(dir.path, 'chainwatch.yaml');
    writeFileSync(config, 'orgs: [jupyter]\npackages:\n  pypi: [jupyterlab]\n');
    expect(await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config, profile: 'Weekly' }), fakeDependencies('2.14.0'))).toBe(0);
    writeFileSync(config, 'orgs: [jupyter]\npackages:\n  pypi: [jupyterlab, notebook]\n');
    expect(await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config, profile: 'weekly' }), fakeDependencies('2.14.2'))).toBe(0);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    const runs = store.listRuns();
    expect(runs.map((run) => [run.identity.key, run.identity.profile, run.identity.inputs.orgs])).toEqual([
      ['profile:weekly', 'weekly', ['jupyter']],
      ['profile:weekly', 'weekly', ['jupyter']],
    ]);
    // The inputs changed under the profile: the hash says so.
    expect(runs[0]!.identity.hash).not.toBe(runs[1]!.identity.hash);
    store.close();
    const bad = captureIo(dir.path);
    expect(await runGraph(bad, [], graphOptions(dir.path, { config, profile: '../x' }), fakeDependencies('2.14.0'))).toBe(2);
    expect(bad.err()).toMatch(/not a profile name: "..\/x"/);
  });

  it('--exclude-newer reaches the resolvers, is recorded with the run and leaves its identity alone; a bad date is bad input', async () => {
    const asked: (Date | undefined)[] = [];
    const fake = fakeDependencies('2.14.0');
    const dependencies: GraphDependencies = {
      ...fake,
      resolvers: async (request) => {
        asked.push(request.excludeNewer);
        return fake.resolvers!(request);
      },
    };
    expect(await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path, { excludeNewer: '2024-06-01' }), dependencies)).toBe(0);
    expect(await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path, { excludeNewer: '2024-06-01T12:00:00+02:00' }), dependencies)).toBe(0);
    expect(await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), dependencies)).toBe(0);
    // A date counts that whole day (uv): the cutoff is the next midnight, UTC.
    expect(asked.map((date) => date?.toISOString())).toEqual(['2024-06-02T00:00:00.000Z', '2024-06-01T10:00:00.000Z', undefined]);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    const snapshots = store.listSnapshots().sort((a, b) => a.id - b.id);
    expect(snapshots.map((snapshot) => snapshot.inputs.excludeNewer)).toEqual(['2024-06-02T00:00:00.000Z', '2024-06-01T10:00:00.000Z', undefined]);
    // A time point, like the clock: the three runs are runs of one identity.
    expect(new Set(store.listRuns().map((run) => run.identity.key)).size).toBe(1);
    store.close();

    for (const [bad, message] of [
      ['last tuesday', /--exclude-newer "last tuesday": not a date: give a date \(2024-06-01\) or an RFC 3339 date and time/],
      ['2024-02-30', /--exclude-newer "2024-02-30": there is no day 2024-02-30/],
      ['2024-06-01T12:00:00', /--exclude-newer "2024-06-01T12:00:00": say the time's offset/],
    ] as const) {
      const io = captureIo(dir.path);
      expect(await runGraph(io, ['pkg:pypi/jupyterlab'], graphOptions(dir.path, { excludeNewer: bad }), dependencies)).toBe(2);
      expect(io.err()).toMatch(message);
    }
    expect(asked).toHaveLength(3);
  });

  it('keeps the last ten runs of an identity after saving, and says which it removed', async () => {
    for (let run = 0; run < 10; run++) expect(await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'))).toBe(0);
    const io = captureIo(dir.path);
    expect(await runGraph(io, ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'))).toBe(0);
    expect(io.err()).toMatch(/chainwatch: removed run 1 of pkg:pypi\/jupyterlab \([0-9a-f]{12}\) from the history \(kept: the last 10, as for every experiment; chainwatch runs prune --help\)/);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    expect(store.listRuns().map((run) => run.id)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    store.close();
  });

  it('exits 2 when nothing at all could be resolved', async () => {
    const io = captureIo(dir.path);
    const code = await runGraph(io, ['pkg:conda/jupyterlab', 'pkg:conda/notebook'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    expect(code).toBe(2);
    // Roots that failed for one reason are one line.
    expect(io.err()).toContain('chainwatch: pkg:conda/jupyterlab, pkg:conda/notebook: conda-forge: connect ECONNREFUSED\n');
    expect(io.err()).toContain('no package could be resolved');
  });

  it('takes roots and environments from a config file, and the --env flag over them', async () => {
    const config = join(dir.path, 'chainwatch.yaml');
    writeFileSync(config, 'packages:\n  pypi: [jupyterlab]\nenvironments: [py3.11-macos-arm64]\n');
    const seen: string[][] = [];
    const dependencies: GraphDependencies = {
      ...fakeDependencies('2.14.0'),
      resolvers: async (setup) => {
        seen.push(setup.environments.map((environment) => `${environment.python_version} ${environment.sys_platform}`));
        return fakeDependencies('2.14.0').resolvers!(setup);
      },
    };
    expect(await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config }), dependencies)).toBe(0);
    expect(await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config, env: ['py3.13-windows', 'py3.12-linux'] }), dependencies)).toBe(0);
    expect(seen).toEqual([['3.11 darwin'], ['3.13 win32', '3.12 linux']]);
  });

  it.each([
    ['a malformed PURL', ['graph', 'pkg:'], /malformed PURL/],
    ['an unsupported PURL type', ['graph', 'pkg:cargo/serde'], /unsupported PURL type/],
    ['nothing to resolve', ['graph'], /nothing to resolve/],
    ['both --preset and --config', ['graph', '--preset', 'jupyter', '--config', 'x.yaml'], /cannot be used together/],
    ['an unknown preset', ['graph', '--preset', 'django'], /unknown preset "django"/],
    ['an unknown environment', ['graph', 'pkg:pypi/x', '--env', 'py3.12-beos'], /unknown system/],
    ['an unknown format', ['graph', 'pkg:pypi/x', '--format', 'svg'], /expected one of table, json, dot, graphml, cyclonedx/],
  ])('exits 2 on bad input: %s', async (_name, argv, message) => {
    const run = await runCli(argv, { cwd: dir.path, env: { CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('names the config file and line of a bad config', async () => {
    const config = join(dir.path, 'chainwatch.yaml');
    writeFileSync(config, 'packages:\n  npm:\n    - "@jupyterlab/services"\n    - "not a name"\n');
    const run = await runCli(['graph', '--config', config], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${config}:4: packages.npm[1]: not a npm package name`);
  });

  it('offline with nothing cached: every registry source is listed as unreachable and the run exits 2', async () => {
    const env = {
      CHAINWATCH_HTTP_CACHE: join(dir.path, 'http-cache.sqlite'),
      CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite'),
      CHAINWATCH_DB: join(dir.path, 'advisories.sqlite'),
      PIP_INDEX_URL: 'https://pypi.test/simple/',
      npm_config_registry: 'https://registry.npm.test/',
      HOME: dir.path,
      PATH: process.env.PATH,
    };
    const run = await runCli(['graph', '--offline', 'pkg:pypi/jupyterlab', 'pkg:npm/%40jupyterlab/services'], { cwd: dir.path, env });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/source not reachable: npm: /);
    expect(run.stderr).toMatch(/source not reachable: pypi: /);
    expect(run.stderr).toContain('no package could be resolved');
    // The empty run is still history: a later diff shows everything as added.
    expect(existsSync(join(dir.path, 'graph.sqlite'))).toBe(true);
    // Unless it was an experiment: commander's --no-save reaches the pipeline.
    const history = join(dir.path, 'experiments.sqlite');
    const experiment = await runCli(['graph', '--offline', '--no-save', 'pkg:pypi/jupyterlab'], { cwd: dir.path, env: { ...env, CHAINWATCH_GRAPH_DB: history } });
    expect(experiment.stderr).toContain('no package could be resolved');
    expect(existsSync(history)).toBe(false);
  });
});

