import { describe, expect, it } from 'vitest';
import { botPullRequests, lines, orgFacts, repoFacts } from '../posture-testing.fixture.js';
import { known, unknown } from '../../core/known.js';
import type { PostureFinding, OrgFacts, ProbeOutcome, RepoFacts } from '../types.js';
import { DEFAULT_POSTURE_SETTINGS, ORG_PROBES, REPO_PROBES, type OrgProbeId, type ProbeContext, type RepoProbeAnswers, type RepoProbeId } from './index.js';

const context: ProbeContext = { now: new Date('2026-09-01T00:00:00Z'), settings: DEFAULT_POSTURE_SETTINGS };
const { dependencyUpdatesGetMerged } = REPO_PROBES;

function run<Id extends RepoProbeId>(id: Id, facts: RepoFacts): RepoProbeAnswers[Id] {
  return REPO_PROBES[id].run(facts, context) as RepoProbeAnswers[Id];
}

const SHA = '8e8c483db84b4bee98b60c0593521ed34d9990e8';

describe('the registry', () => {
  it('keys every probe by its own id; each asks a yes/no question and says why and how to fix in a sentence', () => {
    for (const [key, probe] of [...Object.entries(REPO_PROBES), ...Object.entries(ORG_PROBES)]) {
      expect(probe.metadata.id).toBe(key);
      expect([key, probe.metadata.question]).toEqual([key, expect.stringMatching(/^(Is|Are|Do|Does|Has|Was) .+\?$/)]);
      expect([key, probe.metadata.why]).toEqual([key, expect.stringMatching(/^[A-Z].+\.$/)]);
      expect([key, probe.metadata.fix]).toEqual([key, expect.stringMatching(/^[A-Z].+\.$/)]);
    }
  });

  it('answers not-available for every API-only probe when the facts are unavailable', () => {
    const facts = repoFacts();
    for (const [id, probe] of Object.entries(REPO_PROBES)) {
      if (probe.metadata.needs !== 'api' || id === 'inheritsOrgSecurityPolicy') continue;
      expect([id, probe.run(facts, context).outcome]).toEqual([id, 'not-available']);
    }
  });
});

describe('dependency-update probes', () => {
  const dependabot = lines(
    'version: 2', // 1
    'updates:', // 2
    '  - package-ecosystem: github-actions', // 3
    '    directory: /', // 4
    '  - package-ecosystem: "pip"', // 5
    '    directory: "/"', // 6
  );

  it.each([
    { name: 'dependabot.yml', files: { '.github/dependabot.yml': dependabot }, expected: 'true' },
    { name: 'dependabot.yaml', files: { '.github/dependabot.yaml': dependabot }, expected: 'true' },
    { name: 'none', files: {}, expected: 'false' },
    { name: 'unreadable', files: { '.github/dependabot.yml': 'updates: [\n' }, expected: 'error' },
  ])('hasDependabotConfig: $name', ({ files, expected }) => {
    expect(run('hasDependabotConfig', repoFacts(files)).outcome).toBe(expected);
  });

  it.each([
    { name: 'renovate.json', files: { 'renovate.json': '{"extends": ["config:recommended"]}' }, expected: 'true' },
    { name: '.github/renovate.json5 with comments', files: { '.github/renovate.json5': '// c\n{"extends": ["config:recommended"],}' }, expected: 'true' },
    { name: '.renovaterc', files: { '.renovaterc': '{}' }, expected: 'true' },
    { name: 'package.json renovate key', files: { 'package.json': '{"name": "x", "renovate": {"extends": []}}' }, expected: 'true' },
    { name: 'disabled', files: { 'renovate.json': '{"enabled": false}' }, expected: 'false' },
    { name: 'none', files: { 'package.json': '{"name": "x"}' }, expected: 'false' },
  ])('hasRenovateConfig: $name', ({ files, expected }) => {
    expect(run('hasRenovateConfig', repoFacts(files)).outcome).toBe(expected);
  });

  it('dependencyUpdateCoversEcosystems names what is missing and where the fix goes', () => {
    const answer = run(
      'dependencyUpdateCoversEcosystems',
      repoFacts({ '.github/dependabot.yml': dependabot, '.github/workflows/ci.yml': 'on: push\njobs: {}\n', 'pyproject.toml': '', 'js/package.json': '{"dependencies": {"a": "1"}}' }, { extraPaths: ['js/yarn.lock'] }),
    );
    expect(answer.outcome).toBe('false');
    expect(answer.evidence).toEqual({ used: ['github-actions', 'pip', 'npm'], covered: ['github-actions', 'pip'], missing: ['npm'], withoutUpdateTool: [] });
    expect(answer.findings).toEqual([
      {
        file: '.github/dependabot.yml',
        message: 'npm is used (js/package.json, js/yarn.lock) but no Dependabot or Renovate config updates it',
        fix: 'add to .github/dependabot.yml: - package-ecosystem: "npm"  directory: "/js"  schedule: { interval: "weekly" }',
      },
    ]);
  });

  it.each([
    { name: 'all covered', files: { '.github/dependabot.yml': dependabot, 'requirements.txt': '' }, extra: ['.github/workflows/a.yml'], outcome: 'true' },
    { name: 'uv counts as pip', files: { '.github/dependabot.yml': 'updates:\n  - package-ecosystem: uv\n    directory: /\n', 'pyproject.toml': '' }, extra: [], outcome: 'true' },
    { name: 'Renovate without enabledManagers covers all', files: { 'renovate.json': '{}', 'pyproject.toml': '' }, extra: ['Dockerfile', 'yarn.lock'], outcome: 'true' },
    { name: 'Renovate enabledManagers limits coverage', files: { 'renovate.json': '{"enabledManagers": ["npm"]}', 'pyproject.toml': '' }, extra: ['yarn.lock'], outcome: 'false' },
    { name: 'Dependabot and Renovate together', files: { '.github/dependabot.yml': 'updates:\n  - package-ecosystem: pip\n    directory: /\n', 'renovate.json': '{"enabledManagers": ["dockerfile"]}', 'pyproject.toml': '' }, extra: ['Dockerfile'], outcome: 'true' },
    { name: 'only a conda recipe', files: { 'recipe/meta.yaml': '' }, extra: [], outcome: 'not-applicable' },
    { name: 'no config at all', files: { 'pyproject.toml': '' }, extra: [], outcome: 'false' },
  ])('dependencyUpdateCoversEcosystems: $name', ({ files, extra, outcome }) => {
    expect(run('dependencyUpdateCoversEcosystems', repoFacts(files, { extraPaths: extra })).outcome).toBe(outcome);
  });

  it('dependencyUpdateCoversEcosystems is not-available without the tree', () => {
    expect(run('dependencyUpdateCoversEcosystems', repoFacts({}, { paths: unknown('tree too large') })).outcome).toBe('not-available');
  });

  it.each([
    { prs: { others: 4 }, outcome: 'not-applicable', evidence: { opened: 0, merged: 0, stale: 0 } },
    { prs: { merged: 8, stale: 2 }, outcome: 'true', evidence: { opened: 10, merged: 8, stale: 2 } },
    { prs: { merged: 1, stale: 6, fresh: 3, others: 2 }, outcome: 'false', evidence: { opened: 10, merged: 1, stale: 6 } },
  ])('dependencyUpdatesGetMerged $prs', ({ prs, outcome, evidence }) => {
    const result = run('dependencyUpdatesGetMerged', repoFacts({}, { pullRequests: known(botPullRequests(prs, '2026-09-01T00:00:00Z')) }));
    expect([result.outcome, result.evidence]).toEqual([outcome, evidence]);
  });

  it('dependencyUpdatesGetMerged takes the stale age from the settings, not from the collector', () => {
    const facts = repoFacts({}, { pullRequests: known(botPullRequests({ merged: 1, stale: 3 }, '2026-09-01T00:00:00Z')) });
    // The open ones are 60 days old: stale at the default 30 days, not at 90.
    expect(dependencyUpdatesGetMerged.run(facts, context).outcome).toBe('false');
    expect(dependencyUpdatesGetMerged.run(facts, { ...context, settings: { ...DEFAULT_POSTURE_SETTINGS, stalePullRequestDays: 90 } }).evidence).toEqual({ opened: 4, merged: 1, stale: 0 });
  });

  it('dependencyUpdatesGetMerged is not-available without pull requests (a local checkout)', () => {
    expect(run('dependencyUpdatesGetMerged', repoFacts()).outcome).toBe('not-available');
  });
});

