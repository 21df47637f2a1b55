/**
 * The audit's findings step: every package version of the graph matched
 * against the advisory database, as `scan` matches a lockfile's packages (the
 * same matcher, the same severity borrowed from aliases, the same coverage
 * per ecosystem). The graph's nodes are an inventory like a lockfile's; a
 * finding's location is the graph itself, so it has none.
 */
import { compareText } from '../core/compare.js';
import type { Ecosystem } from '../core/package.js';
import { severityFromAliases } from '../advisories/alias-severity.js';
import { createPackageMatcher } from '../advisories/match.js';
import type { AdvisoryReader } from '../advisories/store.js';
import type { Finding, Severity } from '../advisories/types.js';
import { advisoryCoverage } from '../scan/coverage.js';
import type { AdvisoryCoverage } from '../scan/types.js';

export interface GraphPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  purl: string;
}

export interface GraphFindings {
  findings: Finding[];
  coverage: AdvisoryCoverage[];
}

/** Matches each package (sorted by name, so the matcher's small cache holds) against the open database. */
export function matchGraphPackages(packages: readonly GraphPackage[], reader: AdvisoryReader): GraphFindings {
  const ordered = [...packages].sort((a, b) => compareText(a.ecosystem, b.ecosystem) || compareText(a.name, b.name) || compareText(a.version, b.version));
  const matcher = createPackageMatcher(reader, undefined, { cacheSize: 2 });
  const findings: Finding[] = [];
  for (const pkg of ordered) {
    const result = matcher.match({ ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl, locations: [] });
    for (const finding of result.findings) findings.push({ ...finding, package: { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl } });
  }
  const borrowed = new Map<string, Severity | null>();
  const withSeverity = findings.map((finding) => {
    if (finding.severity.level !== 'unknown') return finding;
    const key = `${finding.package.ecosystem}\u0000${finding.package.name}\u0000${finding.ids.join('\u0000')}`;
    if (!borrowed.has(key)) borrowed.set(key, severityFromAliases(finding, [reader]));
    const severity = borrowed.get(key);
    return severity ? { ...finding, severity } : finding;
  });
  return { findings: withSeverity, coverage: advisoryCoverage(ordered, [reader]) };
}
