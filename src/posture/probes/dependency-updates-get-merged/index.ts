import type { DependencyUpdatePullRequests } from '../../types.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'dependencyUpdatesGetMerged',
  question: 'Do the update bot\'s pull requests get merged rather than go stale?',
  why: 'An update tool whose pull requests pile up unmerged gives the appearance of updates without the updates.',
  fix: 'Group updates (Dependabot `groups:`), auto-merge patch updates that pass CI, and close what will never be merged.',
  needs: 'api',
};

export type DependencyUpdatesGetMergedEvidence = Partial<DependencyUpdatePullRequests>;

export const dependencyUpdatesGetMerged: RepoProbe<DependencyUpdatesGetMergedEvidence> = {
  metadata,
  run(facts) {
    const id = metadata.id;
    const prs = facts.dependencyUpdatePullRequests;
    if (!prs.available) return answer(id, 'not-available', [{ message: prs.reason }]);
    const { opened, merged, stale } = prs.value;
    const evidence = { opened, merged, stale };
    if (opened === 0) return answer(id, 'not-applicable', [], evidence);
    if (stale > merged) {
      return answer(id, 'false', [{ message: `${stale} update pull request(s) went stale while ${merged} were merged (of ${opened} opened)`, fix: metadata.fix }], evidence);
    }
    return answer(id, 'true', [], evidence);
  },
};