describe('security-policy probes', () => {
  it.each([
    { path: 'SECURITY.md', expected: 'true' },
    { path: '.github/SECURITY.md', expected: 'true' },
    { path: 'docs/security.md', expected: 'true' },
    { path: 'src/SECURITY.md', expected: 'false' },
  ])('hasSecurityPolicy: $path', ({ path, expected }) => {
    expect(run('hasSecurityPolicy', repoFacts({ [path]: '# Security' })).outcome).toBe(expected);
  });

  it.each([
    { name: 'an address', text: '# Security\n\nMail security@example.org.\n', outcome: 'true', line: 3 },
    { name: 'the advisory form', text: '# Policy\nUse https://github.com/o/r/security/advisories/new please\n', outcome: 'true', line: 2 },
    { name: 'a link after saying report', text: '# Reporting a Vulnerability\n\nSee the [process](https://example.org/security).\n', outcome: 'true', line: 3 },
    { name: 'no contact', text: '# Security\n\nOnly the latest version is supported.\n', outcome: 'false', line: undefined },
  ])('securityPolicyExplainsReporting: $name', ({ text, outcome, line }) => {
    const answer = run('securityPolicyExplainsReporting', repoFacts({ 'SECURITY.md': text }));
    expect(answer.outcome).toBe(outcome);
    if (line !== undefined) expect(answer.evidence.line).toBe(line);
  });

  it('securityPolicyExplainsReporting reads the inherited policy when the repo has none', () => {
    const inherited = repoFacts({}, { orgSecurityPolicy: known({ path: 'SECURITY.md', text: 'Report to security@example.org' }) });
    expect(run('securityPolicyExplainsReporting', inherited)).toMatchObject({ outcome: 'true', evidence: { inherited: true } });
    expect(run('securityPolicyExplainsReporting', repoFacts()).outcome).toBe('not-available');
    expect(run('securityPolicyExplainsReporting', repoFacts({}, { orgSecurityPolicy: known(null) })).outcome).toBe('not-applicable');
  });

  it.each([
    { name: 'own policy', files: { 'SECURITY.md': 'x' }, org: unknown('x'), outcome: 'not-applicable' },
    { name: 'org has one', files: {}, org: known({ path: 'SECURITY.md', text: 'x' }), outcome: 'true' },
    { name: 'org has none', files: {}, org: known(null), outcome: 'false' },
    { name: 'unknown', files: {}, org: unknown('needs the GitHub API'), outcome: 'not-available' },
  ])('inheritsOrgSecurityPolicy: $name', ({ files, org, outcome }) => {
    expect(run('inheritsOrgSecurityPolicy', repoFacts(files, { orgSecurityPolicy: org })).outcome).toBe(outcome);
  });
});

