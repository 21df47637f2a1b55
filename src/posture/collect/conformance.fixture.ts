/**
 * The shared conformance check of the two collectors (STYLE rule 1: same
 * interface, same shared suite): the same repositories read through the
 * GitHub API (the fake server) and from checkouts must give the same facts,
 * for every fact a checkout can hold (REPO_FACT_SOURCES `every`). What differs
 * is returned as a list, so that each suite states its expected differences
 * explicitly; the API-only facts are checked apart (always unavailable
 * locally, saying so).
 */
import { isDeepStrictEqual } from 'node:util';
import { expect } from 'vitest';
import type { Fact, OrgFacts, RepoFacts } from '../types.js';
import type { OrgCollection } from './collector.js';
import { NEEDS_API } from './local.js';

/**
 * Which sources can know each repository fact: `every` source (files and git
 * history: a checkout holds them too), or the `api` only (settings that live
 * on GitHub). Adding a fact to RepoFacts without saying which is a compile
 * error, and the conformance suite compares exactly the `every` ones.
 */
const REPO_FACT_SOURCES = {
  defaultBranch: 'every',
  empty: 'every',
  paths: 'every',
  files: 'every',
  orgSecurityPolicy: 'every',
  commits: 'every',
  releases: 'every',
  archived: 'api',
  fork: 'api',
  privateVulnerabilityReporting: 'api',
  dependabotAlerts: 'api',
  pullRequests: 'api',
  branchProtection: 'api',
  openAdvisories: 'api',
  bestPracticesBadge: 'api',
  secretNames: 'api',
  // packageReleases is neither: the pipeline asks the registries (package-releases.ts), not a collector.
} as const satisfies Record<Exclude<keyof RepoFacts, 'repo' | 'source' | 'packageReleases'>, 'every' | 'api'>;

export type EveryFact = { [Key in keyof typeof REPO_FACT_SOURCES]: (typeof REPO_FACT_SOURCES)[Key] extends 'every' ? Key : never }[keyof typeof REPO_FACT_SOURCES];
export type ApiOnlyFact = Exclude<keyof typeof REPO_FACT_SOURCES, EveryFact>;

export const EVERY_FACTS = Object.keys(REPO_FACT_SOURCES).filter((key) => REPO_FACT_SOURCES[key as keyof typeof REPO_FACT_SOURCES] === 'every') as EveryFact[];
export const API_ONLY_FACTS = Object.keys(REPO_FACT_SOURCES).filter((key) => REPO_FACT_SOURCES[key as keyof typeof REPO_FACT_SOURCES] === 'api') as ApiOnlyFact[];

/** One way the two sources disagree about one fact of one repository. */
export interface FactDifference {
  repo: string;
  fact: EveryFact | 'commits.verified';
  /** `known`, or `unavailable: <reason>`. */
  api: string;
  local: string;
}

function describeFact(fact: Fact<unknown>): string {
  return fact.known ? 'known' : `unavailable: ${fact.reason}`;
}

/**
 * Where the facts both sources can know differ. Both unavailable is
 * agreement (each says why in its own words). One deliberate allowance, named
 * in the result: a commit whose signature git could not check (`%G?` E) has
 * no `verified` locally, while GitHub knows; such commits are compared
 * without it and reported as `commits.verified`.
 */
export function factDifferences(api: RepoFacts, local: RepoFacts): FactDifference[] {
  const differences: FactDifference[] = [];
  for (const key of EVERY_FACTS) {
    const apiFact: Fact<unknown> = key === 'files' ? { known: true, value: api.files } : api[key];
    const localFact: Fact<unknown> = key === 'files' ? { known: true, value: local.files } : local[key];
    if (!apiFact.known && !localFact.known) continue;
    if (apiFact.known !== localFact.known) {
      differences.push({ repo: api.repo, fact: key, api: describeFact(apiFact), local: describeFact(localFact) });
      continue;
    }
    let apiValue = (apiFact as { value: unknown }).value;
    const localValue = (localFact as { value: unknown }).value;
    if (key === 'commits' && Array.isArray(apiValue) && Array.isArray(localValue) && apiValue.length === localValue.length) {
      const unchecked = localValue.filter((commit: { verified?: boolean }) => commit.verified === undefined).length;
      if (unchecked > 0) {
        apiValue = apiValue.map((commit: { verified?: boolean }, index) => ((localValue[index] as { verified?: boolean }).verified === undefined ? withoutVerified(commit) : commit));
        differences.push({ repo: api.repo, fact: 'commits.verified', api: 'known', local: 'left out where git could not check the signature' });
      }
    }
    if (!isDeepStrictEqual(apiValue, localValue)) differences.push({ repo: api.repo, fact: key, api: 'known', local: 'known, with another value' });
  }
  return differences;
}

function withoutVerified<Commit extends { verified?: boolean }>(commit: Commit): Omit<Commit, 'verified'> {
  const { verified: _verified, ...rest } = commit;
  return rest;
}

/** Every API-only repository fact is unavailable locally, saying it needs the API. */
export function expectApiOnlyFactsUnavailableLocally(local: RepoFacts): void {
  for (const key of API_ONLY_FACTS) expect([local.repo, key, local[key]]).toEqual([local.repo, key, { known: false, reason: NEEDS_API }]);
}

/** Every organisation fact is the API's: unavailable locally, saying so. */
export function expectOrgFactsUnavailableLocally(local: OrgFacts): void {
  const { org, ...facts } = local;
  for (const [key, fact] of Object.entries(facts)) expect([org, key, fact]).toEqual([org, key, { known: false, reason: NEEDS_API }]);
}

/** The two collections paired by repository (the same repositories, each once, or the test fails). */
export function pairRepositories(api: OrgCollection, local: OrgCollection): [RepoFacts, RepoFacts][] {
  expect(local.repos.map((repo) => repo.repo).sort()).toEqual(api.repos.map((repo) => repo.repo).sort());
  const byName = new Map(local.repos.map((repo) => [repo.repo, repo]));
  return api.repos.map((repo) => [repo, byName.get(repo.repo)!]);
}

/**
 * The facts a checkout gives as the API would give them for it: API-only
 * facts replaced by the local collector's "needs the API". Used to show that
 * the checks score a repository the same whichever source read it.
 */
export function withApiOnlyFactsHidden(api: RepoFacts): RepoFacts {
  const hidden: RepoFacts = { ...api, source: 'local' };
  for (const key of API_ONLY_FACTS) (hidden as unknown as Record<string, Fact<unknown>>)[key] = { known: false, reason: NEEDS_API };
  return hidden;
}
