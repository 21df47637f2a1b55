import { answer, yesNo, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasReleases',
  question: 'Has the repository ever published a release (a tag)?',
  why: 'A finished project is one that shipped: releases are what users depend on.',
  fix: 'Tag releases so that users and tools can tell versions apart.',
  needs: 'git',
};

export interface ReleasesEvidence {
  /** Absent when releases are unknown. */
  readonly releases?: number;
}

export const hasReleases: RepoProbe<ReleasesEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.releases;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    return answer(metadata.id, yesNo(fact.value.length > 0), [], { releases: fact.value.length });
  },
};