describe('pinning probes', () => {
  const workflow = lines(
    'on: push', // 1
    'jobs:', // 2
    '  a:', // 3
    '    steps:', // 4
    `      - uses: actions/checkout@${SHA}`, // 5
    '      - uses: actions/setup-python@v5', // 6
    '      - uses: octo/tool@v1', // 7
    `      - uses: octo/pinned@${SHA} # v2`, // 8
    '      - uses: ./.github/actions/local', // 9
    '      - uses: docker://alpine:3.20', // 10
    '      - uses: docker://alpine@sha256:' + 'a'.repeat(64), // 11
    '  b:', // 12
    '    uses: octo/shared/.github/workflows/w.yml@main', // 13
  );
  const action = lines('runs:', '  using: composite', '  steps:', '    - uses: other/thing@v3');
  const facts = repoFacts({ '.github/workflows/ci.yml': workflow, '.github/actions/local/action.yml': action });

  it('reports GitHub-owned, third-party and docker references apart, with lines', () => {
    const github = run('githubOwnedActionsPinnedBySha', facts);
    expect(github.outcome).toBe('false');
    expect(github.findings.map((finding) => [finding.file, finding.line])).toEqual([['.github/workflows/ci.yml', 6]]);
    expect(github.evidence).toMatchObject({ total: 2, unpinned: 1 });

    const thirdParty = run('thirdPartyActionsPinnedBySha', facts);
    expect(thirdParty.outcome).toBe('false');
    expect(thirdParty.findings.map((finding) => [finding.file, finding.line])).toEqual([
      ['.github/workflows/ci.yml', 7],
      ['.github/workflows/ci.yml', 13],
      ['.github/actions/local/action.yml', 4],
    ]);
    expect(thirdParty.findings[0]!.fix).toBe('use `octo/tool@<40-character commit SHA> # v1` (chainwatch fix pinned-actions)');

    const docker = run('dockerImagesPinnedByDigest', facts);
    expect(docker.outcome).toBe('false');
    expect(docker.findings.map((finding) => finding.line)).toEqual([10]);
  });

  it('skips local actions and answers not-applicable when nothing is referenced', () => {
    const local = repoFacts({ '.github/workflows/ci.yml': lines('on: push', 'jobs:', '  a:', '    steps:', '      - uses: ./x', '      - run: make') });
    expect(run('thirdPartyActionsPinnedBySha', local).outcome).toBe('not-applicable');
    expect(run('githubOwnedActionsPinnedBySha', local).outcome).toBe('not-applicable');
  });

  it('an unreadable workflow is an error only when nothing else already answers', () => {
    const broken = { '.github/workflows/broken.yml': 'on: [push\n' };
    expect(run('thirdPartyActionsPinnedBySha', repoFacts(broken)).outcome).toBe('error');
    const both = repoFacts({ ...broken, '.github/workflows/ci.yml': workflow });
    const answer = run('thirdPartyActionsPinnedBySha', both);
    expect(answer.outcome).toBe('false');
    expect(answer.findings.some((finding) => finding.file === '.github/workflows/broken.yml')).toBe(true);
  });
});

describe('token-permission probes', () => {
  const files = {
    '.github/workflows/none.yml': lines('on: push', 'jobs:', '  test:', '    steps:', '      - run: make test'),
    '.github/workflows/write.yml': lines('on: push', 'permissions:', '  contents: write', 'jobs:', '  a:', '    steps:', '      - run: make'),
    '.github/workflows/all.yml': lines('on: push', 'permissions: write-all', 'jobs: {}'),
    '.github/workflows/good.yml': lines(
      'on: push', // 1
      'permissions: {}', // 2
      'jobs:', // 3
      '  release:', // 4
      '    permissions:', // 5
      '      contents: write', // 6
      '      id-token: write', // 7
      '    steps:', // 8
      '      - uses: actions/checkout@v4', // 9
      '      - run: git push origin v1', // 10
      '  test:', // 11
      '    permissions:', // 12
      '      pull-requests: write', // 13
      '      issues: write', // 14
      '    steps:', // 15
      '      - uses: actions/checkout@v4', // 16
      '      - run: pytest', // 17
      '  unknown:', // 18
      '    permissions:', // 19
      '      contents: write', // 20
      '    steps:', // 21
      '      - uses: someone/does-things@v1', // 22
    ),
  };
  const facts = repoFacts(files);

  it('workflowsDeclareTopLevelPermissions points at `jobs:` of each workflow without a block', () => {
    const answer = run('workflowsDeclareTopLevelPermissions', facts);
    expect(answer.outcome).toBe('false');
    expect(answer.findings.map((finding) => [finding.file, finding.line, finding.message])).toEqual([
      ['.github/workflows/none.yml', 2, 'no top-level `permissions:`; job(s) test run with the default token permissions'],
    ]);
  });

  it('topLevelPermissionsReadOnly reports write scopes and write-all at their lines', () => {
    const answer = run('topLevelPermissionsReadOnly', facts);
    expect(answer.outcome).toBe('false');
    expect(answer.findings.map((finding) => [finding.file, finding.line])).toEqual([
      ['.github/workflows/write.yml', 3],
      ['.github/workflows/all.yml', 2],
    ]);
  });

  it('writePermissionsOnlyOnJobsThatNeedThem flags only scopes known to be unused', () => {
    const answer = run('writePermissionsOnlyOnJobsThatNeedThem', facts);
    expect(answer.outcome).toBe('false');
    // release: git push needs contents; id-token is not needed by checkout or git push.
    // test: nothing comments or labels. unknown: an unknown action could need anything.
    expect(answer.findings.map((finding) => [finding.line, finding.message])).toEqual([
      [7, 'job release has `id-token: write` but none of its steps needs it'],
      [13, 'job test has `pull-requests: write` but none of its steps needs it'],
      [14, 'job test has `issues: write` but none of its steps needs it'],
    ]);
  });

  it('looks inside local composite actions for what a job needs', () => {
    const withAction = repoFacts({
      '.github/workflows/w.yml': lines('on: push', 'permissions: {}', 'jobs:', '  a:', '    permissions:', '      contents: write', '    steps:', '      - uses: ./.github/actions/push'),
      '.github/actions/push/action.yml': lines('runs:', '  using: composite', '  steps:', '    - run: git push', '      shell: bash'),
    });
    expect(run('writePermissionsOnlyOnJobsThatNeedThem', withAction).outcome).toBe('true');
  });

  it('is not-applicable without workflows', () => {
    expect(run('workflowsDeclareTopLevelPermissions', repoFacts()).outcome).toBe('not-applicable');
  });
});

