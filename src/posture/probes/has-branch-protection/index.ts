import { activeRulesets, isProtected } from '../common/branch-protection.js';
import { answer, yesNo, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasBranchProtection',
  question: 'Is the default branch protected, by classic branch protection or an active ruleset?',
  why: 'Without protection anyone with write access (or a stolen token) can push straight to the branch releases are cut from.',
  fix: 'Add a ruleset (Settings → Rules) targeting the default branch: require a pull request with one approval and block force pushes and deletion.',
  needs: 'api',
};

export interface BranchProtectionEvidence {
  /** The default branch; absent when branch protection is unknown. */
  readonly branch?: string;
  /** Classic branch protection is set. */
  readonly classic?: boolean;
  /** Names of the active rulesets that target the branch. */
  readonly rulesets?: readonly string[];
}

export const hasBranchProtection: RepoProbe<BranchProtectionEvidence> = {
  metadata,
  run(facts) {
    const fact = facts.branchProtection;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    const value = fact.value;
    const protectedBranch = isProtected(value);
    return answer(metadata.id, yesNo(protectedBranch), protectedBranch ? [] : [{ message: `default branch ${value.branch} has no branch protection and no active ruleset`, fix: metadata.fix }], {
      branch: value.branch,
      classic: value.classic !== null,
      rulesets: activeRulesets(value).map((ruleset) => ruleset.name),
    });
  },
};
