/**
 * The one interface every source of posture facts implements, as Scorecard's
 * `clients.RepoClient` has `githubrepo` and `localdir`: the GitHub API
 * (github/collector.ts) and local checkouts (local.ts). conformance.test.ts
 * runs both on the same repositories and requires the same facts, except the
 * ones only the API can know (REPO_FACT_SOURCES says which).
 */
import type { OrgFacts, RepoFacts } from '../types.js';

/** One organisation's facts and its repositories'. */
export interface OrgCollection {
  org: OrgFacts;
  repos: RepoFacts[];
}

export interface PostureCollector {
  readonly source: RepoFacts['source'];
  /** Every repository of an organisation, and what the source knows of the organisation itself. */
  collectOrg(org: string): Promise<OrgCollection>;
  /** Several organisations; results in the order given. */
  collectOrgs(orgs: readonly string[]): Promise<OrgCollection[]>;
  collectRepo(owner: string, name: string): Promise<RepoFacts>;
}

/**
 * Which sources can know each repository fact: `every` source (files and git
 * history: a checkout holds them too), or the `api` only (settings that live
 * on GitHub). Adding a fact to RepoFacts without saying which is a compile
 * error, and the conformance suite compares exactly the `every` ones.
 */
export const REPO_FACT_SOURCES = {
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
} as const satisfies Record<Exclude<keyof RepoFacts, 'repo' | 'source'>, 'every' | 'api'>;

