import { createHash } from 'node:crypto';
import type { Location, Log, Notification, ReportingDescriptor, Result } from 'sarif';
import type { CheckResult, PostureFinding, PostureReport, WaiverNote } from '../../posture/types.js';
import { checkText, needsAction } from './check-metadata.js';
import { orderPostureReport } from './ordering.js';
import type { PostureRenderOptions } from './types.js';
import { waiverScope } from './waived.js';

export const POSTURE_SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';
/** Findings' files are repository-relative; GitHub resolves them against the repository root. */
export const POSTURE_SOURCE_ROOT = '%SRCROOT%';
const POSTURE_FINGERPRINT_KEY = 'chainwatch-posture/v1';

type Level = NonNullable<Result['level']>;

/**
 * SARIF 2.1.0: one rule per check present in the report, one result per
 * finding of a failing (`error`) or partial (`warning`) check, or one result
 * with the check's summary when it has no findings. Waived results stay, with
 * an accepted external suppression carrying the reason; so do findings a
 * waiver naming a file, an action or a package covered, each suppressed by
 * its own waiver. Files are relative to
 * each repository (`%SRCROOT%`), and every result names its repository as a
 * logical location, so a multi-repository log stays readable; upload a
 * single-repository log to that repository's code scanning.
 */
export function buildPostureSarifLog(report: PostureReport, options: PostureRenderOptions = {}): Log {
  const ordered = orderPostureReport(report, options.importance);
  const subjects = [
    ...ordered.repos.map((repo) => ({ name: repo.repo, kind: 'module', checks: repo.checks })),
    ...ordered.orgs.map((org) => ({ name: org.org, kind: 'namespace', checks: org.checks })),
  ];
  const ruleIds: string[] = [];
  for (const subject of subjects) for (const check of subject.checks) if (!ruleIds.includes(check.id)) ruleIds.push(check.id);
  const rules: ReportingDescriptor[] = ruleIds.map((id) => rule(id));
  const results: Result[] = [];
  const notifications: Notification[] = [];
  for (const subject of subjects) {
    for (const check of subject.checks) {
      if (check.outcome === 'error') {
        notifications.push({ level: 'error', message: { text: `${subject.name} ${check.id}: ${check.summary}` }, descriptor: { id: check.id, index: ruleIds.indexOf(check.id) } });
        continue;
      }
      if (!needsAction(check.outcome)) continue;
      const waived = check.waivedFindings ?? [];
      const findings: (PostureFinding | null)[] = check.findings.length > 0 || waived.length > 0 ? check.findings : [null];
      for (const finding of findings) results.push(result(subject, check, finding, ruleIds.indexOf(check.id), check.waiver));
      for (const finding of waived) results.push(result(subject, check, finding, ruleIds.indexOf(check.id), finding.waiver));
    }
  }
  for (const source of ordered.sources.filter((entry) => !entry.reachable)) {
    notifications.push({ level: 'warning', message: { text: `source ${source.name} unreachable${source.error ? `: ${source.error}` : ''}; the checks that need it are not-available` } });
  }
  for (const expired of ordered.expiredWaivers) {
    const scope = waiverScope(expired);
    notifications.push({ level: 'warning', message: { text: `waiver for ${expired.repo} ${expired.check}${scope ? ` (${scope})` : ''} expired on ${expired.expires} (not applied): ${expired.reason}` } });
  }
  return {
    version: '2.1.0',
    $schema: POSTURE_SARIF_SCHEMA_URI,
    runs: [
      {
        tool: { driver: options.toolVersion === undefined ? { name: 'chainwatch', rules } : { name: 'chainwatch', version: options.toolVersion, rules } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}

export function renderPostureSarif(report: PostureReport, options: PostureRenderOptions = {}): string {
  return `${JSON.stringify(buildPostureSarifLog(report, options), null, 2)}\n`;
}

function rule(id: string): ReportingDescriptor {
  const text = checkText(id);
  return {
    id,
    name: id.replace(/(^|-)([a-z0-9])/g, (_match, _dash: string, letter: string) => letter.toUpperCase()),
    shortDescription: { text: text.title },
    fullDescription: { text: text.why || text.title },
    help: { text: text.fix || text.title, markdown: `**Why:** ${text.why}\n\n**Fix:** ${text.fix}` },
    defaultConfiguration: { level: 'error' },
    properties: { tags: ['security', 'posture', id.startsWith('org-') ? 'organisation' : 'repository'] },
  };
}

function result(subject: { name: string; kind: string }, check: CheckResult, finding: PostureFinding | null, ruleIndex: number, waiver: WaiverNote | undefined): Result {
  const level: Level = check.outcome === 'fail' ? 'error' : 'warning';
  const message = finding === null ? check.summary : `${finding.message}${finding.fix ? ` — fix: ${finding.fix}` : ''}`;
  const location: Location = { logicalLocations: [{ fullyQualifiedName: subject.name, kind: subject.kind }] };
  if (finding?.file !== undefined) {
    location.physicalLocation = {
      artifactLocation: { uri: encodePath(finding.file), uriBaseId: POSTURE_SOURCE_ROOT },
      region: { startLine: finding.line ?? 1 },
    };
  }
  const entry: Result = {
    ruleId: check.id,
    ruleIndex,
    level,
    message: { text: `${subject.name}: ${message}` },
    locations: [location],
    partialFingerprints: { [POSTURE_FINGERPRINT_KEY]: fingerprint(subject.name, check.id, finding) },
    properties: { repository: subject.name, outcome: check.outcome },
  };
  if (waiver) {
    entry.suppressions = [{ kind: 'external', status: 'accepted', justification: `${waiver.reason} (approved by ${waiver.approvedBy}, expires ${waiver.expires})` }];
  }
  return entry;
}

/** Not the line: a finding that moves inside its file keeps its alert. */
function fingerprint(subject: string, check: string, finding: PostureFinding | null): string {
  return createHash('sha256').update([subject, check, finding?.file ?? '', finding?.message ?? ''].join('\u0000')).digest('hex').slice(0, 32);
}

function encodePath(path: string): string {
  return path.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}
