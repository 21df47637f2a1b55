/**
 * The one interface every source of posture facts implements, as Scorecard's
 * `clients.RepoClient` has `githubrepo` and `localdir`: the GitHub API
 * (github/collector.ts) and local checkouts (local.ts). conformance.test.ts
 * runs both on the same repositories and requires the same facts, except the
 * ones only the API can know (REPO_FACT_SOURCES in conformance.fixture.ts
 * says which).
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
