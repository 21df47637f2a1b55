import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { botPullRequests, lines, orgFacts, repoFacts } from '../posture-testing.fixture.js';
import { readFileSync } from 'node:fs';
import { FIXABLE_CHECKS } from '../fix/types.js';
import { ORG_PROBES, REPO_PROBES } from '../probes/index.js';
import { known, unknown } from '../../core/known.js';
import { CHECK_IDS, ORG_CHECK_IDS, type CheckId, type CheckResult, type OrgCheckId, type OrgFacts, type RepoFacts } from '../types.js';
import { checkDefinition, evaluateOrg, evaluateRepo, evaluateRepoCheck, ORG_CHECKS, REPO_CHECKS } from './index.js';
import type { CheckNeed } from './types.js';

const clock = fixedClock('2026-09-01T00:00:00Z');
const SHA = '8e8c483db84b4bee98b60c0593521ed34d9990e8';

function check(id: CheckId, facts: RepoFacts): CheckResult {
  return evaluateRepoCheck(id, facts, { clock });
}

function orgCheck(id: OrgCheckId, facts: OrgFacts): CheckResult {
  const [result] = evaluateOrg(facts, { clock, checks: [id] }).checks;
  return result!;
}

const WORKFLOW = '.github/workflows/ci.yml';

const ALL_IDS = [...CHECK_IDS, ...ORG_CHECK_IDS];

describe('definitions', () => {
  it('register every check once, under its own id, in CHECK_IDS order', () => {
    expect(Object.keys(REPO_CHECKS)).toEqual([...CHECK_IDS]);
    expect(Object.keys(ORG_CHECKS)).toEqual([...ORG_CHECK_IDS]);
    for (const id of ALL_IDS) expect(checkDefinition(id).id).toBe(id);
  });

  it('give each check the column label, title and risk the reports show', () => {
    expect(Object.fromEntries(ALL_IDS.map((id) => [id, [checkDefinition(id).column, checkDefinition(id).title, checkDefinition(id).risk]]))).toEqual({
      'dependency-update-tool': ['dep-updates', 'Dependency updates cover every ecosystem', 'high'],
      'security-policy': ['sec-policy', 'A security policy says how to report vulnerabilities', 'medium'],
      'private-vulnerability-reporting': ['pvr', 'Private vulnerability reporting is on', 'medium'],
      'pinned-actions': ['pinned', 'Actions are pinned to full commit SHAs', 'medium'],
      'token-permissions': ['token-perms', 'Workflow tokens are read-only by default', 'high'],
      'dangerous-workflow': ['dangerous-wf', 'No workflow runs untrusted code with privileges', 'critical'],
      'trusted-publishing': ['trusted-pub', 'Packages are published without long-lived tokens', 'high'],
      'branch-protection': ['branch-prot', 'The default branch is protected', 'high'],
      maintained: ['maintained', 'The repository is maintained (or finished, not abandoned)', 'high'],
      'best-practices-badge': ['badge', 'OpenSSF Best Practices badge', 'low'],
      'org-two-factor': ['2fa', 'Two-factor authentication is required', 'critical'],
      'org-workflow-permissions': ['wf-default', 'Workflows get a read-only token by default', 'high'],
      'org-inactive-members': ['inactive', 'No inactive owners or members', 'medium'],
      'org-outside-collaborators': ['outside-collab', 'Outside collaborators are reviewed', 'low'],
    });
  });

  it('say why and how to fix in sentences, naming `chainwatch fix` for exactly the checks it fixes', () => {
    for (const id of ALL_IDS) {
      const { why, fix } = checkDefinition(id);
      expect([id, why, fix]).toEqual([id, expect.stringMatching(/^[A-Z].+\.$/), expect.stringMatching(/^[A-Z].+\.$/)]);
      expect([id, fix.includes(`\`chainwatch fix ${id}\``)]).toEqual([id, (FIXABLE_CHECKS as readonly string[]).includes(id)]);
    }
  });

  it('need what their probes need, in files → git → api order', () => {
    const order: readonly CheckNeed[] = ['files', 'git', 'api'];
    const needsOf = new Map([...Object.values(REPO_PROBES), ...Object.values(ORG_PROBES)].map((probe) => [probe.metadata.id, probe.metadata.needs]));
    const probeNeeds = (probes: readonly string[]) => order.filter((need) => probes.some((probe) => needsOf.get(probe) === need));
    for (const id of ALL_IDS) expect([id, checkDefinition(id).needs]).toEqual([id, probeNeeds(checkDefinition(id).probes)]);
  });

  it("are README.md's check table, row for row, each row carrying the check's docs anchor", () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8').split('\n');
    const header = readme.indexOf('| check | what it checks | why it matters | how to fix it | needs |');
    expect(header).toBeGreaterThan(-1);
    const end = readme.indexOf('', header);
    const cell = (text: string) => text.replaceAll('|', '\\|');
    const expected = ALL_IDS.map((id) => {
      const definition = checkDefinition(id);
      expect(definition.docsAnchor).toBe(`check-${id}`);
      return `| <a id="${definition.docsAnchor}"></a>\`${id}\` | ${cell(definition.title)} | ${cell(definition.why)} | ${cell(definition.fix)} | ${definition.needs.join(', ')} |`;
    });
    expect(readme.slice(header + 2, end)).toEqual(expected);
  });

  it('evaluateRepo runs the selected checks in CHECK_IDS order', () => {
    const posture = evaluateRepo(repoFacts(), { clock, checks: ['maintained', 'pinned-actions'] });
    expect(posture.checks.map((result) => result.id)).toEqual(['pinned-actions', 'maintained']);
    expect(evaluateRepo(repoFacts(), { clock }).checks.map((result) => result.id)).toEqual([...CHECK_IDS]);
  });

  it('never fails a check because a fact is unavailable', () => {
    const nothingKnown = repoFacts({}, { paths: unknown('x'), defaultBranch: unknown('x'), empty: unknown('x') });
    const outcomes = evaluateRepo(nothingKnown, { clock }).checks.map((result) => [result.id, result.outcome]);
    expect(outcomes).toEqual([
      ['dependency-update-tool', 'not-available'],
      ['security-policy', 'not-available'],
      ['private-vulnerability-reporting', 'not-available'],
      ['pinned-actions', 'not-applicable'],
      ['token-permissions', 'not-applicable'],
      ['dangerous-workflow', 'not-applicable'],
      ['trusted-publishing', 'not-applicable'],
      ['branch-protection', 'not-available'],
      ['maintained', 'not-available'],
      ['best-practices-badge', 'not-available'],
    ]);
    expect(evaluateOrg(orgFacts(), { clock }).checks.map((result) => result.outcome)).toEqual(['not-available', 'not-available', 'not-available', 'not-available']);
  });
});

