import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { inflateRawSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { MockAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../http/client.js';
import { fixedClock } from '../../core/clock.js';
import { HostError } from '../../core/errors.js';
import { collectingSink } from '../../core/events.js';
import { openGithubCache, type GithubCacheStore } from '../../store/github-cache.js';
import { DEFAULT_POSTURE_SETTINGS, REPO_PROBES } from '../probes/index.js';
import type { RepoFacts } from '../types.js';
import {
  FIXTURE_NOW,
  fixtureOrgs,
  fixtureRepoNames,
  fixtureSettings,
  ORG_SECURITY_POLICY,
  SHARED_PROJECTS,
  syntheticRepo,
} from '../../../test/fake-github/fixtures.js';
import { fakeFile, pushCommit, staticOrg, type FakeAlert, type FakeOrg, type FakeRepo } from '../../../test/fake-github/model.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { createGithubCollector, type GithubCollectorOptions } from './github.js';
import { globMatches, rulesetTargets } from './github/facts.js';
import { COMMITS_PER_REPOSITORY, RELEASES_PER_REPOSITORY } from './history.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const TOKEN = 'ghp_Z3Kq8wPuT5vN2mL7xR4yB9cD1eF6gH0jA3sW';
const clock = fixedClock(FIXTURE_NOW);
const { dependencyUpdatesGetMerged } = REPO_PROBES;

interface GitFacts {
  recentCommits: { sha: string; date: string; author: string; signature: string }[];
  tags: { name: string; date: string }[];
}

function fixtureDirectory(repo: string): string {
  return path.join(SHARED_PROJECTS, repo);
}

/** Every file of a fixture repository, as the test reads the disk (not through the fake). */
function diskFiles(repo: string): string[] {
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(path.join(fixtureDirectory(repo), relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (child !== '.git-facts.json') files.push(child);
    }
  };
  walk('');
  return files.sort();
}

function gitFacts(repo: string): GitFacts | null {
  try {
    return JSON.parse(readFileSync(path.join(fixtureDirectory(repo), '.git-facts.json'), 'utf8')) as GitFacts;
  } catch {
    return null;
  }
}

function value<T>(fact: { known: true; value: T } | { known: false; reason: string }): T {
  if (!fact.known) throw new Error(`expected a known fact, got: ${fact.reason}`);
  return fact.value;
}

describeWithSharedData('createGithubCollector against the fake GitHub server', () => {
  let fake: FakeGithub;
  let orgs: (FakeOrg & { repos: FakeRepo[] })[];
  let cache: GithubCacheStore;
  const results = new Map<string, RepoFacts>();
  const orgResults = new Map<string, Awaited<ReturnType<ReturnType<typeof createGithubCollector>['collectOrg']>>['org']>();
  let coldStats: ReturnType<ReturnType<typeof createGithubCollector>['stats']>;

  const collector = (extra: Partial<GithubCollectorOptions> = {}) =>
    createGithubCollector({ env: { GH_TOKEN: TOKEN }, baseUrl: fake.url, cache, clock, sleep: async () => {}, retryBaseMs: 1, ...extra });

  beforeAll(async () => {
    orgs = fixtureOrgs();
    fake = await startFakeGithub({ orgs, tokens: { [TOKEN]: 'octocat' } });
    cache = openGithubCache(':memory:');
    const cold = collector();
    for (const org of orgs) {
      const result = await cold.collectOrg(org.login);
      orgResults.set(org.login, result.org);
      for (const repo of result.repos) results.set(repo.repo, repo);
    }
    coldStats = cold.stats();
  });

  afterAll(async () => {
    await fake.close();
    cache.close();
  });

  it('lists every repository of every organisation', () => {
    const expected = [...fixtureRepoNames().map(({ owner, name }) => `${owner}/${name}`), 'jupyter/.github', 'jupyter/old-archived', 'jupyter/empty-repo', 'jupyter/nbformat-fork'].sort();
    expect([...results.keys()].sort()).toEqual(expected);
  });

  describe.each(fixtureRepoNames().map(({ owner, name }) => `${owner}/${name}`))('%s', (repo) => {
    it('has every path of the default branch and the texts of its posture files', () => {
      const facts = results.get(repo)!;
      expect(facts.source).toBe('api');
      expect(value(facts.paths)).toEqual(diskFiles(repo));
      for (const file of facts.files) expect(file.text).toBe(readFileSync(path.join(fixtureDirectory(repo), file.path), 'utf8'));
      const fetched = facts.files.map((file) => file.path);
      for (const onDisk of diskFiles(repo)) {
        if (/^\.github\/workflows\/[^/]+\.ya?ml$|^\.github\/dependabot\.ya?ml$|^SECURITY\.md$|(^|\/)(pyproject\.toml|package\.json|Dockerfile)$/.test(onDisk)) expect(fetched).toContain(onDisk);
        if (/(^|\/)(yarn\.lock|package-lock\.json|LICENSE(\.md)?)$/.test(onDisk)) expect(fetched).not.toContain(onDisk);
      }
    });

    it('has the newest commits and releases from git, as many as the local collector reads', () => {
      const facts = results.get(repo)!;
      const git = gitFacts(repo);
      if (!git) {
        // The feedstock fixture has no git facts: the fake gives it one commit.
        expect(value(facts.commits)).toHaveLength(1);
        return;
      }
      expect(value(facts.commits)).toEqual(
        git.recentCommits.slice(0, COMMITS_PER_REPOSITORY).map((commit) => ({ sha: commit.sha, date: new Date(commit.date).toISOString(), author: commit.author, verified: commit.signature === 'E' || commit.signature === 'G' })),
      );
      expect(value(facts.releases)).toEqual(git.tags.slice(0, RELEASES_PER_REPOSITORY).map((tag) => ({ tag: tag.name, date: new Date(tag.date).toISOString() })));
      expect(value(facts.defaultBranch)).toBe('main');
      expect([value(facts.archived), value(facts.empty), value(facts.fork)]).toEqual([false, false, false]);
    });

    it('has the settings the fake holds', () => {
      const facts = results.get(repo)!;
      const settings = fixtureSettings(repo);
      if (settings.privateVulnerabilityReporting === 'not-found') {
        expect(facts.privateVulnerabilityReporting.known).toBe(false);
        expect(facts.privateVulnerabilityReporting.known || facts.privateVulnerabilityReporting.reason).toMatch(/404/);
      } else {
        expect(value(facts.privateVulnerabilityReporting)).toBe(settings.privateVulnerabilityReporting);
      }
      if (settings.dependabotAlerts === 'enabled') {
        expect(value(facts.dependabotAlerts)).toBe(true);
        expect(value(facts.openAdvisories)).toBe(settings.openAlerts);
      } else if (settings.dependabotAlerts === 'disabled') {
        expect(value(facts.dependabotAlerts)).toBe(false);
        expect(facts.openAdvisories.known).toBe(false);
      } else {
        expect(facts.dependabotAlerts.known || facts.dependabotAlerts.reason).toMatch(/404.*cannot read Dependabot alerts/);
      }
      const workflowSecrets = new Set<string>();
      for (const file of diskFiles(repo).filter((onDisk) => /^\.github\/workflows\//.test(onDisk))) {
        for (const match of readFileSync(path.join(fixtureDirectory(repo), file), 'utf8').matchAll(/secrets\.(\w+)/g)) if (match[1]!.toUpperCase() !== 'GITHUB_TOKEN') workflowSecrets.add(match[1]!);
      }
      if (settings.secrets === 'no-access') expect(facts.secretNames.known || facts.secretNames.reason).toMatch(/403/);
      else if (workflowSecrets.size === 0 && !diskFiles(repo).some((file) => file.startsWith('.github/workflows/'))) expect(facts.secretNames.known).toBe(false);
      else expect(value(facts.secretNames)).toEqual([...workflowSecrets].sort());
      if (settings.viewerPermission !== 'ADMIN' && !settings.classicProtection) {
        expect(facts.branchProtection.known || facts.branchProtection.reason).toMatch(/admin access/);
      } else {
        const protection = value(facts.branchProtection);
        expect(protection.branch).toBe('main');
        expect(protection.classic?.requiredReviews ?? null).toBe(settings.classicProtection?.requiredApprovingReviewCount ?? null);
        // Only rulesets on branches that take in the default branch count.
        expect(protection.rulesets.map((ruleset) => ruleset.name)).toEqual(
          settings.rulesets.filter((ruleset) => ruleset.target === 'BRANCH' && (ruleset.include.includes('~DEFAULT_BRANCH') || ruleset.include.includes('refs/heads/main'))).map((ruleset) => ruleset.name),
        );
      }
      expect(facts.bestPracticesBadge.known).toBe(false);
    });
  });

  it('reads branch protection and rulesets in their detail', () => {
    expect(value(results.get('jupyter/docker-stacks')!.branchProtection).classic).toEqual({
      requiredReviews: 2,
      dismissStaleReviews: true,
      requireCodeOwnerReviews: false,
      requiredStatusChecks: true,
      enforceAdmins: true,
      allowForcePushes: false,
      allowDeletions: false,
    });
    expect(value(results.get('jupyter/jupyter_client')!.branchProtection)).toEqual({
      branch: 'main',
      classic: null,
      rulesets: [{ name: 'protect default branch', enforcement: 'active', rules: ['deletion', 'non_fast_forward', 'pull_request'] }],
    });
    expect(value(results.get('jupyterlab/jupyterlab')!.branchProtection).rulesets).toEqual([
      { name: 'trial: signed commits on main', enforcement: 'evaluate', rules: ['required_signatures'] },
    ]);
  });

  it('reports the newest 30 pull requests as they are (authors, states, dates), judging none', () => {
    // nbformat: two open bot PRs, 45 and 3 days old; jupyterlab: one, 40 days old; a person's closed one in each.
    for (const repo of ['jupyter/nbformat', 'jupyterlab/jupyterlab']) {
      const fakeRepo = orgs.flatMap((org) => org.repos).find((candidate) => `${candidate.owner}/${candidate.name}` === repo)!;
      expect(value(results.get(repo)!.pullRequests)).toEqual(
        fakeRepo.pullRequests.slice(0, 30).map((pull) => ({
          author: pull.author,
          state: pull.state.toLowerCase(),
          createdAt: new Date(pull.createdAt).toISOString(),
          ...(pull.mergedAt ? { mergedAt: new Date(pull.mergedAt).toISOString() } : {}),
        })),
      );
    }
    expect(value(results.get('jupyter/nbformat')!.pullRequests).filter((pull) => pull.state === 'open').map((pull) => pull.createdAt)).toEqual(['2026-08-22T00:00:00.000Z', '2026-07-11T00:00:00.000Z']);
    // The probe decides what is stale: the 45-day-old one at the default 30 days, none at 50.
    const nbformat = results.get('jupyter/nbformat')!;
    const now = new Date(FIXTURE_NOW);
    expect(dependencyUpdatesGetMerged.run(nbformat, { now, settings: DEFAULT_POSTURE_SETTINGS }).evidence.stale).toBe(1);
    expect(dependencyUpdatesGetMerged.run(nbformat, { now, settings: { ...DEFAULT_POSTURE_SETTINGS, stalePullRequestDays: 50 } }).evidence.stale).toBe(0);
  });

  it('tells archived, empty and forked repositories apart, and inherits the org SECURITY.md', () => {
    const archived = results.get('jupyter/old-archived')!;
    expect(value(archived.archived)).toBe(true);
    expect(archived.secretNames.known || archived.secretNames.reason).toMatch(/archived/);
    expect(value(archived.commits).map((commit) => commit.date)).toEqual(['2021-03-01T00:00:00.000Z', '2020-05-01T00:00:00.000Z']);
    const empty = results.get('jupyter/empty-repo')!;
    expect([value(empty.empty), value(empty.paths), empty.files, value(empty.commits)]).toEqual([true, [], [], []]);
    expect(empty.defaultBranch.known).toBe(false);
    expect(empty.branchProtection.known).toBe(false);
    expect(value(empty.dependabotAlerts)).toBe(false);
    expect(value(results.get('jupyter/nbformat-fork')!.fork)).toBe(true);
    expect(value(results.get('jupyter/nbformat-fork')!.orgSecurityPolicy)).toEqual({ path: '.github/SECURITY.md', text: ORG_SECURITY_POLICY });
    // A repository with its own policy inherits nothing; one in an org without a .github repository neither.
    expect(value(results.get('jupyter/nbformat')!.orgSecurityPolicy)).toBeNull();
    expect(value(results.get('jupyterlab/jupyterlab')!.orgSecurityPolicy)).toBeNull();
  });

  it('collects organisation facts, unavailable where the token may not look', () => {
    const jupyter = orgResults.get('jupyter')!;
    expect(value(jupyter.twoFactorRequired)).toBe(true);
    expect(value(jupyter.defaultWorkflowPermissions)).toBe('read');
    expect(value(jupyter.outsideCollaborators)).toEqual(['outside-helper', 'docs-contractor']);
    const members = value(jupyter.members);
    expect(members.map((member) => [member.login, member.role])).toEqual([
      ['jupyter-owner', 'admin'],
      ['jupyter-dev', 'member'],
      ['jupyter-dormant-owner', 'admin'],
      ['jupyter-gone', 'member'],
    ]);
    // Contributions the fake holds: 2, 30 and 300 days before FIXTURE_NOW; none for the last one.
    expect(members.map((member) => (member.lastActivity.known ? member.lastActivity.value : null))).toEqual([
      '2026-08-23T00:00:00.000Z',
      '2026-07-26T00:00:00.000Z',
      '2025-10-29T00:00:00.000Z',
      null,
    ]);
    const jupyterlab = orgResults.get('jupyterlab')!;
    expect(jupyterlab.twoFactorRequired.known).toBe(false);
    expect(jupyterlab.defaultWorkflowPermissions.known || jupyterlab.defaultWorkflowPermissions.reason).toMatch(/403/);
    expect(jupyterlab.outsideCollaborators.known).toBe(false);
    expect(value(orgResults.get('ipython')!.defaultWorkflowPermissions)).toBe('write');
  });

  it('makes fewer requests on a warm run: at most 3 per repository, the REST ones answered 304', async () => {
    const jupyterRepos = orgs.find((org) => org.login === 'jupyter')!.repos.length;
    const warm = collector();
    const before = fake.stats.restCharged;
    const result = await warm.collectOrg('jupyter');
    const stats = warm.stats();
    expect(stats.requests).toBeLessThanOrEqual(3 * jupyterRepos);
    expect(stats.byRoute['GET /repos/{owner}/{repo}/git/trees/{tree_sha}']).toBeUndefined();
    expect(stats.blobsFetched).toBe(0);
    // Absences carry no ETag and are asked again: nbconvert's PVR (404) and alerts (403, off),
    // notebook's alerts (404) and secrets (403), empty-repo's alerts (403, off). Everything else is a 304.
    expect(stats.notModified).toBe(stats.rest - 5);
    // 304s are free: the warm run spent only the absences of the REST budget.
    expect(fake.stats.restCharged).toBe(before + 5);
    expect(result.repos.map((repo) => repo.files)).toEqual(result.repos.map((repo) => results.get(repo.repo)!.files));
    // The cold run, for comparison, fetched trees and files.
    expect(coldStats.requests).toBeGreaterThan(stats.requests);
  });

  it('fetches only what changed after a push', async () => {
    const nbformat = orgs.find((org) => org.login === 'jupyter')!.repos.find((repo) => repo.name === 'nbformat')!;
    const workflow = '.github/workflows/tests.yml';
    const text = `${readFileSync(path.join(fixtureDirectory('jupyter/nbformat'), workflow), 'utf8')}# pinned\n`;
    const commit = pushCommit(nbformat, { files: [fakeFile(workflow, text)], date: '2026-08-24T10:00:00Z', author: 'Carreau' });
    const run = collector();
    const result = await run.collectOrg('jupyter');
    const facts = result.repos.find((repo) => repo.repo === 'jupyter/nbformat')!;
    expect(facts.files.find((file) => file.path === workflow)!.text).toBe(text);
    expect(value(facts.commits)[0]!.sha).toBe(commit.sha);
    expect(run.stats().byRoute['GET /repos/{owner}/{repo}/git/trees/{tree_sha}']).toBe(1);
    expect(run.stats().blobsFetched).toBe(1);
  });

  it('collects several organisations at once, in the order asked', async () => {
    const logins = ['jupyterhub', 'ipython', 'conda-forge', 'jupyter-widgets'];
    const several = await collector({ lanes: 3 }).collectOrgs(logins);
    expect(several.map((result) => result.org.org)).toEqual(logins);
    for (const result of several) {
      expect(result.org).toEqual(orgResults.get(result.org.org));
      for (const repo of result.repos) expect(repo).toEqual(results.get(repo.repo));
    }
  });

  it('collects one repository', async () => {
    const facts = await collector().collectRepo('jupyterhub', 'jupyterhub');
    expect(facts).toEqual(results.get('jupyterhub/jupyterhub'));
  });

  it('fails with a 404 HostError for an organisation or repository that does not exist', async () => {
    await expect(collector().collectOrg('no-such-org')).rejects.toMatchObject({ name: 'HostError', status: 404 });
    await expect(collector().collectRepo('jupyter', 'no-such-repo')).rejects.toMatchObject({ name: 'HostError', status: 404 });
  });
});

describe('pagination', () => {
  let fake: FakeGithub;
  const alerts: FakeAlert[] = Array.from({ length: 130 }, (_, index) => ({
    number: index + 1,
    ecosystem: 'pip',
    packageName: `pkg-${index}`,
    manifestPath: 'pyproject.toml',
    ghsaId: `GHSA-aaaa-bbbb-${String(index).padStart(4, '0')}`,
    severity: 'high',
    summary: `advisory ${index}`,
    createdAt: '2026-08-01T00:00:00Z',
  }));
  const repos = Array.from({ length: 120 }, (_, index) => syntheticRepo('big', `project-${String(index).padStart(3, '0')}`));
  repos[7] = syntheticRepo('big', 'project-007', { dependabotAlerts: { state: 'enabled', open: alerts } });
  const collaborators = Array.from({ length: 150 }, (_, index) => `helper-${index}`);
  const org = staticOrg({ login: 'big', databaseId: 77, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: collaborators }, repos);

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: [org] });
  });
  afterAll(() => fake.close());

  it('follows GraphQL pages, Link pages and alert cursors', async () => {
    const collector = createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock });
    const result = await collector.collectOrg('big');
    expect(result.repos.map((repo) => repo.repo)).toEqual(repos.map((repo) => `big/${repo.name}`));
    expect(value(result.org.outsideCollaborators)).toEqual(collaborators);
    expect(value(result.repos[7]!.openAdvisories)).toBe(130);
    expect(value(result.repos[8]!.openAdvisories)).toBe(0);
    const stats = collector.stats();
    // 3 listing pages + 1 members page (README.md is no posture file: no file query); 2 pages of collaborators; 121 alert pages.
    expect(stats.byRoute['POST /graphql']).toBe(4);
    expect(stats.byRoute['GET /orgs/{org}/outside_collaborators']).toBe(2);
    expect(stats.byRoute['GET /repos/{owner}/{repo}/dependabot/alerts']).toBe(121);
  });
});

