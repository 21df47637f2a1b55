import { createHash } from 'node:crypto';
import type {
  ArtifactLocation,
  Location as SarifLocation,
  Log,
  Notification,
  ReportingDescriptor,
  Result,
} from 'sarif';
import type { Location } from '../core/package.js';
import type { Finding, Severity, SeverityLevel } from '../advisories/types.js';
import { describeSeverity, escapeMarkdown, markdownCode, markdownTable } from './markdown-text.js';
import { groupFindingsByAdvisory, mostSevere, orderReport } from './ordering.js';
import { formatLocation, otherIds } from './summary.js';
import type { ScanReport } from '../scan/types.js';

export const SARIF_SCHEMA_URI = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

/** Relative paths are resolved by the consumer (GitHub: the repository root) against this base. */
export const SOURCE_ROOT_BASE_ID = '%SRCROOT%';

/** The key under `partialFingerprints`; bump the suffix if the fingerprint input ever changes. */
export const FINGERPRINT_KEY = 'chainwatch/v1';

type SarifLevel = NonNullable<Result['level']>;

const SARIF_LEVEL: Record<SeverityLevel, SarifLevel> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  // Not knowing how bad it is is not the same as knowing it is minor.
  unknown: 'warning',
  low: 'note',
  none: 'note',
};

/**
 * GitHub buckets `security-severity` as critical >= 9.0, high 7.0-8.9,
 * medium 4.0-6.9, low 0.1-3.9. Without a CVSS score the level is mapped to a
 * value inside its bucket; `unknown` gets none, so GitHub falls back to `level`.
 */
const LEVEL_SECURITY_SEVERITY: Record<SeverityLevel, string | undefined> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '2.0',
  none: '0.0',
  unknown: undefined,
};

export function sarifLevel(level: SeverityLevel): SarifLevel {
  return SARIF_LEVEL[level];
}

/** A numeric string from the CVSS score when there is one, else from the level. */
export function securitySeverity(severity: Severity): string | undefined {
  if (severity.score !== undefined && Number.isFinite(severity.score)) return severity.score.toFixed(1);
  return LEVEL_SECURITY_SEVERITY[severity.level];
}

function encodePathSegment(segment: string): string {
  // `@` is legal in a URI path and keeps npm scopes (`node_modules/@jupyterlab/...`) readable.
  return encodeURIComponent(segment).replace(/%40/g, '@');
}

/**
 * Report paths are relative to the scan root where possible; SARIF wants a URI
 * reference. Relative paths hang off %SRCROOT%; absolute ones become file URIs.
 */
export function toArtifactLocation(path: string): ArtifactLocation {
  const slashed = path.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.test(slashed);
  if (drive || slashed.startsWith('/')) {
    const encoded = slashed.split('/').map((segment, index) => (drive && index === 0 ? segment : encodePathSegment(segment)));
    return { uri: `file://${drive ? '/' : ''}${encoded.join('/')}` };
  }
  const relative = slashed.replace(/^(\.\/)+/, '');
  return { uri: relative.split('/').map(encodePathSegment).join('/'), uriBaseId: SOURCE_ROOT_BASE_ID };
}

function toSarifLocation(location: Location): SarifLocation {
  // GitHub requires a start line; 1 stands for "somewhere in this file".
  return {
    physicalLocation: {
      artifactLocation: toArtifactLocation(location.path),
      region: { startLine: location.line !== undefined && location.line >= 1 ? location.line : 1 },
    },
  };
}

/**
 * Stable across runs and line moves: the same advisory in the same package
 * version declared in the same file is the same alert, wherever its line is.
 */
export function resultFingerprint(finding: Finding, location: Location | undefined): string {
  const input = [finding.id, finding.package.purl, location?.path ?? ''].join('\n');
  return createHash('sha256').update(input).digest('hex').slice(0, 32);
}

/** Advisory summaries rarely end in a full stop; messages join them with other sentences. */
function asSentence(text: string): string {
  return /[.!?]$/.test(text.trimEnd()) ? text.trimEnd() : `${text.trimEnd()}.`;
}

function describePackage(finding: Finding): string {
  return `${finding.package.name} ${finding.package.version} (${finding.package.ecosystem})`;
}

function fixedText(finding: Finding): string {
  return finding.fixed.length > 0 ? `Fixed in ${finding.fixed.join(', ')}.` : 'No fixed version is known.';
}

/** What every part of a rule is written from: the advisory's findings, its most severe one and its other ids. */
interface AdvisoryGroup {
  id: string;
  findings: readonly Finding[];
  representative: Finding;
  aliases: string[];
}

function helpMarkdown({ id, findings, representative, aliases }: AdvisoryGroup): string {
  const lines = [`**${escapeMarkdown(id)}**${aliases.length > 0 ? ` (also ${aliases.map(escapeMarkdown).join(', ')})` : ''}`];
  if (representative.summary) lines.push('', escapeMarkdown(representative.summary));
  lines.push(
    '',
    markdownTable(
      ['Package', 'Ecosystem', 'Version', 'Fixed in'],
      findings.map((finding) => [
        escapeMarkdown(finding.package.name),
        finding.package.ecosystem,
        markdownCode(finding.package.version),
        finding.fixed.length > 0 ? finding.fixed.map(markdownCode).join(', ') : 'no fix known',
      ]),
    ),
    '',
    `Severity: ${describeSeverity(representative.severity)}`,
  );
  const references = representative.references ?? [];
  if (references.length > 0) {
    lines.push('', 'References:');
    for (const reference of references) lines.push(`- <${reference}>`);
  }
  return lines.join('\n');
}

