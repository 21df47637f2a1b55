/** `chainwatch fix` in-process: diffs for the shared checkouts, --apply and --issue on an in-memory GitHub, the read side on the fake server. */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-harness.js';
import { FIXTURE_NOW, fixtureOrgs, SHARED_PROJECTS, syntheticRepo } from '../../../test/fake-github/fixtures.js';
import { sha1, staticOrg } from '../../../test/fake-github/model.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { fixedClock } from '../../core/clock.js';
import { memoryGithub } from '../../posture/fix/memory-github.fixture.js';
import type { ActionRefResolver } from '../../posture/fix/pin-actions.js';
import { captureIo, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runFix, type FixCommandOptions } from './fix.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const TOKEN = 'ghp_Tq4Rm8Xc2Vb6Nz9Lk1Jh5Gf3Ds7Aa4Ss1Dd8';
const clock = fixedClock(FIXTURE_NOW);
const dir = useTemporaryDirectory(beforeEach, afterEach);
const NBCONVERT = join(SHARED_PROJECTS, 'jupyter/nbconvert');

function io(env: NodeJS.ProcessEnv = {}) {
  const captured = captureIo(dir.path);
  captured.env = { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), ...env };
  return captured;
}

function options(overrides: Partial<FixCommandOptions>): FixCommandOptions {
  return { repo: [], org: [], local: [], ...overrides };
}

/** A copy of a shared checkout as a git repository, to apply what the command printed. */
function applyInCopy(source: string, diff: string): string {
  const copy = join(dir.path, 'checkout');
  cpSync(source, copy, { recursive: true });
  execFileSync('git', ['init', '-q'], { cwd: copy });
  execFileSync('git', ['apply', '--check', '-'], { cwd: copy, input: diff, stdio: ['pipe', 'pipe', 'pipe'] });
  execFileSync('git', ['apply', '-'], { cwd: copy, input: diff, stdio: ['pipe', 'pipe', 'pipe'] });
  return copy;
}

const resolver: ActionRefResolver = {
  async resolve(owner, repo, ref) {
    return owner === 'actions' ? { resolved: true, sha: `${ref.replace(/\D/g, '')}`.padEnd(40, 'a') } : { resolved: false, reason: 'not in this test' };
  },
};

