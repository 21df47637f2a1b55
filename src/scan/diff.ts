import { compareText } from '../core/compare.js';
import { normalizeName } from '../core/package.js';
import { SEVERITY_ORDER, type Finding, type SeverityLevel } from '../advisories/types.js';
import type { ScannedPackage, ScanReport } from './types.js';

/** One package version of an image diff, with the layer its file came from in the image that has it. */
export interface DiffPackage {
  ecosystem: string;
  name: string;
  version: string;
  purl: string;
  paths: string[];
  layer: number | null;
}

/** A package both images hold, in other versions. */
export interface ChangedPackage {
  ecosystem: string;
  name: string;
  from: string[];
  to: string[];
}

export interface DiffFinding {
  id: string;
  ids: string[];
  severity: SeverityLevel;
  summary: string | null;
  fixed: string[];
  package: { ecosystem: string; name: string; version: string; purl: string };
}

/** What changed from one scan (of an image) to another: packages, and the advisories that came or went with them. */
export interface ScanDiff {
  packages: { added: DiffPackage[]; removed: DiffPackage[]; changed: ChangedPackage[]; unchanged: number };
  findings: { appeared: DiffFinding[]; resolved: DiffFinding[] };
}

function identity(pkg: { ecosystem: string; name: string }): string {
  return `${pkg.ecosystem}\u0000${normalizeName(pkg.ecosystem as ScannedPackage['ecosystem'], pkg.name)}`;
}

function toDiffPackage(pkg: ScannedPackage): DiffPackage {
  const paths = [...new Set(pkg.locations.map((location) => location.path))].sort(compareText);
  return { ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version, purl: pkg.purl, paths, layer: pkg.locations.find((location) => location.layer !== undefined)?.layer ?? null };
}

function toDiffFinding(finding: Finding): DiffFinding {
  return { id: finding.id, ids: finding.ids, severity: finding.severity.level, summary: finding.summary ?? null, fixed: finding.fixed, package: { ...finding.package } };
}

function byIdentity(report: ScanReport): Map<string, ScannedPackage[]> {
  const map = new Map<string, ScannedPackage[]>();
  for (const pkg of report.packages) {
    const key = identity(pkg);
    const list = map.get(key);
    if (list) list.push(pkg);
    else map.set(key, [pkg]);
  }
  return map;
}

/** Worst first (SEVERITY_ORDER ranks upward), then id, then purl. */
function compareFindings(a: DiffFinding, b: DiffFinding): number {
  return SEVERITY_ORDER.indexOf(b.severity) - SEVERITY_ORDER.indexOf(a.severity) || compareText(a.id, b.id) || compareText(a.package.purl, b.package.purl);
}

function comparePackages(a: { ecosystem: string; name: string }, b: { ecosystem: string; name: string }): number {
  return compareText(a.ecosystem, b.ecosystem) || compareText(a.name.toLowerCase(), b.name.toLowerCase()) || compareText(a.name, b.name);
}

/**
 * Packages are the same package when ecosystem and normalised name agree: a
 * name in both images with other versions is `changed` (from → to); a name in
 * one image only is added or removed, with each of its versions. A finding is
 * one (advisory, package version): it appeared or was resolved.
 */
export function diffScans(previous: ScanReport, current: ScanReport): ScanDiff {
  const before = byIdentity(previous);
  const after = byIdentity(current);
  const added: DiffPackage[] = [];
  const removed: DiffPackage[] = [];
  const changed: ChangedPackage[] = [];
  let unchanged = 0;
  for (const [key, now] of after) {
    const then = before.get(key);
    if (!then) {
      for (const pkg of now) added.push(toDiffPackage(pkg));
      continue;
    }
    const from = [...new Set(then.map((pkg) => pkg.version))].sort(compareText);
    const to = [...new Set(now.map((pkg) => pkg.version))].sort(compareText);
    if (from.join('\u0000') === to.join('\u0000')) unchanged += 1;
    else changed.push({ ecosystem: now[0]!.ecosystem, name: now[0]!.name, from, to });
  }
  for (const [key, then] of before) if (!after.has(key)) for (const pkg of then) removed.push(toDiffPackage(pkg));
  const findingKey = (finding: Finding) => `${finding.id}\u0000${finding.package.purl}`;
  const beforeFindings = new Set(previous.findings.map(findingKey));
  const afterFindings = new Set(current.findings.map(findingKey));
  return {
    packages: {
      added: added.sort(comparePackages),
      removed: removed.sort(comparePackages),
      changed: changed.sort(comparePackages),
      unchanged,
    },
    findings: {
      appeared: current.findings.filter((finding) => !beforeFindings.has(findingKey(finding))).map(toDiffFinding).sort(compareFindings),
      resolved: previous.findings.filter((finding) => !afterFindings.has(findingKey(finding))).map(toDiffFinding).sort(compareFindings),
    },
  };
}