function helpText({ id, findings, representative, aliases }: AdvisoryGroup): string {
  const lines = [`${id}${aliases.length > 0 ? ` (also ${aliases.join(', ')})` : ''}`];
  if (representative.summary) lines.push(representative.summary);
  for (const finding of findings) lines.push(`${describePackage(finding)}: ${fixedText(finding)}`);
  return lines.join('\n');
}

function buildRule(id: string, findings: readonly Finding[]): ReportingDescriptor {
  const representative = mostSevere(findings);
  const group: AdvisoryGroup = { id, findings, representative, aliases: otherIds(representative) };
  const affected = findings.map((finding) => `${finding.package.name} ${finding.package.version}`).join(', ');
  const fullDescription = [
    asSentence(representative.summary ?? `Known vulnerability ${id}`),
    `Affects ${affected}.`,
    group.aliases.length > 0 ? `Also known as ${group.aliases.join(', ')}.` : '',
  ]
    .filter((part) => part !== '')
    .join(' ');
  const helpUri = (representative.references ?? []).find((reference) => URL.canParse(reference));
  const severity = securitySeverity(representative.severity);
  const ecosystems = [...new Set(findings.map((finding) => finding.package.ecosystem))];
  return {
    id,
    shortDescription: { text: representative.summary ?? `Known vulnerability ${id}` },
    fullDescription: { text: fullDescription },
    ...(helpUri === undefined ? {} : { helpUri }),
    help: { text: helpText(group), markdown: helpMarkdown(group) },
    defaultConfiguration: { level: sarifLevel(representative.severity.level) },
    properties: {
      ...(severity === undefined ? {} : { 'security-severity': severity }),
      tags: ['security', 'vulnerability', 'dependency', ...ecosystems],
      ids: representative.ids,
    },
  };
}

function buildResults(
  finding: Finding,
  ruleIndex: number,
  fallbackLocations: ReadonlyMap<string, Location[]>,
): Result[] {
  const locations = finding.locations.length > 0 ? finding.locations : (fallbackLocations.get(finding.package.purl) ?? []);
  const message = {
    text: `${describePackage(finding)} is affected by ${asSentence(finding.summary ? `${finding.id}: ${finding.summary}` : finding.id)} ${fixedText(finding)}`,
  };
  const properties = { purl: finding.package.purl, ids: finding.ids, fixed: finding.fixed };
  const result = (location: Location | undefined): Result => ({
    ruleId: finding.id,
    ruleIndex,
    level: sarifLevel(finding.severity.level),
    message,
    ...(location === undefined ? {} : { locations: [toSarifLocation(location)] }),
    partialFingerprints: { [FINGERPRINT_KEY]: resultFingerprint(finding, location) },
    properties,
  });
  // A finding with no location at all (none on the finding or its package) still gets reported.
  return locations.length > 0 ? locations.map(result) : [result(undefined)];
}

function notificationLocations(location: Location): SarifLocation[] {
  const artifactLocation = toArtifactLocation(location.path);
  return [
    {
      physicalLocation:
        location.line !== undefined && location.line >= 1
          ? { artifactLocation, region: { startLine: location.line } }
          : { artifactLocation },
    },
  ];
}

function buildNotifications(report: ScanReport): Notification[] {
  const notifications: Notification[] = [];
  for (const error of report.errors) {
    notifications.push({
      level: 'error',
      message: { text: `${formatLocation(error)}: ${error.message}` },
      descriptor: { id: error.code },
      locations: notificationLocations(error),
    });
  }
  for (const entry of report.notScannable) {
    notifications.push({
      level: 'note',
      message: { text: `${entry.name} cannot be checked: ${entry.reason}` },
      descriptor: { id: 'not-scannable' },
      locations: notificationLocations(entry.location),
    });
  }
  for (const source of report.sources.filter((status) => !status.reachable)) {
    notifications.push({
      level: 'warning',
      message: {
        text: `Advisory source ${source.name} was unreachable${source.error ? `: ${source.error}` : ''}; findings from it are missing.`,
      },
      descriptor: { id: 'source-unreachable' },
    });
  }
  for (const entry of report.coverage.filter((coverage) => !coverage.checked && coverage.packages > 0)) {
    notifications.push({
      level: 'warning',
      message: { text: `${entry.packages} ${entry.ecosystem} package${entry.packages === 1 ? ' was' : 's were'} not checked: the advisory sources hold no ${entry.ecosystem} advisories.` },
      descriptor: { id: 'ecosystem-not-checked' },
    });
  }
  return notifications;
}

/** The SARIF 2.1.0 log as a value: one rule per advisory id, one result per (finding, location). */
export function buildSarifLog(report: ScanReport): Log {
  const ordered = orderReport(report);
  const groups = [...groupFindingsByAdvisory(ordered.findings)];
  const rules = groups.map(([id, findings]) => buildRule(id, findings));
  const ruleIndexById = new Map(rules.map((rule, index) => [rule.id, index]));
  const packageLocations = new Map(ordered.packages.map((scanned) => [scanned.purl, scanned.locations]));
  const results = ordered.findings.flatMap((finding) =>
    buildResults(finding, ruleIndexById.get(finding.id) ?? -1, packageLocations),
  );
  const notifications = buildNotifications(ordered);
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: ordered.tool.name, version: ordered.tool.version, rules } },
        results,
        invocations: [
          {
            // The scan ran to the end; bad input files and unreachable sources are notifications, not a failed run.
            executionSuccessful: true,
            ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
          },
        ],
      },
    ],
  };
}

export function renderSarif(report: ScanReport): string {
  return `${JSON.stringify(buildSarifLog(report), null, 2)}\n`;
}
