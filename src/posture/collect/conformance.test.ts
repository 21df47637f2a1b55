/**
 * Both collectors on the same small repositories, generated here: each is a
 * real git checkout on disk and the same files, commits and tags served by
 * the fake GitHub (test/fake-github). The facts a checkout can hold must be
 * equal; the API-only ones are unavailable locally, and that is asserted too.
 * The repositories carry the files the two collectors used to disagree on.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { syntheticRepo } from '../../../test/fake-github/fixtures.js';
import { fakeFile, staticOrg, type FakeCommit, type FakeRelease, type FakeRepo } from '../../../test/fake-github/model.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { evaluateRepo } from '../checks/index.js';
import type { RepoFacts } from '../types.js';
import type { OrgCollection, PostureCollector } from './collector.js';
import { expectApiOnlyFactsUnavailableLocally, expectOrgFactsUnavailableLocally, factDifferences, pairRepositories, withApiOnlyFactsHidden } from './conformance.fixture.js';
import { createGithubCollector } from './github.js';
import { createLocalCollector } from './local.js';
import { MAX_POSTURE_FILE_BYTES, MAX_POSTURE_FILES } from './posture-files.js';

const TOKEN = 'ghp_Conformance0Suite1Token2abcdefghijkl';
const NOW = '2026-09-01T00:00:00Z';

interface CommitSpec {
  /** Committer date (what GitHub calls committedDate), with an offset as git writes it. */
  date: string;
  /** Author date, when it differs (a rebased commit). */
  authorDate?: string;
  files: Record<string, string>;
  /** A lightweight tag on this commit. */
  tag?: string;
}

interface RepoSpec {
  name: string;
  /** Oldest first. */
  commits: CommitSpec[];
}

const workflow = (name: string) => `name: ${name}\non: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make test\n`;

/** The files only one collector or the other used to read (posture-files.test.ts has the whole table). */
const ONCE_DISPUTED = {
  'tools/setup-env/action.yml': 'runs:\n  using: composite\n  steps:\n    - uses: actions/setup-python@v5\n',
  Containerfile: 'FROM registry.example.test/base:1\n',
  'build.Dockerfile': 'FROM registry.example.test/builder:2\n',
  'requirements-dev.in': 'pytest\n',
  'go.mod': 'module example.test/widget\n\ngo 1.22\n',
  'docker-compose.yml': 'services:\n  app:\n    build: .\n',
  '.pre-commit-config.yaml': 'repos: []\n',
  'vendor/lib/package.json': '{"name": "vendored"}\n',
};

const SPECS: RepoSpec[] = [
  {
    name: 'widget',
    commits: [
      {
        date: '2026-03-01T10:00:00+00:00',
        tag: 'v1.0.0',
        files: {
          '.github/workflows/ci.yml': workflow('ci'),
          '.github/workflows/scripts/not-a-workflow.yml': 'x: 1\n',
          '.github/dependabot.yml': 'version: 2\nupdates:\n  - package-ecosystem: github-actions\n    directory: /\n    schedule: { interval: weekly }\n',
          'package.json': '{"name": "widget", "dependencies": {"left-pad": "1.3.0"}}\n',
          'SECURITY.md': 'Report vulnerabilities to security@example.test.\n',
          'README.md': '# widget\n',
          'src/main.go': 'package main\n',
        },
      },
      // Written in May, committed (rebased) in June: both sources say June, in UTC.
      { date: '2026-06-15T10:30:00+02:00', authorDate: '2026-05-20T09:00:00+00:00', files: ONCE_DISPUTED },
      {
        date: '2026-08-20T18:45:00-07:00',
        tag: 'v1.1.0',
        files: { '.github/workflows/huge.yml': `on: push\n${'#'.repeat(MAX_POSTURE_FILE_BYTES)}\n`, '.github/workflows/release.yaml': workflow('release') },
      },
    ],
  },
  { name: 'inherits', commits: [{ date: '2026-07-01T12:00:00+00:00', files: { '.github/workflows/ci.yml': workflow('ci'), 'pyproject.toml': '[project]\nname = "inherits"\n' } }] },
  {
    name: '.github',
    commits: [{ date: '2026-01-05T08:00:00+00:00', files: { '.github/SECURITY.md': 'Report vulnerabilities privately through GitHub.\n', 'profile/README.md': '# acme\n' } }],
  },
  { name: 'empty', commits: [] },
  {
    name: 'monorepo',
    commits: [
      {
        date: '2026-05-05T05:05:05+00:00',
        files: {
          '.github/workflows/ci.yml': workflow('ci'),
          'package.json': '{"private": true, "workspaces": ["packages/*"]}\n',
          ...Object.fromEntries(Array.from({ length: MAX_POSTURE_FILES + 10 }, (_, index) => [`packages/p${String(index).padStart(3, '0')}/package.json`, `{"name": "p${index}"}\n`])),
        },
      },
    ],
  },
];