describeWithSharedData('chainwatch fix (diffs)', () => {
  it('dependency-update-tool prints the dependabot.yml patch for jupyter/nbconvert, and git applies it', async () => {
    const captured = io();
    expect(await runFix(captured, 'dependency-update-tool', options({ local: [NBCONVERT] }), { clock })).toBe(0);
    const diff = captured.out();
    expect(diff.split('\n').slice(0, 8)).toEqual([
      'diff --git a/.github/dependabot.yml b/.github/dependabot.yml',
      '--- a/.github/dependabot.yml',
      '+++ b/.github/dependabot.yml',
      // The file has 12 lines; the pip entry is appended after the last one.
      '@@ -10,3 +10,13 @@',
      '       actions:',
      '         patterns:',
      '           - "*"',
      '+  - package-ecosystem: "pip"',
    ]);
    const copy = applyInCopy(NBCONVERT, diff);
    expect(readFileSync(join(copy, '.github/dependabot.yml'), 'utf8')).toContain('  - package-ecosystem: "pip"\n    directory: "/"\n');
    expect(captured.err()).toBe('');
  });

  it('token-permissions for every workflow of jupyter/nbconvert; notes for review on stderr', async () => {
    const captured = io();
    expect(await runFix(captured, 'token-permissions', options({ local: [NBCONVERT] }), { clock })).toBe(0);
    expect(captured.out().match(/^diff --git /gm)).toHaveLength(5);
    applyInCopy(NBCONVERT, captured.out());
    expect(captured.err().split('\n').filter(Boolean)).toEqual([
      'chainwatch: jupyter/nbconvert: review: job generate-docs now gets contents: read only (before: the repository default); give a job its own permissions: block if it writes (.github/workflows/docs.yml:12)',
      expect.stringMatching(/^chainwatch: jupyter\/nbconvert: review: jobs run-tests, .*\(\.github\/workflows\/tests\.yml:18\)$/),
    ]);
  });

  it('pinned-actions without a token, nothing pinned in the checkouts: no patch, every tag named, exit 2', async () => {
    const captured = io();
    expect(await runFix(captured, 'pinned-actions', options({ local: [NBCONVERT] }), { clock })).toBe(2);
    expect(captured.out()).toBe('');
    const lines = captured.err().split('\n').filter(Boolean);
    // 34 references to 14 distinct actions (grep of nbconvert's workflows): one line per action, the verdict, then what needs a token.
    expect(lines).toHaveLength(16);
    expect(lines[0]).toBe(
      'chainwatch: jupyter/nbconvert: unresolved: actions/checkout@v6: no checkout read pins it (`@<sha> # v6`); no GH_TOKEN or GITHUB_TOKEN in the environment: tags cannot be resolved to commit SHAs; left as they are (.github/workflows/docs.yml:20, .github/workflows/tests.yml:34, .github/workflows/tests.yml:75 and 7 more)',
    );
    expect(lines[14]).toBe('chainwatch: jupyter/nbconvert: nothing to change for pinned-actions');
    // Six repositories' tags (the 14 actions are paths inside them), each named once.
    expect(lines[15]).toBe(
      'chainwatch: 6 tags no checkout pins need a GitHub token (GH_TOKEN or GITHUB_TOKEN) to resolve: actions/checkout@v6, jupyterlab/maintainer-tools@v1, actions/upload-artifact@v7, jupyter-server/jupyter_releaser@v2, actions/create-github-app-token@v3, jupyter-server/jupyter-releaser@v2',
    );
  });

  it('pinned-actions with a resolver: the resolved ones are pinned and the patch applies', async () => {
    const captured = io();
    await runFix(captured, 'pinned-actions', options({ local: [NBCONVERT] }), { clock, refResolver: resolver });
    const copy = applyInCopy(NBCONVERT, captured.out());
    expect(readFileSync(join(copy, '.github/workflows/docs.yml'), 'utf8').split('\n')[19]).toBe(`        uses: actions/checkout@${'6'.padEnd(40, 'a')} # v6`);
  });

  it('several repositories: each diff under a # owner/name line', async () => {
    const captured = io();
    await runFix(captured, 'dependency-update-tool', options({ local: [join(SHARED_PROJECTS, 'jupyter')] }), { clock });
    expect(captured.out().match(/^# .*$/gm)).toEqual(['# jupyter/nbconvert', '# jupyter/notebook']);
  });

  it.each([
    [['fix', 'security-policy', '--local', NBCONVERT], /no automatic fix for security-policy \(fixes exist for dependency-update-tool, pinned-actions, token-permissions\)/],
    [['fix', 'org-two-factor', '--local', NBCONVERT], /expected a repository check/],
    [['fix', 'pinned-actions'], /nothing to fix/],
    [['fix', 'pinned-actions', '--local', NBCONVERT, '--apply'], /--apply and --issue write to GitHub: no GH_TOKEN or GITHUB_TOKEN/],
    [['fix', 'pinned-actions', '--repo', 'not a repo'], /expected owner\/name/],
  ])('%j exits 2', async (argv, message) => {
    const run = await runCli(argv, { env: { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite') } });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});

describeWithSharedData('chainwatch fix --apply and --issue (in-memory GitHub)', () => {
  function nbconvertOnGithub() {
    const files: Record<string, string> = {};
    for (const name of ['docs.yml', 'enforce-label.yml', 'prep-release.yml', 'publish-release.yml', 'tests.yml']) {
      files[`.github/workflows/${name}`] = readFileSync(join(NBCONVERT, '.github/workflows', name), 'utf8');
    }
    files['.github/dependabot.yml'] = readFileSync(join(NBCONVERT, '.github/dependabot.yml'), 'utf8');
    return memoryGithub({ 'jupyter/nbconvert': { files } });
  }

  it('--apply opens one pull request, and refreshes it on the next run', async () => {
    const github = nbconvertOnGithub();
    const dependencies = { clock, githubWrites: () => github };
    const first = io({ GH_TOKEN: TOKEN });
    expect(await runFix(first, 'token-permissions', options({ local: [NBCONVERT], apply: true }), dependencies)).toBe(0);
    expect(first.out()).toBe('jupyter/nbconvert: pull request #1 created: https://github.test/jupyter/nbconvert/pull/1\n');
    const second = io({ GH_TOKEN: TOKEN });
    await runFix(second, 'token-permissions', options({ local: [NBCONVERT], apply: true }), dependencies);
    expect(second.out()).toBe('jupyter/nbconvert: pull request #1 updated: https://github.test/jupyter/nbconvert/pull/1\n');
    expect(github.pulls('jupyter/nbconvert')).toHaveLength(1);
    expect(github.filesOn('jupyter/nbconvert', 'chainwatch/fix-token-permissions')['.github/workflows/docs.yml']).toContain('permissions:\n  contents: read\n\njobs:');
  });

  it('--issue opens one issue with the patch, leaves it on the next run, closes it once waived', async () => {
    const github = nbconvertOnGithub();
    const dependencies = { clock, githubWrites: () => github };
    const first = io({ GH_TOKEN: TOKEN });
    await runFix(first, 'dependency-update-tool', options({ local: [NBCONVERT], issue: true }), dependencies);
    expect(first.out()).toBe('jupyter/nbconvert: issue #1 opened: https://github.test/jupyter/nbconvert/issues/1\n');
    expect(github.issues('jupyter/nbconvert')[0]!.body).toContain('```diff\ndiff --git a/.github/dependabot.yml b/.github/dependabot.yml');
    const second = io({ GH_TOKEN: TOKEN });
    await runFix(second, 'dependency-update-tool', options({ local: [NBCONVERT], issue: true }), dependencies);
    expect(second.out()).toBe('jupyter/nbconvert: issue #1 unchanged: https://github.test/jupyter/nbconvert/issues/1\n');
    const waivers = join(dir.path, 'waivers.yaml');
    writeFileSync(waivers, '- { repo: jupyter/nbconvert, check: dependency-update-tool, reason: hatch pins pip, approved-by: council, expires: 2027-01-01 }\n');
    const third = io({ GH_TOKEN: TOKEN });
    await runFix(third, 'dependency-update-tool', options({ local: [NBCONVERT], issue: true, waivers }), dependencies);
    expect(third.out()).toBe('jupyter/nbconvert: issue #1 closed: https://github.test/jupyter/nbconvert/issues/1\n');
    expect(github.issues('jupyter/nbconvert')).toHaveLength(1);
  });

  it('--issue works for checks without an automatic fix, and leaves API-only unknowns alone', async () => {
    const github = nbconvertOnGithub();
    const captured = io({ GH_TOKEN: TOKEN });
    await runFix(captured, 'private-vulnerability-reporting', options({ local: [NBCONVERT], issue: true }), { clock, githubWrites: () => github });
    expect(captured.out()).toMatch(/^jupyter\/nbconvert: issue left as it is \(private-vulnerability-reporting is not-available: /);
    expect(github.writes).toEqual([]);
  });

  it('a write GitHub refuses: that repository fails (exit 1), with the reason', async () => {
    const github = nbconvertOnGithub();
    github.createIssue = async () => {
      throw new Error('403 Resource not accessible by integration');
    };
    const captured = io({ GH_TOKEN: TOKEN });
    expect(await runFix(captured, 'pinned-actions', options({ local: [NBCONVERT], issue: true }), { clock, githubWrites: () => github })).toBe(1);
    expect(captured.err()).toContain('chainwatch: jupyter/nbconvert: 403 Resource not accessible by integration');
  });
});

describeWithSharedData('chainwatch fix --repo (fake GitHub server)', () => {
  let server: FakeGithub;
  beforeAll(async () => {
    // An `actions` organisation whose checkout repository has a v6 release: the fake serves its tag.
    const actions = staticOrg({ login: 'actions', databaseId: 424242, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, [
      syntheticRepo('actions', 'checkout', { releases: [{ tag: 'v6', date: '2026-01-01T00:00:00Z' }] }),
    ]);
    server = await startFakeGithub({ orgs: [...fixtureOrgs(), actions], tokens: { [TOKEN]: 'council-bot' } });
  });
  afterAll(async () => server.close());

  it('reads the repository through the API and prints the patch; the token is never printed', async () => {
    const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url });
    expect(await runFix(captured, 'dependency-update-tool', options({ repo: ['jupyter/nbconvert'] }), { clock })).toBe(0);
    expect(captured.out().split('\n')[0]).toBe('diff --git a/.github/dependabot.yml b/.github/dependabot.yml');
    applyInCopy(NBCONVERT, captured.out());
    expect(`${captured.out()}${captured.err()}`).not.toContain(TOKEN);
  });

  it('pinned-actions resolves the tags the API knows through the git refs API, and names the others', async () => {
    const captured = io({ GH_TOKEN: TOKEN, GITHUB_API_URL: server.url });
    await runFix(captured, 'pinned-actions', options({ repo: ['jupyter/nbconvert'] }), { clock });
    // The fake answers a release tag with sha1("owner/name@tag") (test/fake-github/server.ts).
    const checkout = sha1('actions/checkout@v6');
    const copy = applyInCopy(NBCONVERT, captured.out());
    expect(readFileSync(join(copy, '.github/workflows/docs.yml'), 'utf8').split('\n')[19]).toBe(`        uses: actions/checkout@${checkout} # v6`);
    // actions/checkout@v6: docs.yml 1, tests.yml 9.
    expect(captured.out().match(new RegExp(`^\\+.*actions/checkout@${checkout} # v6$`, 'gm'))).toHaveLength(10);
    expect(captured.err()).toContain('chainwatch: jupyter/nbconvert: unresolved: actions/upload-artifact@v7: no tag or branch v7 in actions/upload-artifact (.github/workflows/docs.yml:41)');
    expect(`${captured.out()}${captured.err()}`).not.toContain(TOKEN);
    // Neither the HTTP cache (tag answers) nor the GitHub cache (collector) keeps the token.
    const caches = readdirSync(dir.path).filter((name) => /^(http|github-cache)\.sqlite/.test(name));
    expect(caches).toEqual(expect.arrayContaining(['http.sqlite', 'github-cache.sqlite']));
    for (const name of caches) expect(readFileSync(join(dir.path, name)).includes(TOKEN)).toBe(false);
  });
});

describe('chainwatch fix pinned-actions without a token (generated checkouts)', () => {
  const CHECKOUT_V4 = '11bd71901bbe5b1630ceea73d27597364c9af683';
  const SETUP_NODE_V4 = '39370e3970a6d050c480ffad4ff0ed4d3fdee5af';

  function checkout(org: string, name: string, workflow: string): string {
    const root = join(dir.path, 'checkouts', org, name);
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(root, '.github', 'workflows', 'ci.yml'), workflow);
    return root;
  }

  it('pins what another checkout already pins, notes it for review, names the rest as needing a token and exits 2', async () => {
    checkout(
      'acme',
      'pinned',
      [
        'on: push',
        'jobs:',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${CHECKOUT_V4} # v4`,
        `      - uses: "actions/setup-node@${SETUP_NODE_V4}" # tag=v4`,
        `      - uses: actions/cache@${'d'.repeat(40)}`,
        '',
      ].join('\n'),
    );
    checkout(
      'acme',
      'widget',
      ['on: push', 'jobs:', '  build:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - uses: actions/setup-node@v4', '      - uses: actions/cache@v4', '      - uses: actions/setup-python@v5', ''].join('\n'),
    );
    const captured = io();
    expect(await runFix(captured, 'pinned-actions', options({ local: [join(dir.path, 'checkouts', 'acme', 'widget'), join(dir.path, 'checkouts', 'acme', 'pinned')] }), { clock })).toBe(2);
    const after = captured.out().split('\n').filter((line) => line.startsWith('+ '));
    expect(after).toEqual([`+      - uses: actions/checkout@${CHECKOUT_V4} # v4`, `+      - uses: actions/setup-node@${SETUP_NODE_V4} # v4`]);
    const err = captured.err();
    expect(err).toContain(`chainwatch: acme/widget: review: actions/checkout@v4: pinned to ${CHECKOUT_V4} as acme/pinned .github/workflows/ci.yml:6 pins it, not checked with GitHub (the tag may have moved since)\n`);
    // A pin with no tag comment says nothing about v4.
    expect(err).toContain('chainwatch: acme/widget: unresolved: actions/cache@v4: no checkout read pins it (`@<sha> # v4`); no GH_TOKEN or GITHUB_TOKEN');
    expect(err).toMatch(/chainwatch: 2 tags no checkout pins need a GitHub token \(GH_TOKEN or GITHUB_TOKEN\) to resolve: actions\/cache@v4, actions\/setup-python@v5\n$/);
  });

  it('checkouts that pin one tag to different commits: neither is chosen', async () => {
    const pinnedTo = (sha: string) => ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', `      - uses: actions/checkout@${sha} # v4`, ''].join('\n');
    checkout('acme', 'one', pinnedTo(CHECKOUT_V4));
    checkout('acme', 'two', pinnedTo('e'.repeat(40)));
    checkout('acme', 'three', ['on: push', 'jobs:', '  a:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ''].join('\n'));
    const captured = io();
    expect(await runFix(captured, 'pinned-actions', options({ local: [join(dir.path, 'checkouts')] }), { clock })).toBe(2);
    expect(captured.out()).toBe('');
    expect(captured.err()).toContain(`acme/three: unresolved: actions/checkout@v4: the checkouts pin v4 to 2 different commits, ${CHECKOUT_V4.slice(0, 12)} (acme/one .github/workflows/ci.yml:6), eeeeeeeeeeee (acme/two .github/workflows/ci.yml:6); which is the tag's now needs GitHub`);
  });
});