describe('rate limits and failures', () => {
  let fake: FakeGithub;
  const org = staticOrg(
    { login: 'small', databaseId: 78, twoFactorRequired: false, defaultWorkflowPermissions: 'write', members: [], outsideCollaborators: [] },
    [syntheticRepo('small', 'one', { privateVulnerabilityReporting: true }), syntheticRepo('small', 'two')],
  );

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: [org], tokens: { [TOKEN]: 'octocat' } });
  });
  afterAll(() => fake.close());

  const run = async (extra: Partial<GithubCollectorOptions> = {}) => {
    const sleeps: number[] = [];
    const events = collectingSink();
    const collector = createGithubCollector({
      token: TOKEN,
      baseUrl: fake.url,
      clock,
      events,
      retryBaseMs: 1,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
        fake.resetRateLimits();
      },
      ...extra,
    });
    const result = await collector.collectOrg('small');
    return { result, sleeps, events, stats: collector.stats() };
  };

  it('waits for the primary limit to reset (x-ratelimit-reset), then goes on', async () => {
    fake.exhaustRateLimit(TOKEN, 120);
    const { result, sleeps, stats } = await run();
    expect(sleeps.length).toBeGreaterThanOrEqual(1);
    for (const wait of sleeps) {
      expect(wait).toBeGreaterThanOrEqual(119_000);
      expect(wait).toBeLessThanOrEqual(122_000);
    }
    expect(stats.rateLimitWaits).toBe(sleeps.length);
    expect(value(result.repos[0]!.privateVulnerabilityReporting)).toBe(true);
  });

  it.each([
    ['secondary-403', /private-vulnerability-reporting/, 7],
    ['secondary-429', /dependabot\/alerts/, 3],
    ['secondary-403', /^\/graphql$/, 11],
  ] as const)('honours retry-after of a %s on %s', async (kind, pathPattern, seconds) => {
    fake.injectFault({ kind, path: pathPattern, times: 2, retryAfterSeconds: seconds });
    const { result, sleeps, events } = await run();
    expect(sleeps).toEqual([seconds * 1000, seconds * 1000]);
    expect(value(result.repos[0]!.privateVulnerabilityReporting)).toBe(true);
    expect(events.events.some((event) => event.type === 'log' && event.level === 'warn' && /secondary rate limit/.test(event.message))).toBe(true);
  });

  it('gives up on a limit that resets later than it may wait', async () => {
    fake.exhaustRateLimit(TOKEN, 7200);
    await expect(run({ maxRateLimitWaitSeconds: 600, sleep: async () => {} })).rejects.toMatchObject({ name: 'HostError', status: 403, retryable: true });
    fake.resetRateLimits();
  });

  it('retries a server error', async () => {
    fake.injectFault({ kind: 'server-error', path: /actions\/permissions\/workflow/, times: 1 });
    const { result, stats } = await run();
    expect(value(result.org.defaultWorkflowPermissions)).toBe('write');
    expect(stats.byRoute['GET /orgs/{org}/actions/permissions/workflow']).toBe(2);
  });
});