describe('dangerous-workflow probes', () => {
  const prTarget = (steps: string[]) => repoFacts({ '.github/workflows/pr.yml': lines('on: pull_request_target', 'jobs:', '  j:', '    steps:', ...steps) });

  it.each([
    { name: 'checkout of the head sha', steps: ['      - uses: actions/checkout@v4', '        with:', '          ref: ${{ github.event.pull_request.head.sha }}'], outcome: 'true', line: 7 },
    { name: 'checkout of the fork repository', steps: ['      - uses: actions/checkout@v4', '        with:', '          repository: ${{ github.event.pull_request.head.repo.full_name }}'], outcome: 'true', line: 7 },
    { name: 'gh pr checkout', steps: ['      - run: gh pr checkout ${{ github.event.pull_request.number }}'], outcome: 'true', line: 5 },
    { name: 'git fetch of pull/N/head', steps: ['      - run: |', '          set -e', '          git fetch origin pull/${{ github.event.number }}/head:pr'], outcome: 'true', line: 7 },
    { name: 'base checkout only (not dangerous)', steps: ['      - uses: actions/checkout@v4', '      - run: echo labelling'], outcome: 'false', line: undefined },
    { name: 'head ref only passed through env (not dangerous)', steps: ['      - run: echo "$REF"', '        env:', '          REF: ${{ github.event.pull_request.head.ref }}'], outcome: 'false', line: undefined },
  ])('hasDangerousTrigger: $name', ({ steps, outcome, line }) => {
    const answer = run('hasDangerousTrigger', prTarget(steps));
    expect(answer.outcome).toBe(outcome);
    expect(answer.findings[0]?.line).toBe(line);
  });

  it('hasDangerousTrigger: workflow_run checking out the triggering head; pull_request is never privileged', () => {
    const workflowRun = repoFacts({
      '.github/workflows/wr.yml': lines('on:', '  workflow_run:', '    workflows: [CI]', 'jobs:', '  j:', '    steps:', '      - uses: actions/checkout@v4', '        with:', '          ref: ${{ github.event.workflow_run.head_sha }}'),
    });
    expect(run('hasDangerousTrigger', workflowRun).findings.map((finding) => finding.line)).toEqual([9]);
    const pullRequest = repoFacts({ '.github/workflows/pr.yml': lines('on: pull_request', 'jobs:', '  j:', '    steps:', '      - run: gh pr checkout 1') });
    expect(run('hasDangerousTrigger', pullRequest).outcome).toBe('false');
  });

  it('hasDangerousTrigger follows a local reusable workflow called from a privileged trigger', () => {
    const facts = repoFacts({
      '.github/workflows/pr.yml': lines('on: pull_request_target', 'jobs:', '  call:', '    uses: ./.github/workflows/build.yml'),
      '.github/workflows/build.yml': lines('on: workflow_call', 'jobs:', '  b:', '    steps:', '      - uses: actions/checkout@v4', '        with:', '          ref: ${{ github.event.pull_request.head.sha }}'),
    });
    const answer = run('hasDangerousTrigger', facts);
    expect(answer.outcome).toBe('true');
    expect(answer.findings.map((finding) => [finding.file, finding.line])).toEqual([['.github/workflows/build.yml', 7]]);
  });

  it('expandsUntrustedInputInRun finds attacker-controlled expressions in run and github-script, line by line', () => {
    const facts = repoFacts({
      '.github/workflows/issue.yml': lines(
        'on: issues', // 1
        'jobs:', // 2
        '  j:', // 3
        '    steps:', // 4
        '      - run: |', // 5
        '          echo "${{ github.event.issue.title }}"', // 6
        '          echo "${{ github.event.issue.number }} ${{ github.event.repository.default_branch }}"', // 7
        '          echo "${{ toJSON(github.event.issue) }}"', // 8
        '      - uses: actions/github-script@v7', // 9
        '        with:', // 10
        '          script: console.log("${{ github.head_ref }}")', // 11
        '      - run: echo "$TITLE"', // 12
        '        env:', // 13
        "          TITLE: ${{ github.event.comment.body || 'none' }}", // 14
      ),
    });
    const answer = run('expandsUntrustedInputInRun', facts);
    expect(answer.outcome).toBe('true');
    expect(answer.findings.map((finding) => finding.line)).toEqual([6, 8, 11]);
    expect(answer.findings[0]!.message).toBe('`run:` in job j expands `${{ github.event.issue.title }}`: github.event.issue.title is attacker-controlled');
  });
});

