import { AUDIT_STEPS } from '../../audit/run.js';
import { REPORT_SEVERITIES, type AuditAction, type AuditChanges, type AuditReportModel, type CheckCoverage, type ClockChange, type DeskAdvisoryRef, type FindingRef, type PostureChange } from '../../audit/report-types.js';
import { compareText } from '../../core/compare.js';

/**
 * The model with every list in report order, so the same model gives the
 * same bytes whatever order its lists came in (code-point order, never
 * locale): actions by priority, findings worst first, concerns by rank,
 * trend points oldest first, steps in the order they run. Notes keep the
 * builder's order (they are sentences, not records).
 */
export function orderAuditModel(model: AuditReportModel): AuditReportModel {
  return {
    ...model,
    steps: [...model.steps].sort((a, b) => stepIndex(a.name) - stepIndex(b.name) || compareText(a.name, b.name)),
    sources: [...model.sources].sort((a, b) => compareText(a.name, b.name)),
    changes: model.changes === null ? null : orderChanges(model.changes),
    actions: [...model.actions].sort(compareActions),
    standing: {
      concerns: model.standing.concerns === null ? null : { ...model.standing.concerns, top: [...model.standing.concerns.top].sort((a, b) => a.rank - b.rank || compareText(a.purl, b.purl)) },
      posture:
        model.standing.posture === null
          ? null
          : {
              ...model.standing.posture,
              checks: orderChecks(model.standing.posture.checks),
              orgs: [...model.standing.posture.orgs].sort((a, b) => compareText(a.org, b.org)).map((org) => ({ ...org, checks: orderChecks(org.checks) })),
            },
      vulnerabilities: model.standing.vulnerabilities,
      advisories: model.standing.advisories,
      images: model.standing.images === null ? null : [...model.standing.images].sort((a, b) => compareText(a.source, b.source)),
      notChecked: [...model.standing.notChecked].sort(compareText),
    },
    trends: [...model.trends].sort((a, b) => a.id - b.id),
  };
}

function stepIndex(name: string): number {
  const index = (AUDIT_STEPS as readonly string[]).indexOf(name);
  return index === -1 ? AUDIT_STEPS.length : index;
}

function compareActions(a: AuditAction, b: AuditAction): number {
  return a.priority - b.priority || compareText(a.title, b.title);
}

function orderChecks(checks: readonly CheckCoverage[]): CheckCoverage[] {
  return [...checks].sort((a, b) => compareText(a.check, b.check));
}

function severityIndex(severity: string): number {
  const index = (REPORT_SEVERITIES as readonly string[]).indexOf(severity);
  return index === -1 ? REPORT_SEVERITIES.length : index;
}

function orderFindings(findings: readonly FindingRef[]): FindingRef[] {
  return [...findings].sort((a, b) => severityIndex(a.severity) - severityIndex(b.severity) || compareText(a.id, b.id) || compareText(a.package.purl, b.package.purl));
}

function orderPostureChanges(changes: readonly PostureChange[]): PostureChange[] {
  return [...changes].sort((a, b) => compareText(a.repo, b.repo) || compareText(a.check, b.check));
}

function orderDesk<T extends DeskAdvisoryRef | ClockChange>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => compareText(a.id, b.id) || compareText(a.repo, b.repo) || compareText('clock' in a ? a.clock : '', 'clock' in b ? b.clock : ''));
}

function byPurl<T extends { purl: string }>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => compareText(a.purl, b.purl));
}

function orderChanges(changes: AuditChanges): AuditChanges {
  return {
    ...changes,
    findings: changes.findings === null ? null : { appeared: orderFindings(changes.findings.appeared), resolved: orderFindings(changes.findings.resolved) },
    packages:
      changes.packages === null
        ? null
        : {
            added: byPurl(changes.packages.added),
            removed: byPurl(changes.packages.removed),
            versionChanges: [...changes.packages.versionChanges].sort((a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.name, b.name)),
          },
    provenanceLost: changes.provenanceLost === null ? null : byPurl(changes.provenanceLost),
    newInstallScripts: changes.newInstallScripts === null ? null : byPurl(changes.newInstallScripts),
    maintainerChanges: changes.maintainerChanges === null ? null : byPurl(changes.maintainerChanges),
    posture: changes.posture === null ? null : { regressions: orderPostureChanges(changes.posture.regressions), fixes: orderPostureChanges(changes.posture.fixes) },
    advisories:
      changes.advisories === null
        ? null
        : {
            opened: orderDesk(changes.advisories.opened),
            closed: orderDesk(changes.advisories.closed),
            turnedDueSoon: orderDesk(changes.advisories.turnedDueSoon),
            turnedOverdue: orderDesk(changes.advisories.turnedOverdue),
          },
  };
}
