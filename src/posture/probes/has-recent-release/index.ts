import { daysSince } from '../common/dates.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasRecentRelease',
  question: 'Was there a release (tag) within the release window (365 days by default)?',
  why: 'Fixes only reach users through releases; commits without releases do not protect anyone.',
  fix: 'Cut a release when fixes land (and tag it).',
  needs: 'git',
};

export interface RecentReleaseEvidence {
  /** The newest release's tag; null when there are none; absent when releases are unknown. */
  readonly lastRelease?: string | null;
  readonly lastReleaseDate?: string;
  readonly daysSinceLastRelease?: number | null;
  /** The recent-release window in days. */
  readonly window?: number;
}

export const hasRecentRelease: RepoProbe<RecentReleaseEvidence> = {
  metadata,
  run(facts, context) {
    const fact = facts.releases;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const newest = [...fact.value].sort((a, b) => Date.parse(b.date) - Date.parse(a.date))[0];
    if (!newest) return answer(metadata.id, 'false', [{ message: 'no releases or tags' }], { lastRelease: null, daysSinceLastRelease: null, window: context.settings.recentReleaseDays });
    const days = daysSince(newest.date, context.now);
    const evidence = { lastRelease: newest.tag, lastReleaseDate: newest.date, daysSinceLastRelease: days, window: context.settings.recentReleaseDays };
    if (days === null) return answer(metadata.id, 'error', [{ message: `unreadable release date ${newest.date}` }], evidence);
    if (days <= context.settings.recentReleaseDays) return answer(metadata.id, 'true', [], evidence);
    return answer(metadata.id, 'false', [{ message: `last release ${newest.tag} on ${newest.date.slice(0, 10)}, ${days} days ago`, fix: metadata.fix }], evidence);
  },
};
