import { answer, yesNo, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasOpenAdvisories',
  question: 'Does the repository have open security advisories?',
  why: 'Open advisories on a repository with no activity mean known vulnerabilities nobody is fixing.',
  fix: 'Fix and publish the advisories, or archive the repository and say what replaces it.',
  needs: 'api',
};

export interface OpenAdvisoriesEvidence {
  /** Absent when the count is unknown. */
  readonly open?: number;
}

export const hasOpenAdvisories: RepoProbe<OpenAdvisoriesEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.openAdvisories;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const open = fact.value;
    return answer(metadata.id, yesNo(open > 0), open > 0 ? [{ message: `${open} open security advisor${open === 1 ? 'y' : 'ies'}`, fix: metadata.fix }] : [], { open });
  },
};