describe('rate-limit waits: capped in total, and said', () => {
  let fake: FakeGithub;
  const org = staticOrg(
    { login: 'limited', databaseId: 82, twoFactorRequired: false, defaultWorkflowPermissions: 'write', members: [], outsideCollaborators: [] },
    [syntheticRepo('limited', 'one', { privateVulnerabilityReporting: true }), syntheticRepo('limited', 'two')],
  );

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: [org], tokens: { [TOKEN]: 'octocat' } });
  });
  afterAll(() => fake.close());

  /** A clock that a sleep moves forward (concurrent sleeps end together, as real ones would). */
  function movingClock() {
    let now = Date.parse(FIXTURE_NOW);
    const sleeps: number[] = [];
    return {
      sleeps,
      clock: { now: () => new Date(now) },
      sleep(milliseconds: number, then: () => void = () => fake.resetRateLimits()) {
        sleeps.push(milliseconds);
        now = Math.max(now, now + milliseconds);
        then();
        return Promise.resolve();
      },
    };
  }

  const waits = (events: ReturnType<typeof collectingSink>) =>
    events.events.filter((event) => event.type === 'log' && event.data?.event === 'github-rate-limit-wait').map((event) => (event.type === 'log' ? event : null)!);

  it('by default does not wait an hour: the organisation fails, naming the limit and its reset', async () => {
    fake.exhaustRateLimit(TOKEN, 3600);
    const events = collectingSink();
    const time = movingClock();
    const failure = await createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock: time.clock, events, retryBaseMs: 1, sleep: (ms) => time.sleep(ms) })
      .collectOrg('limited')
      .then(
        () => null,
        (error: unknown) => error as HostError,
      );
    fake.resetRateLimits();
    expect(time.sleeps).toEqual([]);
    expect(failure).toBeInstanceOf(HostError);
    expect(failure!.status).toBe(403);
    expect(failure!.retryable).toBe(true);
    expect(failure!.message).toMatch(/GitHub's core rate limit is spent until \d{4}-\d\d-\d\dT[\d:.]+Z; not waited for: that would pass the 15m allowed for rate-limit waits/);
    const said = waits(events);
    expect(said.length).toBeGreaterThanOrEqual(1);
    expect(said[0]!.message).toMatch(/^GitHub rate limit: not waiting (60|61)m for core \(resets at \d{4}-[\d-]+T[\d:.]+Z\): that would pass the 15m allowed/);
    expect(said[0]!.data).toMatchObject({ kind: 'primary', resource: 'core', waited: false, maxWaitSeconds: 900 });
  });

  it('waits within the cap, says so once per stretch of waiting, and counts concurrent waits once', async () => {
    fake.exhaustRateLimit(TOKEN, 120);
    const events = collectingSink();
    const time = movingClock();
    // The limit is reset only once two requests wait (the organisation's two REST requests meet it together), so the two waits overlap.
    let waiting: (() => void)[] = [];
    let fallback: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(fallback);
      fallback = undefined;
      fake.resetRateLimits();
      for (const resume of waiting) resume();
      waiting = [];
    };
    const sleep = (ms: number) =>
      time.sleep(ms, () => {}).then(
        () =>
          new Promise<void>((resume) => {
            waiting.push(resume);
            if (waiting.length >= 2) release();
            else fallback ??= setTimeout(release, 2000);
          }),
      );
    const collector = createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock: time.clock, events, retryBaseMs: 1, maxRateLimitWaitSeconds: 150, sleep });
    const result = await collector.collectOrg('limited');
    expect(value(result.repos[0]!.privateVulnerabilityReporting)).toBe(true);
    // Both organisation REST requests met the spent limit at once and waited for the same reset.
    expect(time.sleeps.length).toBeGreaterThanOrEqual(2);
    const stats = collector.stats();
    expect(stats.rateLimitWaits).toBe(time.sleeps.length);
    expect(stats.waitedMilliseconds).toBeLessThanOrEqual(122_000);
    const said = waits(events);
    expect(said.map((event) => event.message)).toEqual([expect.stringMatching(/^GitHub rate limit: waiting 2m for core \(resets at \d{4}-[\d-]+T[\d:.]+Z\)$/)]);
    expect(said[0]!.data).toMatchObject({ event: 'github-rate-limit-wait', kind: 'primary', resource: 'core', waited: true, resetsAt: expect.stringMatching(/Z$/) });
  });

  it('stops waiting once the waits add up to the cap', async () => {
    fake.exhaustRateLimit(TOKEN, 120);
    const events = collectingSink();
    const time = movingClock();
    // Every reset is followed by the next window's limit spent at once: 2m, 2m more, then the third wait would pass 5m.
    const collector = createGithubCollector({
      token: TOKEN,
      baseUrl: fake.url,
      clock: time.clock,
      events,
      retryBaseMs: 1,
      rateLimitRetries: 10,
      maxRateLimitWaitSeconds: 300,
      sleep: (ms) => time.sleep(ms, () => fake.exhaustRateLimit(TOKEN, Math.round(ms / 120_000) * 120 + 120)),
    });
    await expect(collector.collectOrg('limited')).rejects.toThrow(/core rate limit is spent until .*that would pass the 5m allowed for rate-limit waits \(4m waited already\)/);
    fake.resetRateLimits();
    expect(collector.stats().waitedMilliseconds).toBeLessThanOrEqual(300_000);
    expect(waits(events).filter((event) => event.data?.waited === true)).toHaveLength(2);
  });

  it('fails on a spent GraphQL limit it may not wait for, naming it', async () => {
    fake.exhaustRateLimit(TOKEN, 7200, 'graphql');
    const time = movingClock();
    await expect(createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock: time.clock, retryBaseMs: 1, sleep: (ms) => time.sleep(ms) }).collectOrg('limited')).rejects.toThrow(
      /^GraphQL repositories of limited: GitHub's graphql rate limit is spent until .*: that would pass the 15m allowed/,
    );
    fake.resetRateLimits();
    expect(time.sleeps).toEqual([]);
  });
});

