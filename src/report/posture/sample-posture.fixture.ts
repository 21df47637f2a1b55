import type { PostureFinding, PostureReport } from '../../posture/types.js';

/**
 * A small posture report written by hand for the renderer tests: two
 * repositories (deliberately out of order), one organisation, a waiver, an
 * expired waiver and an unreachable source.
 */
export function samplePostureReport(): PostureReport {
  return {
    repos: [
      {
        repo: 'jupyterlab/jupyterlab',
        checks: [
          { id: 'pinned-actions', outcome: 'not-available', summary: 'workflows could not be read', findings: [] },
          {
            id: 'security-policy',
            outcome: 'fail',
            summary: 'no SECURITY.md',
            findings: [{ message: 'no SECURITY.md in the repository or the organisation', fix: 'add SECURITY.md' }],
            waiver: { reason: 'policy in the org .github', approvedBy: 'council', expires: '2026-12-31' },
          },
          { id: 'dependency-update-tool', outcome: 'pass', summary: 'Dependabot covers github-actions, pip, npm', findings: [] },
        ],
      },
      {
        repo: 'jupyter/notebook',
        checks: [
          {
            id: 'pinned-actions',
            outcome: 'fail',
            summary: '2 actions not pinned',
            findings: [
              { file: '.github/workflows/build.yml', line: 30, message: 'third-party jupyterlab/maintainer-tools/.github/actions/base-setup@v1 is not pinned' },
              { file: '.github/workflows/build.yml', line: 12, message: 'GitHub-owned actions/checkout@v4 is not pinned', fix: 'pin to a SHA' },
            ],
          },
          {
            id: 'dependency-update-tool',
            outcome: 'partial',
            summary: 'Dependabot misses npm',
            findings: [{ file: '.github/dependabot.yml', line: 1, message: 'npm (/) is used but not updated' }],
          },
          { id: 'security-policy', outcome: 'pass', summary: 'SECURITY.md in the org .github', findings: [] },
        ],
      },
    ],
    orgs: [{ org: 'jupyter', checks: [{ id: 'org-two-factor', outcome: 'pass', summary: '2FA required', findings: [] }] }],
    expiredWaivers: [{ repo: 'jupyter/nbformat', check: 'maintained', expires: '2025-01-01', reason: 'finished' }],
    sources: [
      { name: 'local', reachable: true },
      { name: 'github', reachable: false, error: 'no GH_TOKEN or GITHUB_TOKEN' },
    ],
  };
}

/**
 * The sample with waivers that name findings: jupyter/notebook's
 * maintainer-tools action is waived (its checkout@v4 is not, so the check
 * still fails), and an expired waiver named an action.
 */
export function samplePostureReportWithWaivedFindings(): PostureReport {
  const report = samplePostureReport();
  const notebook = report.repos.find((repo) => repo.repo === 'jupyter/notebook')!;
  const pinned = notebook.checks.find((check) => check.id === 'pinned-actions')!;
  const [ours, checkout] = pinned.findings as [PostureFinding, PostureFinding];
  pinned.findings = [{ ...checkout, action: 'actions/checkout' }];
  pinned.waivedFindings = [
    { ...ours, action: 'jupyterlab/maintainer-tools/.github/actions/base-setup', waiver: { reason: 'our own actions', approvedBy: 'council', expires: '2026-12-31', action: 'jupyterlab/maintainer-tools/*' } },
  ];
  report.expiredWaivers.push({ repo: 'jupyter/*', check: 'pinned-actions', action: 'actions/*', expires: '2026-01-31', reason: 'until the pins land' });
  return report;
}
