import { daysSince } from '../common/dates.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'dependencyUpdatesGetMerged',
  question: 'Do the update bot\'s pull requests get merged rather than go stale?',
  why: 'An update tool whose pull requests pile up unmerged gives the appearance of updates without the updates.',
  fix: 'Group updates (Dependabot `groups:`), auto-merge patch updates that pass CI, and close what will never be merged.',
  needs: 'api',
};

/** Dependabot and Renovate as GitHub names them (GraphQL gives app bots without `[bot]`, REST with it). */
const UPDATE_BOTS: ReadonlySet<string> = new Set(['dependabot', 'dependabot[bot]', 'dependabot-preview', 'dependabot-preview[bot]', 'renovate', 'renovate[bot]', 'renovate-bot']);

export interface DependencyUpdatesGetMergedEvidence {
  /** Update-bot pull requests among those the source gave. */
  readonly opened?: number;
  readonly merged?: number;
  /** Still open after `stalePullRequestDays`. */
  readonly stale?: number;
}

export const dependencyUpdatesGetMerged: RepoProbe<DependencyUpdatesGetMergedEvidence> = {
  metadata,
  run(facts, context) {
    const id = metadata.id;
    const pulls = facts.pullRequests;
    if (!pulls.available) return answer(id, 'not-available', [{ message: pulls.reason }]);
    let opened = 0;
    let merged = 0;
    let stale = 0;
    for (const pull of pulls.value) {
      if (!UPDATE_BOTS.has(pull.author)) continue;
      opened++;
      if (pull.state === 'merged') merged++;
      else if (pull.state === 'open' && (daysSince(pull.createdAt, context.now) ?? 0) > context.settings.stalePullRequestDays) stale++;
    }
    const evidence = { opened, merged, stale };
    if (opened === 0) return answer(id, 'not-applicable', [], evidence);
    if (stale > merged) {
      return answer(id, 'false', [{ message: `${stale} update pull request(s) went stale while ${merged} were merged (of ${opened} opened)`, fix: metadata.fix }], evidence);
    }
    return answer(id, 'true', [], evidence);
  },
};
