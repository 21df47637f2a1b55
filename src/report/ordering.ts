import { compareText } from '../core/compare.js';
import type { Location } from '../core/package.js';
import { SEVERITY_ORDER } from '../advisories/types.js';
import type { AdvisorySourceStatus, Finding, SeverityLevel } from '../advisories/types.js';
import type { NotScannable } from '../extractors/types.js';
import type { ReportError, ScanReport, ScannedPackage } from '../scan/types.js';

// Every format renders the same ordered report, so that two runs over the same
// input produce byte-identical output (strings in core's `compareText` order).

/** Higher is more severe; `unknown` ranks below `none` as SEVERITY_ORDER says. */
export function severityRank(level: SeverityLevel): number {
  return SEVERITY_ORDER.indexOf(level);
}

type PackageIdentity = { ecosystem: string; name: string; version: string; purl: string };

export function comparePackages(a: PackageIdentity, b: PackageIdentity): number {
  return (
    compareText(a.ecosystem, b.ecosystem) ||
    compareText(a.name, b.name) ||
    compareText(a.version, b.version) ||
    compareText(a.purl, b.purl)
  );
}

export function compareLocations(a: Location, b: Location): number {
  return compareText(a.path, b.path) || (a.line ?? 0) - (b.line ?? 0);
}

/** Element by element; a list that is a prefix of the other comes first. */
function compareLocationLists(a: readonly Location[], b: readonly Location[]): number {
  for (let index = 0; index < Math.min(a.length, b.length); index++) {
    const difference = compareLocations(a[index]!, b[index]!);
    if (difference !== 0) return difference;
  }
  return a.length - b.length;
}

/** Severity descending, then package, then advisory id. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    severityRank(b.severity.level) - severityRank(a.severity.level) ||
    comparePackages(a.package, b.package) ||
    compareText(a.id, b.id)
  );
}

/** Sorted by path then line, each location once. */
export function uniqueLocations(locations: readonly Location[]): Location[] {
  // Most packages are declared in one place: nothing to sort or compare.
  if (locations.length <= 1) return [...locations];
  const seen = new Set<string>();
  const unique: Location[] = [];
  for (const location of [...locations].sort(compareLocations)) {
    const key = `${location.path}\u0000${location.line ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(location);
  }
  return unique;
}

function orderFinding(finding: Finding): Finding {
  return {
    ...finding,
    ids: [...new Set(finding.ids)].sort(compareText),
    // `fixed` is already ascending by the ecosystem's own version order; a text sort would break it.
    fixed: [...finding.fixed],
    locations: uniqueLocations(finding.locations),
  };
}

function orderPackage(scanned: ScannedPackage): ScannedPackage {
  return { ...scanned, locations: uniqueLocations(scanned.locations) };
}

function compareNotScannable(a: NotScannable, b: NotScannable): number {
  return compareLocations(a.location, b.location) || compareText(a.name, b.name) || compareText(a.reason, b.reason);
}

function compareErrors(a: ReportError, b: ReportError): number {
  return (
    compareLocations(a, b) || compareText(a.code, b.code) || compareText(a.message, b.message)
  );
}

function compareSources(a: AdvisorySourceStatus, b: AdvisorySourceStatus): number {
  return compareText(a.name, b.name);
}

/** A copy of the report with every list in its documented, deterministic order. */
export function orderReport(report: ScanReport): ScanReport {
  return {
    tool: { ...report.tool },
    targets: [...report.targets],
    files: [...report.files].sort((a, b) => compareText(a.path, b.path)),
    // Ties (the same package or finding listed twice) are broken by their locations, so input order never shows.
    packages: report.packages
      .map(orderPackage)
      .sort((a, b) => comparePackages(a, b) || compareLocationLists(a.locations, b.locations)),
    findings: report.findings
      .map(orderFinding)
      .sort((a, b) => compareFindings(a, b) || compareLocationLists(a.locations, b.locations)),
    notScannable: [...report.notScannable].sort(compareNotScannable),
    errors: [...report.errors].sort(compareErrors),
    sources: [...report.sources].sort(compareSources),
    coverage: [...report.coverage].sort((a, b) => compareText(a.ecosystem, b.ecosystem)),
    ...(report.image ? { image: { ...report.image, layers: [...report.image.layers].sort((a, b) => a.index - b.index) } } : {}),
  };
}

/**
 * Findings grouped by their representative advisory id, in the order of each
 * id's first (most severe) finding. SARIF rules, CycloneDX vulnerabilities
 * and the Markdown details are one entry per advisory, not per package.
 */
export function groupFindingsByAdvisory(orderedFindings: readonly Finding[]): Map<string, Finding[]> {
  const groups = new Map<string, Finding[]>();
  for (const finding of orderedFindings) {
    const group = groups.get(finding.id);
    if (group) group.push(finding);
    else groups.set(finding.id, [finding]);
  }
  return groups;
}

/** The most severe finding of a non-empty group: its severity stands for the advisory. */
export function mostSevere(findings: readonly Finding[]): Finding {
  let worst = findings[0];
  if (!worst) throw new Error('mostSevere needs at least one finding');
  for (const finding of findings) {
    const rankDifference = severityRank(finding.severity.level) - severityRank(worst.severity.level);
    if (rankDifference > 0 || (rankDifference === 0 && (finding.severity.score ?? -1) > (worst.severity.score ?? -1))) {
      worst = finding;
    }
  }
  return worst;
}
