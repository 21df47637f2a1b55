import type { BestPracticesLevel } from '../../types.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasBestPracticesBadge',
  question: 'Has the project earned an OpenSSF Best Practices badge (passing, silver or gold)?',
  why: 'The badge is a self-assessment against a published list of practices (vulnerability reporting, tests, signed releases...).',
  fix: 'Register the project at the OpenSSF Best Practices site and complete the passing criteria.',
  needs: 'api',
};

export interface BestPracticesBadgeEvidence {
  /** Absent when the level is unknown. */
  readonly level?: BestPracticesLevel;
}

export const hasBestPracticesBadge: RepoProbe<BestPracticesBadgeEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.bestPracticesBadge;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const level = fact.value;
    const earned = level === 'passing' || level === 'silver' || level === 'gold';
    const findings = earned ? [] : [{ message: level === 'none' ? 'no OpenSSF Best Practices badge' : 'the OpenSSF Best Practices badge is in progress', fix: metadata.fix }];
    return answer(metadata.id, earned ? 'true' : 'false', findings, { level });
  },
};
