/** The report model from a real runs history (SQLite in memory): two weekly audits with a change of every kind between them. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openGraphStore, type GraphStore } from '../store/graph-store.js';
import { buildAuditReport } from './report-model.js';
import { auditParts, finding, graph, node, posture, saveAudit as saveAuditIn, twoWeeks as twoWeeksIn } from './report-history.fixture.js';
import type { AuditReportModel } from './report-types.js';

let store: GraphStore;
beforeEach(() => {
  store = openGraphStore(':memory:');
});
afterEach(() => store.close());

const saveAudit = (...args: Parameters<typeof saveAuditIn> extends [unknown, ...infer Rest] ? Rest : never) => saveAuditIn(store, ...args);
const twoWeeks = () => twoWeeksIn(store);

function build(id: number, options: Parameters<typeof buildAuditReport>[2] = {}): AuditReportModel {
  const result = buildAuditReport(store, id, options);
  if (!result.ok) throw new Error(result.message);
  return result.model;
}

describe('the audit report model', () => {
  it('compares a run with the last run of its identity: every kind of change, item by item', () => {
    const { first, second } = twoWeeks();
    // A one-off run of another identity in between is nobody's "previous".
    saveAudit('2026-11-05T00:00:00Z', graph([node('notebook', '7.0.0', {}, true)]), auditParts({}), { roots: ['pkg:pypi/notebook'], label: 'command line' });
    const model = build(second);
    expect(model.run).toMatchObject({ id: second, status: 'complete', label: 'preset:jupyter' });
    expect(model.since?.id).toBe(first);
    const changes = model.changes!;
    expect(changes.findings!.appeared.map((entry) => `${entry.id} ${entry.severity}`)).toEqual(['GHSA-crit critical', 'PYSEC-2026-1 high', 'GHSA-low low']);
    expect(changes.findings!.resolved.map((entry) => entry.id)).toEqual(['GHSA-old']);
    expect(changes.packages!.added.map((entry) => entry.purl)).toEqual(['pkg:pypi/urllib3@2.0.0']);
    expect(changes.packages!.removed.map((entry) => entry.purl)).toEqual(['pkg:pypi/requests@2.31.0']);
    expect(changes.packages!.versionChanges).toEqual([{ ecosystem: 'PyPI', name: 'tornado', from: ['6.4.0'], to: ['6.4.1'] }]);
    expect(changes.provenanceLost).toEqual([{ purl: 'pkg:pypi/tornado@6.4.1', previousPurl: 'pkg:pypi/tornado@6.4.0' }]);
    expect(changes.posture!.regressions).toEqual([{ repo: 'jupyter/server', check: 'dependency-update-tool', from: 'pass', to: 'fail', summary: 'dependency-update-tool is fail' }]);
    expect(changes.posture!.fixes.map((entry) => `${entry.repo} ${entry.check} ${entry.from}→${entry.to}`)).toEqual(['jupyter/server pinned-actions fail→pass']);
    expect(changes.advisories!.opened.map((entry) => entry.id)).toEqual(['GHSA-bbbb']);
    expect(changes.advisories!.turnedOverdue.map((entry) => `${entry.id} ${entry.clock} ${entry.from}→${entry.to}`)).toEqual(['GHSA-aaaa acknowledge due→overdue']);
    expect(changes.advisories!.turnedDueSoon.map((entry) => `${entry.id} ${entry.clock} ${entry.from}→${entry.to}`)).toEqual(['GHSA-bbbb acknowledge null→due-soon']);
    expect(model.notes).toEqual(['this run could not reach conda-forge: what it could not see shows as removed']);
  });

  it('orders the actions by tier, each with what does it', () => {
    const { second } = twoWeeks();
    const actions = build(second).actions;
    expect(actions.map((action) => `${action.priority} ${action.kind} ${action.title}`)).toEqual([
      '1 upgrade Upgrade jupyter-server 2.14.0 to 2.14.2 or later',
      '2 advisory Acknowledge GHSA-aaaa in jupyter/server',
      '3 review Check the release pkg:pypi/tornado@6.4.1: it has no provenance',
      '4 posture Restore dependency-update-tool in jupyter/server',
      '5 advisory Acknowledge GHSA-bbbb in jupyter/server',
      '6 waiver Renew or drop the waiver of branch-protection for jupyter/notebook',
      '7 posture Fix pinned-actions in 1 repository',
      '8 upgrade Replace or mitigate urllib3 2.0.0: no fixed version covers its advisory',
    ]);
    // A top package is released with the fix; the fix covering both advisories is the higher lowest fix.
    expect(actions[0]).toMatchObject({ patch: 'release jupyter-server 2.14.2', isNew: true, refs: ['pkg:pypi/jupyter-server@2.14.0', 'GHSA-crit', 'PYSEC-2026-1'] });
    expect(actions[0]!.why).toBe('2 critical advisories (GHSA-crit, PYSEC-2026-1); one of our top packages');
    expect(actions[1]!.why).toBe('the acknowledge clock is overdue by 3 days (due 2026-11-06)');
    expect(actions[3]!.command).toBe('chainwatch fix dependency-update-tool --repo jupyter/server --apply');
    expect(actions[6]!.command).toBe('chainwatch fix pinned-actions --repo jupyter/notebook --apply');
    expect(actions[7]).toMatchObject({ patch: null, why: '1 low advisory (GHSA-low); installed with jupyter-server' });
  });

  it('names an org of the audit once when many of its repositories fail a check, and lists at most 20 of what an action is about', () => {
    const failing: Record<string, Record<string, string>> = {};
    for (let index = 0; index < 30; index++) failing[`jupyter/repo-${String(index).padStart(2, '0')}`] = { 'pinned-actions': 'fail' };
    failing['elsewhere/one'] = { 'pinned-actions': 'fail' };
    const id = saveAudit('2026-11-16T06:00:00Z', graph([node('jupyter-server', '2.14.2', {}, true)]), auditParts({ findings: [], posture: posture(failing) }));
    const action = build(id).actions.find((entry) => entry.title === 'Fix pinned-actions in 31 repositories')!;
    expect(action.command).toBe('chainwatch fix pinned-actions --repo elsewhere/one --org jupyter --apply');
    expect(action.refsTotal).toBe(31);
    expect(action.refs).toEqual(['elsewhere/one', ...Array.from({ length: 19 }, (_, index) => `jupyter/repo-${String(index).padStart(2, '0')}`)]);
  });

  it('gives the standing picture: concerns, posture coverage per check and org, vulnerabilities by severity, clocks', () => {
    const { second } = twoWeeks();
    const standing = build(second).standing;
    expect(standing.vulnerabilities).toEqual({ findings: 3, packages: 2, bySeverity: { critical: 1, high: 1, medium: 0, low: 1, unknown: 0, none: 0 } });
    expect(standing.posture!.checks).toEqual([
      { check: 'dependency-update-tool', pass: 1, partial: 0, fail: 1, unknown: 0, notApplicable: 0, percent: 50 },
      { check: 'pinned-actions', pass: 1, partial: 0, fail: 1, unknown: 0, notApplicable: 0, percent: 50 },
      { check: 'security-policy', pass: 1, partial: 0, fail: 0, unknown: 0, notApplicable: 0, percent: 100 },
    ]);
    expect(standing.posture!.orgs.map((org) => org.org)).toEqual(['jupyter']);
    expect(standing.posture!.expiredWaivers).toBe(1);
    expect(standing.advisories).toEqual({ total: 2, byClock: { overdue: 1, 'due-soon': 1, due: 0, met: 0 } });
    expect(standing.notChecked).toEqual(['conda']);
    expect(standing.concerns).toBeNull();
  });

  it('draws trends from the runs of the identity only, with gaps where a run lacked a part', () => {
    const { first, second } = twoWeeks();
    const third = saveAudit('2026-11-16T06:00:00Z', graph([node('jupyter-server', '2.14.2', {}, true)]), auditParts({ findings: [] }));
    const trends = build(third).trends;
    expect(trends.map((point) => point.id)).toEqual([first, second, third]);
    expect(trends[1]!.findings).toMatchObject({ critical: 1, high: 1, low: 1 });
    expect(trends[1]!.coverage).toEqual({ 'dependency-update-tool': 50, 'pinned-actions': 50, 'security-policy': 100 });
    expect(trends[2]).toMatchObject({ packages: 1, coverage: null, advisories: null, findings: { critical: 0, high: 0 } });
    expect(build(third, { trendRuns: 2 }).trends.map((point) => point.id)).toEqual([second, third]);
  });

  it('counts the new packages of each run against the run before it, the first point included', () => {
    const { first, second } = twoWeeks();
    const third = saveAudit('2026-11-16T06:00:00Z', graph([node('jupyter-server', '2.14.2', {}, true), node('urllib3', '2.0.0')]), auditParts({ findings: [] }));
    const noGraph = saveAudit('2026-11-23T06:00:00Z', null, auditParts({ findings: [] }));
    // tornado 6.4.1 and urllib3 are new in the second run; jupyter-server 2.14.2 in the third; nothing before the first.
    expect(build(third).trends.map((point) => [point.id, point.newPackages])).toEqual([
      [first, null],
      [second, 2],
      [third, 1],
    ]);
    expect(build(third, { trendRuns: 1 }).trends.map((point) => point.newPackages)).toEqual([1]);
    expect(build(noGraph).trends.map((point) => point.newPackages)).toEqual([null, 2, 1, null]);
  });

  it('says what it did not compare: no earlier run, a part one run lacks, another identity given by --since', () => {
    const { first, second } = twoWeeks();
    const alone = build(first);
    expect(alone.since).toBeNull();
    expect(alone.changes).toBeNull();
    expect(alone.actions.map((action) => action.kind)).toEqual(['upgrade', 'posture']);
    expect(alone.actions.every((action) => !action.isNew)).toBe(true);

    const third = saveAudit('2026-11-16T06:00:00Z', graph([node('jupyter-server', '2.14.2', {}, true)]), auditParts({ findings: [] }));
    const model = build(third);
    expect(model.since?.id).toBe(second);
    expect(model.changes!.posture).toBeNull();
    expect(model.changes!.advisories).toBeNull();
    expect(model.changes!.findings!.resolved.map((entry) => entry.id)).toEqual(['GHSA-crit', 'PYSEC-2026-1', 'GHSA-low']);
    expect(model.changes!.notCompared).toEqual({ posture: 'this run has none (skipped: no token)', advisories: 'this run has none (the step did not run)' });
    expect(model.notes).toContain(`run ${second} could not reach conda-forge: what it could not see shows as added now`);

    const other = saveAudit('2026-11-17T00:00:00Z', graph([node('notebook', '7.0.0', {}, true)]), auditParts({}), { roots: ['pkg:pypi/notebook'], label: 'command line' });
    const asked = build(other, { since: first });
    expect(asked.since?.id).toBe(first);
    expect(asked.notes[0]).toMatch(/^run 1 was asked differently \(preset:jupyter\)/);

    expect(buildAuditReport(store, 99)).toEqual({ ok: false, message: 'no run 99 in the history (`chainwatch runs list` shows the runs)' });
    expect(buildAuditReport(store, first, { since: second })).toEqual({ ok: false, message: `run ${second} is not older than run ${first}: --since names an earlier run` });
  });

  it('asks for what the run could not look at: advisories of an ecosystem it could not check, a step skipped', () => {
    const parts = auditParts({ findings: [] });
    const findingsPart = parts.find((part) => part.name === 'findings')!.body as { coverage: { ecosystem: string; packages: number; checked: boolean }[] };
    findingsPart.coverage.push({ ecosystem: 'npm', packages: 468, checked: false });
    const id = saveAudit('2026-11-16T06:00:00Z', graph([node('jupyter-server', '2.14.2', {}, true)]), parts);
    const actions = build(id).actions;
    expect(actions.map((action) => `${action.priority} ${action.kind} ${action.title}`)).toEqual([
      '1 coverage Load the npm advisories',
      "2 coverage Check the orgs' repositories (the posture step did not run)",
    ]);
    // conda is named in the standing picture, not as an action: OSV publishes nothing a database update could load.
    expect(actions[0]).toMatchObject({ command: 'chainwatch db update', why: '468 packages were matched against no advisory: the database holds none for that ecosystem' });
    expect(actions[1]).toMatchObject({ why: 'skipped: no token', patch: 'set GH_TOKEN (read access), or give --local checkouts' });
  });

  it('keeps an advisory under a promoted alias as the same finding', () => {
    const at = (day: string, id: string, aliases: string[]) => saveAudit(`2026-11-${day}T00:00:00Z`, graph([node('jupyter-server', '2.14.0', {}, true)]), auditParts({ findings: [finding('jupyter-server', '2.14.0', id, 'high', ['2.14.1'], aliases)] }));
    at('01', 'PYSEC-2026-1', ['GHSA-xxxx']);
    const second = at('08', 'GHSA-xxxx', ['PYSEC-2026-1']);
    expect(build(second).changes!.findings).toEqual({ appeared: [], resolved: [] });
  });
});
