import { pinningAnswer, type PinningEvidence } from '../common/pinning.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'dockerImagesPinnedByDigest',
  question: 'Are all `docker://` actions pinned by image digest?',
  why: 'An image tag can be pushed again with different content; a digest cannot.',
  fix: "Pin to the full commit SHA (or image digest) and keep the tag as a comment; Dependabot's github-actions updates keep such pins current.",
  needs: 'files',
};

export const dockerImagesPinnedByDigest: RepoProbe<PinningEvidence> = {
  metadata,
  run(facts) {
    const result = pinningAnswer(facts, 'docker');
    return answer(metadata.id, result.outcome, result.findings, result.evidence);
  },
};
