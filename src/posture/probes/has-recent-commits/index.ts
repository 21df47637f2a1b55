import { daysSince } from '../common/dates.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasRecentCommits',
  question: 'Was there a commit within the recent-activity window (90 days by default)?',
  why: 'Recent commits are the plainest sign that someone is there to fix a vulnerability when one is reported.',
  fix: 'If the project is maintained, nothing to do but keep going; if it is finished, say so in the README and keep releases and advisories current; if it is abandoned, archive it.',
  needs: 'git',
};

export interface RecentCommitsEvidence {
  /** ISO date of the newest commit; null when there are none; absent when history is unknown. */
  readonly lastCommit?: string | null;
  readonly daysSinceLastCommit?: number | null;
  /** The recent-activity window in days. */
  readonly window?: number;
  readonly commitsInWindow?: number;
}

export const hasRecentCommits: RepoProbe<RecentCommitsEvidence> = {
  metadata,
  run(facts, context) {
    const fact = facts.commits;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const newest = fact.value[0];
    if (!newest) return answer(metadata.id, 'false', [{ message: 'the repository has no commits' }], { lastCommit: null, daysSinceLastCommit: null, window: context.settings.recentCommitDays });
    const days = daysSince(newest.date, context.now);
    const evidence = { lastCommit: newest.date, daysSinceLastCommit: days, window: context.settings.recentCommitDays, commitsInWindow: fact.value.filter((commit) => (daysSince(commit.date, context.now) ?? Infinity) <= context.settings.recentCommitDays).length };
    if (days === null) return answer(metadata.id, 'error', [{ message: `unreadable commit date ${newest.date}` }], evidence);
    if (days <= context.settings.recentCommitDays) return answer(metadata.id, 'true', [], evidence);
    return answer(metadata.id, 'false', [{ message: `last commit ${newest.date.slice(0, 10)}, ${days} days ago`, fix: metadata.fix }], evidence);
  },
};
