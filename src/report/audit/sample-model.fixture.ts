import type { AuditReportModel, CheckCoverage, FindingRef } from '../../audit/report-types.js';

/**
 * A realistic report model for the renderers' tests: run 42 of the jupyter
 * preset compared with run 41, a change of every kind, six actions (listed
 * out of priority order), three trend points (also out of order) of which
 * run 40 lacks posture, and hostile text from outside: a script tag, a
 * `javascript:` advisory address, Markdown table pipes and emphasis, HTML in
 * a repository name, control and bidi characters, unicode and a
 * 5,000-character advisory summary. Lists are deliberately not in report
 * order: the renderers order them.
 */

export const HOSTILE_SCRIPT = '<script>alert(1)</script>';
export const LONG_SUMMARY = `Long: ${'A denial of service through crafted input. '.repeat(120)}`.slice(0, 5000);
export const HOSTILE_REPO = 'jupyter/<img src=x onerror=alert(1)>';

function finding(id: string, ids: string[], ecosystem: string, name: string, version: string, severity: FindingRef['severity'], summary: string | null, fixed: string[]): FindingRef {
  return { id, ids: [...ids].sort(), package: { ecosystem, name, version, purl: `pkg:${ecosystem.toLowerCase()}/${name}@${version}` }, severity, summary, fixed };
}

function coverage(check: string, pass: number, partial: number, fail: number, unknown: number, notApplicable: number): CheckCoverage {
  const evaluated = pass + partial + fail;
  return { check, pass, partial, fail, unknown, notApplicable, percent: evaluated === 0 ? null : Math.round((pass / evaluated) * 1000) / 10 };
}

const addedPlugins = Array.from({ length: 23 }, (_, index) => {
  const name = `example-plugin-${String(23 - index).padStart(2, '0')}`;
  return { purl: `pkg:pypi/${name}@1.0.0`, ecosystem: 'PyPI' as const, name, version: '1.0.0' };
});

