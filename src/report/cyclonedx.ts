import { createHash } from 'node:crypto';
import { Enums, Models, Serialize, Spec } from '@cyclonedx/cyclonedx-library';
import type { Finding, Severity, SeverityLevel } from '../advisories/types.js';
import { renderJson } from './json.js';
import { compareText } from '../core/compare.js';
import { comparePackages, groupFindingsByAdvisory, orderReport, uniqueLocations } from './ordering.js';
import { formatLocation, otherIds } from './summary.js';
import type { ScanImage, ScanReport, ScannedPackage } from '../scan/types.js';

export interface CycloneDxOptions {
  /** When the scan ran; becomes `metadata.timestamp` and part of the serial number. Omitted when absent. */
  timestamp?: Date;
}

/** Fixed namespace for chainwatch's name-based (version 5) BOM serial numbers. */
const SERIAL_NAMESPACE = '6f1d7a1e-3c55-4b8e-9a57-1f0c2a9d4e21';

/** Property names follow the CycloneDX property taxonomy convention `<tool>:<name>`. */
export const LOCATION_PROPERTY = 'chainwatch:location';
/** In an image SBOM, the layer each location's file came from: `<index>` (0 is the base) and the layer blob's digest. */
export const LAYER_PROPERTY = 'chainwatch:layer';
export const LAYER_DIGEST_PROPERTY = 'chainwatch:layer:digest';
export const LAYER_CREATED_BY_PROPERTY = 'chainwatch:layer:created-by';

const KNOWN_DATABASES: Record<string, string> = {
  GHSA: 'GitHub Advisory Database',
  PYSEC: 'PyPA Advisory Database',
  CVE: 'CVE',
  OSV: 'OSV',
  DSA: 'Debian Security Advisories',
  DLA: 'Debian LTS Advisories',
  DTSA: 'Debian Testing Security Advisories',
  USN: 'Ubuntu Security Notices',
  LSN: 'Livepatch Security Notices',
  UBUNTU: 'Ubuntu CVE Reports',
  MAL: 'OpenSSF Malicious Packages',
  PSF: 'Python Software Foundation',
};

/** Which database an id belongs to (by its prefix), with its OSV page, where every one of these ids resolves. */
export function advisorySource(id: string): Models.Vulnerability.Source {
  const prefix = id.split('-')[0] ?? id;
  return new Models.Vulnerability.Source({
    name: KNOWN_DATABASES[prefix.toUpperCase()] ?? prefix,
    url: `https://osv.dev/vulnerability/${encodeURIComponent(id)}`,
  });
}

const RATING_SEVERITY: Record<SeverityLevel, Enums.Vulnerability.Severity> = {
  critical: Enums.Vulnerability.Severity.Critical,
  high: Enums.Vulnerability.Severity.High,
  medium: Enums.Vulnerability.Severity.Medium,
  low: Enums.Vulnerability.Severity.Low,
  none: Enums.Vulnerability.Severity.None,
  unknown: Enums.Vulnerability.Severity.Unknown,
};

export function ratingMethod(severity: Severity): Enums.Vulnerability.RatingMethod {
  switch (severity.source) {
    case 'CVSS_V4':
      return Enums.Vulnerability.RatingMethod.CVSSv4;
    case 'CVSS_V3':
      return severity.vector?.startsWith('CVSS:3.0/')
        ? Enums.Vulnerability.RatingMethod.CVSSv3
        : Enums.Vulnerability.RatingMethod.CVSSv31;
    case 'CVSS_V2':
      return Enums.Vulnerability.RatingMethod.CVSSv2;
    case 'database':
    case 'none':
      return Enums.Vulnerability.RatingMethod.Other;
  }
}

/** One rating per distinct severity among the advisory's findings; nothing when nothing is known. */
function buildRatings(findings: readonly Finding[]): Models.Vulnerability.Rating[] {
  const seen = new Set<string>();
  const ratings: Models.Vulnerability.Rating[] = [];
  for (const { severity } of findings) {
    if (severity.source === 'none' && severity.level === 'unknown') continue;
    const key = [severity.source, severity.level, severity.score ?? '', severity.vector ?? ''].join('\n');
    if (seen.has(key)) continue;
    seen.add(key);
    ratings.push(
      new Models.Vulnerability.Rating({
        method: ratingMethod(severity),
        severity: RATING_SEVERITY[severity.level],
        ...(severity.score === undefined ? {} : { score: severity.score }),
        ...(severity.vector === undefined ? {} : { vector: severity.vector }),
      }),
    );
  }
  return ratings;
}

function recommendation(findings: readonly Finding[]): string | undefined {
  const upgrades = findings
    .filter((finding) => finding.fixed.length > 0)
    .map((finding) => `${finding.package.name} ${finding.package.version}: upgrade to ${finding.fixed.join(' or ')}`);
  return upgrades.length > 0 ? `${upgrades.join('; ')}.` : undefined;
}

function buildComponent(scanned: ScannedPackage, image: ScanImage | undefined): Models.Component {
  const properties: Models.Property[] = [];
  for (const location of scanned.locations) {
    properties.push(new Models.Property(LOCATION_PROPERTY, formatLocation(location)));
    const layer = location.layer === undefined ? undefined : image?.layers[location.layer];
    if (layer === undefined) continue;
    properties.push(new Models.Property(LAYER_PROPERTY, String(layer.index)), new Models.Property(LAYER_DIGEST_PROPERTY, layer.digest));
    if (layer.createdBy !== null) properties.push(new Models.Property(LAYER_CREATED_BY_PROPERTY, layer.createdBy));
  }
  return new Models.Component(Enums.ComponentType.Library, scanned.name, {
    bomRef: scanned.purl,
    version: scanned.version,
    purl: scanned.purl,
    properties: new Models.PropertyRepository(properties),
  });
}

