import { registryReleases } from '../common/package-releases.js';
import { answer, yesNo, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasReleases',
  question: 'Has the repository ever published a release (a tag, or a package on its registry)?',
  why: 'A finished project is one that shipped: releases are what users depend on.',
  fix: 'Tag releases so that users and tools can tell versions apart.',
  needs: 'git',
};

export interface ReleasesEvidence {
  /** Tags plus packages released on their registry; absent when releases are unknown. */
  readonly releases?: number;
}

export const hasReleases: RepoProbe<ReleasesEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.releases;
    const onRegistries = registryReleases(facts).length;
    // A package released on its registry is a release even when the repository's tags are unknown.
    if (!fact.known && onRegistries === 0) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const releases = (fact.known ? fact.value.length : 0) + onRegistries;
    return answer(metadata.id, yesNo(releases > 0), [], { releases });
  },
};
