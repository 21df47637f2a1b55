import { REPORT_CLOCK_STATES, REPORT_SEVERITIES, type AuditChangePart, type AuditReportModel, type CheckCoverage, type ClockChange, type DeskAdvisoryRef, type FindingRef, type PostureChange, type ReportRunRef } from '../../audit/report-types.js';
import { compareText } from '../../core/compare.js';
import { orderAuditModel } from './ordering.js';

/**
 * The council's report as the documented `chainwatch.report/1` JSON
 * (json-format.md, "Audit report"): the whole model, nothing cut short, keys
 * in snake_case except keys that are data (severity names, clock states,
 * check ids). Written field by field rather than by converting key names, so
 * a renamed field in the model cannot silently rename a key of the contract.
 */
export function renderAuditJson(input: AuditReportModel): string {
  return `${JSON.stringify(auditReportDocument(input), null, 2)}\n`;
}

/** The `chainwatch.report/1` document as a value (what renderAuditJson prints), for a front end that embeds parts of it. */
export function auditReportDocument(input: AuditReportModel) {
  const model = orderAuditModel(input);
  const { changes, standing } = model;
  const document = {
    schema: 'chainwatch.report/1',
    run: { ...runRef(model.run), identity: model.run.identity, label: model.run.label },
    since: model.since === null ? null : runRef(model.since),
    notes: model.notes,
    changes:
      changes === null
        ? null
        : {
            not_compared: notCompared(changes.notCompared),
            findings: changes.findings === null ? null : { appeared: changes.findings.appeared.map(finding), resolved: changes.findings.resolved.map(finding) },
            packages:
              changes.packages === null
                ? null
                : {
                    added: changes.packages.added.map(packageRef),
                    removed: changes.packages.removed.map(packageRef),
                    version_changes: changes.packages.versionChanges.map((change) => ({ ecosystem: change.ecosystem, name: change.name, from: change.from, to: change.to })),
                  },
            provenance_lost: changes.provenanceLost === null ? null : changes.provenanceLost.map((loss) => ({ purl: loss.purl, previous_purl: loss.previousPurl })),
            new_install_scripts: changes.newInstallScripts === null ? null : changes.newInstallScripts.map((change) => ({ purl: change.purl, scripts: change.scripts, previous: change.previous })),
            maintainer_changes:
              changes.maintainerChanges === null
                ? null
                : changes.maintainerChanges.map((change) => ({ purl: change.purl, previous_purl: change.previousPurl, from: change.from, to: change.to, added: change.added, removed: change.removed })),
            posture: changes.posture === null ? null : { regressions: changes.posture.regressions.map(postureChange), fixes: changes.posture.fixes.map(postureChange) },
            advisories:
              changes.advisories === null
                ? null
                : {
                    opened: changes.advisories.opened.map(deskAdvisory),
                    closed: changes.advisories.closed.map(deskAdvisory),
                    turned_due_soon: changes.advisories.turnedDueSoon.map(clockChange),
                    turned_overdue: changes.advisories.turnedOverdue.map(clockChange),
                  },
          },
    actions: model.actions.map((action) => ({ priority: action.priority, kind: action.kind, title: action.title, why: action.why, command: action.command, patch: action.patch, refs: action.refs, refs_total: action.refsTotal, is_new: action.isNew })),
    standing: {
      concerns:
        standing.concerns === null
          ? null
          : {
              ranked: standing.concerns.ranked,
              top: standing.concerns.top.map((row) => ({
                rank: row.rank,
                purl: row.purl,
                ecosystem: row.ecosystem,
                name: row.name,
                version: row.version,
                score: row.score,
                reach: row.reach,
                factors: row.factors,
                known: row.known,
                total: row.total,
              })),
            },
      posture:
        standing.posture === null
          ? null
          : {
              repos: standing.posture.repos,
              expired_waivers: standing.posture.expiredWaivers,
              checks: standing.posture.checks.map(coverage),
              orgs: standing.posture.orgs.map((org) => ({ org: org.org, checks: org.checks.map(coverage) })),
            },
      vulnerabilities:
        standing.vulnerabilities === null ? null : { findings: standing.vulnerabilities.findings, packages: standing.vulnerabilities.packages, by_severity: inOrder(REPORT_SEVERITIES, standing.vulnerabilities.bySeverity) },
      advisories: standing.advisories === null ? null : { total: standing.advisories.total, by_clock: inOrder(REPORT_CLOCK_STATES, standing.advisories.byClock) },
      images:
        standing.images === null
          ? null
          : standing.images.map((image) => ({
              source: image.source,
              os: image.os,
              layers: image.layers,
              packages: Object.entries(image.packages)
                .sort(([a], [b]) => compareText(a, b))
                .map(([ecosystem, packages]) => ({ ecosystem, packages })),
              findings: image.findings,
              by_severity: inOrder(REPORT_SEVERITIES, image.bySeverity),
              worst: image.worst.map(finding),
              unread: image.unread,
            })),
      not_checked: standing.notChecked,
    },
    trends: model.trends.map((point) => ({
      id: point.id,
      started_at: point.startedAt,
      status: point.status,
      packages: point.packages,
      new_packages: point.newPackages,
      findings: point.findings === null ? null : inOrder(REPORT_SEVERITIES, point.findings),
      coverage: point.coverage === null ? null : Object.fromEntries(Object.entries(point.coverage).sort(([a], [b]) => compareText(a, b))),
      advisories: point.advisories === null ? null : inOrder(REPORT_CLOCK_STATES, point.advisories),
    })),
    steps: model.steps.map((step) => ({ name: step.name, status: step.status, milliseconds: step.milliseconds, note: step.note })),
    sources: model.sources.map((source) => ({ name: source.name, reachable: source.reachable, error: source.error })),
  };
  return document;
}

