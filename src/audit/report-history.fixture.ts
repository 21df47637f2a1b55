/** Audit runs for tests: two weekly audits of a preset with a change of every kind between them, saved in a real runs history. */
import type { BuiltGraph } from '../graph/build.js';
import type { RunPart, RunWriter } from '../graph/runs.js';
import { newRun } from '../graph/runs.fixture.js';
import type { PostureReport } from '../posture/types.js';

const known = <T>(value: T) => ({ known: true as const, value });

export function node(name: string, version: string, signals: Record<string, unknown> = {}, root = false) {
  return { purl: `pkg:pypi/${name}@${version}`, ecosystem: 'PyPI' as const, name, version, root, signals };
}

export function graph(nodes: ReturnType<typeof node>[]): BuiltGraph {
  const root = nodes.find((entry) => entry.root)!;
  return {
    nodes,
    edges: nodes.filter((entry) => !entry.root).map((entry) => ({ from: root.purl, to: entry.purl, requirement: '*', kind: 'runtime' as const })),
    sources: [{ name: 'pypi', reachable: true }],
    problems: [],
  };
}

export function finding(name: string, version: string, id: string, level: string, fixed: string[], aliases: string[] = []) {
  return { package: { ecosystem: 'PyPI', name, version, purl: `pkg:pypi/${name}@${version}` }, id, ids: [id, ...aliases], summary: `${id} summary`, severity: { level }, fixed, locations: [] };
}

export function posture(outcomes: Record<string, Record<string, string>>, expiredWaivers: PostureReport['expiredWaivers'] = []): PostureReport {
  return {
    repos: Object.entries(outcomes).map(([repo, checks]) => ({ repo, checks: Object.entries(checks).map(([id, outcome]) => ({ id, outcome, summary: `${id} is ${outcome}`, findings: [] })) })),
    orgs: [],
    expiredWaivers,
    sources: [],
  } as PostureReport;
}

export function clock(status: 'met' | 'due' | 'overdue', urgency: 'none' | 'soon' | 'urgent', due: string, daysLeft: number | null) {
  return { due, status, urgency, days_left: daysLeft, evidence: null, met_at: null };
}

export function desk(advisories: { id: string; state: string; ack: ReturnType<typeof clock>; disclose: ReturnType<typeof clock>; problems?: { id: string; message: string; fix: string }[] }[]) {
  return {
    schema: 'chainwatch.advisories/1',
    advisories: advisories.map((advisory) => ({
      id: advisory.id,
      repo: 'jupyter/server',
      state: advisory.state,
      summary: `${advisory.id} report`,
      url: `https://github.com/jupyter/server/security/advisories/${advisory.id}`,
      clocks: { acknowledge: advisory.ack, disclose: advisory.disclose },
      problems: advisory.problems ?? [],
    })),
  };
}

export function auditParts(parts: { findings?: unknown[]; posture?: PostureReport; desk?: unknown; unreachable?: string[] }): RunPart[] {
  const sources = [{ name: 'pypi', reachable: true, error: null }, ...(parts.unreachable ?? []).map((name) => ({ name, reachable: false, error: 'DNS' }))];
  return [
    { name: 'steps', schemaVersion: 1, body: { steps: [{ name: 'graph', status: 'done', milliseconds: 1200, note: null }, { name: 'posture', status: parts.posture ? 'done' : 'skipped', milliseconds: 0, note: parts.posture ? null : 'no token' }], sources } },
    ...(parts.findings ? [{ name: 'findings', schemaVersion: 1, body: { findings: parts.findings, coverage: [{ ecosystem: 'PyPI', packages: 3, checked: true }, { ecosystem: 'conda', packages: 2, checked: false }] } }] : []),
    ...(parts.posture ? [{ name: 'posture', schemaVersion: 1, body: parts.posture }] : []),
    ...(parts.desk ? [{ name: 'advisories', schemaVersion: 1, body: parts.desk }] : []),
  ];
}

export const PRESET = { label: 'preset:jupyter', roots: ['pkg:pypi/jupyter-server'], orgs: ['jupyter'] };

export function saveAudit(store: RunWriter, at: string, built: BuiltGraph | null, parts: RunPart[], identity: Partial<typeof PRESET> = PRESET): number {
  const run = newRun(built, { at, ...PRESET, ...identity, parts });
  return store.saveRun({ ...run, command: 'audit' }).id;
}

export function twoWeeks(store: RunWriter): { first: number; second: number } {
  const first = saveAudit(
    store,
    '2026-11-02T06:00:00Z',
    graph([node('jupyter-server', '2.14.0', {}, true), node('tornado', '6.4.0', { provenance: known(true) }), node('requests', '2.31.0')]),
    auditParts({
      findings: [finding('requests', '2.31.0', 'GHSA-old', 'medium', ['2.32.0'])],
      posture: posture({ 'jupyter/server': { 'dependency-update-tool': 'pass', 'pinned-actions': 'fail', 'security-policy': 'pass' }, 'jupyter/notebook': { 'dependency-update-tool': 'pass', 'pinned-actions': 'fail' } }),
      desk: desk([{ id: 'GHSA-aaaa', state: 'triage', ack: clock('due', 'none', '2026-11-06', 4), disclose: clock('due', 'none', '2027-01-31', 90) }]),
    }),
  );
  const second = saveAudit(
    store,
    '2026-11-09T06:00:00Z',
    graph([node('jupyter-server', '2.14.0', {}, true), node('tornado', '6.4.1', { provenance: known(false) }), node('urllib3', '2.0.0')]),
    auditParts({
      findings: [
        finding('jupyter-server', '2.14.0', 'GHSA-crit', 'critical', ['2.14.1', '2.15.0']),
        finding('jupyter-server', '2.14.0', 'PYSEC-2026-1', 'high', ['2.14.2'], ['CVE-2026-1']),
        finding('urllib3', '2.0.0', 'GHSA-low', 'low', []),
      ],
      posture: posture(
        { 'jupyter/server': { 'dependency-update-tool': 'fail', 'pinned-actions': 'pass', 'security-policy': 'pass' }, 'jupyter/notebook': { 'dependency-update-tool': 'pass', 'pinned-actions': 'fail' } },
        [{ repo: 'jupyter/notebook', check: 'branch-protection', expires: '2026-11-01', reason: 'migration' }],
      ),
      desk: desk([
        { id: 'GHSA-aaaa', state: 'triage', ack: clock('overdue', 'urgent', '2026-11-06', -3), disclose: clock('due', 'none', '2027-01-31', 83) },
        { id: 'GHSA-bbbb', state: 'triage', ack: clock('due', 'soon', '2026-11-12', 3), disclose: clock('due', 'none', '2027-02-06', 89), problems: [{ id: 'no-cve', message: 'no CVE', fix: 'request a CVE' }] },
      ]),
      unreachable: ['conda-forge'],
    }),
  );
  return { first, second };
}

