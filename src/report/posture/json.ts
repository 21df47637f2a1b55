import type { CheckResult, PostureFinding, PostureReport } from '../../posture/types.js';
import { orderPostureReport } from './ordering.js';
import type { PostureRenderOptions } from './types.js';

/**
 * `{"repos":[{"repo","checks":[{"id","outcome","findings":[...]}]}], "orgs", "expiredWaivers", "sources"}`.
 * A check carries `id`, `outcome` and `findings` always, then `summary`, and
 * `waiver` only when one applies (additive keys: readers of the three
 * required ones are not affected). Findings keep only the keys they have.
 */
export interface PostureJsonCheck {
  id: string;
  outcome: CheckResult['outcome'];
  findings: PostureFinding[];
  summary: string;
  waiver?: { reason: string; approvedBy: string; expires: string };
}

export interface PostureJsonDocument {
  repos: { repo: string; checks: PostureJsonCheck[] }[];
  orgs: { org: string; checks: PostureJsonCheck[] }[];
  expiredWaivers: PostureReport['expiredWaivers'];
  sources: PostureReport['sources'];
}

export function toPostureJsonDocument(report: PostureReport, options: PostureRenderOptions = {}): PostureJsonDocument {
  const ordered = orderPostureReport(report, options.importance);
  return {
    repos: ordered.repos.map((repo) => ({ repo: repo.repo, checks: repo.checks.map(jsonCheck) })),
    orgs: ordered.orgs.map((org) => ({ org: org.org, checks: org.checks.map(jsonCheck) })),
    expiredWaivers: ordered.expiredWaivers.map((waiver) => ({ repo: waiver.repo, check: waiver.check, expires: waiver.expires, reason: waiver.reason })),
    sources: ordered.sources.map((source) => (source.error === undefined ? { name: source.name, reachable: source.reachable } : { name: source.name, reachable: source.reachable, error: source.error })),
  };
}

export function renderPostureJson(report: PostureReport, options: PostureRenderOptions = {}): string {
  return `${JSON.stringify(toPostureJsonDocument(report, options), null, 2)}\n`;
}

function jsonCheck(check: CheckResult): PostureJsonCheck {
  const result: PostureJsonCheck = { id: check.id, outcome: check.outcome, findings: check.findings.map(jsonFinding), summary: check.summary };
  if (check.waiver) result.waiver = { reason: check.waiver.reason, approvedBy: check.waiver.approvedBy, expires: check.waiver.expires };
  return result;
}

function jsonFinding(finding: PostureFinding): PostureFinding {
  const result: PostureFinding = {} as PostureFinding;
  if (finding.file !== undefined) result.file = finding.file;
  if (finding.line !== undefined) result.line = finding.line;
  result.message = finding.message;
  if (finding.fix !== undefined) result.fix = finding.fix;
  return result;
}
