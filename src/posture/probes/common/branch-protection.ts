import type { BranchProtectionFact } from '../../types.js';

export function activeRulesets(fact: BranchProtectionFact): BranchProtectionFact['rulesets'] {
  return fact.rulesets.filter((ruleset) => ruleset.enforcement === 'active');
}

export function isProtected(fact: BranchProtectionFact): boolean {
  return fact.classic !== null || activeRulesets(fact).length > 0;
}
