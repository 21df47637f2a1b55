/**
 * RepoFacts from what GitHub answered for one repository (the GraphQL node,
 * the tree, the REST settings, the file texts): no I/O, no judgement. Dates
 * are ISO 8601 in UTC; thresholds are the probes'.
 */
import {
  known,
  unavailable,
  type BestPracticesLevel,
  type BranchProtectionFact,
  type CommitFact,
  type Fact,
  type PullRequestFact,
  type ReleaseFact,
  type RepoFacts,
  type RepoFile,
} from '../../types.js';
import { isoDate } from '../history.js';
import { isSecurityPolicyPath } from '../posture-files.js';
import { errorAt } from './graphql/request.js';
import type { GraphqlError, PolicyRepositoryNode, RepositoryNode } from './graphql/queries.js';
import type { TreeListing } from './rest/trees.js';

/** Everything asked about one repository besides the file texts. */
export interface RepositoryAnswers {
  node: RepositoryNode;
  tree: Fact<TreeListing>;
  /** [path, blob oid, size] of the posture files to read (posture-files.ts). */
  selected: [string, string, number][];
  privateVulnerabilityReporting: Fact<boolean>;
  alerts: { enabled: Fact<boolean>; open: Fact<number> };
  secretNames: Fact<string[]>;
  bestPracticesBadge: Fact<BestPracticesLevel>;
}

/** SECURITY.md of the owner's `.github` repository, where GitHub looks for it (root, `.github/`, `docs/`); `failure` when GitHub did not give it. */
export function policyFile(node: PolicyRepositoryNode, failure: string | null): Fact<RepoFile | null> {
  if (failure) return unavailable(failure);
  if (!node) return known(null);
  for (const [key, path] of [
    ['root', 'SECURITY.md'],
    ['dotGithub', '.github/SECURITY.md'],
    ['docs', 'docs/SECURITY.md'],
  ] as const) {
    const text = node[key]?.text;
    if (typeof text === 'string') return known({ path, text });
  }
  return known(null);
}

export function repoFacts(work: RepositoryAnswers, files: RepoFile[], orgPolicy: Fact<RepoFile | null>, errors: readonly GraphqlError[], errorPath: (string | number)[]): RepoFacts {
  const { node } = work;
  const ownPolicy = files.some((file) => isSecurityPolicyPath(file.path));
  const head = node.defaultBranchRef;
  const history = head?.target?.history;
  const commits: Fact<CommitFact[]> = node.isEmpty
    ? known([])
    : history
      ? known(
          history.nodes
            .filter((commit) => commit !== null)
            .map((commit) => ({
              sha: commit.oid,
              date: isoDate(commit.committedDate),
              author: commit.author?.user?.login ?? commit.author?.name ?? '',
              verified: commit.signature?.isValid ?? false,
            })),
        )
      : unavailable('GitHub gave no commit history for the default branch');
  const releases: Fact<ReleaseFact[]> = node.releases
    ? known(node.releases.nodes.filter((release) => release !== null && !release.isDraft).map((release) => ({ tag: release!.tagName, date: isoDate(release!.publishedAt ?? release!.createdAt) })))
    : unavailable('GitHub gave no releases');
  return {
    repo: node.nameWithOwner,
    source: 'api',
    defaultBranch: head ? known(head.name) : unavailable(node.isEmpty ? 'the repository is empty: it has no default branch yet' : 'GitHub gave no default branch'),
    archived: known(node.isArchived),
    empty: known(node.isEmpty),
    fork: known(node.isFork),
    paths: !work.tree.available
      ? unavailable(work.tree.reason)
      : work.tree.value.truncated
        ? unavailable('GitHub truncated the tree listing (more than 100,000 entries or 7 MB)')
        : known(work.tree.value.entries.map(([path]) => path).sort()),
    files,
    orgSecurityPolicy: ownPolicy ? known(null) : orgPolicy,
    privateVulnerabilityReporting: work.privateVulnerabilityReporting,
    dependabotAlerts: work.alerts.enabled,
    pullRequests: pullRequestFacts(node),
    branchProtection: branchProtection(node, errors, errorPath),
    commits,
    releases,
    openAdvisories: work.alerts.open,
    bestPracticesBadge: work.bestPracticesBadge,
    secretNames: work.secretNames,
  };
}