describe('publishing probes', () => {
  const pypiTrusted = lines(
    'on: release', // 1
    'permissions: {}', // 2
    'jobs:', // 3
    '  publish:', // 4
    '    permissions:', // 5
    '      id-token: write', // 6
    '    steps:', // 7
    '      - uses: pypa/gh-action-pypi-publish@release/v1', // 8
  );
  const pypiPassword = lines('on: release', 'jobs:', '  publish:', '    steps:', '      - uses: pypa/gh-action-pypi-publish@release/v1', '        with:', '          password: ${{ secrets.PYPI_API_TOKEN }}');
  const npmToken = lines('on: release', 'jobs:', '  publish:', '    steps:', '      - run: npm publish', '        env:', '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}');
  const npmProvenance = lines(
    'on: release',
    'jobs:',
    '  publish:',
    '    permissions:',
    '      id-token: write',
    '    steps:',
    '      - run: npm publish --provenance',
    '        env:',
    '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}',
  );
  const verdaccio = lines('on: push', 'jobs:', '  t:', '    steps:', '      - run: |', '          npm set registry http://localhost:4873/', '          npm publish');

  it.each([
    { name: 'PyPI trusted publishing', file: pypiTrusted, pypi: 'true', npm: 'false', trusted: 'true', token: 'false' },
    { name: 'PyPI with a password input', file: pypiPassword, pypi: 'true', npm: 'false', trusted: 'false', token: 'true' },
    { name: 'npm with a token', file: npmToken, pypi: 'false', npm: 'true', trusted: 'false', token: 'true' },
    { name: 'npm with provenance and a token', file: npmProvenance, pypi: 'false', npm: 'true', trusted: 'true', token: 'true' },
    { name: 'a local verdaccio is not publishing', file: verdaccio, pypi: 'false', npm: 'false', trusted: 'not-applicable', token: 'false' },
  ])('$name', ({ file, pypi, npm, trusted, token }) => {
    const facts = repoFacts({ '.github/workflows/release.yml': file });
    expect([
      run('publishesToPypi', facts).outcome,
      run('publishesToNpm', facts).outcome,
      run('usesTrustedPublishing', facts).outcome,
      run('usesLongLivedRegistryToken', facts).outcome,
    ]).toEqual([pypi, npm, trusted, token]);
  });

  it('usesTrustedPublishing tells a job to add `id-token: write` only when it does not have it', () => {
    const pypiPasswordWithOidc = lines(
      'on: release',
      'jobs:',
      '  publish:',
      '    permissions:',
      '      id-token: write',
      '    steps:',
      '      - uses: pypa/gh-action-pypi-publish@release/v1',
      '        with:',
      '          password: ${{ secrets.PYPI_API_TOKEN }}',
    );
    const has = run('usesTrustedPublishing', repoFacts({ '.github/workflows/release.yml': pypiPasswordWithOidc }));
    expect(has.outcome).toBe('false');
    expect(has.findings.map((finding) => finding.fix)).toEqual([
      'Job publish already has `id-token: write`: configure a trusted publisher on PyPI for this workflow, stop passing secrets.PYPI_API_TOKEN to it and delete that secret.',
    ]);
    expect(has.findings[0]!.fix).not.toMatch(/give job/);
    const lacks = run('usesTrustedPublishing', repoFacts({ '.github/workflows/release.yml': pypiPassword }));
    expect(lacks.findings.map((finding) => finding.fix)).toEqual([
      'Configure a trusted publisher on PyPI for this workflow, give job publish `permissions: id-token: write`, stop passing secrets.PYPI_API_TOKEN to it and delete that secret.',
    ]);
    const npmNoToken = lines('on: release', 'jobs:', '  publish:', '    steps:', '      - run: npm publish');
    expect(run('usesTrustedPublishing', repoFacts({ '.github/workflows/release.yml': npmNoToken })).findings.map((finding) => finding.fix)).toEqual([
      'Configure a trusted publisher on npm for this workflow, give job publish `permissions: id-token: write`.',
    ]);
  });

  it('usesLongLivedRegistryToken points at the secret and also reads the repository secret names', () => {
    const answer = run('usesLongLivedRegistryToken', repoFacts({ '.github/workflows/release.yml': pypiPassword }, { secretNames: known(['PYPI_API_TOKEN', 'NPM_TOKEN', 'SLACK_WEBHOOK']) }));
    expect(answer.findings.map((finding) => [finding.line ?? null, finding.message])).toEqual([
      [7, 'with password is set from secrets.PYPI_API_TOKEN, a long-lived registry credential'],
      [null, 'repository secret NPM_TOKEN looks like a registry credential (unused by the workflows read)'],
    ]);
  });

  it('a GitHub token passed to checkout is not a registry token', () => {
    const facts = repoFacts({ '.github/workflows/w.yml': lines('on: push', 'jobs:', '  j:', '    steps:', '      - uses: actions/checkout@v4', '        with:', '          token: ${{ secrets.BOT_PAT }}') });
    expect(run('usesLongLivedRegistryToken', facts).outcome).toBe('false');
  });

  it('jupyter_releaser publishes to PyPI, and to npm when the repository has an npm package or token', () => {
    const releaser = lines(
      'on: workflow_dispatch',
      'jobs:',
      '  publish_release:',
      '    permissions:',
      '      id-token: write',
      '    steps:',
      '      - uses: jupyter-server/jupyter_releaser/.github/actions/finalize-release@v2',
    );
    const pythonOnly = repoFacts({ '.github/workflows/publish-release.yml': releaser });
    expect(run('publishesToNpm', pythonOnly).outcome).toBe('false');
    expect(run('usesTrustedPublishing', pythonOnly)).toMatchObject({ outcome: 'true', evidence: { publishes: ['pypi'] } });
    const withPackage = repoFacts({ '.github/workflows/publish-release.yml': releaser, 'package.json': '{"name": "schema"}' });
    expect(run('usesTrustedPublishing', withPackage)).toMatchObject({ outcome: 'true', evidence: { publishes: ['pypi', 'npm'] } });
    const privatePackage = repoFacts({ '.github/workflows/publish-release.yml': releaser, 'package.json': '{"private": true}' });
    expect(run('publishesToNpm', privatePackage).outcome).toBe('false');
  });
});

describe('history probes', () => {
  const commits = (...dates: string[]) => known(dates.map((date, index) => ({ sha: String(index), date, author: 'a' })));

  it.each([
    { dates: ['2026-08-20T00:00:00Z', '2026-01-01T00:00:00Z'], outcome: 'true', days: 12 },
    { dates: ['2026-05-01T00:00:00Z'], outcome: 'false', days: 123 },
    { dates: [], outcome: 'false', days: null },
  ])('hasRecentCommits $dates', ({ dates, outcome, days }) => {
    const answer = run('hasRecentCommits', repoFacts({}, { commits: commits(...dates) }));
    expect(answer.outcome).toBe(outcome);
    expect(answer.evidence.daysSinceLastCommit).toBe(days);
  });

  it('hasRecentRelease uses the newest tag whatever the order', () => {
    const answer = run('hasRecentRelease', repoFacts({}, { releases: known([{ tag: 'v1', date: '2024-01-01T00:00:00Z' }, { tag: 'v2', date: '2026-03-01T00:00:00Z' }]) }));
    expect(answer).toMatchObject({ outcome: 'true', evidence: { lastRelease: 'v2', daysSinceLastRelease: 184 } });
  });

  it.each([
    { fact: known(0), outcome: 'false' },
    { fact: known(2), outcome: 'true' },
  ])('hasOpenAdvisories $fact.value', ({ fact, outcome }) => {
    expect(run('hasOpenAdvisories', repoFacts({}, { openAdvisories: fact })).outcome).toBe(outcome);
  });
});

