/** `chainwatch diff` over snapshots made with fake resolvers (no network). */
import { writeFileSync } from 'node:fs';
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

  describe('within one identity', () => {
    /** council.yaml (orgs and jupyterlab): runs 1 and 3; an experiment in between (2); then another (4). */
    async function councilAndExperiments(): Promise<{ history: string; config: string }> {
      const history = join(dir.path, 'graph.sqlite');
      const config = join(dir.path, 'council.yaml');
      writeFileSync(config, 'orgs: [jupyter]\npackages:\n  pypi: [jupyterlab]\n');
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config }), fakeDependencies('2.14.0'));
      await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.1'));
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config }), fakeDependencies('2.14.2'));
      await runGraph(captureIo(dir.path), ['pkg:pypi/notebook'], graphOptions(dir.path), fakeDependencies('2.14.3'));
      return { history, config };
    }

    it('compares the previous run asked the same way, never an experiment made in between', async () => {
      const { history, config } = await councilAndExperiments();
      for (const extra of [[], ['--config', config]]) {
        const run = await runCli(['diff', '--history', history, ...extra], { cwd: dir.path });
        expect(run.code).toBe(0);
        expect(run.stdout).toContain('Snapshot 1 (2025-01-01T00:00:00.000Z) → snapshot 3 (2025-02-01T00:00:00.000Z)');
        expect(run.stdout).toContain('PyPI:jupyter-server 2.14.0 → 2.14.2');
        expect(run.stderr).toBe('');
      }
    });

    it('an id anchors the other reference to its identity; --identity names an experiment by hash prefix', async () => {
      const { history } = await councilAndExperiments();
      const anchored = await runCli(['diff', '1', '--history', history], { cwd: dir.path });
      expect(anchored.stdout).toContain('Snapshot 1 (2025-01-01T00:00:00.000Z) → snapshot 3');
      const listed = await runCli(['runs', 'list', '--format', 'json', '--history', history], { cwd: dir.path });
      const runs = (JSON.parse(listed.stdout) as { runs: { id: number; identity: { key: string } }[] }).runs;
      const experiment = runs.find((run) => run.id === 2)!.identity.key;
      const alone = await runCli(['diff', '--history', history, '--identity', experiment.slice(0, 8)], { cwd: dir.path });
      expect(alone.code).toBe(2);
      expect(alone.stderr).toMatch(/latest~1: only 1 snapshot of pkg:pypi\/jupyterlab exists/);
      const unknown = await runCli(['diff', '--history', history, '--identity', 'feedface'], { cwd: dir.path });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/no runs of identity "feedface"/);
    });

    it('--preset names the preset\'s runs without resolving anything; --identity goes alone', async () => {
      const history = join(dir.path, 'graph.sqlite');
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { preset: 'jupyter' }), fakeDependencies('2.14.0'));
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { preset: 'jupyter', env: ['py3.11-macos-arm64'] }), fakeDependencies('2.14.1'));
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { preset: 'jupyter' }), fakeDependencies('2.14.2'));
      const run = await runCli(['diff', '--preset', 'jupyter', '--history', history], { cwd: dir.path });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Snapshot 1 (2025-01-01T00:00:00.000Z) → snapshot 3');
      // Another environment is another ask: run 2 alone.
      const other = await runCli(['diff', '--preset', 'jupyter', '--env', 'py3.11-macos-arm64', '--history', history], { cwd: dir.path });
      expect(other.stderr).toMatch(/latest~1: only 1 snapshot of preset:jupyter exists/);
      const both = await runCli(['diff', '--identity', 'weekly', '--profile', 'weekly', '--history', history], { cwd: dir.path });
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/--identity names the runs by itself/);
    });

    it('compares runs asked differently when told to by id, saying so', async () => {
      const { history } = await councilAndExperiments();
      const run = await runCli(['diff', '3', '4', '--history', history], { cwd: dir.path });
      expect(run.code).toBe(0);
      expect(run.stderr).toMatch(/note: run 3 and run 4 were asked differently \(.*council\.yaml \([0-9a-f]{12}\); pkg:pypi\/notebook \([0-9a-f]{12}\)\)/);
    });

    it('a profile whose config changed, and a source only one run reached, are said on stderr', async () => {
      const history = join(dir.path, 'graph.sqlite');
      const config = join(dir.path, 'council.yaml');
      writeFileSync(config, 'packages:\n  pypi: [jupyterlab]\n');
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config, profile: 'weekly' }), fakeDependencies('2.14.0'));
      writeFileSync(config, 'packages:\n  pypi: [jupyterlab]\n  conda: [jupyterlab]\n');
      await runGraph(captureIo(dir.path), [], graphOptions(dir.path, { config, profile: 'weekly' }), fakeDependencies('2.14.2'));
      // An experiment after them does not take the profile's place.
      await runGraph(captureIo(dir.path), ['pkg:pypi/jupyterlab'], graphOptions(dir.path), fakeDependencies('2.14.3'));
      const run = await runCli(['diff', '--history', history, '--profile', 'weekly'], { cwd: dir.path });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('Snapshot 1 (2025-01-01T00:00:00.000Z) → snapshot 2');
      expect(run.stderr).toContain('note: the roots, environments or orgs of profile weekly changed between run 1 and run 2');
      expect(run.stderr).toContain('note: run 2 could not reach conda-forge: what it could not see shows as removed or added');
    });
  });
});
