import type { CheckResult, PostureFinding, PostureReport } from '../../posture/types.js';
import type { RepoImportance } from '../../posture/importance.js';
import { compareText } from '../../core/compare.js';
import { checkRank } from './check-metadata.js';

/**
 * Every renderer starts here, so the same report always gives the same
 * string whatever order the collectors produced: repositories by importance
 * then name, checks in CHECK_IDS order, findings by file, line and message.
 */
export function orderPostureReport(report: PostureReport, importance: readonly RepoImportance[] = []): PostureReport {
  return {
    repos: orderByImportance(report.repos, importance).map((repo) => ({ ...repo, checks: orderChecks(repo.checks) })),
    orgs: [...report.orgs].sort((a, b) => compareText(a.org, b.org)).map((org) => ({ ...org, checks: orderChecks(org.checks) })),
    expiredWaivers: [...report.expiredWaivers].sort(
      (a, b) => compareText(a.repo, b.repo) || checkRank(a.check) - checkRank(b.check) || compareText(a.check, b.check) || compareText(a.expires, b.expires),
    ),
    sources: [...report.sources].sort((a, b) => compareText(a.name, b.name)),
  };
}

/** Orders items by importance (highest first), then by repository name; unknown repositories last. */
export function orderByImportance<T extends { repo: string }>(items: readonly T[], importance: readonly RepoImportance[] = []): T[] {
  const scores = new Map(importance.map((entry) => [entry.repo.toLowerCase(), entry.score]));
  return [...items].sort((a, b) => {
    const scoreA = scores.get(a.repo.toLowerCase());
    const scoreB = scores.get(b.repo.toLowerCase());
    if (scoreA !== scoreB) {
      if (scoreA === undefined) return 1;
      if (scoreB === undefined) return -1;
      if (scoreA !== scoreB) return scoreB - scoreA;
    }
    return compareText(a.repo.toLowerCase(), b.repo.toLowerCase()) || compareText(a.repo, b.repo);
  });
}

function orderChecks(checks: readonly CheckResult[]): CheckResult[] {
  return [...checks]
    .sort((a, b) => checkRank(a.id) - checkRank(b.id) || compareText(a.id, b.id))
    .map((check) => ({ ...check, findings: orderFindings(check.findings), ...(check.waivedFindings ? { waivedFindings: orderFindings(check.waivedFindings) } : {}) }));
}

export function orderFindings<Finding extends PostureFinding>(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      compareText(a.file ?? '', b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      compareText(a.message, b.message) ||
      compareText(a.fix ?? '', b.fix ?? ''),
  );
}

/** `file:line`, `file`, or null when the finding is about the repository as a whole. */
export function findingLocation(finding: PostureFinding): string | null {
  if (finding.file === undefined) return null;
  return finding.line === undefined ? finding.file : `${finding.file}:${finding.line}`;
}
