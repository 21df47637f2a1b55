import { describe, expect, it } from 'vitest';
import type { RepoRemediationHints } from '../../posture/fix/hints.js';
import type { PostureReport } from '../../posture/types.js';
import { renderPostureMarkdown } from './markdown.js';
import { samplePostureReport, samplePostureReportWithWaivedFindings } from './sample-posture.fixture.js';

const DEPENDABOT_ADVICE = 'Dependabot (or Renovate) should cover every ecosystem a repository uses. `chainwatch fix dependency-update-tool --repo OWNER/NAME` prints the file.';
const PINNING_ADVICE =
  'Replace each tag by the commit it points to and keep the tag as a comment (`uses: owner/repo@<sha> # v4`). `chainwatch fix pinned-actions` prints the patch.';

describe('renderPostureMarkdown', () => {
  it('is the policy report: summary, the asks with their findings, organisations, waivers, expired waivers, sources', () => {
    const expected = [
      '# Repository posture: policy report',
      '',
      '2 repositories in 1 organisation checked. Repositories are listed by name (no importance was given).',
      '',
      '## Summary',
      '',
      '| Repository | Needs action | Waived | Could not tell |',
      '| --- | --- | --- | --- |',
      '| `jupyter/notebook` | `dependency-update-tool` (partial), `pinned-actions` (fail) | — | — |',
      '| `jupyterlab/jupyterlab` | — | `security-policy` | `pinned-actions` |',
      '',
      '## Turn on Dependabot',
      '',
      DEPENDABOT_ADVICE,
      '',
      '- [ ] `jupyter/notebook` (partial): Dependabot misses npm',
      '  - `.github/dependabot.yml:1`: npm (/) is used but not updated',
      '',
      '## Pin actions to full commit SHAs',
      '',
      PINNING_ADVICE,
      '',
      '- [ ] `jupyter/notebook` (fail): 2 actions not pinned',
      '  - `.github/workflows/build.yml:12`: GitHub-owned actions/checkout@v4 is not pinned — fix: pin to a SHA',
      '  - `.github/workflows/build.yml:30`: third-party jupyterlab/maintainer-tools/.github/actions/base-setup@v1 is not pinned',
      '',
      'Could not tell for 1 repository: `jupyterlab/jupyterlab`.',
      '',
      '## Organisations',
      '',
      '| Organisation | Check | Outcome | Details |',
      '| --- | --- | --- | --- |',
      '| `jupyter` | `org-two-factor` | pass | 2FA required |',
      '',
      '## Waived',
      '',
      '| Repository | Check | Outcome | Covers | Reason | Approved by | Expires |',
      '| --- | --- | --- | --- | --- | --- | --- |',
      '| `jupyterlab/jupyterlab` | `security-policy` | fail | the whole check | policy in the org .github | council | 2026-12-31 |',
      '',
      '## Expired waivers (not applied)',
      '',
      '| Repository | Check | Expired | Reason |',
      '| --- | --- | --- | --- |',
      '| `jupyter/nbformat` | `maintained` | 2025-01-01 | finished |',
      '',
      '## Sources that could not be reached',
      '',
      'Checks that need them are reported as "could not tell".',
      '',
      '- `github`: no GH\\_TOKEN or GITHUB\\_TOKEN',
      '',
    ].join('\n');
    expect(renderPostureMarkdown(samplePostureReport())).toBe(expected);
  });

  it('names the ecosystems to add and each unpinned uses: with every file:line from the remediation hints, third parties first', () => {
    const hints = new Map<string, RepoRemediationHints>([
      [
        'jupyter/notebook',
        {
          dependabot: { file: '.github/dependabot.yml', renovate: null, toAdd: [{ ecosystem: 'npm', directories: ['/', '/ui-tests'] }] },
          unpinnedActions: [
            { file: '.github/workflows/build.yml', line: 12, uses: 'actions/checkout@v4', githubOwned: true },
            { file: '.github/workflows/docs.yml', line: 5, uses: 'actions/checkout@v4', githubOwned: true },
            { file: '.github/workflows/build.yml', line: 30, uses: 'jupyterlab/maintainer-tools/.github/actions/base-setup@v1', githubOwned: false },
          ],
        },
      ],
    ]);
    const markdown = renderPostureMarkdown(samplePostureReport(), { hints });
    expect(markdown).toContain(['- [ ] `jupyter/notebook` (partial): Dependabot misses npm', '  - add to `.github/dependabot.yml`: `npm` (`/`, `/ui-tests`)', ''].join('\n'));
    expect(markdown).toContain(
      [
        '- [ ] `jupyter/notebook` (fail): 2 actions not pinned',
        '  - third-party (1 reference):',
        '    - `jupyterlab/maintainer-tools/.github/actions/base-setup@v1`: `.github/workflows/build.yml:30`',
        '  - GitHub-owned (2 references):',
        '    - `actions/checkout@v4`: `.github/workflows/build.yml:12`, `.github/workflows/docs.yml:5`',
        '',
      ].join('\n'),
    );
  });

  it('asks only for what no waiver covers, and lists the findings each waiver covered', () => {
    const hints = new Map<string, RepoRemediationHints>([
      [
        'jupyter/notebook',
        {
          unpinnedActions: [
            { file: '.github/workflows/build.yml', line: 12, uses: 'actions/checkout@v4', githubOwned: true },
            { file: '.github/workflows/build.yml', line: 30, uses: 'jupyterlab/maintainer-tools/.github/actions/base-setup@v1', githubOwned: false },
          ],
        },
      ],
    ]);
    const markdown = renderPostureMarkdown(samplePostureReportWithWaivedFindings(), { hints });
    expect(markdown).toContain(['- [ ] `jupyter/notebook` (fail): 2 actions not pinned', '  - GitHub-owned (1 reference):', '    - `actions/checkout@v4`: `.github/workflows/build.yml:12`', ''].join('\n'));
    expect(markdown).not.toContain('`jupyterlab/maintainer-tools/.github/actions/base-setup@v1`: `.github/workflows/build.yml:30`');
    expect(markdown).toContain('| `jupyter/notebook` | `dependency-update-tool` (partial), `pinned-actions` (fail) | `pinned-actions` (1 finding) | — |');
    expect(markdown).toContain(
      [
        '| Repository | Check | Outcome | Covers | Reason | Approved by | Expires |',
        '| --- | --- | --- | --- | --- | --- | --- |',
        '| `jupyter/notebook` | `pinned-actions` (action jupyterlab/maintainer-tools/\\*) | fail (1 finding(s) not waived) | `.github/workflows/build.yml:30` | our own actions | council | 2026-12-31 |',
        '| `jupyterlab/jupyterlab` | `security-policy` | fail | the whole check | policy in the org .github | council | 2026-12-31 |',
      ].join('\n'),
    );
    expect(markdown).toContain('| `jupyter/*` | `pinned-actions` (action actions/\\*) | 2026-01-31 | until the pins land |');
  });

  it('orders every section by importance and says where the importance came from', () => {
    const report: PostureReport = {
      repos: ['a/low', 'b/high', 'c/unknown'].map((repo) => ({
        repo,
        checks: [{ id: 'security-policy', outcome: 'fail', summary: 'no SECURITY.md', findings: [] }],
      })),
      orgs: [],
      expiredWaivers: [],
      sources: [],
    };
    const markdown = renderPostureMarkdown(report, {
      importance: [
        { repo: 'b/high', score: 1, reason: '1st' },
        { repo: 'a/low', score: 0.5, reason: '2nd' },
      ],
      importanceNote: 'by the config packages',
    });
    expect(markdown).toContain('3 repositories checked. Repositories are listed most important first (by the config packages); the others follow by name.');
    const section = markdown.slice(markdown.indexOf('## Add a security policy'));
    expect(section.split('\n').filter((line) => line.startsWith('- [ ]'))).toEqual([
      '- [ ] `b/high` (fail): no SECURITY.md',
      '- [ ] `a/low` (fail): no SECURITY.md',
      '- [ ] `c/unknown` (fail): no SECURITY.md',
    ]);
  });

  it('workflow permissions and private vulnerability reporting sections, with "could not tell" for API-only facts', () => {
    const report: PostureReport = {
      repos: [
        {
          repo: 'o/a',
          checks: [
            { id: 'token-permissions', outcome: 'fail', summary: '1 workflow without permissions', findings: [] },
            { id: 'private-vulnerability-reporting', outcome: 'fail', summary: 'off', findings: [] },
          ],
        },
        { repo: 'o/b', checks: [{ id: 'private-vulnerability-reporting', outcome: 'not-available', summary: 'needs the API', findings: [] }] },
      ],
      orgs: [],
      expiredWaivers: [],
      sources: [],
    };
    const hints = new Map<string, RepoRemediationHints>([['o/a', { workflowPermissions: [{ file: '.github/workflows/ci.yml', problem: 'missing' }, { file: '.github/workflows/x.yml', line: 4, problem: 'grants-write' }] }]]);
    const markdown = renderPostureMarkdown(report, { hints });
    expect(markdown).toContain(
      ['- [ ] `o/a` (fail): 1 workflow without permissions', '  - `.github/workflows/ci.yml`: no top-level `permissions`', '  - `.github/workflows/x.yml:4`: top-level `permissions` grant write access'].join('\n'),
    );
    expect(markdown).toContain(['- [ ] `o/a` (fail): off', '', 'Could not tell for 1 repository: `o/b`.'].join('\n'));
  });

  it('lists other failing checks under their title, and escapes text from findings', () => {
    const report: PostureReport = {
      repos: [{ repo: 'o/a', checks: [{ id: 'dangerous-workflow', outcome: 'fail', summary: 'untrusted input in run', findings: [{ file: '.github/workflows/t.yml', line: 9, message: '${{ github.event.issue.title }} in run: | echo' }] }] }],
      orgs: [],
      expiredWaivers: [],
      sources: [],
    };
    const markdown = renderPostureMarkdown(report);
    expect(markdown).toContain('### No workflow runs untrusted code with privileges (`dangerous-workflow`)');
    expect(markdown).toContain('  - `.github/workflows/t.yml:9`: ${{ github.event.issue.title }} in run: \\| echo');
  });
});