describe('timeouts and deadlines', () => {
  let fake: FakeGithub;
  const org = staticOrg(
    { login: 'slow', databaseId: 83, twoFactorRequired: false, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] },
    [syntheticRepo('slow', 'one', { privateVulnerabilityReporting: true }), syntheticRepo('slow', 'two')],
  );

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: [org], tokens: { [TOKEN]: 'octocat' } });
  });
  afterAll(() => fake.close());

  const collector = (extra: Partial<GithubCollectorOptions> = {}, events = collectingSink()) =>
    createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock, events, retryBaseMs: 1, requestTimeoutMs: 100, sleep: async () => {}, ...extra });

  async function failureOf(work: Promise<unknown>): Promise<{ error: HostError }> {
    const error = await work.then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(HostError);
    return { error: error as HostError };
  }

  it('an API that accepts and never answers: each attempt is cut off, retried, then the organisation fails', async () => {
    fake.injectFault({ kind: 'no-answer', times: Number.POSITIVE_INFINITY });
    const events = collectingSink();
    const slow = collector({}, events);
    try {
      const { error } = await failureOf(slow.collectOrg('slow'));
      expect(error.message).toMatch(/^(GraphQL repositories of slow|GET \/orgs\/slow\/[a-z_/]+(\?per_page=100)?): GitHub gave no complete answer within 100ms \(tried 4 times\)$/);
      expect(error.status).toBeUndefined();
      expect(error.retryable).toBe(true);
      expect(slow.stats().byRoute['POST /graphql']).toBe(4);
      const shown = [error.message, inspect(error, { depth: 20, showHidden: true }), JSON.stringify(events.events)].join('\n');
      expect(shown).not.toContain(TOKEN);
    } finally {
      fake.resetFaults();
    }
  });

  it('a body that stops after the headers is cut off as well', async () => {
    fake.injectFault({ kind: 'stalled-body', path: /private-vulnerability-reporting/, times: Number.POSITIVE_INFINITY });
    try {
      const { error } = await failureOf(collector().collectOrg('slow'));
      expect(error.message).toMatch(/^GET \/repos\/slow\/(one|two)\/private-vulnerability-reporting: GitHub gave no complete answer within 100ms \(tried 4 times\)$/);
    } finally {
      fake.resetFaults();
    }
  });

  it('one request that gets no answer is retried, and the collection goes on', async () => {
    fake.injectFault({ kind: 'no-answer', path: /actions\/permissions\/workflow/, times: 1 });
    const slow = collector();
    const result = await slow.collectOrg('slow');
    expect(value(result.org.defaultWorkflowPermissions)).toBe('read');
    expect(slow.stats().byRoute['GET /orgs/{org}/actions/permissions/workflow']).toBe(2);
  });

  it('the deadline ends a collection whose requests would each take longer, and cancels them', async () => {
    fake.injectFault({ kind: 'no-answer', times: Number.POSITIVE_INFINITY });
    try {
      const slow = collector({ requestTimeoutMs: 60_000, deadlineMs: 300 });
      const { error } = await failureOf(slow.collectOrg('slow'));
      expect(error.message).toBe('GitHub collection of slow did not finish within 300ms (rate-limit waits not counted)');
      expect(error.retryable).toBe(true);
      // Nothing is left waiting on the server: every request of the collection was cancelled.
      await expect.poll(() => fake.openRequests(), { timeout: 2000 }).toBe(0);
    } finally {
      fake.resetFaults();
    }
  });

  it('an answer larger than the limit fails at once, without retries', async () => {
    const small = collector({ maxResponseBytes: 1000 });
    const { error } = await failureOf(small.collectOrg('slow'));
    expect(error.message).toMatch(/: the answer is larger than 1000 bytes, the limit for a GitHub answer$/);
    expect(error.retryable).toBe(false);
    expect(small.stats().byRoute['POST /graphql']).toBe(1);
  });

  it('a cache written during a run that timed out holds no token', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-github-timeout-'));
    try {
      const file = path.join(directory, 'cache.sqlite');
      const cache = openGithubCache(file);
      fake.injectFault({ kind: 'no-answer', path: /private-vulnerability-reporting/, times: Number.POSITIVE_INFINITY });
      const events = collectingSink();
      const error = await failureOf(createGithubCollector({ env: { GH_TOKEN: TOKEN }, baseUrl: fake.url, cache, clock, events, retryBaseMs: 1, requestTimeoutMs: 100 }).collectOrg('slow'));
      fake.resetFaults();
      cache.close();
      const db = new Database(file, { readonly: true });
      const stored = JSON.stringify([...db.prepare('SELECT * FROM responses').all(), ...db.prepare('SELECT * FROM objects').all()]);
      db.close();
      for (const shown of [stored, error.error.message, JSON.stringify(events.events), readFileSync(file).toString('latin1')]) expect(shown).not.toContain(TOKEN);
    } finally {
      fake.resetFaults();
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('pagination that loops', () => {
  let fake: FakeGithub;
  const alerts: FakeAlert[] = Array.from({ length: 130 }, (_, index) => ({
    number: index + 1,
    ecosystem: 'pip',
    packageName: `pkg-${index}`,
    manifestPath: 'pyproject.toml',
    ghsaId: `GHSA-cccc-dddd-${String(index).padStart(4, '0')}`,
    severity: 'high',
    summary: `advisory ${index}`,
    createdAt: '2026-08-01T00:00:00Z',
  }));
  const repos = Array.from({ length: 120 }, (_, index) => syntheticRepo('loopy', `project-${String(index).padStart(3, '0')}`));
  repos[3] = syntheticRepo('loopy', 'project-003', { dependabotAlerts: { state: 'enabled', open: alerts } });
  const members = Array.from({ length: 150 }, (_, index) => ({ login: `member-${index}`, role: 'MEMBER' as const, databaseId: 1000 + index, lastContribution: null }));
  const org = staticOrg(
    { login: 'loopy', databaseId: 84, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members, outsideCollaborators: Array.from({ length: 150 }, (_, index) => `helper-${index}`) },
    repos,
  );

  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: [org] });
  });
  afterAll(() => fake.close());

  it('a Link next that points to the page just read stops the list at once, saying so', async () => {
    fake.injectFault({ kind: 'self-link', path: /outside_collaborators|dependabot\/alerts/, times: Number.POSITIVE_INFINITY });
    try {
      const events = collectingSink();
      const collector = createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock, events });
      const result = await collector.collectOrg('loopy');
      const collaborators = result.org.outsideCollaborators;
      expect(collaborators.known).toBe(false);
      expect(collaborators.known || collaborators.reason).toBe(
        "GitHub's Link header for GET /orgs/loopy/outside_collaborators pointed back to a page already read after 1 page(s): stopped there, so the list may be incomplete",
      );
      const advisories = result.repos[3]!.openAdvisories;
      expect(advisories.known || advisories.reason).toMatch(/^GitHub's Link header for GET \/repos\/loopy\/project-003\/dependabot\/alerts pointed back/);
      const stats = collector.stats();
      expect(stats.byRoute['GET /orgs/{org}/outside_collaborators']).toBe(1);
      // One request per repository: each list's first page already pointed to itself.
      expect(stats.byRoute['GET /repos/{owner}/{repo}/dependabot/alerts']).toBe(120);
      const loops = events.events.filter((event) => event.type === 'log' && event.data?.event === 'github-pagination-loop');
      expect(loops.length).toBe(121);
    } finally {
      fake.resetFaults();
    }
  });

  it('a GraphQL cursor given again stops the repository listing and the member list, saying so', async () => {
    fake.injectFault({ kind: 'repeat-cursor', connection: 'repositories', times: Number.POSITIVE_INFINITY });
    fake.injectFault({ kind: 'repeat-cursor', connection: 'membersWithRole', times: Number.POSITIVE_INFINITY });
    try {
      const events = collectingSink();
      const collector = createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock, events });
      const result = await collector.collectOrg('loopy');
      // Page 2 came back with its own cursor as the next one: two pages, 100 of the 120 repositories.
      expect(result.repos).toHaveLength(100);
      const messages = events.events.filter((event) => event.type === 'log' && event.data?.event === 'github-pagination-loop').map((event) => (event.type === 'log' ? event.message : ''));
      expect(messages).toContain("GitHub's repository list of loopy gave a page cursor again after 2 page(s): stopped listing there; 100 of the 120 repositories GitHub counts are collected");
      expect(result.org.members.known || result.org.members.reason).toBe("GitHub's member list of loopy gave a page cursor again after 2 page(s): stopped there, so the list may be incomplete");
      expect(collector.stats().byRoute['POST /graphql']).toBe(2 + 2);
    } finally {
      fake.resetFaults();
    }
  });
});