/** A count per severity or clock state, keys in report order (worst first), 0 for a key the model left out. */
function inOrder<Key extends string>(keys: readonly Key[], counts: Partial<Record<Key, number>>): Record<Key, number> {
  return Object.fromEntries(keys.map((key) => [key, counts[key] ?? 0])) as Record<Key, number>;
}

function runRef(run: ReportRunRef) {
  return { id: run.id, started_at: run.startedAt, status: run.status, tool_version: run.toolVersion };
}

const CHANGE_KEYS: Record<AuditChangePart, string> = {
  findings: 'findings',
  packages: 'packages',
  provenanceLost: 'provenance_lost',
  newInstallScripts: 'new_install_scripts',
  maintainerChanges: 'maintainer_changes',
  posture: 'posture',
  advisories: 'advisories',
};

/** The reasons the model gives for entries it did not compare, under the entries' own JSON names; `{}` when it gives none. */
function notCompared(reasons: Partial<Record<AuditChangePart, string>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [part, key] of Object.entries(CHANGE_KEYS) as [AuditChangePart, string][]) {
    const reason = reasons?.[part];
    if (reason !== undefined) out[key] = reason;
  }
  return out;
}

function packageRef(entry: { purl: string; ecosystem: string; name: string; version: string }) {
  return { purl: entry.purl, ecosystem: entry.ecosystem, name: entry.name, version: entry.version };
}

function finding(entry: FindingRef) {
  return { id: entry.id, ids: entry.ids, package: packageRef(entry.package), severity: entry.severity, summary: entry.summary, fixed: entry.fixed };
}

function postureChange(change: PostureChange) {
  return { repo: change.repo, check: change.check, from: change.from, to: change.to, summary: change.summary };
}

function deskAdvisory(advisory: DeskAdvisoryRef) {
  return { id: advisory.id, repo: advisory.repo, state: advisory.state, summary: advisory.summary, url: advisory.url };
}

function clockChange(change: ClockChange) {
  return { id: change.id, repo: change.repo, clock: change.clock, from: change.from, to: change.to, due: change.due, summary: change.summary, url: change.url };
}

function coverage(check: CheckCoverage) {
  return { check: check.check, pass: check.pass, partial: check.partial, fail: check.fail, unknown: check.unknown, not_applicable: check.notApplicable, percent: check.percent };
}
