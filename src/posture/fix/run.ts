import type { Clock } from '../../core/clock.js';
import type { ChainwatchError } from '../../core/errors.js';
import { compareText } from '../../core/compare.js';
import { evaluateRepoCheck } from '../checks/index.js';
import { collectFacts, type BadInput, type CollectDependencies, type CollectRequest, type SourceStatus } from '../run.js';
import type { CheckId, CheckResult, RepoFacts } from '../types.js';
import { applyWaivers, loadWaivers, type Waiver } from '../waivers.js';
import { planDependabotConfig } from './dependabot.js';
import type { GithubWrites } from './github-writes.js';
import { syncIssue, type IssueOutcome, type IssueText } from './issue.js';
import { findKnownPins, planPinnedActions, withKnownPins, type ActionRefResolver } from './pin-actions.js';
import { openFixPullRequest, type PullRequestOutcome } from './pull-request.js';
import { planTokenPermissions } from './token-permissions.js';
import { isFixableCheck, type FixableCheckId, type FixNote, type FixPlan } from './types.js';
import { renderUnifiedDiff } from './unified-diff.js';

/**
 * The `chainwatch fix` pipeline: collect, then for each repository plan the
 * patch, and (when asked) open or refresh the pull request and keep the one
 * issue per repository and check. Repositories are handled one at a time and
 * handed back as they are done, so a front end can say what happened to each
 * while the next one is worked on.
 */

export interface FixRequest extends CollectRequest {
  check: CheckId;
  /** Open or refresh a pull request per repository (needs `writes`). */
  apply: boolean;
  /** Open, update, reopen or close the one issue per repository and check (needs `writes`). */
  issue: boolean;
  /** A waiver file: a waived check closes its issue instead of opening one. */
  waiversPath?: string;
}

export interface FixDependencies extends CollectDependencies {
  clock: Clock;
  /** Tag → SHA for pinned-actions. */
  resolver: ActionRefResolver;
  /** The GitHub writes `apply` and `issue` make; null when neither is asked. */
  writes: GithubWrites | null;
  /** The issue's title and body: Markdown, rendered in report/ and passed in by the front end. */
  issueText(repo: string, result: CheckResult, patch?: string): IssueText;
}

/** What happened to one repository, in the order it happened: notes and diff, then the pull request, then the issue. */
export interface RepositoryFix {
  repo: string;
  /** The plan's notes (none when the check has no automatic fix). */
  notes: FixNote[];
  /** The patch as a unified diff; '' when nothing changes or the check has no automatic fix. */
  diff: string;
  pullRequest?: PullRequestOutcome;
  issue?: { result: CheckResult; outcome: IssueOutcome };
  /** The waiver file could not be read: nothing more is done, for this repository or the next. */
  waiversError?: ChainwatchError;
  /** This repository could not be handled (GitHub refused a write, a file changed since it was read). */
  error?: unknown;
}

export type FixOutcome =
  | BadInput
  | { kind: 'nothing-collected'; sources: SourceStatus[] }
  | {
      kind: 'ready';
      sources: SourceStatus[];
      /** Sorted by name. */
      repos: readonly string[];
      /** Each repository, worked on when asked for. */
      fixes: AsyncGenerator<RepositoryFix, void, undefined>;
    };

export async function runFix(request: FixRequest, dependencies: FixDependencies): Promise<FixOutcome> {
  const collected = await collectFacts({ orgs: request.orgs, repos: request.repos, local: request.local }, dependencies);
  if (!collected.ok) return collected.error;
  const repos = [...collected.value.repos].sort((a, b) => compareText(a.repo, b.repo));
  if (repos.length === 0) return { kind: 'nothing-collected', sources: collected.value.sources };
  return { kind: 'ready', sources: collected.value.sources, repos: repos.map((facts) => facts.repo), fixes: fixRepositories(repos, request, dependencies) };
}

async function* fixRepositories(repos: readonly RepoFacts[], request: FixRequest, dependencies: FixDependencies): AsyncGenerator<RepositoryFix, void, undefined> {
  const check = request.check;
  // Read once, when the first issue needs it.
  let waivers: Waiver[] | undefined;
  // When GitHub cannot be asked, a tag another checkout already pins (`@<sha> # v4`) is taken from there.
  const resolver = check === 'pinned-actions' ? withKnownPins(dependencies.resolver, findKnownPins(repos)) : dependencies.resolver;
  for (const facts of repos) {
    const fix: RepositoryFix = { repo: facts.repo, notes: [], diff: '' };
    try {
      const plan = isFixableCheck(check) ? await planFix(check, facts, resolver) : null;
      if (plan) {
        fix.notes = plan.notes;
        fix.diff = renderUnifiedDiff(plan.changes);
      }
      if (request.apply && plan) fix.pullRequest = await openFixPullRequest(requireWrites(dependencies), plan);
      if (request.issue) {
        let result = evaluateRepoCheck(check, facts, { clock: dependencies.clock });
        if (request.waiversPath !== undefined) {
          if (waivers === undefined) {
            const loaded = loadWaivers(request.waiversPath);
            if (!loaded.ok) {
              fix.waiversError = loaded.error;
              yield fix;
              return;
            }
            waivers = loaded.value;
          }
          result = applyWaivers({ repos: [{ repo: facts.repo, checks: [result] }], orgs: [], expiredWaivers: [], sources: [] }, waivers, dependencies.clock).repos[0]!.checks[0]!;
        }
        const text = dependencies.issueText(facts.repo, result, fix.diff === '' ? undefined : fix.diff);
        fix.issue = { result, outcome: await syncIssue(requireWrites(dependencies), facts.repo, result, text) };
      }
    } catch (error) {
      fix.error = error;
    }
    yield fix;
  }
}

function requireWrites(dependencies: FixDependencies): GithubWrites {
  if (dependencies.writes === null) throw new Error('fix run: a pull request or an issue was asked for without GitHub writes');
  return dependencies.writes;
}

async function planFix(check: FixableCheckId, facts: RepoFacts, resolver: ActionRefResolver): Promise<FixPlan> {
  switch (check) {
    case 'dependency-update-tool': {
      // Without the tree, ecosystems come from the files that were read.
      const paths = facts.paths.known ? facts.paths.value : facts.files.map((file) => file.path);
      return planDependabotConfig(facts.repo, paths, facts.files);
    }
    case 'pinned-actions':
      return planPinnedActions(facts.repo, facts.files, resolver);
    case 'token-permissions':
      return planTokenPermissions(facts.repo, facts.files);
  }
}
