/** `chainwatch runs list|show|prune` over histories made by the graph command (fake resolvers) and the run store. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import type { BuiltGraph } from '../../graph/build.js';
import { newRun } from '../../graph/runs.fixture.js';
import { openGraphStore } from '../../store/graph-store.js';
import { captureIo, fakeDependencies, graphOptions, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runGraph } from './graph.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);

const GRAPH: BuiltGraph = {
  nodes: [{ purl: 'pkg:pypi/jupyterlab@4.2.5', ecosystem: 'PyPI', name: 'jupyterlab', version: '4.2.5', root: true, signals: {} }],
  edges: [],
  sources: [{ name: 'pypi', reachable: true }],
  problems: [],
};

/** Weekly runs of the preset from `first` (ISO day), each a graph plus a findings part; an experiment after the third. */
function weeklyHistory(path: string, weeks: number): void {
  const store = openGraphStore(path);
  for (let week = 0; week < weeks; week++) {
    const day = new Date(Date.UTC(2025, 0, 6 + 7 * week)).toISOString();
    store.saveRun(newRun(GRAPH, { at: day, label: 'preset:jupyter', orgs: ['jupyter'], parts: [{ name: 'findings', schemaVersion: 1, body: { week } }] }));
    if (week === 2) store.saveRun(newRun(GRAPH, { at: day, roots: ['pkg:pypi/notebook'] }));
  }
  store.close();
}

describe('chainwatch runs', () => {
  it('list: every run with its identity, status and parts, as a table or JSON; --profile keeps one identity', async () => {
    const history = join(dir.path, 'graph.sqlite');
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path, { profile: 'weekly' }), fakeDependencies('2.14.2'));
    const table = await runCli(['runs', 'list', '--history', history], { cwd: dir.path });
    expect(table.code).toBe(0);
    const lines = table.stdout.split('\n');
    expect(lines[0]).toMatch(/^Id +Started +Command +Status +Identity +From +Packages +Parts$/);
    expect(lines[2]).toMatch(/^1 +2025-01-01T00:00:00Z +graph +partial +[0-9a-f]{12} ad hoc +pkg:pypi\/jupyterlab +2 +graph$/);
    expect(lines[3]).toMatch(/^2 +2025-02-01T00:00:00Z +graph +partial +profile:weekly +profile weekly +2 +graph$/);
    expect(table.stdout).toContain('2 runs of 2 identities.');
    const json = await runCli(['runs', 'list', '--history', history, '--format', 'json', '--profile', 'weekly'], { cwd: dir.path });
    const document = JSON.parse(json.stdout) as { runs: Record<string, unknown>[] };
    expect(document.runs).toHaveLength(1);
    expect(document.runs[0]).toMatchObject({
      id: 2,
      started_at: '2025-02-01T00:00:00.000Z',
      command: 'graph',
      status: 'partial',
      identity: { key: 'profile:weekly', profile: 'weekly', ad_hoc: false, inputs: { roots: ['pkg:pypi/jupyterlab'], environments: ['cpython3.12.0-linux-x86_64'], orgs: [] } },
      graph: { nodes: 2, edges: 1 },
      parts: [{ name: 'graph', schema_version: 1, bytes: 0 }],
      migrated: false,
    });
  });

  it('show: one run, its parts and the previous run of its identity (an experiment in between is not it)', async () => {
    const history = join(dir.path, 'graph.sqlite');
    weeklyHistory(history, 4);
    const run = await runCli(['runs', 'show', '5', '--history', history], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Run 5: graph, complete, started 2025-01-27T00:00:00.000Z');
    expect(run.stdout).toContain('From: preset:jupyter');
    expect(run.stdout).toContain('Orgs: jupyter');
    expect(run.stdout).toContain('Previous run of this identity: 3 (2025-01-20T00:00:00.000Z, complete)');
    // {"week":3}: 10 bytes of JSON.
    expect(run.stdout).toMatch(/findings +1 +10 bytes/);
    expect(run.stdout).toMatch(/graph +1 +1 package, 0 edges/);
    const json = await runCli(['runs', 'show', '5', '--history', history, '--format', 'json'], { cwd: dir.path });
    expect(JSON.parse(json.stdout)).toMatchObject({ run: { id: 5 }, previous: { id: 3, status: 'complete' } });
    for (const [id, message] of [['9', /no run 9 in the history/], ['x', /not a run id: "x"/]] as const) {
      const missing = await runCli(['runs', 'show', id, '--history', history], { cwd: dir.path });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(message);
    }
  });

  it('prune --dry-run lists what prune then removes, per identity', async () => {
    const history = join(dir.path, 'graph.sqlite');
    // Runs 1, 2, 3, 5, 6 of the preset (January 6 to February 3), the experiment is 4.
    weeklyHistory(history, 5);
    const dry = await runCli(['runs', 'prune', '--keep-last', '2', '--keep-months', '12', '--dry-run', '--history', history, '--format', 'json'], { cwd: dir.path });
    expect(dry.code).toBe(0);
    const planned = JSON.parse(dry.stdout) as { dry_run: boolean; policy: unknown; removed: { id: number }[] };
    expect(planned).toMatchObject({ dry_run: true, policy: { keep_last: 2, keep_months: 12 } });
    // January keeps its newest (5) and the last two (5, 6); the experiment is its own identity, within its last two.
    expect(planned.removed.map((run) => run.id)).toEqual([1, 2, 3]);
    const store = () => openGraphStore(history, { readonly: true });
    const before = store();
    expect(before.listRuns()).toHaveLength(6);
    before.close();
    const pruned = await runCli(['runs', 'prune', '--keep-last', '2', '--keep-months', '12', '--history', history], { cwd: dir.path });
    expect(pruned.code).toBe(0);
    expect(pruned.stdout).toMatch(/^Removed 3 runs, keeping per identity the last 2 runs and one a month for 12 months/);
    const after = store();
    expect(after.listRuns().map((run) => run.id)).toEqual([4, 5, 6]);
    expect(after.readPart(3, 'findings')).toBeNull();
    after.close();
    const again = await runCli(['runs', 'prune', '--history', history], { cwd: dir.path });
    expect(again.stdout).toMatch(/^Nothing to prune, keeping per identity the last 10 runs and one a month for 24 months/);
  });

  it('refuses --keep-last 0, and says when there is no history yet', async () => {
    const zero = await runCli(['runs', 'prune', '--keep-last', '0', '--history', join(dir.path, 'graph.sqlite')], { cwd: dir.path });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/at least 1/);
    const empty = await runCli(['runs', 'list', '--history', join(dir.path, 'graph.sqlite')], { cwd: dir.path });
    expect(empty).toMatchObject({ code: 0, stdout: 'No runs in the history.\n' });
    expect(empty.stderr).toMatch(/no runs yet/);
    const show = await runCli(['runs', 'show', '1', '--history', join(dir.path, 'graph.sqlite')], { cwd: dir.path });
    expect(show.code).toBe(2);
    expect(existsSync(join(dir.path, 'graph.sqlite'))).toBe(false);
  });
});
