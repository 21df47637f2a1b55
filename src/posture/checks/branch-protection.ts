import { list, present, reasonOf, result } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'branch-protection';

export const branchProtection = repoCheck({
  id,
  title: 'The default branch is protected',
  column: 'branch-prot',
  risk: 'high',
  why: 'Without protection one compromised account can force-push or merge unreviewed code to the branch releases are built from.',
  fix: 'Add a ruleset on the default branch: require a pull request with an approval, block force pushes and deletion.',
  docsAnchor: `check-${id}`,
  probes: ['hasBranchProtection', 'branchProtectionRequiresReview', 'branchProtectionBlocksForcePush'],
  needs: ['api'],
  evaluate(probe) {
    const protection = probe.hasBranchProtection;
    if (protection.outcome === 'not-available') return result(id, 'not-available', `Branch protection is unknown: ${reasonOf(protection)}.`);
    const branch = protection.evidence.branch ?? 'the default branch';
    if (protection.outcome === 'false') return result(id, 'fail', `${branch} is not protected.`, protection.findings);
    const review = probe.branchProtectionRequiresReview;
    const force = probe.branchProtectionBlocksForcePush;
    if (review.outcome === 'false' || force.outcome === 'false') {
      const what = present(review.outcome === 'false' ? 'merges need no review' : null, force.outcome === 'false' ? 'force pushes are allowed' : null);
      const findings = [...(review.outcome === 'false' ? review.findings : []), ...(force.outcome === 'false' ? force.findings : [])];
      return result(id, 'partial', `${branch} is protected, but ${list(what)}.`, findings);
    }
    return result(id, 'pass', `${branch} is protected: reviews required, force pushes blocked.`);
  },
});
