import { securityPolicies } from '../common/repo-files.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasSecurityPolicy',
  question: 'Does the repository itself have a SECURITY.md (root, .github/ or docs/)?',
  why: 'Reporters look for SECURITY.md before filing a public issue; without one, vulnerabilities get disclosed in the open.',
  fix: "Add SECURITY.md saying how to report a vulnerability privately, or keep one in the org's `.github` repository for every repo.",
  needs: 'files',
};

export interface SecurityPolicyEvidence {
  /** The repository's own SECURITY.md, when it has one. */
  readonly path?: string;
}

export const hasSecurityPolicy: RepoProbe<SecurityPolicyEvidence> = {
  metadata,
  run(facts) {
    const policies = securityPolicies(facts.files);
    if (policies.length === 0) return answer(metadata.id, 'false', [{ message: 'no SECURITY.md in the root, .github/ or docs/', fix: metadata.fix }]);
    return answer(metadata.id, 'true', [], { path: policies[0]!.path });
  },
};
