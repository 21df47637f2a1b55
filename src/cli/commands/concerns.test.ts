/** `chainwatch concerns` in-process: snapshots made with fake resolvers (no network). */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import { openGraphStore } from '../../store/graph-store.js';
import { captureIo, fakeDependencies, graphOptions, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runConcerns } from './concerns.js';
import { runGraph } from './graph.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);

describe('chainwatch concerns', () => {
  it('ranks the latest snapshot with every factor, --top keeps the first rows', async () => {
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.1'));
    const io = captureIo(dir.path);
    const code = await runConcerns(io, [], { env: [], format: 'json', top: 1, history: join(dir.path, 'graph.sqlite') });
    expect(code).toBe(0);
    const report = JSON.parse(io.out()) as { rows: { name: string; weakness: { factors: { name: string }[]; known: number } }[]; ranked: number };
    expect(report.ranked).toBe(2);
    expect(report.rows).toHaveLength(1);
    // jupyter-server 2.14.1 has one maintainer (known) and everything else unknown: weakness 1 on 1 of 7 factors;
    // jupyterlab knows release age (not stale) and not-yanked: weakness 0. So jupyter-server ranks first.
    expect(report.rows[0]!.name).toBe('jupyter-server');
    expect(report.rows[0]!.weakness.factors).toHaveLength(7);
    expect(report.rows[0]!.weakness.known).toBe(1);
  });

  it('builds a fresh graph first when given PURLs', async () => {
    const io = captureIo(dir.path);
    expect(await runConcerns(io, ['pkg:pypi/jupyterlab'], { env: [], format: 'table', history: join(dir.path, 'graph.sqlite'), db: join(dir.path, 'none.sqlite') }, fakeDependencies('2.14.0'))).toBe(0);
    expect(io.out()).toMatch(/^# {2}Score {2}Package/);
    const store = openGraphStore(join(dir.path, 'graph.sqlite'), { readonly: true });
    expect(store.listSnapshots()).toHaveLength(1);
    store.close();
  });

  it('ranks the latest run of the config, not an experiment made after it; --profile and --identity name others', async () => {
    const history = join(dir.path, 'graph.sqlite');
    const config = join(dir.path, 'council.yaml');
    writeFileSync(config, 'orgs: [jupyter]\npackages:\n  pypi: [jupyterlab]\n');
    // The council's run sees jupyter-server 2.14.1; the profile's run before it and the experiments after it 2.14.0.
    await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config, profile: 'weekly' }), fakeDependencies('2.14.0'));
    await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config }), fakeDependencies('2.14.1'));
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    await runGraph(captureIo(dir.path), ['pkg:pypi/notebook'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    const rankedVersion = async (extra: Partial<Parameters<typeof runConcerns>[2]>) => {
      const io = captureIo(dir.path);
      expect(await runConcerns(io, [], { env: [], format: 'json', history, ...extra })).toBe(0);
      return (JSON.parse(io.out()) as { rows: { name: string; version: string }[] }).rows.find((row) => row.name === 'jupyter-server')!.version;
    };
    expect(await rankedVersion({})).toBe('2.14.1');
    expect(await rankedVersion({ profile: 'weekly' })).toBe('2.14.0');
    const store = openGraphStore(history, { readonly: true });
    const experiment = store.getRun(3)!.identity.key;
    store.close();
    expect(await rankedVersion({ identity: experiment.slice(0, 10) })).toBe('2.14.0');
    const io = captureIo(dir.path);
    expect(await runConcerns(io, [], { env: [], format: 'json', history, profile: 'monthly' })).toBe(2);
    expect(io.err()).toMatch(/no graph snapshots of profile:monthly/);
  });

  it('--no-save ranks a fresh graph without saving it', async () => {
    const io = captureIo(dir.path);
    expect(await runConcerns(io, ['pkg:pypi/jupyterlab'], { env: [], format: 'json', history: join(dir.path, 'graph.sqlite'), save: false }, fakeDependencies('2.14.0'))).toBe(0);
    expect((JSON.parse(io.out()) as { ranked: number }).ranked).toBe(2);
    expect(existsSync(join(dir.path, 'graph.sqlite'))).toBe(false);
  });

  it('exits 2 with advice when there is no snapshot and nothing to build from', async () => {
    const run = await runCli(['concerns'], { cwd: dir.path, env: { CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no graph snapshots yet .*chainwatch graph --preset jupyter/);
  });

  it('refuses --top 0', async () => {
    const run = await runCli(['concerns', '--top', '0'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/positive whole number/);
  });
});

