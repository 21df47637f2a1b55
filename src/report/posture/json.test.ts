import { describe, expect, it } from 'vitest';
import { renderPostureJson } from './json.js';
import { samplePostureReport, samplePostureReportWithWaivedFindings } from './sample-posture.fixture.js';

describe('renderPostureJson', () => {
  it('has the documented shape, ordered, with waivers kept and findings as given', () => {
    const document = JSON.parse(renderPostureJson(samplePostureReport())) as unknown;
    expect(document).toEqual({
      repos: [
        {
          repo: 'jupyter/notebook',
          checks: [
            {
              id: 'dependency-update-tool',
              outcome: 'partial',
              findings: [{ file: '.github/dependabot.yml', line: 1, message: 'npm (/) is used but not updated' }],
              summary: 'Dependabot misses npm',
            },
            { id: 'security-policy', outcome: 'pass', findings: [], summary: 'SECURITY.md in the org .github' },
            {
              id: 'pinned-actions',
              outcome: 'fail',
              findings: [
                { file: '.github/workflows/build.yml', line: 12, message: 'GitHub-owned actions/checkout@v4 is not pinned', fix: 'pin to a SHA' },
                { file: '.github/workflows/build.yml', line: 30, message: 'third-party jupyterlab/maintainer-tools/.github/actions/base-setup@v1 is not pinned' },
              ],
              summary: '2 actions not pinned',
            },
          ],
        },
        {
          repo: 'jupyterlab/jupyterlab',
          checks: [
            { id: 'dependency-update-tool', outcome: 'pass', findings: [], summary: 'Dependabot covers github-actions, pip, npm' },
            {
              id: 'security-policy',
              outcome: 'fail',
              findings: [{ message: 'no SECURITY.md in the repository or the organisation', fix: 'add SECURITY.md' }],
              summary: 'no SECURITY.md',
              waiver: { reason: 'policy in the org .github', approvedBy: 'council', expires: '2026-12-31' },
            },
            { id: 'pinned-actions', outcome: 'not-available', findings: [], summary: 'workflows could not be read' },
          ],
        },
      ],
      orgs: [{ org: 'jupyter', checks: [{ id: 'org-two-factor', outcome: 'pass', findings: [], summary: '2FA required' }] }],
      expiredWaivers: [{ repo: 'jupyter/nbformat', check: 'maintained', expires: '2025-01-01', reason: 'finished' }],
      sources: [
        { name: 'github', reachable: false, error: 'no GH_TOKEN or GITHUB_TOKEN' },
        { name: 'local', reachable: true },
      ],
    });
  });

  it('keeps waived findings apart with their waiver, what each finding is about, and what an expired waiver named', () => {
    const document = JSON.parse(renderPostureJson(samplePostureReportWithWaivedFindings())) as {
      repos: { repo: string; checks: { id: string; findings: object[]; waivedFindings?: object[]; waiver?: object }[] }[];
      expiredWaivers: object[];
    };
    const pinned = document.repos.find((repo) => repo.repo === 'jupyter/notebook')!.checks.find((check) => check.id === 'pinned-actions')!;
    expect(pinned.findings).toEqual([{ file: '.github/workflows/build.yml', line: 12, message: 'GitHub-owned actions/checkout@v4 is not pinned', fix: 'pin to a SHA', action: 'actions/checkout' }]);
    expect(pinned.waivedFindings).toEqual([
      {
        file: '.github/workflows/build.yml',
        line: 30,
        message: 'third-party jupyterlab/maintainer-tools/.github/actions/base-setup@v1 is not pinned',
        action: 'jupyterlab/maintainer-tools/.github/actions/base-setup',
        waiver: { reason: 'our own actions', approvedBy: 'council', expires: '2026-12-31', action: 'jupyterlab/maintainer-tools/*' },
      },
    ]);
    expect(pinned.waiver).toBeUndefined();
    expect(document.expiredWaivers).toEqual([
      { repo: 'jupyter/*', check: 'pinned-actions', action: 'actions/*', expires: '2026-01-31', reason: 'until the pins land' },
      { repo: 'jupyter/nbformat', check: 'maintained', expires: '2025-01-01', reason: 'finished' },
    ]);
    // Checks without waived findings have no such key.
    expect(document.repos.flatMap((repo) => repo.checks).filter((check) => 'waivedFindings' in check)).toHaveLength(1);
  });

  it('starts every check with id, outcome, findings (the required keys), in that order', () => {
    const document = JSON.parse(renderPostureJson(samplePostureReport())) as { repos: { checks: object[] }[] };
    for (const check of document.repos.flatMap((repo) => repo.checks)) expect(Object.keys(check).slice(0, 3)).toEqual(['id', 'outcome', 'findings']);
    expect(Object.keys(document)).toEqual(['repos', 'orgs', 'expiredWaivers', 'sources']);
  });

  it('gives the same text whatever the input order', () => {
    const report = samplePostureReport();
    const shuffled = { ...report, repos: [...report.repos].reverse().map((repo) => ({ ...repo, checks: [...repo.checks].reverse() })), sources: [...report.sources].reverse() };
    expect(renderPostureJson(shuffled)).toBe(renderPostureJson(report));
  });
});