describe('branch protection and badge probes', () => {
  const classic = { requiredReviews: 1, dismissStaleReviews: false, requireCodeOwnerReviews: false, requiredStatusChecks: true, enforceAdmins: false, allowForcePushes: false, allowDeletions: false };

  it.each([
    { name: 'none', fact: { branch: 'main', classic: null, rulesets: [] }, has: 'false', review: 'not-applicable', force: 'not-applicable' },
    { name: 'classic, strict', fact: { branch: 'main', classic, rulesets: [] }, has: 'true', review: 'true', force: 'true' },
    { name: 'classic, weak', fact: { branch: 'main', classic: { ...classic, requiredReviews: 0, allowForcePushes: true }, rulesets: [] }, has: 'true', review: 'false', force: 'false' },
    { name: 'evaluate-only ruleset does not protect', fact: { branch: 'main', classic: null, rulesets: [{ name: 'r', enforcement: 'evaluate' as const, rules: ['pull_request'] }] }, has: 'false', review: 'not-applicable', force: 'not-applicable' },
    { name: 'active ruleset', fact: { branch: 'main', classic: null, rulesets: [{ name: 'r', enforcement: 'active' as const, rules: ['pull_request', 'non_fast_forward'] }] }, has: 'true', review: 'true', force: 'true' },
  ])('$name', ({ fact, has, review, force }) => {
    const facts = repoFacts({}, { branchProtection: known(fact) });
    expect([run('hasBranchProtection', facts).outcome, run('branchProtectionRequiresReview', facts).outcome, run('branchProtectionBlocksForcePush', facts).outcome]).toEqual([has, review, force]);
  });

  it.each([
    ['gold', 'true'],
    ['passing', 'true'],
    ['in_progress', 'false'],
    ['none', 'false'],
  ] as const)('hasBestPracticesBadge %s', (level, outcome) => {
    expect(run('hasBestPracticesBadge', repoFacts({}, { bestPracticesBadge: known(level) })).outcome).toBe(outcome);
  });
});

describe('org probes', () => {
  const members = known([
    { login: 'owner-active', role: 'admin' as const, lastActivity: known('2026-08-01T00:00:00Z') },
    { login: 'owner-idle', role: 'admin' as const, lastActivity: known('2025-01-01T00:00:00Z') },
    { login: 'member-idle', role: 'member' as const, lastActivity: known('2026-01-01T00:00:00Z') },
    { login: 'member-unknown', role: 'member' as const, lastActivity: unknown('private activity') },
  ]);

  it('finds inactive admins and members past the window, skipping unknown activity', () => {
    const facts = orgFacts({ members });
    const admins = ORG_PROBES.hasInactiveAdmins.run(facts, context);
    expect(admins.outcome).toBe('true');
    expect(admins.findings.map((finding) => finding.message)).toEqual(['admin owner-idle: last activity 2025-01-01, 608 days ago']);
    const regular = ORG_PROBES.hasInactiveMembers.run(facts, context);
    expect(regular).toMatchObject({ outcome: 'true', evidence: { members: 2, known: 1, inactive: 1 } });
  });

  it.each([
    { probe: 'requiresTwoFactor' as const, facts: orgFacts({ twoFactorRequired: known(false) }), outcome: 'false' },
    { probe: 'defaultWorkflowPermissionsReadOnly' as const, facts: orgFacts({ defaultWorkflowPermissions: known('read') }), outcome: 'true' },
    { probe: 'hasOutsideCollaborators' as const, facts: orgFacts({ outsideCollaborators: known(['b', 'a']) }), outcome: 'true' },
    { probe: 'hasOutsideCollaborators' as const, facts: orgFacts(), outcome: 'not-available' },
  ])('$probe → $outcome', ({ probe, facts, outcome }) => {
    expect(ORG_PROBES[probe].run(facts, context).outcome).toBe(outcome);
  });
});

/**
 * The findings the reports print (table errors, JSON, SARIF results, Markdown,
 * issues) for each probe's bad answer: what is wrong, where, and how to fix it.
 */