function pullRequestFacts(node: RepositoryNode): Fact<PullRequestFact[]> {
  if (!node.pullRequests) return unavailable('GitHub gave no pull requests');
  const pulls: PullRequestFact[] = [];
  for (const pull of node.pullRequests.nodes) {
    if (!pull) continue;
    const state = pull.mergedAt || pull.state === 'MERGED' ? 'merged' : pull.state === 'OPEN' ? 'open' : 'closed';
    pulls.push({ author: pull.author?.login ?? '', state, createdAt: isoDate(pull.createdAt), ...(pull.mergedAt ? { mergedAt: isoDate(pull.mergedAt) } : {}) });
  }
  return known(pulls);
}

function branchProtection(node: RepositoryNode, errors: readonly GraphqlError[], errorPath: (string | number)[]): Fact<BranchProtectionFact> {
  const head = node.defaultBranchRef;
  if (!head) return unavailable(node.isEmpty ? 'the repository is empty: it has no default branch to protect' : 'GitHub gave no default branch');
  const admin = node.viewerPermission === 'ADMIN';
  const rule = head.branchProtectionRule ?? null;
  if (!rule && !admin) return unavailable(`reading branch protection rules needs admin access (the token has ${node.viewerPermission ?? 'unknown'} access)`);
  if (!node.rulesets) {
    const error = errorAt(errors, ...errorPath, 'rulesets');
    return unavailable(`GitHub did not list the rulesets${error ? ` (${error.message})` : ''}`);
  }
  const rulesets: BranchProtectionFact['rulesets'] = [];
  for (const ruleset of node.rulesets.nodes) {
    if (!ruleset || (ruleset.target ?? 'BRANCH') !== 'BRANCH') continue;
    if (!rulesetTargets(ruleset.conditions.refName, `refs/heads/${head.name}`, head.name)) continue;
    if (ruleset.conditions.repositoryName && !namePatternsMatch(ruleset.conditions.repositoryName, node.name)) continue;
    rulesets.push({
      name: ruleset.name,
      enforcement: ruleset.enforcement.toLowerCase() as 'active' | 'evaluate' | 'disabled',
      rules: (ruleset.rules?.nodes ?? []).filter((entry) => entry !== null).map((entry) => entry.type.toLowerCase()),
    });
  }
  return known({
    branch: head.name,
    classic: rule
      ? {
          requiredReviews: rule.requiresApprovingReviews ? (rule.requiredApprovingReviewCount ?? 0) : 0,
          dismissStaleReviews: rule.dismissesStaleReviews,
          requireCodeOwnerReviews: rule.requiresCodeOwnerReviews,
          requiredStatusChecks: rule.requiresStatusChecks,
          enforceAdmins: rule.isAdminEnforced,
          allowForcePushes: rule.allowsForcePushes,
          allowDeletions: rule.allowsDeletions,
        }
      : null,
    rulesets,
  });
}

export function splitName(nameWithOwner: string): [string, string] {
  const slash = nameWithOwner.indexOf('/');
  return [nameWithOwner.slice(0, slash), nameWithOwner.slice(slash + 1)];
}

/** GitHub's ruleset ref conditions: `~DEFAULT_BRANCH`, `~ALL`, or fnmatch patterns on full ref names. */
export function rulesetTargets(refName: { include: string[]; exclude: string[] } | null, ref: string, defaultBranch: string): boolean {
  if (!refName) return false;
  const matches = (pattern: string): boolean =>
    pattern === '~ALL' || (pattern === '~DEFAULT_BRANCH' && ref === `refs/heads/${defaultBranch}`) || globMatches(pattern, ref);
  return refName.include.some(matches) && !refName.exclude.some(matches);
}

function namePatternsMatch(condition: { include: string[]; exclude: string[] }, name: string): boolean {
  const matches = (pattern: string): boolean => pattern === '~ALL' || globMatches(pattern, name);
  return condition.include.some(matches) && !condition.exclude.some(matches);
}

/**
 * fnmatch as GitHub applies it to ref names (File::FNM_PATHNAME): `*` stays
 * within one path segment, `**` crosses them, `?` is one character, `[...]` a set.
 */
export function globMatches(pattern: string, text: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (character === '*') {
      if (pattern[index + 1] === '*') {
        source += '.*';
        index++;
      } else source += '[^/]*';
    } else if (character === '?') source += '[^/]';
    else if (character === '[') {
      const end = pattern.indexOf(']', index + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern.slice(index + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        index = end;
      }
    } else source += character.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(text);
}