describe('dependency-update-tool', () => {
  const dependabot = (...ecosystems: string[]) => ({
    '.github/dependabot.yml': lines('version: 2', 'updates:', ...ecosystems.flatMap((ecosystem) => [`  - package-ecosystem: ${ecosystem}`, '    directory: /'])),
  });
  const uses = { [WORKFLOW]: 'on: push\njobs: {}\n', 'pyproject.toml': '' };

  it.each([
    { name: 'covers everything', files: { ...uses, ...dependabot('github-actions', 'pip') }, extra: [], facts: {}, outcome: 'pass', summary: 'Dependabot covers every ecosystem the repository uses: github-actions and pip.' },
    { name: 'misses one', files: { ...uses, ...dependabot('github-actions') }, extra: [], facts: {}, outcome: 'partial', summary: 'Dependabot covers github-actions but not pip.' },
    { name: 'covers none of them', files: { ...uses, ...dependabot('npm') }, extra: [], facts: {}, outcome: 'partial', summary: 'Dependabot covers none of the ecosystems the repository uses (github-actions and pip).' },
    { name: 'no config', files: uses, extra: [], facts: {}, outcome: 'fail', summary: 'No Dependabot or Renovate config; the repository uses github-actions and pip.' },
    { name: 'Renovate', files: { ...uses, 'renovate.json': '{}' }, extra: [], facts: {}, outcome: 'pass', summary: 'Renovate covers every ecosystem the repository uses: github-actions and pip.' },
    { name: 'alerts off (API)', files: { ...uses, ...dependabot('github-actions', 'pip') }, extra: [], facts: { dependabotAlerts: known(false) }, outcome: 'partial', summary: 'Dependabot covers github-actions and pip, but Dependabot alerts are off.' },
    {
      name: 'pull requests go stale (API)',
      files: { ...uses, ...dependabot('github-actions', 'pip') },
      extra: [],
      facts: { dependabotAlerts: known(true), pullRequests: known(botPullRequests({ merged: 1, stale: 5, fresh: 3 }, '2026-09-01T00:00:00Z')) },
      outcome: 'partial',
      summary: 'Dependabot covers github-actions and pip, but its pull requests go stale.',
    },
    { name: 'nothing to update', files: { 'recipe/meta.yaml': '' }, extra: [], facts: {}, outcome: 'not-applicable', summary: 'The repository uses no ecosystem Dependabot or Renovate can update (conda has no update tool chainwatch knows of).' },
    { name: 'unreadable dependabot.yml', files: { ...uses, '.github/dependabot.yml': 'updates: [' }, extra: [], facts: {}, outcome: 'error', summary: 'The Dependabot config cannot be read.' },
  ])('$name → $outcome', ({ files, extra, facts, outcome, summary }) => {
    const result = check('dependency-update-tool', repoFacts(files, { extraPaths: extra, ...facts }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });

  it('a partial result has one finding per missing ecosystem', () => {
    const result = check('dependency-update-tool', repoFacts({ ...uses, ...dependabot('github-actions') }, { extraPaths: ['web/yarn.lock'] }));
    expect(result.findings.map((finding) => finding.message)).toEqual([
      'pip is used (pyproject.toml) but no Dependabot or Renovate config updates it',
      'npm is used (web/yarn.lock) but no Dependabot or Renovate config updates it',
    ]);
  });
});

describe('security-policy', () => {
  it.each([
    { name: 'own policy with a contact', files: { 'SECURITY.md': 'Report to security@example.org' }, org: unknown('x'), outcome: 'pass', summary: 'SECURITY.md says how to report a vulnerability.' },
    {
      name: 'own policy without a contact',
      files: { '.github/SECURITY.md': 'We support 2.x.' },
      org: unknown('x'),
      outcome: 'partial',
      summary: '.github/SECURITY.md exists but does not say how to report a vulnerability.',
    },
    {
      name: 'inherited with a contact',
      files: {},
      org: known({ path: 'SECURITY.md', text: 'Report to security@example.org' }),
      outcome: 'pass',
      summary: "Inherits the org's SECURITY.md, which says how to report a vulnerability.",
    },
    { name: 'inherited without a contact', files: {}, org: known({ path: 'SECURITY.md', text: 'Be nice.' }), outcome: 'partial', summary: "Inherits the org's SECURITY.md, which does not say how to report a vulnerability." },
    { name: 'none anywhere', files: {}, org: known(null), outcome: 'fail', summary: "No SECURITY.md in the repository or in the org's .github repository." },
    {
      name: 'none in the repo, org unknown',
      files: {},
      org: unknown('needs the GitHub API'),
      outcome: 'not-available',
      summary: "No SECURITY.md in the repository; whether the org's .github repository provides one is unknown (needs the GitHub API).",
    },
  ])('$name → $outcome', ({ files, org, outcome, summary }) => {
    const result = check('security-policy', repoFacts(files, { orgSecurityPolicy: org }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });
});

describe('pinned-actions', () => {
  const workflow = (...uses: string[]) => ({ [WORKFLOW]: lines('on: push', 'jobs:', '  a:', '    steps:', ...uses.map((item) => `      - uses: ${item}`)) });

  it.each([
    { name: 'all pinned', files: workflow(`actions/checkout@${SHA}`, `octo/x@${SHA}`), outcome: 'pass', summary: 'All 2 action references are pinned to full commit SHAs.' },
    { name: 'only GitHub-owned unpinned', files: workflow('actions/checkout@v4', `octo/x@${SHA}`), outcome: 'partial', summary: 'Third-party actions are pinned, but 1 of 1 GitHub-owned action references are not pinned to a commit SHA.' },
    {
      name: 'third-party unpinned',
      files: workflow('actions/checkout@v4', 'octo/x@v1', `octo/y@${SHA}`),
      outcome: 'fail',
      summary: '1 of 2 third-party action references are not pinned to a commit SHA and 1 of 1 GitHub-owned ones are not pinned either.',
    },
    { name: 'docker by tag', files: workflow('docker://alpine:3'), outcome: 'fail', summary: '1 of 1 docker images are not pinned by digest.' },
    { name: 'local only', files: workflow('./local'), outcome: 'not-applicable', summary: 'No workflow uses an action from another repository.' },
    { name: 'unreadable', files: { [WORKFLOW]: 'jobs: [' }, outcome: 'error', summary: 'A workflow cannot be read, so pinning cannot be confirmed.' },
  ])('$name → $outcome', ({ files, outcome, summary }) => {
    const result = check('pinned-actions', repoFacts(files));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });

  it('lists third-party findings before GitHub-owned ones', () => {
    const result = check('pinned-actions', repoFacts(workflow('actions/checkout@v4', 'octo/x@v1')));
    expect(result.findings.map((finding) => finding.line)).toEqual([6, 5]);
  });
});

describe('token-permissions', () => {
  it.each([
    {
      name: 'read-only everywhere',
      text: lines('on: push', 'permissions:', '  contents: read', 'jobs:', '  a:', '    steps:', '      - run: make'),
      outcome: 'pass',
      summary: 'Every workflow declares read-only top-level permissions; write scopes sit on the jobs that use them.',
    },
    { name: 'no top-level block', text: lines('on: push', 'jobs:', '  a:', '    steps:', '      - run: make'), outcome: 'fail', summary: '1 of 1 workflows declare no top-level permissions.' },
    { name: 'write at the top', text: lines('on: push', 'permissions:', '  contents: write', 'jobs: {}'), outcome: 'fail', summary: '1 of 1 workflows grant write scopes at the top level.' },
    {
      name: 'unused job write',
      text: lines('on: push', 'permissions: {}', 'jobs:', '  a:', '    permissions:', '      issues: write', '    steps:', '      - run: make'),
      outcome: 'partial',
      summary: 'Top-level permissions are read-only, but 1 job write scope(s) are not used by their jobs.',
    },
  ])('$name → $outcome', ({ text, outcome, summary }) => {
    const result = check('token-permissions', repoFacts({ [WORKFLOW]: text }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });

  it('is not-applicable without workflows', () => {
    const result = check('token-permissions', repoFacts());
    expect([result.outcome, result.summary]).toEqual(['not-applicable', 'The repository has no workflows.']);
  });

  it('counts the workflows in its summary', () => {
    const files = {
      '.github/workflows/a.yml': lines('on: push', 'jobs: {}'),
      '.github/workflows/b.yml': lines('on: push', 'permissions: write-all', 'jobs: {}'),
      '.github/workflows/c.yml': lines('on: push', 'permissions: read-all', 'jobs: {}'),
    };
    expect(check('token-permissions', repoFacts(files)).summary).toBe('1 of 3 workflows declare no top-level permissions and 1 grant write scopes at the top level.');
    expect(check('token-permissions', repoFacts({ '.github/workflows/b.yml': files['.github/workflows/b.yml'] })).summary).toBe(
      '1 of 1 workflows grant write scopes at the top level.',
    );
  });
});

describe('dangerous-workflow', () => {
  it.each([
    {
      name: 'pwn request',
      text: lines('on: pull_request_target', 'jobs:', '  a:', '    steps:', '      - run: gh pr checkout 1'),
      outcome: 'fail',
      summary: 'A pull_request_target/workflow_run workflow checks out the untrusted head.',
    },
    { name: 'script injection', text: lines('on: issues', 'jobs:', '  a:', '    steps:', '      - run: echo ${{ github.event.issue.body }}'), outcome: 'fail', summary: 'A script expands attacker-controlled input.' },
    {
      name: 'pull_request_target that only labels',
      text: lines('on: pull_request_target', 'jobs:', '  a:', '    steps:', '      - uses: actions/labeler@v5'),
      outcome: 'pass',
      summary: '1 workflow(s) use pull_request_target/workflow_run without touching untrusted code; no script expands untrusted input.',
    },
  ])('$name → $outcome', ({ text, outcome, summary }) => {
    const result = check('dangerous-workflow', repoFacts({ [WORKFLOW]: text }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });
});

describe('trusted-publishing', () => {
  const job = (permissions: string[], steps: string[]) => ({ [WORKFLOW]: lines('on: release', 'jobs:', '  publish:', ...permissions, '    steps:', ...steps) });
  const oidc = ['    permissions:', '      id-token: write'];

  it.each([
    { name: 'PyPI via OIDC', files: job(oidc, ['      - uses: pypa/gh-action-pypi-publish@release/v1']), outcome: 'pass', summary: 'Publishes to PyPI with trusted publishing (id-token: write, no stored token).' },
    {
      name: 'PyPI password',
      files: job(oidc, ['      - uses: pypa/gh-action-pypi-publish@release/v1', '        with:', '          password: ${{ secrets.PYPI_TOKEN }}']),
      outcome: 'fail',
      summary: 'Publishes to PyPI with a long-lived registry token (PYPI_TOKEN).',
    },
    {
      name: 'npm provenance with a token',
      files: job(oidc, ['      - run: npm publish --provenance', '        env:', '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}']),
      outcome: 'partial',
      summary: 'Publishes to npm with OIDC/provenance, but a long-lived registry token (NPM_TOKEN) is still stored.',
    },
    { name: 'twine without OIDC or visible token', files: job([], ['      - run: twine upload dist/*']), outcome: 'fail', summary: 'Publishes to PyPI without trusted publishing.' },
    { name: 'publishes nothing', files: job([], ['      - run: make']), outcome: 'not-applicable', summary: 'No workflow publishes to PyPI or npm.' },
  ])('$name → $outcome', ({ files, outcome, summary }) => {
    const result = check('trusted-publishing', repoFacts(files));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });
});

describe('branch-protection, private reporting, badge (API facts)', () => {
  const classic = { requiredReviews: 1, dismissStaleReviews: true, requireCodeOwnerReviews: false, requiredStatusChecks: true, enforceAdmins: true, allowForcePushes: false, allowDeletions: false };

  it.each([
    { fact: known({ branch: 'main', classic, rulesets: [] }), outcome: 'pass', summary: 'main is protected: reviews required, force pushes blocked.' },
    { fact: known({ branch: 'main', classic: { ...classic, allowForcePushes: true }, rulesets: [] }), outcome: 'partial', summary: 'main is protected, but force pushes are allowed.' },
    { fact: known({ branch: 'main', classic: null, rulesets: [] }), outcome: 'fail', summary: 'main is not protected.' },
    { fact: unknown('needs the GitHub API'), outcome: 'not-available', summary: 'Branch protection is unknown: needs the GitHub API.' },
  ])('branch-protection → $outcome', ({ fact, outcome, summary }) => {
    const result = check('branch-protection', repoFacts({}, { branchProtection: fact }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });

  it.each([
    [known(true), 'pass', 'Private vulnerability reporting is on.'],
    [known(false), 'fail', 'Private vulnerability reporting is off.'],
  ] as const)('private-vulnerability-reporting %j → %s', (fact, outcome, summary) => {
    const result = check('private-vulnerability-reporting', repoFacts({}, { privateVulnerabilityReporting: fact }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });

  it.each([
    ['silver', 'pass', 'OpenSSF Best Practices badge: silver.'],
    ['in_progress', 'partial', 'The OpenSSF Best Practices badge is in progress.'],
    ['none', 'fail', 'No OpenSSF Best Practices badge.'],
  ] as const)('best-practices-badge %s → %s', (level, outcome, summary) => {
    const result = check('best-practices-badge', repoFacts({}, { bestPracticesBadge: known(level) }));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });
});

describe('maintained', () => {
  const history = (commitDate: string | null, releaseDate: string | null) => ({
    commits: known(commitDate ? [{ sha: 'a', date: commitDate, author: 'x' }] : []),
    releases: known(releaseDate ? [{ tag: 'v1', date: releaseDate }] : []),
  });

  it.each([
    { name: 'active', facts: history('2026-08-01T00:00:00Z', null), outcome: 'pass', summary: 'Active: 1 commit(s) in the last 90 days (last 2026-08-01).' },
    { name: 'slowing down', facts: history('2026-01-01T00:00:00Z', '2025-12-01T00:00:00Z'), outcome: 'partial', summary: 'No commit in the last 90 days; last activity 243 days ago.' },
    {
      name: 'finished: releases, no open advisories',
      facts: { ...history('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'), openAdvisories: known(0) },
      outcome: 'pass',
      summary: 'Finished: no commit or release for 974 days, but it has releases and no open security advisories.',
    },
    {
      name: 'abandoned: open advisories',
      facts: { ...history('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'), openAdvisories: known(2) },
      outcome: 'fail',
      summary: 'Abandoned: no commit or release for 974 days; 2 open security advisories.',
    },
    {
      name: 'abandoned: advisories unknown',
      facts: history('2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'),
      outcome: 'fail',
      summary: 'Abandoned: no commit or release for 974 days; open security advisories are unknown, so it cannot be told apart from finished.',
    },
    { name: 'abandoned: never released', facts: { ...history('2024-01-01T00:00:00Z', null), openAdvisories: known(0) }, outcome: 'fail', summary: 'Abandoned: no commit or release for 974 days; no releases.' },
    { name: 'archived', facts: { ...history('2026-08-01T00:00:00Z', null), archived: known(true) }, outcome: 'fail', summary: 'The repository is archived.' },
    { name: 'no history', facts: {}, outcome: 'not-available', summary: 'Commit and release history is unknown: no history in this test.' },
    { name: 'empty repository', facts: history(null, null), outcome: 'fail', summary: 'The repository has no commits.' },
  ])('$name → $outcome', ({ facts, outcome, summary }) => {
    const result = check('maintained', repoFacts({}, facts));
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });

  it('says whether the repository is archived, and that it cannot tell when the forge was not asked (a local checkout)', () => {
    expect(check('maintained', repoFacts({}, { ...history('2026-08-01T00:00:00Z', null), archived: known(true) })).archived).toBe(true);
    expect(check('maintained', repoFacts({}, { ...history('2026-08-01T00:00:00Z', null), archived: known(false) })).archived).toBe(false);
    const local = check('maintained', repoFacts({}, history('2026-08-01T00:00:00Z', null)));
    expect([local.outcome, local.archived]).toEqual(['pass', null]);
  });

  it('honours other thresholds', () => {
    const facts = repoFacts({}, history('2026-01-01T00:00:00Z', null));
    expect(evaluateRepoCheck('maintained', facts, { clock, settings: { recentCommitDays: 365 } }).outcome).toBe('pass');
    expect(evaluateRepoCheck('maintained', facts, { clock, settings: { inactiveAfterDays: 100 } }).outcome).toBe('fail');
  });
});

describe('org checks', () => {
  const member = (login: string, role: 'admin' | 'member', date: string) => ({ login, role, lastActivity: known(date) });

  it.each([
    { id: 'org-two-factor' as const, facts: orgFacts({ twoFactorRequired: known(true) }), outcome: 'pass', summary: 'Two-factor authentication is required.' },
    { id: 'org-two-factor' as const, facts: orgFacts({ twoFactorRequired: known(false) }), outcome: 'fail', summary: 'Two-factor authentication is not required.' },
    { id: 'org-workflow-permissions' as const, facts: orgFacts({ defaultWorkflowPermissions: known('read') }), outcome: 'pass', summary: 'Workflows get a read-only GITHUB_TOKEN by default.' },
    { id: 'org-workflow-permissions' as const, facts: orgFacts({ defaultWorkflowPermissions: known('write') }), outcome: 'fail', summary: 'Workflows get a read-write GITHUB_TOKEN by default.' },
    {
      id: 'org-inactive-members' as const,
      facts: orgFacts({ members: known([member('a', 'admin', '2024-01-01'), member('b', 'member', '2026-08-01')]) }),
      outcome: 'fail',
      summary: '1 owner(s) have been inactive for over 180 days.',
    },
    {
      id: 'org-inactive-members' as const,
      facts: orgFacts({ members: known([member('a', 'admin', '2026-08-01'), member('b', 'member', '2024-01-01')]) }),
      outcome: 'partial',
      summary: '1 member(s) have been inactive for over 180 days.',
    },
    { id: 'org-inactive-members' as const, facts: orgFacts({ members: known([member('a', 'admin', '2026-08-01')]) }), outcome: 'pass', summary: 'No owner or member is inactive.' },
    { id: 'org-outside-collaborators' as const, facts: orgFacts({ outsideCollaborators: known([]) }), outcome: 'pass', summary: 'No outside collaborators.' },
    { id: 'org-outside-collaborators' as const, facts: orgFacts({ outsideCollaborators: known(['x']) }), outcome: 'partial', summary: '1 outside collaborator(s) to review.' },
  ])('$id → $outcome', ({ id, facts, outcome, summary }) => {
    const result = orgCheck(id, facts);
    expect([result.outcome, result.summary]).toEqual([outcome, summary]);
  });
});
