import { pinningAnswer, type PinningEvidence } from '../common/pinning.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'thirdPartyActionsPinnedBySha',
  question: 'Are all third-party actions and reusable workflows pinned to a full commit SHA?',
  why: 'A third-party tag can be repointed by whoever controls that repository (as in the tj-actions/changed-files compromise); only a commit SHA is immutable.',
  fix: "Pin to the full commit SHA (or image digest) and keep the tag as a comment; Dependabot's github-actions updates keep such pins current.",
  needs: 'files',
};

export const thirdPartyActionsPinnedBySha: RepoProbe<PinningEvidence> = {
  metadata,
  run(facts) {
    const result = pinningAnswer(facts, 'third-party');
    return answer(metadata.id, result.outcome, result.findings, result.evidence);
  },
};