let scratch: string;

/** git with a fixed identity and no user configuration (no signing, no hooks). */
function git(root: string, args: string[], dates: { committer?: string; author?: string } = {}): string {
  return execFileSync('git', ['-C', root, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.test', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    env: { PATH: process.env.PATH, HOME: scratch, GIT_CONFIG_NOSYSTEM: '1', ...(dates.committer ? { GIT_COMMITTER_DATE: dates.committer, GIT_AUTHOR_DATE: dates.author ?? dates.committer } : {}) },
    encoding: 'utf8',
  });
}

/** The checkout of `spec` under `<root>/acme/`, and the same repository as the fake holds it. */
function build(root: string, spec: RepoSpec): FakeRepo {
  const dir = join(root, 'acme', spec.name);
  mkdirSync(dir, { recursive: true });
  git(dir, ['init', '-q', '-b', 'main']);
  const files = new Map<string, string>();
  const commits: FakeCommit[] = [];
  const releases: FakeRelease[] = [];
  for (const commit of spec.commits) {
    for (const [path, text] of Object.entries(commit.files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
      files.set(path, text);
    }
    git(dir, ['add', '-A']);
    git(dir, ['commit', '-q', '-m', `change of ${commit.date}`], { committer: commit.date, ...(commit.authorDate ? { author: commit.authorDate } : {}) });
    const sha = git(dir, ['rev-parse', 'HEAD']).trim();
    commits.unshift({ sha, date: commit.date, author: 'Ada', verified: false });
    if (commit.tag) {
      git(dir, ['tag', commit.tag]);
      releases.unshift({ tag: commit.tag, date: commit.date });
    }
  }
  if (spec.commits.length > 0) {
    // As a clone records it: the remote's default branch.
    git(dir, ['remote', 'add', 'origin', `https://github.com/acme/${spec.name}.git`]);
    git(dir, ['update-ref', 'refs/remotes/origin/main', 'HEAD']);
    git(dir, ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main']);
  }
  return syntheticRepo('acme', spec.name, {
    files: [...files].map(([path, text]) => fakeFile(path, text)).sort((a, b) => (a.path < b.path ? -1 : 1)),
    commits,
    releases,
    dependabotAlerts: spec.commits.length === 0 ? { state: 'disabled' } : { state: 'enabled', open: [] },
  });
}

describe('both collectors on the same generated repositories give the same facts', () => {
  let fake: FakeGithub;
  let root: string;
  let api: OrgCollection;
  let local: OrgCollection;
  const collectors: Record<string, () => PostureCollector> = {};

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'chainwatch-conformance-'));
    root = join(scratch, 'checkouts');
    const repos = SPECS.map((spec) => build(root, spec));
    fake = await startFakeGithub({
      orgs: [staticOrg({ login: 'acme', databaseId: 7001, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, repos)],
      tokens: { [TOKEN]: 'octocat' },
    });
    collectors.api = () => createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock: fixedClock(NOW), sleep: async () => {} });
    collectors.local = () => createLocalCollector({ root });
    api = await collectors.api!().collectOrg('acme');
    local = await collectors.local!().collectOrg('acme');
  });

  afterAll(async () => {
    await fake?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('both implement the one collector interface and list the same repositories, the .github one included', () => {
    expect([collectors.api!().source, collectors.local!().source]).toEqual(['api', 'local']);
    expect(pairRepositories(api, local).map(([repo]) => repo.repo).sort()).toEqual(['acme/.github', 'acme/empty', 'acme/inherits', 'acme/monorepo', 'acme/widget']);
  });

  it('agree on every fact a checkout holds: paths, file texts, history, default branch, the inherited policy', () => {
    const differences = pairRepositories(api, local).flatMap(([fromApi, fromCheckout]) => factDifferences(fromApi, fromCheckout));
    expect(differences).toEqual([]);
  });

  it('read the files they once disagreed on, and leave out the same ones', () => {
    const widget = (collection: OrgCollection): RepoFacts => collection.repos.find((repo) => repo.repo === 'acme/widget')!;
    for (const facts of [widget(api), widget(local)]) {
      const read = facts.files.map((file) => file.path);
      expect(read).toEqual(expect.arrayContaining(Object.keys(ONCE_DISPUTED)));
      expect(read).not.toContain('.github/workflows/huge.yml');
      expect(read).not.toContain('.github/workflows/scripts/not-a-workflow.yml');
      expect(facts.paths.available && facts.paths.value).toContain('.github/workflows/huge.yml');
    }
    const monorepo = (collection: OrgCollection): RepoFacts => collection.repos.find((repo) => repo.repo === 'acme/monorepo')!;
    expect([monorepo(api).files.length, monorepo(local).files.length]).toEqual([MAX_POSTURE_FILES, MAX_POSTURE_FILES]);
  });

  it('date commits by when they were committed, in UTC', () => {
    for (const collection of [api, local]) {
      const commits = collection.repos.find((repo) => repo.repo === 'acme/widget')!.commits;
      expect(commits.available && commits.value.map((commit) => commit.date)).toEqual(['2026-08-21T01:45:00.000Z', '2026-06-15T08:30:00.000Z', '2026-03-01T10:00:00.000Z']);
    }
  });

  it('the API-only facts: known from the API, unavailable from a checkout, saying it needs the API', () => {
    for (const [fromApi, fromCheckout] of pairRepositories(api, local)) {
      expectApiOnlyFactsUnavailableLocally(fromCheckout);
      if (fromApi.repo === 'acme/empty') continue;
      // The fake holds every one of them except the badge (no Best Practices client given) and, without workflows, the secrets.
      expect([fromApi.repo, fromApi.archived, fromApi.fork, fromApi.privateVulnerabilityReporting, fromApi.dependabotAlerts, fromApi.openAdvisories, fromApi.pullRequests]).toEqual([
        fromApi.repo,
        { available: true, value: false },
        { available: true, value: false },
        { available: true, value: false },
        { available: true, value: true },
        { available: true, value: 0 },
        { available: true, value: [] },
      ]);
      expect(fromApi.branchProtection.available).toBe(true);
      expect(fromApi.bestPracticesBadge.available).toBe(false);
    }
    expect(api.repos.find((repo) => repo.repo === 'acme/widget')!.secretNames).toEqual({ available: true, value: [] });
    expectOrgFactsUnavailableLocally(local.org);
    expect(api.org.twoFactorRequired).toEqual({ available: true, value: true });
  });

  it('so every check scores a repository the same from either source, given what a checkout can know', () => {
    const evaluation = { clock: fixedClock(NOW) };
    for (const [fromApi, fromCheckout] of pairRepositories(api, local)) {
      expect(evaluateRepo(withApiOnlyFactsHidden(fromApi), evaluation)).toEqual(evaluateRepo(fromCheckout, evaluation));
    }
  });

  it('one repository asked for by name gives what the organisation listing gave', async () => {
    for (const source of ['api', 'local'] as const) {
      const alone = await collectors[source]!().collectRepo('acme', 'inherits');
      expect(alone).toEqual((source === 'api' ? api : local).repos.find((repo) => repo.repo === 'acme/inherits'));
    }
  });
});
