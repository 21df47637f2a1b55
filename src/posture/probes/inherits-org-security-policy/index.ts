import { securityPolicies } from '../common/repo-files.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'inheritsOrgSecurityPolicy',
  question: "Does the repository inherit a SECURITY.md from its org's `.github` repository?",
  why: "GitHub shows the org's default SECURITY.md on every repository without its own, which is how most orgs cover many repos at once.",
  fix: "Add SECURITY.md to the org's public `.github` repository (root, .github/ or docs/).",
  needs: 'api',
};

export interface InheritedSecurityPolicyEvidence {
  /** The org's SECURITY.md (in its `.github` repository), when it is inherited. */
  readonly path?: string;
}

export const inheritsOrgSecurityPolicy: RepoProbe<InheritedSecurityPolicyEvidence> = {
  metadata,
  run(facts) {
    // GitHub only falls back to the org's policy when the repository has none.
    if (securityPolicies(facts.files).length > 0) return answer(metadata.id, 'not-applicable');
    if (!facts.orgSecurityPolicy.known) return answer(metadata.id, 'not-available', [{ message: facts.orgSecurityPolicy.reason }]);
    const policy = facts.orgSecurityPolicy.value;
    if (policy === null) return answer(metadata.id, 'false', [{ message: "the org's `.github` repository has no SECURITY.md", fix: metadata.fix }]);
    return answer(metadata.id, 'true', [], { path: policy.path });
  },
};
