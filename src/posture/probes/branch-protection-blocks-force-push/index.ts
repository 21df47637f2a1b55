import { activeRulesets, isProtected } from '../common/branch-protection.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'branchProtectionBlocksForcePush',
  question: 'Are force pushes to the default branch blocked?',
  why: 'A force push rewrites published history: reviewed commits can be replaced silently.',
  fix: 'Block force pushes (classic: leave "Allow force pushes" off; ruleset: "Block force pushes").',
  needs: 'api',
};

export const branchProtectionBlocksForcePush: RepoProbe = {
  metadata,
  run(facts) {
    const fact = facts.branchProtection;
    if (!fact.known) return answer(metadata.id, 'not-available', [{ message: fact.reason }]);
    if (!isProtected(fact.value)) return answer(metadata.id, 'not-applicable');
    const classic = fact.value.classic !== null && !fact.value.classic.allowForcePushes;
    const ruleset = activeRulesets(fact.value).some((item) => item.rules.includes('non_fast_forward'));
    if (classic || ruleset) return answer(metadata.id, 'true');
    return answer(metadata.id, 'false', [{ message: `force pushes to ${fact.value.branch} are allowed`, fix: metadata.fix }]);
  },
};
