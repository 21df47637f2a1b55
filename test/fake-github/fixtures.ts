/**
 * The fake's data: the 12 real repositories under ../shared/data/projects
 * (files and git facts as they are), the settings GitHub would hold for them
 * (invented, listed in FIXTURE_SETTINGS so tests can read what is expected),
 * a few edge-case repositories, and generated organisations of any size.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  fakeFile,
  sha1,
  staticOrg,
  type FakeAdvisory,
  type FakeAlert,
  type FakeClassicProtection,
  type FakeCommit,
  type FakeDependabotAlerts,
  type FakeFile,
  type FakeMember,
  type FakeOrg,
  type FakePermission,
  type FakePullRequest,
  type FakeRelease,
  type FakeRepo,
  type FakeRuleset,
} from './model.js';
import { SHARED_PROJECTS } from '../shared-data.js';

export { SHARED_PROJECTS } from '../shared-data.js';

/** The date the fixtures' settings are written against (after the newest fixture commit). */
export const FIXTURE_NOW = '2026-08-25T00:00:00Z';

interface GitFacts {
  head: string;
  headDate: string;
  recentCommits: { sha: string; date: string; author: string; signature: string }[];
  tags: { name: string; date: string }[];
}

/** One real repository's files as the fake serves them (every fixture file but `.git-facts.json`). */
export function readProjectFiles(directory: string): FakeFile[] {
  const files: FakeFile[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(directory, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile() && child !== '.git-facts.json') files.push(fakeFile(child, readFileSync(path.join(directory, child))));
    }
  };
  walk('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Git's `%G?` signature status → GitHub's "Verified": `G` (good) and `E`
 * (signed, key not available to the machine that read the facts: GitHub's own
 * web-flow signature, which GitHub shows as verified) count as verified.
 */
export function verifiedFromSignature(signature: string): boolean {
  return signature === 'G' || signature === 'E';
}

function readGitFacts(directory: string): GitFacts | null {
  const file = path.join(directory, '.git-facts.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as GitFacts) : null;
}

/** What GitHub holds for a fixture repository beyond its files (invented; tests compare against these). */
export interface FixtureSettings {
  privateVulnerabilityReporting: boolean | 'not-found';
  dependabotAlerts: 'enabled' | 'disabled' | 'no-access';
  openAlerts: number;
  secrets: 'from-workflows' | 'no-access';
  classicProtection: FakeClassicProtection | null;
  rulesets: FakeRuleset[];
  viewerPermission: FakePermission;
  archived?: boolean;
  /** Open Dependabot PRs created this many days before FIXTURE_NOW. */
  openBotPullRequestAgesDays?: number[];
}

const REVIEWED: FakeClassicProtection = {
  requiredApprovingReviewCount: 1,
  dismissesStaleReviews: true,
  requiresCodeOwnerReviews: false,
  requiresStatusChecks: true,
  isAdminEnforced: false,
  allowsForcePushes: false,
  allowsDeletions: false,
};

const MAIN_RULESET: FakeRuleset = {
  databaseId: 4101,
  name: 'protect default branch',
  enforcement: 'ACTIVE',
  target: 'BRANCH',
  include: ['~DEFAULT_BRANCH'],
  exclude: [],
  rules: ['DELETION', 'NON_FAST_FORWARD', 'PULL_REQUEST'],
};

const RELEASE_RULESET: FakeRuleset = {
  databaseId: 4102,
  name: 'release branches',
  enforcement: 'ACTIVE',
  target: 'BRANCH',
  include: ['refs/heads/release/*'],
  exclude: [],
  rules: ['DELETION'],
};

const TAG_RULESET: FakeRuleset = {
  databaseId: 4103,
  name: 'tags',
  enforcement: 'ACTIVE',
  target: 'TAG',
  include: ['~ALL'],
  exclude: [],
  rules: ['DELETION'],
};

const EVALUATE_RULESET: FakeRuleset = {
  databaseId: 4104,
  name: 'trial: signed commits on main',
  enforcement: 'EVALUATE',
  target: 'BRANCH',
  include: ['refs/heads/main'],
  exclude: [],
  rules: ['REQUIRED_SIGNATURES'],
};

const DEFAULTS: FixtureSettings = {
  privateVulnerabilityReporting: false,
  dependabotAlerts: 'enabled',
  openAlerts: 0,
  secrets: 'from-workflows',
  classicProtection: null,
  rulesets: [],
  viewerPermission: 'ADMIN',
};

/** Settings per fixture repository (`owner/name`); anything unlisted takes DEFAULTS. */
export const FIXTURE_SETTINGS: Record<string, Partial<FixtureSettings>> = {
  'jupyter/nbformat': { privateVulnerabilityReporting: true, openAlerts: 1, classicProtection: REVIEWED, openBotPullRequestAgesDays: [45, 3] },
  'jupyter/jupyter_client': { rulesets: [MAIN_RULESET, RELEASE_RULESET, TAG_RULESET] },
  'jupyter/nbconvert': { privateVulnerabilityReporting: 'not-found', dependabotAlerts: 'disabled' },
  'jupyter/notebook': { privateVulnerabilityReporting: true, dependabotAlerts: 'no-access', secrets: 'no-access', viewerPermission: 'WRITE' },
  'jupyter/docker-stacks': { privateVulnerabilityReporting: true, openAlerts: 2, classicProtection: { ...REVIEWED, requiredApprovingReviewCount: 2, isAdminEnforced: true } },
  'jupyterlab/jupyterlab': { privateVulnerabilityReporting: true, classicProtection: REVIEWED, rulesets: [EVALUATE_RULESET], openBotPullRequestAgesDays: [40] },
  'jupyterlab/lumino': { dependabotAlerts: 'disabled' },
  'jupyterhub/jupyterhub': { privateVulnerabilityReporting: true, openAlerts: 3 },
  'conda-forge/jupyterlab-feedstock': { secrets: 'from-workflows' },
};

export function fixtureSettings(repo: string): FixtureSettings {
  return { ...DEFAULTS, ...FIXTURE_SETTINGS[repo] };
}

/** Secret names a repository's workflows refer to (`secrets.NAME`), GITHUB_TOKEN aside: the secrets the fake says it holds. */
export function secretsReferencedByWorkflows(files: readonly FakeFile[]): string[] {
  const names = new Set<string>();
  for (const file of files) {
    if (!/^\.github\/workflows\/[^/]+\.ya?ml$/.test(file.path) || file.text === null) continue;
    for (const match of file.text.matchAll(/\bsecrets\.([A-Za-z_][A-Za-z0-9_]*)/g)) {
      if (match[1]!.toUpperCase() !== 'GITHUB_TOKEN') names.add(match[1]!);
    }
  }
  return [...names].sort();
}

function daysBefore(iso: string, days: number): string {
  return new Date(Date.parse(iso) - days * 86_400_000).toISOString().replace(/\.000Z$/, 'Z');
}

function alertsFor(repo: string, count: number, files: readonly FakeFile[]): FakeAlert[] {
  const manifest = files.find((file) => /(^|\/)(pyproject\.toml|package\.json|requirements\.txt)$/.test(file.path))?.path ?? 'pyproject.toml';
  const ecosystem = manifest.endsWith('package.json') ? 'npm' : 'pip';
  return Array.from({ length: count }, (_, index) => ({
    number: index + 1,
    ecosystem,
    packageName: ecosystem === 'npm' ? `left-pad-${index}` : `requests-${index}`,
    manifestPath: manifest,
    ghsaId: `GHSA-${sha1(`${repo}${index}`).slice(0, 4)}-${sha1(`${repo}${index}b`).slice(0, 4)}-${sha1(`${repo}${index}c`).slice(0, 4)}`,
    severity: (['low', 'medium', 'high', 'critical'] as const)[index % 4]!,
    summary: `Synthetic advisory ${index + 1} for ${repo}`,
    createdAt: daysBefore(FIXTURE_NOW, 10 + index),
  }));
}

/**
 * Pull requests: every fixture commit by a bot (`dependabot[bot]`,
 * `pre-commit-ci[bot]`...) among the newest 100 became a merged PR one day
 * before it; plus the open ones FIXTURE_SETTINGS asks for; plus one human PR.
 */
function pullRequestsFor(commits: readonly FakeCommit[], openAges: readonly number[]): FakePullRequest[] {
  const pulls: FakePullRequest[] = [];
  let number = 1000;
  for (const age of openAges) {
    pulls.push({ number: number++, author: 'dependabot', state: 'OPEN', createdAt: daysBefore(FIXTURE_NOW, age) });
  }
  for (const commit of commits.slice(0, 100)) {
    const bot = /^(dependabot|renovate|pre-commit-ci)\[bot\]$/.exec(commit.author);
    const date = new Date(commit.date).toISOString().replace(/\.000Z$/, 'Z');
    if (bot) pulls.push({ number: number++, author: bot[1]!, state: 'MERGED', createdAt: daysBefore(date, 1), mergedAt: date, closedAt: date });
  }
  pulls.push({ number, author: 'a-contributor', state: 'CLOSED', createdAt: daysBefore(FIXTURE_NOW, 20), closedAt: daysBefore(FIXTURE_NOW, 19) });
  return pulls.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
}

let nextDatabaseId = 1_000_000;

/** One of the 12 real repositories as GitHub would hold it. */
export function fixtureRepo(owner: string, name: string): FakeRepo {
  const directory = path.join(SHARED_PROJECTS, owner, name);
  const files = readProjectFiles(directory);
  const facts = readGitFacts(directory);
  const settings = fixtureSettings(`${owner}/${name}`);
  // The feedstock fixture carries no git facts: one commit stands for its history.
  const commits: FakeCommit[] = facts
    ? facts.recentCommits.map((commit) => ({ sha: commit.sha, date: commit.date, author: commit.author, verified: verifiedFromSignature(commit.signature) }))
    : [{ sha: sha1(`${owner}/${name}`), date: '2026-08-01T12:00:00Z', author: 'conda-forge-admin', verified: false }];
  const releases: FakeRelease[] = (facts?.tags ?? []).map((tag) => ({ tag: tag.name, date: tag.date }));
  const dependabotAlerts: FakeDependabotAlerts =
    settings.dependabotAlerts === 'enabled' ? { state: 'enabled', open: alertsFor(`${owner}/${name}`, settings.openAlerts, files) } : { state: settings.dependabotAlerts };
  return {
    owner,
    name,
    databaseId: nextDatabaseId++,
    archived: settings.archived ?? false,
    fork: false,
    private: false,
    defaultBranch: 'main',
    files,
    commits,
    releases,
    privateVulnerabilityReporting: settings.privateVulnerabilityReporting,
    dependabotAlerts,
    secrets: settings.secrets === 'no-access' ? 'no-access' : secretsReferencedByWorkflows(files),
    classicProtection: settings.classicProtection,
    rulesets: settings.rulesets,
    pullRequests: pullRequestsFor(commits, settings.openBotPullRequestAgesDays ?? []),
    viewerPermission: settings.viewerPermission,
  };
}

/** Every `<org>/<repo>` under ../shared/data/projects. */
export function fixtureRepoNames(): { owner: string; name: string }[] {
  const names: { owner: string; name: string }[] = [];
  for (const owner of readdirSync(SHARED_PROJECTS).sort()) {
    if (!statSync(path.join(SHARED_PROJECTS, owner)).isDirectory()) continue;
    for (const name of readdirSync(path.join(SHARED_PROJECTS, owner)).sort()) {
      if (statSync(path.join(SHARED_PROJECTS, owner, name)).isDirectory()) names.push({ owner, name });
    }
  }
  return names;
}

/** A synthetic repository with sensible defaults, for edge cases. */
export function syntheticRepo(owner: string, name: string, overrides: Partial<FakeRepo> = {}): FakeRepo {
  const files = overrides.files ?? [fakeFile('README.md', `# ${name}\n`)];
  return {
    owner,
    name,
    databaseId: nextDatabaseId++,
    archived: false,
    fork: false,
    private: false,
    defaultBranch: 'main',
    files,
    commits: [{ sha: sha1(`${owner}/${name} initial`), date: '2024-01-10T10:00:00Z', author: 'someone', login: 'someone', verified: true }],
    releases: [],
    privateVulnerabilityReporting: false,
    dependabotAlerts: { state: 'enabled', open: [] },
    secrets: [],
    classicProtection: null,
    rulesets: [],
    pullRequests: [],
    viewerPermission: 'ADMIN',
    ...overrides,
  };
}

/** SECURITY.md of the synthetic `jupyter/.github` repository (inherited by repos without one). */
export const ORG_SECURITY_POLICY = '# Security policy\n\nReport vulnerabilities privately through GitHub\'s "Report a vulnerability" button\nor by email to security@example.test.\n';

/**
 * Edge cases beside the real repositories, all in the `jupyter` organisation:
 * the org's `.github` repository (with SECURITY.md), an archived repository,
 * an empty one (no commits) and a fork.
 */
export function edgeCaseRepos(): FakeRepo[] {
  return [
    syntheticRepo('jupyter', '.github', {
      files: [fakeFile('.github/SECURITY.md', ORG_SECURITY_POLICY), fakeFile('profile/README.md', '# Project Jupyter\n')],
    }),
    syntheticRepo('jupyter', 'old-archived', {
      archived: true,
      files: [fakeFile('README.md', '# retired\n'), fakeFile('setup.py', 'from setuptools import setup\nsetup(name="old")\n'), fakeFile('.github/workflows/ci.yml', 'on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.OLD_TOKEN }}\n')],
      commits: [{ sha: sha1('old-archived 2'), date: '2021-03-01T00:00:00Z', author: 'retired', verified: false }, { sha: sha1('old-archived 1'), date: '2020-05-01T00:00:00Z', author: 'retired', verified: false }],
      releases: [{ tag: 'v0.1.0', date: '2020-05-02T00:00:00Z' }],
      secrets: ['OLD_TOKEN'],
    }),
    syntheticRepo('jupyter', 'empty-repo', { files: [], commits: [], dependabotAlerts: { state: 'disabled' } }),
    syntheticRepo('jupyter', 'nbformat-fork', { fork: true, files: [fakeFile('pyproject.toml', '[project]\nname = "nbformat-fork"\n')] }),
  ];
}

export interface FixtureOrgSettings {
  twoFactorRequired: boolean | null;
  defaultWorkflowPermissions: 'read' | 'write' | 'no-access';
  outsideCollaborators: string[] | 'no-access';
}

export const FIXTURE_ORG_SETTINGS: Record<string, FixtureOrgSettings> = {
  jupyter: { twoFactorRequired: true, defaultWorkflowPermissions: 'read', outsideCollaborators: ['outside-helper', 'docs-contractor'] },
  jupyterlab: { twoFactorRequired: null, defaultWorkflowPermissions: 'no-access', outsideCollaborators: 'no-access' },
};

const ORG_DEFAULTS: FixtureOrgSettings = { twoFactorRequired: false, defaultWorkflowPermissions: 'write', outsideCollaborators: [] };

/** Members of a fixture organisation: an active owner, an active member, a dormant owner and a member with no contribution in the last year. */
export function fixtureMembers(org: string): FakeMember[] {
  return [
    { login: `${org}-owner`, databaseId: nextDatabaseId++, role: 'ADMIN', lastContribution: daysBefore(FIXTURE_NOW, 2) },
    { login: `${org}-dev`, databaseId: nextDatabaseId++, role: 'MEMBER', lastContribution: daysBefore(FIXTURE_NOW, 30) },
    { login: `${org}-dormant-owner`, databaseId: nextDatabaseId++, role: 'ADMIN', lastContribution: daysBefore(FIXTURE_NOW, 300) },
    { login: `${org}-gone`, databaseId: nextDatabaseId++, role: 'MEMBER', lastContribution: null },
  ];
}

/** The 7 fixture organisations with their real repositories (plus `jupyter`'s edge cases). */
export function fixtureOrgs(): (FakeOrg & { repos: FakeRepo[] })[] {
  const byOwner = new Map<string, FakeRepo[]>();
  for (const { owner, name } of fixtureRepoNames()) {
    const list = byOwner.get(owner) ?? [];
    list.push(fixtureRepo(owner, name));
    byOwner.set(owner, list);
  }
  byOwner.get('jupyter')?.push(...edgeCaseRepos());
  return [...byOwner.entries()].map(([login, repos]) => {
    const settings = { ...ORG_DEFAULTS, ...FIXTURE_ORG_SETTINGS[login] };
    return staticOrg({ login, databaseId: nextDatabaseId++, ...settings, members: fixtureMembers(login) }, repos);
  });
}

/**
 * A generated organisation of `repoCount` repositories named `repo-00000`...,
 * each a variant of one template (the real fixtures, in turn): the template's
 * workflows and lockfiles as they are (organisations copy workflows between
 * repositories, so identical blobs are real), manifests and SECURITY.md made
 * unique to the repository, plus `sourceFiles` generated source paths. Every
 * 25th repository is archived, every 50th (offset 7) empty, every 40th (offset
 * 3) a fork. Repositories are built on demand and the newest 4,000 kept, so
 * 30,000 of them fit in memory.
 */
export function generatedOrg(options: { login: string; repoCount: number; templates: readonly FakeRepo[]; sourceFiles?: number; members?: number }): FakeOrg {
  const { login, repoCount, templates } = options;
  const names = Array.from({ length: repoCount }, (_, index) => `repo-${String(index).padStart(5, '0')}`);
  const built = new Map<string, FakeRepo>();
  const overrides = new Map<string, FakeRepo>();
  const orgId = nextDatabaseId++;
  const members: FakeMember[] = Array.from({ length: options.members ?? 60 }, (_, index) => ({
    login: `${login}-member-${index}`,
    databaseId: orgId * 1000 + index,
    role: index % 10 === 0 ? 'ADMIN' : 'MEMBER',
    lastContribution: index % 7 === 6 ? null : daysBefore(FIXTURE_NOW, (index * 13) % 400),
  }));
  function build(index: number): FakeRepo {
    const name = names[index]!;
    const template = templates[index % templates.length]!;
    const unique = (file: FakeFile): FakeFile => {
      if (file.text === null || !/(^|\/)(package\.json|pyproject\.toml|setup\.py|setup\.cfg|requirements[^/]*\.txt|SECURITY\.md)$/.test(file.path)) return file;
      if (file.path.endsWith('package.json')) {
        try {
          const manifest = JSON.parse(file.text) as Record<string, unknown>;
          return fakeFile(file.path, `${JSON.stringify({ ...manifest, name: `@${login}/${name}` }, null, 2)}\n`);
        } catch {
          return fakeFile(file.path, `${file.text}\n`);
        }
      }
      return fakeFile(file.path, `${file.text}\n# ${login}/${name}\n`);
    };
    const empty = index % 50 === 7;
    const sources = Array.from({ length: options.sourceFiles ?? 40 }, (_, k) => fakeFile(`src/${name.replace(/-/g, '_')}/module_${k}.py`, `# module ${k} of ${login}/${name}\n`));
    const files = empty ? [] : [...template.files.map(unique), ...sources];
    const age = index % 9 === 8 ? 800 : index % 30;
    const commits: FakeCommit[] = empty
      ? []
      : Array.from({ length: 30 }, (_, k) => ({
          sha: sha1(`${login}/${name}#${k}`),
          date: daysBefore(FIXTURE_NOW, age + k * 3),
          author: `${login}-member-${(index + k) % 60}`,
          login: `${login}-member-${(index + k) % 60}`,
          verified: k % 3 !== 0,
        }));
    const releases: FakeRelease[] = empty ? [] : Array.from({ length: 3 }, (_, k) => ({ tag: `v1.${3 - k}.0`, date: daysBefore(FIXTURE_NOW, age + 10 + k * 60) }));
    const pullRequests: FakePullRequest[] = empty
      ? []
      : [
          { number: 1, author: 'dependabot', state: 'MERGED', createdAt: daysBefore(FIXTURE_NOW, age + 5), mergedAt: daysBefore(FIXTURE_NOW, age + 4) },
          ...(index % 4 === 0 ? [{ number: 2, author: 'dependabot', state: 'OPEN' as const, createdAt: daysBefore(FIXTURE_NOW, 60) }] : []),
        ];
    return {
      owner: login,
      name,
      databaseId: orgId * 100_000 + index,
      archived: index % 25 === 24,
      fork: index % 40 === 3,
      private: false,
      defaultBranch: 'main',
      files,
      commits,
      releases,
      privateVulnerabilityReporting: index % 3 === 0,
      dependabotAlerts: index % 11 === 5 ? { state: 'disabled' } : { state: 'enabled', open: index % 6 === 0 ? alertsFor(`${login}/${name}`, 1, files) : [] },
      secrets: secretsReferencedByWorkflows(files),
      classicProtection: index % 2 === 0 ? REVIEWED : null,
      rulesets: index % 5 === 0 ? [MAIN_RULESET] : [],
      pullRequests,
      viewerPermission: 'ADMIN',
    };
  }
  const byName = new Map(names.map((name, index) => [name, index]));
  return {
    login,
    databaseId: orgId,
    twoFactorRequired: true,
    defaultWorkflowPermissions: 'read',
    members,
    outsideCollaborators: ['an-outside-collaborator'],
    repoNames: () => names,
    repo(name) {
      const changed = overrides.get(name);
      if (changed) return changed;
      const index = byName.get(name);
      if (index === undefined) return undefined;
      let repo = built.get(name);
      if (!repo) {
        repo = build(index);
        built.set(name, repo);
        if (built.size > 4000) built.delete(built.keys().next().value!);
      }
      return repo;
    },
    /** Keeps a repository built so that a test can change it (a push) and see the change served. */
    pin(name: string): FakeRepo | undefined {
      const repo = this.repo(name);
      if (repo) overrides.set(name, repo);
      return repo;
    },
  } as FakeOrg & { pin(name: string): FakeRepo | undefined };
}

// ---------------------------------------------------------------- repository security advisories

const GHSA_ALPHABET = '23456789cfghjmpqrvwx';

/** A GHSA id in GitHub's alphabet, the same for the same seed. */
export function ghsaIdFor(seed: string): string {
  const digest = sha1(seed);
  const part = (offset: number): string =>
    Array.from({ length: 4 }, (_, index) => GHSA_ALPHABET[Number.parseInt(digest.slice((offset + index) * 2, (offset + index) * 2 + 2), 16) % GHSA_ALPHABET.length]).join('');
  return `GHSA-${part(0)}-${part(4)}-${part(8)}`;
}

/**
 * An advisory shaped as GitHub holds them: a draft by default, created and
 * updated at `createdAt`, nobody on it; `overrides` set the rest.
 */
export function syntheticAdvisory(seed: string, overrides: Partial<FakeAdvisory> = {}): FakeAdvisory {
  const createdAt = overrides.createdAt ?? '2026-07-01T09:30:00Z';
  return {
    ghsaId: ghsaIdFor(seed),
    cveId: null,
    summary: `Synthetic advisory ${seed}`,
    description: `### Impact\nSynthetic advisory ${seed}, made up for tests.\n`,
    severity: 'medium',
    state: 'draft',
    createdAt,
    updatedAt: createdAt,
    publishedAt: null,
    closedAt: null,
    withdrawnAt: null,
    submission: null,
    credits: [],
    collaboratingUsers: [],
    collaboratingTeams: [],
    author: null,
    publisher: null,
    cvssV3: null,
    cvssV4: null,
    cweIds: [],
    vulnerabilities: [],
    privateFork: false,
    ...overrides,
  };
}

/** The login the advisory fixtures' token stands for: a security manager of `desk-lab` and `busy-org`, nothing more of `partner-org`. */
export const DESK_BOT = 'desk-bot';

/**
 * Organisations for the disclosure desk (all invented, see each advisory):
 *   - `desk-lab`: DESK_BOT is a security manager (the org list works); `server` (public: a triage report, an accepted report in draft with a private
 *     fork, a published advisory with credits), `internal-tool` (private: a draft), `docs` (none), `security-tracking` (private, issue 12);
 *   - `partner-org`: DESK_BOT is neither owner nor security manager (404 for the org list, so repository by repository): `widget` (DESK_BOT manages
 *     it: a triage report and a closed one), `gadget` (published, a draft DESK_BOT collaborates on, and a draft it cannot see), `locked` (403), `old`
 *     (archived, none);
 *   - `busy-org`: DESK_BOT is a security manager; `busy` holds `busyAdvisories` advisories (more than a page of 100).
 */
export function advisoryFixtureOrgs(options: { busyAdvisories?: number } = {}): (FakeOrg & { repos: FakeRepo[] })[] {
  const deskLab = staticOrg(
    {
      login: 'desk-lab',
      databaseId: nextDatabaseId++,
      twoFactorRequired: true,
      defaultWorkflowPermissions: 'read',
      members: [
        { login: 'desk-lab-owner', databaseId: nextDatabaseId++, role: 'ADMIN', lastContribution: daysBefore(FIXTURE_NOW, 3) },
        { login: 'desk-lab-dev', databaseId: nextDatabaseId++, role: 'MEMBER', lastContribution: daysBefore(FIXTURE_NOW, 5) },
        { login: 'desk-lab-triager', databaseId: nextDatabaseId++, role: 'MEMBER', lastContribution: daysBefore(FIXTURE_NOW, 9) },
      ],
      outsideCollaborators: [],
      securityManagers: [DESK_BOT],
      teams: ['security', 'core'],
    },
    [
      syntheticRepo('desk-lab', 'server', {
        advisories: [
          syntheticAdvisory('desk-lab/server triage', {
            summary: 'Path traversal in the static file handler',
            description: 'A request for `/static/..%2f..%2fetc/passwd` reads files outside the static folder.',
            state: 'triage',
            severity: 'high',
            createdAt: '2026-08-20T14:05:00Z',
            updatedAt: '2026-08-20T14:05:00Z',
            submission: { accepted: false },
            author: 'reporter-one',
            credits: [{ login: 'reporter-one', type: 'reporter', state: 'pending' }],
            vulnerabilities: [{ ecosystem: 'pip', name: 'desk-server', vulnerableVersionRange: '< 2.3.1', patchedVersions: null, vulnerableFunctions: [] }],
          }),
          syntheticAdvisory('desk-lab/server draft', {
            summary: 'Stored XSS in notebook names',
            state: 'draft',
            severity: 'medium',
            createdAt: '2026-06-01T08:00:00Z',
            updatedAt: '2026-06-03T10:00:00Z',
            submission: { accepted: true },
            author: 'reporter-two',
            credits: [{ login: 'reporter-two', type: 'finder', state: 'accepted' }],
            collaboratingUsers: ['desk-lab-dev'],
            collaboratingTeams: ['security'],
            cvssV3: { vector: 'CVSS:3.1/AV:N/AC:L/PR:L/UI:R/S:C/C:L/I:L/A:N', score: 5.4 },
            cweIds: ['CWE-79'],
            privateFork: true,
            vulnerabilities: [{ ecosystem: 'pip', name: 'desk-server', vulnerableVersionRange: '>= 2.0.0, < 2.2.4', patchedVersions: '2.2.4', vulnerableFunctions: ['render_name'] }],
          }),
          syntheticAdvisory('desk-lab/server published', {
            summary: 'Token leak in debug log',
            state: 'published',
            severity: 'medium',
            cveId: 'CVE-2026-21001',
            createdAt: '2026-01-10T12:00:00Z',
            updatedAt: '2026-02-01T16:30:00Z',
            publishedAt: '2026-02-01T16:30:00Z',
            author: 'desk-lab-owner',
            publisher: 'desk-lab-owner',
            credits: [
              { login: 'finder-three', type: 'finder', state: 'accepted' },
              { login: 'quiet-reporter', type: 'reporter', state: 'declined' },
            ],
            collaboratingUsers: ['desk-lab-dev', 'desk-lab-triager'],
            cvssV4: { vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', score: 6.9 },
            cweIds: ['CWE-532'],
            vulnerabilities: [
              { ecosystem: 'pip', name: 'desk-server', vulnerableVersionRange: '< 2.1.0', patchedVersions: '2.1.0', vulnerableFunctions: [] },
              { ecosystem: 'npm', name: '@desk-lab/widget', vulnerableVersionRange: '>= 1.0.0, < 1.4.2', patchedVersions: '1.4.2', vulnerableFunctions: [] },
            ],
          }),
        ],
        issues: [3],
      }),
      syntheticRepo('desk-lab', 'internal-tool', {
        private: true,
        advisories: [syntheticAdvisory('desk-lab/internal-tool draft', { summary: 'Command injection in the deploy script', severity: null, createdAt: '2026-07-01T00:00:00Z', author: 'desk-lab-dev' })],
      }),
      syntheticRepo('desk-lab', 'docs'),
      syntheticRepo('desk-lab', 'security-tracking', { private: true, issues: [12] }),
    ],
  );
  const partner = staticOrg(
    {
      login: 'partner-org',
      databaseId: nextDatabaseId++,
      twoFactorRequired: null,
      defaultWorkflowPermissions: 'no-access',
      members: [{ login: 'partner-owner', databaseId: nextDatabaseId++, role: 'ADMIN', lastContribution: daysBefore(FIXTURE_NOW, 1) }],
      outsideCollaborators: 'no-access',
      teams: ['maintainers'],
    },
    [
      syntheticRepo('partner-org', 'widget', {
        advisoryManagers: [DESK_BOT],
        advisories: [
          syntheticAdvisory('partner-org/widget triage', { summary: 'Denial of service with a crafted header', state: 'triage', createdAt: '2026-08-23T20:10:00Z', submission: { accepted: false }, author: 'outside-reporter' }),
          syntheticAdvisory('partner-org/widget closed', {
            summary: 'Not a vulnerability: documented behaviour',
            state: 'closed',
            createdAt: '2026-03-01T10:00:00Z',
            updatedAt: '2026-03-05T10:00:00Z',
            closedAt: '2026-03-05T10:00:00Z',
            submission: { accepted: false },
            author: 'outside-reporter',
          }),
        ],
      }),
      syntheticRepo('partner-org', 'gadget', {
        advisories: [
          syntheticAdvisory('partner-org/gadget published', {
            summary: 'Open redirect after login',
            state: 'published',
            cveId: 'CVE-2026-30002',
            createdAt: '2026-04-01T10:00:00Z',
            updatedAt: '2026-05-01T10:00:00Z',
            publishedAt: '2026-05-01T10:00:00Z',
            publisher: 'partner-owner',
            vulnerabilities: [{ ecosystem: 'pip', name: 'gadget', vulnerableVersionRange: '< 0.9.3', patchedVersions: '0.9.3', vulnerableFunctions: [] }],
          }),
          syntheticAdvisory('partner-org/gadget draft with desk-bot', { summary: 'SSRF in the preview fetcher', createdAt: '2026-08-01T10:00:00Z', collaboratingUsers: [DESK_BOT] }),
          syntheticAdvisory('partner-org/gadget hidden draft', { summary: 'A draft DESK_BOT may not see', createdAt: '2026-08-02T10:00:00Z' }),
        ],
      }),
      syntheticRepo('partner-org', 'locked', { advisoriesRefused: 403, advisories: [syntheticAdvisory('partner-org/locked draft')] }),
      syntheticRepo('partner-org', 'old', { archived: true }),
    ],
  );
  const busyCount = options.busyAdvisories ?? 130;
  const busy = staticOrg(
    { login: 'busy-org', databaseId: nextDatabaseId++, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [], securityManagers: [DESK_BOT] },
    [
      syntheticRepo('busy-org', 'busy', {
        advisories: Array.from({ length: busyCount }, (_, index) => {
          const later = index % 4 >= 2 ? daysBefore('2026-08-02T00:00:00Z', index) : null;
          return syntheticAdvisory(`busy-org/busy ${index}`, {
            summary: `Busy advisory ${index}`,
            state: (['triage', 'draft', 'published', 'closed'] as const)[index % 4]!,
            createdAt: daysBefore('2026-08-01T00:00:00Z', index),
            updatedAt: later ?? daysBefore('2026-08-01T00:00:00Z', index),
            publishedAt: index % 4 === 2 ? later : null,
            closedAt: index % 4 === 3 ? later : null,
          });
        }),
      }),
    ],
  );
  return [deskLab, partner, busy];
}