export function sampleAuditModel(): AuditReportModel {
  return {
    run: { id: 42, startedAt: '2026-05-11T08:00:00.000Z', status: 'partial', toolVersion: '0.1.0', identity: 'config:3f2a9c1e', label: 'jupyter preset' },
    since: { id: 41, startedAt: '2026-05-04T08:00:00.000Z', status: 'complete', toolVersion: '0.1.0' },
    notes: ['The source conda.mirror.example was reached by run 41 only: its packages may look removed.', 'Run 40 has no posture results (its posture step was skipped).'],
    steps: [
      { name: 'posture', status: 'done', milliseconds: 31_250, note: null },
      { name: 'graph', status: 'done', milliseconds: 12_345, note: null },
      { name: 'findings', status: 'partial', milliseconds: 2_100, note: 'conda: the advisory database holds no conda advisories' },
      { name: 'advisories', status: 'done', milliseconds: 850, note: null },
      { name: 'concerns', status: 'done', milliseconds: 95, note: null },
    ],
    sources: [
      { name: 'pypi.mirror.example', reachable: true, error: null },
      { name: 'conda.mirror.example', reachable: false, error: 'connection refused (ECONNREFUSED)\u001b[31m' },
      { name: 'npm.mirror.example', reachable: true, error: null },
      { name: 'github org jupyter', reachable: true, error: null },
      { name: 'advisory database', reachable: true, error: null },
    ],
    changes: {
      findings: {
        appeared: [
          finding('PYSEC-2026-7', ['PYSEC-2026-7'], 'PyPI', 'notebook', '7.1.0', 'medium', 'Ünïcödé: 危険な入力 😀 ☃ in the file browser\u202Egnp.exe', ['7.1.3', '7.2.0']),
          finding('GHSA-aaaa-bbbb-cccc', ['GHSA-aaaa-bbbb-cccc', 'CVE-2026-1111', 'PYSEC-2026-1'], 'PyPI', 'jupyter-server', '2.14.0', 'high', `${HOSTILE_SCRIPT} path traversal | pipes | *markdown* _x_`, ['2.14.1']),
          finding('GHSA-cccc-dddd-eeee', ['GHSA-cccc-dddd-eeee'], 'npm', '@jupyterlab/services', '7.2.0', 'critical', LONG_SUMMARY, []),
        ],
        resolved: [finding('GHSA-rrrr-ssss-tttt', ['GHSA-rrrr-ssss-tttt'], 'PyPI', 'tornado', '6.4.0', 'low', 'Open redirect\nin the static handler', ['6.4.1'])],
      },
      packages: {
        added: addedPlugins,
        removed: [{ purl: 'pkg:npm/left-pad@1.3.0', ecosystem: 'npm', name: 'left-pad', version: '1.3.0' }],
        versionChanges: [
          { ecosystem: 'PyPI', name: 'jupyter-server', from: ['2.13.0'], to: ['2.14.0'] },
          { ecosystem: 'npm', name: '@jupyterlab/services', from: ['7.1.0'], to: ['7.2.0'] },
        ],
      },
      provenanceLost: [{ purl: 'pkg:npm/@jupyterlab/services@7.2.0', previousPurl: 'pkg:npm/@jupyterlab/services@7.1.0' }],
      newInstallScripts: [
        { purl: 'pkg:npm/esbuild@0.28.2', scripts: ['postinstall'], previous: [] },
        { purl: 'pkg:npm/evil-package@1.0.0', scripts: ['preinstall', 'postinstall'], previous: null },
      ],
      maintainerChanges: [
        { purl: 'pkg:pypi/ipywidgets@8.1.9', previousPurl: 'pkg:pypi/ipywidgets@8.1.8', from: 3, to: 4, added: ['<b>mallory</b>'], removed: [] },
        { purl: 'pkg:npm/tiny-lib@2.0.0', previousPurl: 'pkg:npm/tiny-lib@1.9.0', from: 2, to: 1, added: null, removed: null },
      ],
      posture: {
        regressions: [
          { repo: HOSTILE_REPO, check: 'security-policy', from: 'pass', to: 'fail', summary: 'No SECURITY.md | anywhere' },
          { repo: 'jupyter/notebook', check: 'pinned-actions', from: 'partial', to: 'fail', summary: '3 actions referenced by tag' },
        ],
        fixes: [{ repo: 'jupyter/jupyter_server', check: 'dependency-update-tool', from: 'fail', to: 'pass', summary: 'Dependabot covers pip and npm' }],
      },
      advisories: {
        opened: [
          { id: 'GHSA-xss0-0000-0001', repo: 'jupyter/notebook', state: 'triage', summary: 'Stored XSS in <svg onload=alert(1)>', url: 'javascript:alert(1)' },
          { id: 'GHSA-good-0000-0002', repo: 'jupyter/jupyter_server', state: 'draft', summary: 'Token leak in logs', url: 'https://github.com/jupyter/jupyter_server/security/advisories/GHSA-good-0000-0002' },
        ],
        closed: [],
        turnedDueSoon: [
          { id: 'GHSA-soon-0000-0003', repo: 'jupyterlab/jupyterlab', clock: 'acknowledge', from: 'due', to: 'due-soon', due: '2026-05-14T00:00:00.000Z', summary: 'Path confusion', url: 'https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-soon-0000-0003' },
        ],
        turnedOverdue: [
          { id: 'GHSA-late-0000-0004', repo: 'jupyter/nbconvert', clock: 'disclose', from: 'due-soon', to: 'overdue', due: '2026-05-10T00:00:00.000Z', summary: 'Template injection', url: 'http://insecure.example.test/advisory' },
        ],
      },
    },
    actions: [
      {
        priority: 4,
        kind: 'posture',
        title: 'Pin actions to full commit SHAs in jupyter/notebook',
        why: 'pinned-actions regressed from partial to fail; third-party actions run with the repository token.',
        command: 'chainwatch fix pinned-actions --repo jupyter/notebook',
        patch: null,
        refs: ['jupyter/notebook'],
        refsTotal: 1,
        isNew: true,
      },
      {
        priority: 1,
        kind: 'upgrade',
        title: 'Upgrade jupyter-server to 2.14.1',
        why: 'A high-severity advisory (GHSA-aaaa-bbbb-cccc) on a package 14 of 15 roots install; a fixed version exists.',
        command: "pip install 'jupyter-server>=2.14.1'",
        patch: 'jupyter-server>=2.14.1',
        refs: ['GHSA-aaaa-bbbb-cccc', 'pkg:pypi/jupyter-server@2.14.0'],
        refsTotal: 2,
        isNew: true,
      },
      {
        priority: 2,
        kind: 'advisory',
        title: 'Publish GHSA-late-0000-0004, overdue since 2026-05-10',
        why: 'The disclosure clock is overdue: the reporter was promised a date.',
        command: 'chainwatch advisories remind --id GHSA-late-0000-0004',
        patch: null,
        refs: ['GHSA-late-0000-0004'],
        refsTotal: 1,
        isNew: false,
      },
      {
        priority: 6,
        kind: 'review',
        title: 'Review *markdown* | pipes | in evil-package',
        why: `Its preinstall script is new. ${HOSTILE_SCRIPT}`,
        command: 'npm view evil-package scripts `whoami`',
        patch: null,
        refs: [],
        refsTotal: 0,
        isNew: true,
      },
      {
        priority: 3,
        kind: 'upgrade',
        title: 'Upgrade @jupyterlab/services in jupyterlab/jupyterlab',
        why: 'A critical advisory with no fixed version: pin to the last version without it.',
        command: null,
        patch: '--- a/package.json\n+++ b/package.json\n@@ -10 +10 @@\n-    "@jupyterlab/services": "^7.2.0"\n+    "@jupyterlab/services": "~7.1.0"\n```',
        refs: ['GHSA-cccc-dddd-eeee'],
        refsTotal: 1,
        isNew: true,
      },
      {
        priority: 5,
        kind: 'waiver',
        title: 'Renew or drop the expired waiver of jupyter/docker-stacks token-permissions',
        why: 'It expired on 2026-05-01 and is no longer applied.',
        command: null,
        patch: 'expires: 2026-11-01',
        refs: ['jupyter/docker-stacks'],
        refsTotal: 1,
        isNew: false,
      },
    ],
    standing: {
      concerns: {
        ranked: 812,
        top: [
          { rank: 2, purl: 'pkg:npm/@jupyterlab/services@7.2.0', name: '@jupyterlab/services', version: '7.2.0', ecosystem: 'npm', score: 41.25, reach: 0.62, factors: ['advisories: 1 critical', 'provenance: lost since 7.1.0'], known: 6, total: 7 },
          { rank: 1, purl: 'pkg:pypi/jupyter-server@2.14.0', name: 'jupyter-server', version: '2.14.0', ecosystem: 'PyPI', score: 57.5, reach: 0.93, factors: ['advisories: 1 high', 'maintainers: 2 | *bus factor*'], known: 7, total: 7 },
          { rank: 3, purl: 'pkg:pypi/tiny@0.1.0', name: 'tiny', version: '0.1.0', ecosystem: 'PyPI', score: null, reach: 0.1, factors: [], known: 0, total: 7 },
        ],
      },
      posture: {
        repos: 15,
        expiredWaivers: 1,
        checks: [coverage('security-policy', 15, 0, 0, 0, 0), coverage('pinned-actions', 4, 3, 8, 0, 0), coverage('dependency-update-tool', 9, 2, 3, 1, 0), coverage('token-permissions', 0, 0, 0, 15, 0)],
        orgs: [
          { org: 'jupyterlab', checks: [coverage('pinned-actions', 1, 0, 2, 0, 0), coverage('dependency-update-tool', 3, 0, 0, 0, 0)] },
          { org: 'jupyter', checks: [coverage('pinned-actions', 3, 3, 6, 0, 0), coverage('dependency-update-tool', 6, 2, 3, 1, 0), coverage('security-policy', 12, 0, 0, 0, 0)] },
        ],
      },
      vulnerabilities: { findings: 7, packages: 5, bySeverity: { critical: 1, high: 2, medium: 3, low: 1, unknown: 0, none: 0 } },
      advisories: { total: 6, byClock: { overdue: 1, 'due-soon': 2, due: 1, met: 2 } },
      images: [
        {
          source: 'registry.example.test/jupyter/base-notebook:2026-12-01',
          os: 'Ubuntu 24.04.1 LTS',
          layers: 14,
          packages: { Ubuntu: 412, conda: 168, PyPI: 24, npm: 311 },
          bySeverity: { critical: 0, high: 1, medium: 2, low: 0, unknown: 0, none: 0 },
          worst: [{ id: 'GHSA-test-0002', ids: ['GHSA-test-0002'], package: { ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.0', purl: 'pkg:pypi/jupyter-server@2.14.0' }, severity: 'high', summary: 'a token leaks', fixed: ['2.14.1'] }],
          findings: 3,
          unread: null,
        },
        { source: 'registry.example.test/jupyter/minimal-notebook:latest', os: null, layers: 0, packages: {}, bySeverity: { critical: 0, high: 0, medium: 0, low: 0, unknown: 0, none: 0 }, worst: [], findings: 0, unread: 'the registry could not be reached' },
      ],
      notChecked: ['conda'],
    },
    trends: [
      {
        id: 42,
        startedAt: '2026-05-11T08:00:00.000Z',
        status: 'partial',
        packages: 823,
        newPackages: 23,
        findings: { critical: 1, high: 2, medium: 3, low: 1, unknown: 0, none: 0 },
        coverage: { 'dependency-update-tool': 64.3, 'pinned-actions': 26.7, 'security-policy': 100, 'token-permissions': null },
        advisories: { overdue: 1, 'due-soon': 2, due: 1, met: 2 },
      },
      { id: 40, startedAt: '2026-04-27T08:00:00.000Z', status: 'complete', packages: 790, newPackages: null, findings: { critical: 0, high: 1, medium: 3, low: 1, unknown: 0, none: 0 }, coverage: null, advisories: { overdue: 0, 'due-soon': 1, due: 2, met: 2 } },
      {
        id: 41,
        startedAt: '2026-05-04T08:00:00.000Z',
        status: 'complete',
        packages: 801,
        newPackages: 14,
        findings: { critical: 0, high: 1, medium: 2, low: 2, unknown: 0, none: 0 },
        coverage: { 'dependency-update-tool': 57.1, 'pinned-actions': 40, 'security-policy': 93.3, 'token-permissions': null },
        advisories: { overdue: 0, 'due-soon': 1, due: 2, met: 3 },
      },
    ],
  };
}