describe('what the reports show of each probe', () => {
  const WORKFLOW = '.github/workflows/ci.yml';
  const steps = (...body: string[]) => ({ [WORKFLOW]: lines('on: push', 'jobs:', '  a:', '    steps:', ...body) });
  const release = (...body: string[]) => ({ [WORKFLOW]: lines('on: release', 'jobs:', '  a:', '    steps:', ...body) });
  const weak = { requiredReviews: 0, dismissStaleReviews: false, requireCodeOwnerReviews: false, requiredStatusChecks: true, enforceAdmins: false, allowForcePushes: true, allowDeletions: false };
  const at = (line: number, message: string, fix: string): PostureFinding => ({ file: WORKFLOW, line, message, fix });

  const repoCases: [RepoProbeId, RepoFacts, ProbeOutcome, PostureFinding[]][] = [
    [
      'hasDependabotConfig',
      repoFacts(),
      'false',
      [{ message: 'no .github/dependabot.yml', fix: 'Add .github/dependabot.yml with one `updates` entry per ecosystem the repository uses (`chainwatch fix dependency-update-tool` writes one).' }],
    ],
    ['hasRenovateConfig', repoFacts({ 'renovate.json': '{"enabled": false}' }), 'false', [{ file: 'renovate.json', message: 'renovate.json disables Renovate ("enabled": false)', fix: 'remove `"enabled": false` or rely on Dependabot' }]],
    [
      'dependencyUpdateCoversEcosystems',
      repoFacts({ 'pyproject.toml': '' }),
      'false',
      [{ file: '.github/dependabot.yml', message: 'pip is used (pyproject.toml) but no Dependabot or Renovate config updates it', fix: 'add to .github/dependabot.yml: - package-ecosystem: "pip"  directory: "/"  schedule: { interval: "weekly" }' }],
    ],
    ['hasDependabotAlerts', repoFacts({}, { dependabotAlerts: known(false) }), 'false', [{ message: 'Dependabot alerts are turned off', fix: 'Settings → Code security → enable Dependabot alerts (and security updates).' }]],
    [
      'dependencyUpdatesGetMerged',
      repoFacts({}, { pullRequests: known(botPullRequests({ merged: 1, stale: 5, fresh: 3 }, '2026-09-01T00:00:00Z')) }),
      'false',
      [{ message: '5 update pull request(s) went stale while 1 were merged (of 9 opened)', fix: 'Group updates (Dependabot `groups:`), auto-merge patch updates that pass CI, and close what will never be merged.' }],
    ],
    [
      'hasSecurityPolicy',
      repoFacts(),
      'false',
      [{ message: 'no SECURITY.md in the root, .github/ or docs/', fix: "Add SECURITY.md saying how to report a vulnerability privately, or keep one in the org's `.github` repository for every repo." }],
    ],
    [
      'securityPolicyExplainsReporting',
      repoFacts({ 'SECURITY.md': 'We support 2.x.' }),
      'false',
      [
        {
          file: 'SECURITY.md',
          message: 'SECURITY.md does not say how to report a vulnerability (no contact address or link)',
          fix: 'Say where to report: a security@ address, GitHub private vulnerability reporting (Security → Report a vulnerability), or a link to the process.',
        },
      ],
    ],
    [
      'inheritsOrgSecurityPolicy',
      repoFacts({}, { orgSecurityPolicy: known(null) }),
      'false',
      [{ message: "the org's `.github` repository has no SECURITY.md", fix: "Add SECURITY.md to the org's public `.github` repository (root, .github/ or docs/)." }],
    ],
    [
      'hasPrivateVulnerabilityReporting',
      repoFacts({}, { privateVulnerabilityReporting: known(false) }),
      'false',
      [{ message: 'private vulnerability reporting is off', fix: 'Settings → Code security → Private vulnerability reporting → Enable (or enable it for all repositories at the org level).' }],
    ],
    [
      'githubOwnedActionsPinnedBySha',
      repoFacts(steps('      - uses: actions/checkout@v4')),
      'false',
      [{ ...at(5, 'GitHub-owned action `actions/checkout@v4` is not pinned to a full commit SHA', 'use `actions/checkout@<40-character commit SHA> # v4` (chainwatch fix pinned-actions)'), action: 'actions/checkout' }],
    ],
    [
      'thirdPartyActionsPinnedBySha',
      repoFacts(steps('      - uses: octo/tool@v1')),
      'false',
      [{ ...at(5, 'third-party action `octo/tool@v1` is not pinned to a full commit SHA', 'use `octo/tool@<40-character commit SHA> # v1` (chainwatch fix pinned-actions)'), action: 'octo/tool' }],
    ],
    ['dockerImagesPinnedByDigest', repoFacts(steps('      - uses: docker://alpine:3')), 'false', [{ ...at(5, 'docker image `docker://alpine:3` is not pinned by digest', 'use `docker://alpine@sha256:<digest>`'), package: 'alpine' }]],
    [
      'workflowsDeclareTopLevelPermissions',
      repoFacts(steps('      - run: make')),
      'false',
      [at(2, 'no top-level `permissions:`; job(s) a run with the default token permissions', 'Add `permissions: {}` (or `contents: read`) at the top of the workflow, and grant write scopes on the jobs that need them.')],
    ],
    [
      'topLevelPermissionsReadOnly',
      repoFacts({ [WORKFLOW]: lines('on: push', 'permissions:', '  contents: write', 'jobs: {}') }),
      'false',
      [at(3, 'top-level `contents: write` applies to every job', 'Make the top level `permissions: {}` or `contents: read`, and move each write scope to the job that needs it.')],
    ],
    [
      'writePermissionsOnlyOnJobsThatNeedThem',
      repoFacts({ [WORKFLOW]: lines('on: push', 'permissions: {}', 'jobs:', '  a:', '    permissions:', '      issues: write', '    steps:', '      - run: make') }),
      'false',
      [at(6, 'job a has `issues: write` but none of its steps needs it', 'remove `issues: write` from job a')],
    ],
    [
      'hasDangerousTrigger',
      repoFacts({ [WORKFLOW]: lines('on: pull_request_target', 'jobs:', '  a:', '    steps:', '      - run: gh pr checkout 1') }),
      'true',
      [
        at(
          5,
          "`pull_request_target` workflow .github/workflows/ci.yml (job a) runs `gh pr checkout 1`: the pull request's untrusted head runs with a write token and secrets",
          'Build and test untrusted code under `pull_request`; in the privileged workflow use only the base branch, or read artifacts as data, never check out the head.',
        ),
      ],
    ],
    [
      'expandsUntrustedInputInRun',
      repoFacts({ [WORKFLOW]: lines('on: issues', 'jobs:', '  a:', '    steps:', '      - run: echo ${{ github.event.issue.title }}') }),
      'true',
      [
        at(
          5,
          '`run:` in job a expands `${{ github.event.issue.title }}`: github.event.issue.title is attacker-controlled',
          'Pass the value through an environment variable (`env: TITLE: ${{ github.event.issue.title }}`) and use "$TITLE" in the script.',
        ),
      ],
    ],
    // Publishing is not a problem in itself: the probe only tells trusted-publishing whether it applies.
    ['publishesToPypi', repoFacts(release('      - run: twine upload dist/*')), 'true', []],
    ['publishesToNpm', repoFacts(release('      - run: npm publish')), 'true', []],
    [
      'usesTrustedPublishing',
      repoFacts(release('      - run: twine upload dist/*')),
      'false',
      [
        at(
          5,
          'job a publishes to PyPI (twine upload) without `id-token: write`, so it cannot use trusted publishing; its credentials come from somewhere this check cannot see',
          'Configure a trusted publisher on PyPI for this workflow, give job a `permissions: id-token: write`.',
        ),
      ],
    ],
    [
      'usesLongLivedRegistryToken',
      repoFacts(release('      - run: npm publish', '        env:', '          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}')),
      'true',
      [at(7, 'env NODE_AUTH_TOKEN is set from secrets.NPM_TOKEN, a long-lived registry credential', 'Move publishing to trusted publishing (OIDC) and delete the token secret from the repository and org settings.')],
    ],
    [
      'hasBranchProtection',
      repoFacts({}, { branchProtection: known({ branch: 'main', classic: null, rulesets: [] }) }),
      'false',
      [
        {
          message: 'default branch main has no branch protection and no active ruleset',
          fix: 'Add a ruleset (Settings → Rules) targeting the default branch: require a pull request with one approval and block force pushes and deletion.',
        },
      ],
    ],
    [
      'branchProtectionRequiresReview',
      repoFacts({}, { branchProtection: known({ branch: 'main', classic: weak, rulesets: [] }) }),
      'false',
      [{ message: 'default branch main is protected but merges need no approving review', fix: 'Require a pull request with at least one approval (ruleset rule "Require a pull request before merging").' }],
    ],
    [
      'branchProtectionBlocksForcePush',
      repoFacts({}, { branchProtection: known({ branch: 'main', classic: weak, rulesets: [] }) }),
      'false',
      [{ message: 'force pushes to main are allowed', fix: 'Block force pushes (classic: leave "Allow force pushes" off; ruleset: "Block force pushes").' }],
    ],
    [
      'hasRecentCommits',
      repoFacts({}, { commits: known([{ sha: 'a', date: '2026-05-01T00:00:00Z', author: 'x' }]) }),
      'false',
      [
        {
          message: 'last commit 2026-05-01, 123 days ago',
          fix: 'If the project is maintained, nothing to do but keep going; if it is finished, say so in the README and keep releases and advisories current; if it is abandoned, archive it.',
        },
      ],
    ],
    ['hasRecentRelease', repoFacts({}, { releases: known([{ tag: 'v1', date: '2024-01-01T00:00:00Z' }]) }), 'false', [{ message: 'last release v1 on 2024-01-01, 974 days ago', fix: 'Cut a release when fixes land (and tag it).' }]],
    // Never having released is not a problem by itself: maintained reads it to tell finished from abandoned.
    ['hasReleases', repoFacts({}, { releases: known([]) }), 'false', []],
    ['isArchived', repoFacts({}, { archived: known(true) }), 'true', [{ message: 'the repository is archived', fix: 'Tell users (README, package metadata) what replaces it, or unarchive it if it is still shipped.' }]],
    ['hasOpenAdvisories', repoFacts({}, { openAdvisories: known(1) }), 'true', [{ message: '1 open security advisory', fix: 'Fix and publish the advisories, or archive the repository and say what replaces it.' }]],
    [
      'hasBestPracticesBadge',
      repoFacts({}, { bestPracticesBadge: known('none') }),
      'false',
      [{ message: 'no OpenSSF Best Practices badge', fix: 'Register the project at the OpenSSF Best Practices site and complete the passing criteria.' }],
    ],
  ];

  const orgCases: [OrgProbeId, OrgFacts, ProbeOutcome, PostureFinding[]][] = [
    ['requiresTwoFactor', orgFacts({ twoFactorRequired: known(false) }), 'false', [{ message: 'example does not require two-factor authentication', fix: 'Org settings → Authentication security → Require two-factor authentication.' }]],
    [
      'defaultWorkflowPermissionsReadOnly',
      orgFacts({ defaultWorkflowPermissions: known('write') }),
      'false',
      [{ message: 'example gives workflows a read-write GITHUB_TOKEN by default', fix: 'Org settings → Actions → General → Workflow permissions → Read repository contents and packages permissions.' }],
    ],
    [
      'hasInactiveAdmins',
      orgFacts({ members: known([{ login: 'idle-owner', role: 'admin', lastActivity: known('2025-01-01T00:00:00Z') }]) }),
      'true',
      [{ message: 'admin idle-owner: last activity 2025-01-01, 608 days ago', fix: 'Remove the owner role from idle accounts (or remove them from the org).' }],
    ],
    [
      'hasInactiveMembers',
      orgFacts({ members: known([{ login: 'idle-member', role: 'member', lastActivity: known('2026-01-01T00:00:00Z') }]) }),
      'true',
      [{ message: 'member idle-member: last activity 2026-01-01, 243 days ago', fix: 'Remove idle members, or move them to a team without write access.' }],
    ],
    [
      'hasOutsideCollaborators',
      orgFacts({ outsideCollaborators: known(['octocat']) }),
      'true',
      [{ message: 'outside collaborator octocat', fix: 'Review the list: convert regular contributors to members, remove the ones who no longer need access.' }],
    ],
  ];

  it('has a case for every probe', () => {
    expect(repoCases.map(([id]) => id).sort()).toEqual(Object.keys(REPO_PROBES).sort());
    expect(orgCases.map(([id]) => id).sort()).toEqual(Object.keys(ORG_PROBES).sort());
  });

  it.each(repoCases)('%s', (id, facts, outcome, findings) => {
    const answer = REPO_PROBES[id].run(facts, context);
    expect([answer.probe, answer.outcome, answer.findings]).toEqual([id, outcome, findings]);
  });

  it.each(orgCases)('%s', (id, facts, outcome, findings) => {
    const answer = ORG_PROBES[id].run(facts, context);
    expect([answer.probe, answer.outcome, answer.findings]).toEqual([id, outcome, findings]);
  });
});