describe('secrets', () => {
  let fake: FakeGithub;
  let directory: string;
  const orgs = () => [
    staticOrg({ login: 'secretive', databaseId: 79, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, [
      syntheticRepo('secretive', 'app', { files: [fakeFile('.github/workflows/ci.yml', 'on: push\njobs: {}\n')], secrets: ['PYPI_TOKEN'] }),
    ]),
  ];
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const INSTALLATION_TOKEN = 'ghs_Installation0Token1Value2Never3Kept4';

  beforeAll(async () => {
    fake = await startFakeGithub({
      orgs: orgs(),
      tokens: { [TOKEN]: 'octocat', [INSTALLATION_TOKEN]: 'chainwatch[bot]' },
      app: { appId: 4242, installationId: 99, publicKeyPem: publicKey, installationToken: INSTALLATION_TOKEN },
    });
    directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-github-'));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(directory, { recursive: true, force: true });
  });

  const forms = (secret: string): string[] => [secret, Buffer.from(secret).toString('base64'), Buffer.from(`x-access-token:${secret}`).toString('base64')];

  function everyStoredRow(file: string): string {
    const db = new Database(file, { readonly: true });
    const rows = [...db.prepare('SELECT * FROM responses').all(), ...db.prepare('SELECT * FROM objects').all()];
    db.close();
    // Stored values are deflated: look at them as the collector reads them back.
    return rows.map((row) => Object.values(row as Record<string, unknown>).map((item) => (Buffer.isBuffer(item) ? inflateRawSync(item).toString('utf8') : String(item))).join('\n')).join('\n');
  }

  it('never puts a token from the environment in an event or a stored cache row', async () => {
    const file = path.join(directory, 'token.sqlite');
    const cache = openGithubCache(file);
    const events = collectingSink();
    const collector = createGithubCollector({ env: { GH_TOKEN: TOKEN }, baseUrl: fake.url, cache, clock, events });
    const result = await collector.collectOrg('secretive');
    expect(value(result.repos[0]!.secretNames)).toEqual(['PYPI_TOKEN']);
    await collector.collectOrg('secretive');
    cache.close();
    const stored = everyStoredRow(file);
    expect(stored).toContain('PYPI_TOKEN');
    for (const form of forms(TOKEN)) {
      expect(stored).not.toContain(form);
      expect(JSON.stringify(events.events)).not.toContain(form);
      expect(JSON.stringify(result)).not.toContain(form);
    }
  });

  it.each([
    ['GH_TOKEN', 'ghp_Wrong0Token1That2The3Server4Refuses5'],
    ['GITHUB_TOKEN', 'github_pat_11AAAAAAA0wrongwrongwrongwrong_abcdefghijklmnop'],
  ])('never puts a refused %s in an error or a log event', async (variable, wrong) => {
    const events = collectingSink();
    const collector = createGithubCollector({ env: { [variable]: wrong }, baseUrl: fake.url, clock, events, sleep: async () => {} });
    const error = await collector.collectOrg('secretive').then(
      () => null,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).status).toBe(401);
    const shown = [inspect(error, { depth: 20, showHidden: true }), JSON.stringify(error), (error as Error).message, JSON.stringify(events.events)].join('\n');
    for (const form of forms(wrong)) expect(shown).not.toContain(form);
  });

  it('authenticates as a GitHub App installation without storing its token', async () => {
    const file = path.join(directory, 'app.sqlite');
    const cache = openGithubCache(file);
    const events = collectingSink();
    const collector = createGithubCollector({ app: { appId: 4242, privateKey, installationId: 99 }, env: {}, baseUrl: fake.url, cache, clock, events });
    const result = await collector.collectOrg('secretive');
    expect(value(result.repos[0]!.secretNames)).toEqual(['PYPI_TOKEN']);
    expect(collector.stats().byRoute['POST /app/installations/{installation_id}/access_tokens']).toBe(1);
    cache.close();
    const stored = everyStoredRow(file);
    for (const form of [...forms(INSTALLATION_TOKEN), privateKey.split('\n')[1]!]) {
      expect(stored).not.toContain(form);
      expect(JSON.stringify(events.events)).not.toContain(form);
    }
  });
});

