import { MAX_NESTING } from './parse-text.js';
import { known, unknown } from '../core/known.js';
import type { OrgFacts, PullRequestFact, RepoFacts } from './types.js';

/** The shared real-repository fixtures (read-only; the product never needs them). */
export { SHARED_PROJECTS } from '../../test/shared-data.js';

const API = 'needs the GitHub API';

/**
 * RepoFacts for tests: the given files (path → text), `paths` listing them plus
 * `extraPaths`, every API-only fact unavailable unless overridden.
 */
export function repoFacts(files: Readonly<Record<string, string | undefined>> = {}, overrides: Partial<RepoFacts> & { extraPaths?: string[] } = {}): RepoFacts {
  const { extraPaths = [], ...rest } = overrides;
  // Table rows built from object spreads type missing keys as undefined: skip them.
  const entries = Object.entries(files).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return {
    repo: 'example/repo',
    source: 'local',
    defaultBranch: known('main'),
    archived: unknown(API),
    empty: known(false),
    fork: unknown(API),
    paths: known([...entries.map(([path]) => path), ...extraPaths].sort()),
    files: entries.map(([path, text]) => ({ path, text })),
    orgSecurityPolicy: unknown(API),
    privateVulnerabilityReporting: unknown(API),
    dependabotAlerts: unknown(API),
    pullRequests: unknown(API),
    branchProtection: unknown(API),
    commits: unknown('no history in this test'),
    releases: unknown('no history in this test'),
    openAdvisories: unknown(API),
    bestPracticesBadge: unknown(API),
    secretNames: unknown(API),
    ...rest,
  };
}

/**
 * Dependabot pull requests as the GitHub collector reports them: `merged`,
 * `stale` (opened 60 days before `now`, still open), `fresh` (opened a day
 * before, still open), and `others` by a person (never counted).
 */
export function botPullRequests(counts: { merged?: number; stale?: number; fresh?: number; others?: number }, now: string): PullRequestFact[] {
  const daysBefore = (days: number): string => new Date(Date.parse(now) - days * 86_400_000).toISOString();
  const pulls: PullRequestFact[] = [];
  for (let index = 0; index < (counts.fresh ?? 0); index++) pulls.push({ author: 'dependabot', state: 'open', createdAt: daysBefore(1) });
  for (let index = 0; index < (counts.others ?? 0); index++) pulls.push({ author: 'a-contributor', state: 'open', createdAt: daysBefore(50) });
  for (let index = 0; index < (counts.stale ?? 0); index++) pulls.push({ author: 'dependabot', state: 'open', createdAt: daysBefore(60) });
  for (let index = 0; index < (counts.merged ?? 0); index++) pulls.push({ author: 'dependabot', state: 'merged', createdAt: daysBefore(90), mergedAt: daysBefore(89) });
  return pulls;
}

export function orgFacts(overrides: Partial<OrgFacts> = {}): OrgFacts {
  return {
    org: 'example',
    twoFactorRequired: unknown(API),
    defaultWorkflowPermissions: unknown(API),
    members: unknown(API),
    outsideCollaborators: unknown(API),
    ...overrides,
  };
}

/** Joins lines, so that a test's YAML shows its line numbers plainly (line 1 is the first element). */
export function lines(...text: string[]): string {
  return `${text.join('\n')}\n`;
}

/** Deeper than the YAML and JSON libraries' recursion can follow. */
export const DEEP = 50_000;
export const indented = (depth: number) => Array.from({ length: depth }, (_, index) => `${' '.repeat(index)}a:`).join('\n') + ' 1\n';

/** Hostile YAML, [what, text, the line where it goes deeper than MAX_NESTING]. */
export const HOSTILE_YAML: [string, string, number][] = [
  ['closed flow sequences', `jobs: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`, 1],
  ['unclosed flow sequences', `jobs: ${'['.repeat(DEEP)}\n`, 1],
  ['flow maps', `${'{a: '.repeat(DEEP)}1${'}'.repeat(DEEP)}\n`, 1],
  ['flow collections over many lines', `jobs:\n  x: ${Array.from({ length: 400 }, () => '[').join('\n')}\n`, 2 + MAX_NESTING - 2],
  ['block maps by indentation', indented(3000), MAX_NESTING + 1],
  ['sequences of sequences on one line', `${'- '.repeat(3000)}x\n`, 1],
  ['flow after an anchor and a tag', `on: &a !!seq ${'['.repeat(1000)}\n`, 1],
];
