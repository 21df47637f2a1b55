import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildAuditReport } from '../src/audit/report-model.js';
import { openGraphStore } from '../src/store/graph-store.js';
import { buildServeFixture } from './serve-fixture.js';

const directory = mkdtempSync(path.join(tmpdir(), 'serve-fixture-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('buildServeFixture', () => {
  it('writes two audit runs of one identity whose report shows a change of every kind, and a run of another profile', () => {
    const fixture = buildServeFixture(path.join(directory, 'graph.sqlite'));
    const history = openGraphStore(fixture.path, { readonly: true });
    try {
      const runs = history.listRuns();
      expect(runs.map((run) => run.command)).toEqual(['audit', 'audit', 'audit']);
      expect(runs.filter((run) => run.identity.key === fixture.identity).map((run) => run.id)).toEqual([fixture.runs.first, fixture.runs.second]);
      expect(history.getRun(fixture.runs.other)!.identity.key).toBe('profile:lab-extensions');
      const second = history.getRun(fixture.runs.second)!;
      expect(second.parts.map((part) => part.name).sort()).toEqual(['advisories', 'concerns', 'findings', 'graph', 'posture', 'steps']);
      expect(second.graph!.nodes).toBeGreaterThanOrEqual(55);
      const snapshot = history.loadSnapshot(fixture.runs.second)!;
      expect(snapshot.graph.edges.some((edge) => edge.kind === 'bundles')).toBe(true);
      expect(new Set(snapshot.graph.nodes.map((node) => node.ecosystem))).toEqual(new Set(['PyPI', 'npm']));

      const built = buildAuditReport(history, fixture.runs.second);
      if (!built.ok) throw new Error(built.message);
      const { changes, standing } = built.model;
      expect(built.model.since?.id).toBe(fixture.runs.first);
      expect(changes!.findings!.appeared.length).toBeGreaterThan(0);
      expect(changes!.findings!.resolved.map((entry) => entry.package.purl)).toEqual(['pkg:pypi/urllib3@2.2.0']);
      expect(changes!.packages!.added.map((entry) => entry.name)).toContain('core-js');
      expect(changes!.packages!.removed.map((entry) => entry.name)).toContain('six');
      expect(changes!.provenanceLost!.map((entry) => entry.purl)).toEqual([fixture.packages.provenanceLost]);
      expect(changes!.newInstallScripts!.map((entry) => entry.purl)).toEqual([fixture.packages.newWithInstallScripts]);
      expect(changes!.maintainerChanges!.length).toBeGreaterThan(0);
      expect(changes!.posture!.regressions.length).toBeGreaterThan(0);
      expect(changes!.posture!.fixes.length).toBeGreaterThan(0);
      expect(changes!.advisories!.opened.length).toBeGreaterThan(0);
      expect(standing.vulnerabilities!.bySeverity).toMatchObject({ critical: 1, high: 3, medium: 3, low: 1, unknown: 1 });
      expect(standing.advisories!.byClock.overdue).toBeGreaterThan(0);
      expect(standing.advisories!.byClock['due-soon']).toBeGreaterThan(0);
      expect(standing.advisories!.byClock.met).toBeGreaterThan(0);
      expect(standing.posture!.orgs.map((org) => org.org)).toEqual(['jupyter', 'jupyterlab']);
      expect(standing.concerns!.ranked).toBe(second.graph!.nodes);

      const desk = history.readPart(fixture.runs.second, 'advisories')!.body as { advisories: { id: string; description: string | null; source: string }[] };
      const hostile = desk.advisories.find((advisory) => advisory.id === fixture.hostileDeskId)!;
      expect(hostile.description).toContain('<script>window.__xss=1</script>');
      expect(JSON.stringify(desk)).toContain(fixture.localPaths[1]);
    } finally {
      history.close();
    }
  });
});
