import { reasonOf, result } from './evaluation.js';
import { repoCheck } from './types.js';

const id = 'security-policy';

export const securityPolicy = repoCheck({
  id,
  title: 'A security policy says how to report vulnerabilities',
  column: 'sec-policy',
  risk: 'medium',
  why: 'Reporters who find no SECURITY.md open public issues, disclosing the vulnerability before a fix exists.',
  fix: "Add SECURITY.md (root, .github/ or docs/) or one in the organisation's .github repository, saying how to report privately.",
  docsAnchor: `check-${id}`,
  probes: ['hasSecurityPolicy', 'inheritsOrgSecurityPolicy', 'securityPolicyExplainsReporting'],
  needs: ['files', 'api'],
  evaluate(probe) {
    const own = probe.hasSecurityPolicy;
    const inherited = probe.inheritsOrgSecurityPolicy;
    const reporting = probe.securityPolicyExplainsReporting;
    const path = reporting.evidence.path ?? own.evidence.path ?? 'SECURITY.md';
    if (own.outcome === 'true') {
      if (reporting.outcome === 'true') return result(id, 'pass', `${path} says how to report a vulnerability.`);
      return result(id, 'partial', `${path} exists but does not say how to report a vulnerability.`, reporting.findings);
    }
    if (inherited.outcome === 'not-available') {
      return result(id, 'not-available', `No SECURITY.md in the repository; whether the org's .github repository provides one is unknown (${reasonOf(inherited)}).`);
    }
    if (inherited.outcome === 'false') return result(id, 'fail', "No SECURITY.md in the repository or in the org's .github repository.", [...own.findings, ...inherited.findings]);
    if (reporting.outcome === 'true') return result(id, 'pass', `Inherits the org's ${path}, which says how to report a vulnerability.`);
    return result(id, 'partial', `Inherits the org's ${path}, which does not say how to report a vulnerability.`, reporting.findings);
  },
});
