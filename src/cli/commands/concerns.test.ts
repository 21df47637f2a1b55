/** `chainwatch concerns` in-process: snapshots made with fake resolvers (no network). */
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

