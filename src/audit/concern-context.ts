/**
 * What the audit's concerns step knows beyond the graph: the findings step's
 * matches per package version (with the severity borrowed from aliases) and
 * the posture of each repository the posture step covered, as the plain
 * ConcernContext graph/concerns.ts declares (graph/ sits below posture/ and
 * audit/, so it cannot read their types itself).
 */
import type { ConcernContext, ConcernFinding, RepositoryPostureInput } from '../graph/concerns.js';
import type { PostureReport } from '../posture/types.js';
import type { GraphFindings } from './findings.js';

/**
 * A step that did not run (null) gives nothing: without findings the nodes'
 * own advisories signals decide, without posture the repositoryPosture factor
 * is left out of the ranking.
 */
export function concernContext(findings: GraphFindings | null, posture: PostureReport | null): ConcernContext {
  const context: ConcernContext = {};
  if (findings !== null) {
    const byPurl = new Map<string, ConcernFinding[]>();
    for (const finding of findings.findings) {
      const entry: ConcernFinding = { id: finding.id, severity: finding.severity.level, ...(finding.severity.borrowedFrom === undefined ? {} : { borrowedFrom: finding.severity.borrowedFrom }) };
      const list = byPurl.get(finding.package.purl);
      if (list) list.push(entry);
      else byPurl.set(finding.package.purl, [entry]);
    }
    const notChecked = new Map<string, string>(findings.coverage.filter((entry) => !entry.checked).map((entry) => [entry.ecosystem, `not checked: the advisory database holds no ${entry.ecosystem} advisory`]));
    context.findings = { byPurl, notChecked };
  }
  if (posture !== null) {
    const repositories = new Map<string, RepositoryPostureInput>();
    for (const repo of posture.repos) repositories.set(repo.repo.toLowerCase(), { checks: repo.checks.map((check) => ({ id: check.id, outcome: check.outcome })) });
    context.repositoryPosture = repositories;
  }
  return context;
}