/**
 * The image an image SBOM describes (`metadata.component`, type container),
 * with its OS as a component of type operating-system: named by the image,
 * versioned by its manifest digest, as other image SBOMs do.
 */
function imageComponent(image: ScanImage): Models.Component {
  const os = image.os
    ? [new Models.Component(Enums.ComponentType.OperatingSystem, image.os.id, { bomRef: `os:${image.os.id}`, ...(image.os.versionId ? { version: image.os.versionId } : {}), ...(image.os.prettyName ? { description: image.os.prettyName } : {}) })]
    : [];
  return new Models.Component(Enums.ComponentType.Container, image.source, {
    bomRef: `image:${image.manifestDigest ?? image.source}`,
    ...(image.manifestDigest ? { version: image.manifestDigest } : {}),
    components: new Models.ComponentRepository(os),
    properties: new Models.PropertyRepository([
      ...(image.platform ? [new Models.Property('chainwatch:image:platform', image.platform)] : []),
      ...image.layers.map((layer) => new Models.Property(`chainwatch:image:layer:${layer.index}`, `${layer.digest}${layer.createdBy === null ? '' : ` ${layer.createdBy}`}`)),
    ]),
  });
}

/** Packages of the report plus any package only a finding names, one per purl. */
function collectPackages(report: ScanReport): ScannedPackage[] {
  const byPurl = new Map<string, ScannedPackage>();
  for (const scanned of report.packages) {
    const known = byPurl.get(scanned.purl);
    if (known) for (const location of scanned.locations) known.locations.push(location);
    else byPurl.set(scanned.purl, { ...scanned, locations: [...scanned.locations] });
  }
  for (const finding of report.findings) {
    if (!byPurl.has(finding.package.purl)) {
      byPurl.set(finding.package.purl, { ...finding.package, locations: [...finding.locations] });
    }
  }
  // The same purl listed twice (say, once per lockfile) must merge to the same component whatever the input order.
  return [...byPurl.values()]
    .map((scanned) => ({ ...scanned, locations: uniqueLocations(scanned.locations) }))
    .sort(comparePackages);
}

function buildVulnerability(
  id: string,
  findings: readonly Finding[],
  components: ReadonlyMap<string, Models.Component>,
): Models.Vulnerability.Vulnerability {
  const aliases = [...new Set(findings.flatMap(otherIds))].sort(compareText);
  const summary = findings.find((finding) => finding.summary)?.summary;
  const advice = recommendation(findings);
  const urls = [...new Set(findings.flatMap((finding) => finding.references ?? []))].filter((url) => URL.canParse(url));
  const affected = [...new Set(findings.map((finding) => finding.package.purl))];
  return new Models.Vulnerability.Vulnerability({
    id,
    source: advisorySource(id),
    references: new Models.Vulnerability.ReferenceRepository(
      aliases.map((alias) => new Models.Vulnerability.Reference(alias, advisorySource(alias))),
    ),
    ratings: new Models.Vulnerability.RatingRepository(buildRatings(findings)),
    ...(summary === undefined ? {} : { description: summary }),
    ...(advice === undefined ? {} : { recommendation: advice }),
    advisories: new Models.Vulnerability.AdvisoryRepository(urls.map((url) => new Models.Vulnerability.Advisory(url))),
    affects: new Models.Vulnerability.AffectRepository(
      affected.flatMap((purl) => {
        const component = components.get(purl);
        return component ? [new Models.Vulnerability.Affect(component.bomRef)] : [];
      }),
    ),
  });
}

/** RFC 4122 version 5 (SHA-1, name-based) UUID: the same input always gives the same serial number. */
export function nameBasedUuid(namespace: string, name: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The CycloneDX 1.6 BOM as the library's normalized JSON value. */
export function buildCycloneDxDocument(
  report: ScanReport,
  options: CycloneDxOptions = {},
): Serialize.JSON.Types.Normalized.Bom {
  const ordered = orderReport(report);
  const components = new Map(collectPackages(ordered).map((scanned) => [scanned.purl, buildComponent(scanned, ordered.image)]));
  const tool = new Models.Component(Enums.ComponentType.Application, ordered.tool.name, { version: ordered.tool.version });
  // The serial number is derived from the content (and the scan time, when given) instead of drawn at random.
  const serialName = `${options.timestamp?.toISOString() ?? ''}\n${renderJson(ordered)}`;
  const bom = new Models.Bom({
    serialNumber: `urn:uuid:${nameBasedUuid(SERIAL_NAMESPACE, serialName)}`,
    metadata: new Models.Metadata({
      ...(options.timestamp === undefined ? {} : { timestamp: options.timestamp }),
      tools: new Models.Tools({ components: new Models.ComponentRepository([tool]) }),
      ...(ordered.image ? { component: imageComponent(ordered.image) } : {}),
    }),
    components: new Models.ComponentRepository(components.values()),
    vulnerabilities: new Models.Vulnerability.VulnerabilityRepository(
      [...groupFindingsByAdvisory(ordered.findings)].map(([id, findings]) => buildVulnerability(id, findings, components)),
    ),
  });
  // Lists stay in our own deterministic order: the library's sortLists compares with localeCompare.
  const normalized = new Serialize.JSON.Normalize.Factory(Spec.Spec1dot6).makeForBom().normalize(bom, { sortLists: false });
  // A scan knows no dependency graph. The library would list every component with no `dependsOn`,
  // which CycloneDX reads as "has no dependencies"; leaving the graph out says "unknown" instead.
  delete normalized.dependencies;
  return normalized;
}

export function renderCycloneDx(report: ScanReport, options: CycloneDxOptions = {}): string {
  return `${JSON.stringify(buildCycloneDxDocument(report, options), null, 2)}\n`;
}
