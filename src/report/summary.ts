import type { Location } from '../core/package.js';
import type { AdvisorySourceStatus, Finding, Severity } from '../advisories/types.js';
import type { AdvisoryCoverage, ScanReport } from '../scan/types.js';

export interface ReportSummary {
  findings: number;
  /** Distinct package versions (by purl) with at least one finding. */
  vulnerablePackages: number;
  scannedPackages: number;
  files: number;
  errors: number;
  notScannable: number;
  /** Advisory sources that answered: with none, nothing was checked, and "no known vulnerabilities" would mislead. */
  reachableSources: number;
  unreachableSources: AdvisorySourceStatus[];
  /** Ecosystems with scanned packages the sources hold no advisory for: their packages were not checked. */
  unchecked: { ecosystem: string; packages: number }[];
}

export function summarizeReport(report: ScanReport): ReportSummary {
  return {
    findings: report.findings.length,
    vulnerablePackages: new Set(report.findings.map((finding) => finding.package.purl)).size,
    scannedPackages: report.packages.length,
    files: report.files.length,
    errors: report.errors.length,
    notScannable: report.notScannable.length,
    reachableSources: report.sources.filter((source) => source.reachable).length,
    unreachableSources: report.sources.filter((source) => !source.reachable),
    unchecked: report.coverage.filter((entry) => !entry.checked && entry.packages > 0).map(({ ecosystem, packages }) => ({ ecosystem, packages })),
  };
}

/** `npm (3 packages), conda (1 package)`. */
export function describeUnchecked(unchecked: ReportSummary['unchecked']): string {
  return unchecked.map((entry) => `${entry.ecosystem} (${pluralize(entry.packages, 'package')})`).join(', ');
}

/** One coverage entry for people: `2661 advisories, newest modified 2024-10-01T00:00:00Z`, or why it was not checked. */
export function describeCoverage(entry: AdvisoryCoverage): string {
  if (!entry.checked) return `not checked: the advisory sources hold no ${entry.ecosystem} advisories`;
  return `${pluralize(entry.advisories, 'advisory', 'advisories')}, newest modified ${entry.newestModified ?? 'unknown'}`;
}

export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`;
}

/** `path:line`, or just `path` when the format gave no line. */
export function formatLocation(location: Location): string {
  return location.line === undefined ? location.path : `${location.path}:${location.line}`;
}

/** `high 7.5` with a CVSS score, else just the level: the short form in tables. */
export function severityLabel(severity: Severity): string {
  return severity.score === undefined ? severity.level : `${severity.level} ${severity.score.toFixed(1)}`;
}

/** The finding's ids other than its representative one (aliases and merged records). */
export function otherIds(finding: Finding): string[] {
  return finding.ids.filter((id) => id !== finding.id);
}

/**
 * The one-sentence outcome shared by the table and the Markdown report, e.g.
 * `3 findings in 2 packages from 2 files (5 packages scanned); 1 error; 1 advisory source unreachable: osv-mirror`.
 */
export function describeSummary(summary: ReportSummary): string {
  const fromFiles = `from ${pluralize(summary.files, 'file')}`;
  const nothingChecked = summary.findings === 0 && summary.reachableSources === 0 && summary.unreachableSources.length > 0;
  // With no source at all every ecosystem is unchecked: the head says so once.
  const unchecked = nothingChecked ? [] : summary.unchecked;
  const uncheckedPackages = unchecked.reduce((sum, entry) => sum + entry.packages, 0);
  const checkedPackages = summary.scannedPackages - uncheckedPackages;
  const head = nothingChecked
    ? `Not checked: no advisory source could be used for ${pluralize(summary.scannedPackages, 'package')} ${fromFiles}`
    : summary.findings === 0 && checkedPackages === 0 && unchecked.length > 0
      ? `Not checked: no advisories for ${describeUnchecked(unchecked)} ${fromFiles}`
      : summary.findings === 0
        ? `No known vulnerabilities found in ${pluralize(checkedPackages, unchecked.length > 0 ? 'checked package' : 'package')} ${fromFiles}`
        : `${pluralize(summary.findings, 'finding')} in ${pluralize(summary.vulnerablePackages, 'package')} ${fromFiles}` +
          ` (${pluralize(summary.scannedPackages, 'package')} scanned)`;
  const parts = [head];
  if (unchecked.length > 0 && checkedPackages > 0) parts.push(`not checked, no advisories for them: ${describeUnchecked(unchecked)}`);
  if (summary.errors > 0) parts.push(pluralize(summary.errors, 'error'));
  if (summary.notScannable > 0) parts.push(`${summary.notScannable} not scannable`);
  const unreachable = summary.unreachableSources;
  if (unreachable.length > 0) {
    const names = unreachable.map((source) => source.name).join(', ');
    parts.push(`${pluralize(unreachable.length, 'advisory source')} unreachable: ${names}`);
  }
  return parts.join('; ');
}
