/**
 * Both collectors on the 12 real repositories of ../shared/data/projects: the
 * checkouts read from disk, and the same files and git facts served by the
 * fake GitHub (test/fake-github/fixtures.ts, without its edge-case
 * repositories). What differs is listed below, each with its reason; anything
 * else that differs fails.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { fixtureRepo, fixtureRepoNames, FIXTURE_NOW, SHARED_PROJECTS } from '../../../test/fake-github/fixtures.js';
import { staticOrg, type FakeRepo } from '../../../test/fake-github/model.js';
import { startFakeGithub, type FakeGithub } from '../../../test/fake-github/server.js';
import { checkDefinition, evaluateRepo } from '../checks/index.js';
import { CHECK_IDS } from '../types.js';
import type { OrgCollection } from './collector.js';
import { expectApiOnlyFactsUnavailableLocally, expectOrgFactsUnavailableLocally, factDifferences, pairRepositories, withApiOnlyFactsHidden, type FactDifference } from './conformance.fixture.js';
import { createGithubCollector } from './github.js';
import { COMMITS_PER_REPOSITORY } from './history.js';
import { createLocalCollector } from './local.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const TOKEN = 'ghp_SharedData0Conformance1Token2abcdef';
const FEEDSTOCK = 'conda-forge/jupyterlab-feedstock';

/** Repositories whose newest commits include one git could not check the signature of (`%G?` E: GitHub's web-flow signature, which GitHub shows as verified). */
function withUncheckedSignatures(): string[] {
  return fixtureRepoNames()
    .map(({ owner, name }) => `${owner}/${name}`)
    .filter((repo) => {
      const file = path.join(SHARED_PROJECTS, repo, '.git-facts.json');
      if (!existsSync(file)) return false;
      const facts = JSON.parse(readFileSync(file, 'utf8')) as { recentCommits: { signature: string }[] };
      return facts.recentCommits.slice(0, COMMITS_PER_REPOSITORY).some((commit) => commit.signature === 'E');
    });
}

describeWithSharedData('collector conformance on the 12 repositories of ../shared/data/projects', () => {
  let fake: FakeGithub;
  const api: OrgCollection[] = [];
  const local: OrgCollection[] = [];

  beforeAll(async () => {
    const byOwner = new Map<string, FakeRepo[]>();
    for (const { owner, name } of fixtureRepoNames()) byOwner.set(owner, [...(byOwner.get(owner) ?? []), fixtureRepo(owner, name)]);
    let databaseId = 9000;
    const orgs = [...byOwner].map(([login, repos]) =>
      staticOrg({ login, databaseId: databaseId++, twoFactorRequired: true, defaultWorkflowPermissions: 'read', members: [], outsideCollaborators: [] }, repos),
    );
    fake = await startFakeGithub({ orgs, tokens: { [TOKEN]: 'octocat' } });
    api.push(...(await createGithubCollector({ token: TOKEN, baseUrl: fake.url, clock: fixedClock(FIXTURE_NOW), sleep: async () => {} }).collectOrgs([...byOwner.keys()])));
    local.push(...(await createLocalCollector({ root: SHARED_PROJECTS }).collectOrgs([...byOwner.keys()])));
  });

  afterAll(() => fake?.close());

  it('agree on every fact a checkout holds, but for the differences listed here', () => {
    const differences = api.flatMap((collection, index) => pairRepositories(collection, local[index]!).flatMap(([fromApi, fromCheckout]) => factDifferences(fromApi, fromCheckout)));
    const expected: FactDifference[] = [
      // The fixtures keep no .git, so a checkout cannot say which branch is the default.
      ...fixtureRepoNames().map(({ owner, name }) => ({
        repo: `${owner}/${name}`,
        fact: 'defaultBranch' as const,
        api: 'known',
        local: 'unavailable: the checkout has no .git; the default branch needs the GitHub API',
      })),
      // GitHub verifies its own web-flow signatures; git on the machine that wrote .git-facts.json could not.
      ...withUncheckedSignatures().map((repo) => ({ repo, fact: 'commits.verified' as const, api: 'known', local: 'left out where git could not check the signature' })),
      // The feedstock fixture has neither .git nor .git-facts.json; the fake invents one commit for it.
      ...(['empty', 'commits', 'releases'] as const).map((fact) => ({ repo: FEEDSTOCK, fact, api: 'known', local: 'unavailable: the checkout has neither .git nor .git-facts.json' })),
    ];
    const key = (entry: FactDifference): string => `${entry.repo} ${entry.fact}`;
    const order = (list: FactDifference[]) => [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    expect(withUncheckedSignatures().length).toBeGreaterThan(0);
    expect(order(differences)).toEqual(order(expected));
  });

  it('the API-only facts are unavailable from the checkouts, saying they need the API', () => {
    for (const collection of local) {
      expectOrgFactsUnavailableLocally(collection.org);
      for (const repo of collection.repos) expectApiOnlyFactsUnavailableLocally(repo);
    }
  });

  it('every check that reads only files scores each repository the same from either source', () => {
    const fileChecks = CHECK_IDS.filter((id) => checkDefinition(id).needs.every((need) => need === 'files'));
    expect(fileChecks).toEqual(expect.arrayContaining(['pinned-actions', 'token-permissions', 'dangerous-workflow', 'trusted-publishing']));
    const evaluation = { clock: fixedClock(FIXTURE_NOW), checks: fileChecks };
    for (const [index, collection] of api.entries()) {
      for (const [fromApi, fromCheckout] of pairRepositories(collection, local[index]!)) {
        expect(evaluateRepo(withApiOnlyFactsHidden(fromApi), evaluation)).toEqual(evaluateRepo(fromCheckout, evaluation));
      }
    }
  });
});
