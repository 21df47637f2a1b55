/** `chainwatch diff` over snapshots made with fake resolvers (no network). */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import { captureIo, fakeDependencies, graphOptions, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runGraph } from './graph.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);

describe('chainwatch diff', () => {
  it('compares the previous and the latest snapshot by default, or any two by id', async () => {
    const history = join(dir.path, 'graph.sqlite');
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.2'));
    const run = await runCli(['diff', '--history', history], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Snapshot 1 (2025-01-01T00:00:00.000Z) → snapshot 2 (2025-02-01T00:00:00.000Z)');
    expect(run.stdout).toContain('Version changes (1)\n  PyPI:jupyter-server 2.14.0 → 2.14.2');
    expect(run.stdout).toContain('Maintainer changes (1)\n  pkg:pypi/jupyter-server@2.14.2: 3 → 1 (names not shown by the registry)');
    const reversed = await runCli(['diff', '2', '1', '--history', history, '--format', 'json'], { cwd: dir.path });
    expect(reversed.code).toBe(0);
    expect((JSON.parse(reversed.stdout) as { versionChanges: unknown[] }).versionChanges).toEqual([{ ecosystem: 'PyPI', name: 'jupyter-server', from: ['2.14.2'], to: ['2.14.0'] }]);
  });

  it.each([
    ['no history at all', [], /no graph snapshots yet/],
    ['an unknown id', ['1', '7'], /no snapshot 7/],
    ['a bad reference', ['yesterday'], /not a snapshot reference/],
  ])('exits 2 for %s', async (_name, references, message) => {
    const history = join(dir.path, 'graph.sqlite');
    if (references.length > 0) await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    const run = await runCli(['diff', ...references, '--history', history], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it('with one snapshot, latest~1 does not exist', async () => {
    await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.0'));
    const run = await runCli(['diff', '--history', join(dir.path, 'graph.sqlite')], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/latest~1: only 1 snapshot of pkg:pypi\/jupyterlab exists/);
  });
});