describe('a monorepo with more posture files than are fetched', () => {
  it('fetches configuration first and at most 300 files', async () => {
    const manifests = Array.from({ length: 320 }, (_, index) => fakeFile(`packages/p${index}/package.json`, `{"name":"p${index}"}\n`));
    const workflow = fakeFile('.github/workflows/ci.yml', 'on: push\n');
    const org = staticOrg({ login: 'mono', databaseId: 81, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, [
      syntheticRepo('mono', 'repo', { files: [...manifests, fakeFile('package.json', '{"private":true}\n'), workflow] }),
    ]);
    const fake = await startFakeGithub({ orgs: [org] });
    try {
      const facts = await createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock }).collectRepo('mono', 'repo');
      expect(value(facts.paths)).toHaveLength(322);
      expect(facts.files).toHaveLength(300);
      expect(facts.files.slice(0, 2).map((file) => file.path)).toEqual(['.github/workflows/ci.yml', 'package.json']);
    } finally {
      await fake.close();
    }
  });
});

describe('OpenSSF Best Practices badge', () => {
  let fake: FakeGithub;
  const org = staticOrg({ login: 'badged', databaseId: 80, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, [
    syntheticRepo('badged', 'gold-one'),
    syntheticRepo('badged', 'home-page-only'),
    syntheticRepo('badged', 'unlisted'),
    syntheticRepo('badged', 'site-down'),
  ]);
  beforeAll(async () => {
    fake = await startFakeGithub({ orgs: [org] });
  });
  afterAll(() => fake.close());

  it('reads the level of the project registered for the repository, one request a second', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const site = agent.get('https://bestpractices.test');
    const answer = (repo: string, status: number, body: unknown) =>
      site.intercept({ path: `/projects.json?url=${encodeURIComponent(`https://github.test/badged/${repo}`)}`, method: 'GET' }).reply(status, JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    answer('gold-one', 200, [{ id: 1, repo_url: 'https://github.test/badged/gold-one', badge_level: 'gold' }]);
    // Found through its home page only: another project's badge.
    answer('home-page-only', 200, [{ id: 2, repo_url: 'https://github.test/someone/else', homepage_url: 'https://github.test/badged/home-page-only', badge_level: 'passing' }]);
    answer('unlisted', 200, []);
    answer('site-down', 503, 'unavailable');
    const sleeps: number[] = [];
    const collector = createGithubCollector({
      token: TOKEN,
      baseUrl: fake.url,
      clock,
      lanes: 1,
      sleep: async (milliseconds) => void sleeps.push(milliseconds),
      bestPractices: { client: createHttpClient({ dispatcher: agent, retry: { retries: 0 }, clock }), baseUrl: 'https://bestpractices.test', repositoryUrlBase: 'https://github.test' },
    });
    const result = await collector.collectOrg('badged');
    const badges = Object.fromEntries(result.repos.map((repo) => [repo.repo, repo.bestPracticesBadge]));
    expect(badges['badged/gold-one']).toEqual({ known: true, value: 'gold' });
    expect(badges['badged/home-page-only']).toEqual({ known: true, value: 'none' });
    expect(badges['badged/unlisted']).toEqual({ known: true, value: 'none' });
    expect(badges['badged/site-down']!.known).toBe(false);
    // The injected clock stands still: every request after the first waits the whole second.
    expect(sleeps).toEqual([1000, 1000, 1000]);
    agent.assertNoPendingInterceptors();
    await agent.close();
  });
});

describe('OpenSSF Best Practices site that does not answer', () => {
  it('gives up on a look-up after its time limit and does not ask the site again', async () => {
    const org = staticOrg({ login: 'hung', databaseId: 85, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, [
      syntheticRepo('hung', 'first'),
      syntheticRepo('hung', 'second'),
      syntheticRepo('hung', 'third'),
    ]);
    const fake = await startFakeGithub({ orgs: [org] });
    const agent = new MockAgent();
    agent.disableNetConnect();
    const site = agent.get('https://bestpractices.test');
    site.intercept({ path: /^\/projects\.json/, method: 'GET' }).reply(200, '[]', { headers: { 'content-type': 'application/json' } }).delay(3000);
    const events = collectingSink();
    try {
      const collector = createGithubCollector({
        token: TOKEN,
        baseUrl: fake.url,
        clock,
        events,
        lanes: 1,
        sleep: async () => {},
        bestPractices: { client: createHttpClient({ dispatcher: agent, retry: { retries: 0 }, clock }), baseUrl: 'https://bestpractices.test', repositoryUrlBase: 'https://github.test', timeoutMs: 100 },
      });
      const result = await collector.collectOrg('hung');
      const reasons = result.repos.map((repo) => (repo.bestPracticesBadge.known ? 'known' : repo.bestPracticesBadge.reason));
      expect(reasons).toEqual([
        'the OpenSSF Best Practices site gave no answer within 100ms',
        'not looked up: the OpenSSF Best Practices site gave no answer within 100ms earlier in this run',
        'not looked up: the OpenSSF Best Practices site gave no answer within 100ms earlier in this run',
      ]);
      expect(events.events.filter((event) => event.type === 'log' && event.data?.event === 'best-practices-timeout')).toHaveLength(1);
    } finally {
      await fake.close();
      await agent.close();
    }
  });
});

describe('ruleset conditions', () => {
  it.each([
    [['~DEFAULT_BRANCH'], [], 'refs/heads/main', true],
    [['~ALL'], ['refs/heads/main'], 'refs/heads/main', false],
    [['refs/heads/release/*'], [], 'refs/heads/main', false],
    [['refs/heads/ma*'], [], 'refs/heads/main', true],
    [['refs/heads/**'], [], 'refs/heads/main', true],
    [['refs/heads/*'], [], 'refs/heads/feature/x', false],
  ])('include %j exclude %j on %s → %s', (include, exclude, ref, expected) => {
    expect(rulesetTargets({ include, exclude }, ref, 'main')).toBe(expected);
  });

  it('matches fnmatch sets and single characters', () => {
    expect(globMatches('refs/heads/v[0-9].?', 'refs/heads/v1.x')).toBe(true);
    expect(globMatches('refs/heads/v[!0-9]', 'refs/heads/v1')).toBe(false);
  });
});
