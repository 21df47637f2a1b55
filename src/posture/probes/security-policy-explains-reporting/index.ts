import type { RepoFile } from '../../types.js';
import { securityPolicies } from '../common/repo-files.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'securityPolicyExplainsReporting',
  question: 'Does the security policy in effect (the repo\'s own, else the org\'s) say how to report a vulnerability: a contact address or link?',
  why: 'A policy that lists supported versions but no contact leaves reporters with only the public issue tracker.',
  fix: 'Say where to report: a security@ address, GitHub private vulnerability reporting (Security → Report a vulnerability), or a link to the process.',
  needs: 'files',
};

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const LINK = /https?:\/\/[^\s)>\]]+/;
const ADVISORY_FORM = /security\/advisories\/new|report a vulnerability|private vulnerability reporting|security advisor(?:y|ies)/i;
const REPORTING_WORDS = /\breport|disclos|vulnerabilit/i;

/** The first line that gives a way to report, or null. */
export function reportingLine(text: string): number | null {
  const lines = text.split('\n');
  const mentionsReporting = REPORTING_WORDS.test(text);
  for (const [index, line] of lines.entries()) {
    if (EMAIL.test(line) || ADVISORY_FORM.test(line)) return index + 1;
    if (mentionsReporting && LINK.test(line)) return index + 1;
  }
  return null;
}

export interface SecurityPolicyReportingEvidence {
  /** The policy in effect (the repository's own, else the org's); absent when there is none or it is unknown. */
  readonly path?: string;
  /** The policy is the org's. */
  readonly inherited?: boolean;
  /** The first line that says how to report. */
  readonly line?: number;
}

export const securityPolicyExplainsReporting: RepoProbe<SecurityPolicyReportingEvidence> = {
  metadata,
  run(facts) {
    const own = securityPolicies(facts.files)[0];
    let policy: RepoFile | undefined = own;
    let inherited = false;
    if (!policy) {
      if (!facts.orgSecurityPolicy.known) return answer(metadata.id, 'not-available', [{ message: `no SECURITY.md in the repository, and the org's policy is unknown: ${facts.orgSecurityPolicy.reason}` }]);
      if (facts.orgSecurityPolicy.value === null) return answer(metadata.id, 'not-applicable');
      policy = facts.orgSecurityPolicy.value;
      inherited = true;
    }
    const where = inherited ? `the org's ${policy.path}` : policy.path;
    const line = reportingLine(policy.text);
    if (line === null) {
      return answer(
        metadata.id,
        'false',
        [{ ...(inherited ? {} : { file: policy.path }), message: `${where} does not say how to report a vulnerability (no contact address or link)`, fix: metadata.fix }],
        { path: policy.path, inherited },
      );
    }
    return answer(metadata.id, 'true', [], { path: policy.path, inherited, line });
  },
};
