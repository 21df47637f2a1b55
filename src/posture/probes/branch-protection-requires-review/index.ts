import { activeRulesets, isProtected } from '../common/branch-protection.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'branchProtectionRequiresReview',
  question: 'Does the default branch require an approving review before merging?',
  why: 'A required review means one compromised account cannot change the code alone.',
  fix: 'Require a pull request with at least one approval (ruleset rule "Require a pull request before merging").',
  needs: 'api',
};

export interface BranchProtectionRequiresReviewEvidence {
  /** The protected branch, when there is one. */
  readonly branch?: string;
}

export const branchProtectionRequiresReview: RepoProbe<BranchProtectionRequiresReviewEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.branchProtection;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    if (!isProtected(fact.value)) return answer(metadata.id, 'not-applicable');
    const classic = (fact.value.classic?.requiredReviews ?? 0) >= 1;
    const ruleset = activeRulesets(fact.value).some((item) => item.rules.includes('pull_request'));
    if (classic || ruleset) return answer(metadata.id, 'true', [], { branch: fact.value.branch });
    return answer(metadata.id, 'false', [{ message: `default branch ${fact.value.branch} is protected but merges need no approving review`, fix: metadata.fix }], { branch: fact.value.branch });
  },
};
