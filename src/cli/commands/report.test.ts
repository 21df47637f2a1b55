/** `chainwatch report` over a real runs history file: which run, compared with which, in which format, and what it says when there is nothing to report. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import { auditParts, graph, node, saveAudit, twoWeeks } from '../../audit/report-history.fixture.js';
import { newRun } from '../../graph/runs.fixture.js';
import { openGraphStore } from '../../store/graph-store.js';
import { useTemporaryDirectory } from './command-fakes.fixture.js';

const dir = useTemporaryDirectory(beforeEach, afterEach);

function history(fill: (store: ReturnType<typeof openGraphStore>) => void): string {
  const path = join(dir.path, 'graph.sqlite');
  const store = openGraphStore(path);
  try {
    fill(store);
  } finally {
    store.close();
  }
  return path;
}

describe('chainwatch report', () => {
  it('renders the newest audit run compared with the one before, in Markdown by default', async () => {
    const path = history((store) => {
      twoWeeks(store);
      // A later graph run is not an audit: the report stays on the newest audit.
      store.saveRun(newRun(graph([node('notebook', '7.0.0', {}, true)]), { at: '2026-11-10T00:00:00Z', roots: ['pkg:pypi/notebook'] }));
    });
    const run = await runCli(['report', '--history', path], { cwd: dir.path });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Run **2**');
    expect(run.stdout).toContain('GHSA-crit');
    expect(run.stdout.indexOf('GHSA-crit')).toBeLessThan(run.stdout.indexOf('Upgrade jupyter-server 2.14.0 to 2.14.2 or later'));
    expect(run.stdout).toContain('chainwatch fix dependency-update-tool --repo jupyter/server --apply');
  });

  it('renders an older run with --run and compares with --since; JSON carries the model', async () => {
    const path = history((store) => {
      const { first } = twoWeeks(store);
      saveAudit(store, '2026-11-16T06:00:00Z', graph([node('jupyter-server', '2.14.2', {}, true)]), auditParts({ findings: [] }));
      expect(first).toBe(1);
    });
    const json = await runCli(['report', '--history', path, '--run', '3', '--since', '1', '--format', 'json'], { cwd: dir.path });
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout) as { schema: string; run: { id: number }; since: { id: number }; changes: { findings: { resolved: { id: string }[] } }; trends: unknown[] };
    expect(document.schema).toBe('chainwatch.report/1');
    expect(document.run.id).toBe(3);
    expect(document.since.id).toBe(1);
    expect(document.changes.findings.resolved.map((entry) => entry.id)).toEqual(['GHSA-old']);
    expect(document.trends).toHaveLength(3);

    const first = await runCli(['report', '--history', path, '--run', '1', '--format', 'json'], { cwd: dir.path });
    expect(JSON.parse(first.stdout)).toMatchObject({ since: null, changes: null });
  });

  it('writes HTML to -o whole, with nothing left beside it', async () => {
    const path = history((store) => twoWeeks(store));
    const output = join(dir.path, 'site', 'index.html');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir.path, 'site'));
    const run = await runCli(['report', '--history', path, '--format', 'html', '-o', output], { cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const html = readFileSync(output, 'utf8');
    expect(html.startsWith('<!DOCTYPE html>') || html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<svg');
    expect(html).not.toContain('<script');
    expect(readdirSync(join(dir.path, 'site'))).toEqual(['index.html']);
  });

  it('says what is missing: no history, no audit run, no such run, a newer --since, a bad id', async () => {
    const missing = await runCli(['report', '--history', join(dir.path, 'none.sqlite')], { cwd: dir.path });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no runs yet');
    expect(existsSync(join(dir.path, 'none.sqlite'))).toBe(false);

    const onlyGraphs = history((store) => store.saveRun(newRun(graph([node('notebook', '7.0.0', {}, true)]), { at: '2026-11-10T00:00:00Z' })));
    const none = await runCli(['report', '--history', onlyGraphs], { cwd: dir.path });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('no audit run in the history');

    const noSuch = await runCli(['report', '--history', onlyGraphs, '--run', '7'], { cwd: dir.path });
    expect(noSuch.code).toBe(2);
    expect(noSuch.stderr).toContain('no run 7 in the history');

    const newer = await runCli(['report', '--history', onlyGraphs, '--run', '1', '--since', '1'], { cwd: dir.path });
    expect(newer.code).toBe(2);
    expect(newer.stderr).toContain('--since names an earlier run');

    const bad = await runCli(['report', '--history', onlyGraphs, '--run', 'latest'], { cwd: dir.path });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('expected a run id');
  });

  it('picks the newest audit run of the identity asked for with --profile', async () => {
    const path = history((store) => {
      twoWeeks(store);
      saveAudit(store, '2026-11-20T00:00:00Z', graph([node('notebook', '7.0.0', {}, true)]), auditParts({ findings: [] }), { roots: ['pkg:pypi/notebook'], label: 'command line' });
      store.saveRun({ ...newRun(graph([node('voila', '0.5.0', {}, true)]), { at: '2026-11-21T00:00:00Z', roots: ['pkg:pypi/voila'], profile: 'voila', parts: auditParts({ findings: [] }) }), command: 'audit' });
    });
    const profile = await runCli(['report', '--history', path, '--profile', 'voila', '--format', 'json'], { cwd: dir.path });
    expect(profile.code).toBe(0);
    expect(JSON.parse(profile.stdout)).toMatchObject({ run: { id: 4 }, since: null });
    const unknown = await runCli(['report', '--history', path, '--profile', 'nobody'], { cwd: dir.path });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no audit run of that identity');
  });
});
