import { pinningAnswer, type PinningEvidence } from '../common/pinning.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'githubOwnedActionsPinnedBySha',
  question: 'Are all GitHub-owned actions (actions/*, github/*) pinned to a full commit SHA?',
  why: 'Tags can be moved: a compromised or force-pushed tag runs new code in every workflow that names it. GitHub-owned actions are a smaller risk than third-party ones, but a tag is still mutable.',
  fix: "Pin to the full commit SHA (or image digest) and keep the tag as a comment; Dependabot's github-actions updates keep such pins current.",
  needs: 'files',
};

export const githubOwnedActionsPinnedBySha: RepoProbe<PinningEvidence> = {
  metadata,
  run(facts) {
    const result = pinningAnswer(facts, 'github-owned');
    return answer(metadata.id, result.outcome, result.findings, result.evidence);
  },
};
