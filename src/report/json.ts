import type { Location } from '../core/package.js';
import type { Finding, Severity } from '../advisories/types.js';
import { orderReport } from './ordering.js';
import type { ScanReport } from '../scan/types.js';

/** The `schema` value of the JSON report; json-format.md documents it and what may change under it. */
export const SCAN_JSON_SCHEMA = 'chainwatch.scan/1';

export interface JsonLocation {
  path: string;
  line: number | null;
  /** The image layer the file came from (`image.layers[].index`); null outside an image. */
  layer: number | null;
}

export interface JsonPackageIdentity {
  ecosystem: string;
  name: string;
  version: string;
  purl: string;
}

export interface JsonFinding {
  package: JsonPackageIdentity;
  id: string;
  ids: string[];
  summary: string | null;
  severity: { level: Severity['level']; score: number | null; vector: string | null; source: Severity['source']; borrowedFrom: string | null };
  fixed: string[];
  locations: JsonLocation[];
}

/** The whole JSON report; every key is always present (null, never missing, when unknown). */
export interface ScanJsonDocument {
  schema: typeof SCAN_JSON_SCHEMA;
  tool: { name: string; version: string };
  findings: JsonFinding[];
  packages: (JsonPackageIdentity & { locations: JsonLocation[] })[];
  notScannable: { name: string; reason: string; location: JsonLocation }[];
  errors: { path: string; line: number | null; code: string; message: string }[];
  sources: { name: string; reachable: boolean; records: number | null; error: string | null }[];
  coverage: { ecosystem: string; packages: number; advisories: number; newest_modified: string | null; checked: boolean }[];
  /** The image of a `scan --image`; null for a scan of paths. */
  image: {
    source: string;
    platform: string | null;
    manifest_digest: string | null;
    os: { id: string; version_id: string | null; pretty_name: string | null; ecosystem: string | null } | null;
    layers: { index: number; digest: string; created_by: string | null }[];
  } | null;
}

function toJsonLocation(location: Location): JsonLocation {
  return { path: location.path, line: location.line ?? null, layer: location.layer ?? null };
}

// Objects are built key by key so the key order in the output is the documented one.
function toJsonFinding(finding: Finding): JsonFinding {
  return {
    package: {
      ecosystem: finding.package.ecosystem,
      name: finding.package.name,
      version: finding.package.version,
      purl: finding.package.purl,
    },
    id: finding.id,
    ids: finding.ids,
    summary: finding.summary ?? null,
    severity: {
      level: finding.severity.level,
      score: finding.severity.score ?? null,
      vector: finding.severity.vector ?? null,
      source: finding.severity.source,
      borrowedFrom: finding.severity.borrowedFrom ?? null,
    },
    fixed: finding.fixed,
    locations: finding.locations.map(toJsonLocation),
  };
}

/** The JSON report as a value, in its documented order (json-format.md). */
export function toScanJsonDocument(report: ScanReport): ScanJsonDocument {
  const ordered = orderReport(report);
  return {
    schema: SCAN_JSON_SCHEMA,
    tool: { name: ordered.tool.name, version: ordered.tool.version },
    findings: ordered.findings.map(toJsonFinding),
    packages: ordered.packages.map((scanned) => ({
      ecosystem: scanned.ecosystem,
      name: scanned.name,
      version: scanned.version,
      purl: scanned.purl,
      locations: scanned.locations.map(toJsonLocation),
    })),
    notScannable: ordered.notScannable.map((entry) => ({
      name: entry.name,
      reason: entry.reason,
      location: toJsonLocation(entry.location),
    })),
    errors: ordered.errors.map((error) => ({
      path: error.path,
      line: error.line ?? null,
      code: error.code,
      message: error.message,
    })),
    sources: ordered.sources.map((source) => ({
      name: source.name,
      reachable: source.reachable,
      records: source.records ?? null,
      error: source.error ?? null,
    })),
    coverage: ordered.coverage.map((entry) => ({
      ecosystem: entry.ecosystem,
      packages: entry.packages,
      advisories: entry.advisories,
      newest_modified: entry.newestModified,
      checked: entry.checked,
    })),
    image: ordered.image
      ? {
          source: ordered.image.source,
          platform: ordered.image.platform,
          manifest_digest: ordered.image.manifestDigest,
          os: ordered.image.os ? { id: ordered.image.os.id, version_id: ordered.image.os.versionId, pretty_name: ordered.image.os.prettyName, ecosystem: ordered.image.os.ecosystem } : null,
          layers: ordered.image.layers.map((layer) => ({ index: layer.index, digest: layer.digest, created_by: layer.createdBy })),
        }
      : null,
  };
}

/** Pretty-printed (two spaces) with a final newline, so `> file` and `| jq` both work. */
export function renderJson(report: ScanReport): string {
  return `${JSON.stringify(toScanJsonDocument(report), null, 2)}\n`;
}
