import type { CheckResult, PostureFinding, PostureReport, WaiverNote } from '../../posture/types.js';
import { orderPostureReport } from './ordering.js';
import type { PostureRenderOptions } from './types.js';

/**
 * `{"repos":[{"repo","checks":[{"id","outcome","findings":[...]}]}], "orgs", "expiredWaivers", "sources"}`.
 * A check carries `id`, `outcome` and `findings` always, then `summary`,
 * `waiver` only when one applies and `waivedFindings` only when waivers
 * covered some findings (additive keys: readers of the three required ones
 * are not affected). Findings keep only the keys they have; a waiver keeps
 * the `file`, `action` or `package` it named.
 */
export interface PostureJsonCheck {
  id: string;
  outcome: CheckResult['outcome'];
  findings: PostureFinding[];
  summary: string;
  waiver?: WaiverNote;
  /** Findings a waiver naming a file, an action or a package covered (no longer in `findings`), each with its waiver. */
  waivedFindings?: (PostureFinding & { waiver: WaiverNote })[];
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
    expiredWaivers: ordered.expiredWaivers.map((waiver) => ({ repo: waiver.repo, check: waiver.check, ...scopeOf(waiver), expires: waiver.expires, reason: waiver.reason })),
    sources: ordered.sources.map((source) => (source.error === undefined ? { name: source.name, reachable: source.reachable } : { name: source.name, reachable: source.reachable, error: source.error })),
  };
}

export function renderPostureJson(report: PostureReport, options: PostureRenderOptions = {}): string {
  return `${JSON.stringify(toPostureJsonDocument(report, options), null, 2)}\n`;
}

function jsonCheck(check: CheckResult): PostureJsonCheck {
  const result: PostureJsonCheck = { id: check.id, outcome: check.outcome, findings: check.findings.map(jsonFinding), summary: check.summary };
  if (check.waiver) result.waiver = jsonWaiver(check.waiver);
  if (check.waivedFindings && check.waivedFindings.length > 0) {
    result.waivedFindings = check.waivedFindings.map((finding) => ({ ...jsonFinding(finding), waiver: jsonWaiver(finding.waiver) }));
  }
  return result;
}

function jsonWaiver(waiver: WaiverNote): WaiverNote {
  return { reason: waiver.reason, approvedBy: waiver.approvedBy, expires: waiver.expires, ...scopeOf(waiver) };
}

/** What a waiver named besides repository and check, only the keys it has. */
function scopeOf(selector: Pick<WaiverNote, 'file' | 'action' | 'package'>): Pick<WaiverNote, 'file' | 'action' | 'package'> {
  return {
    ...(selector.file !== undefined ? { file: selector.file } : {}),
    ...(selector.action !== undefined ? { action: selector.action } : {}),
    ...(selector.package !== undefined ? { package: selector.package } : {}),
  };
}

function jsonFinding(finding: PostureFinding): PostureFinding {
  const result: PostureFinding = {} as PostureFinding;
  if (finding.file !== undefined) result.file = finding.file;
  if (finding.line !== undefined) result.line = finding.line;
  result.message = finding.message;
  if (finding.fix !== undefined) result.fix = finding.fix;
  if (finding.action !== undefined) result.action = finding.action;
  if (finding.package !== undefined) result.package = finding.package;
  return result;
}
