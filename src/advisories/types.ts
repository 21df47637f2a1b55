import type { Ecosystem, Location } from '../core/package.js';

/**
 * The parts of an OSV record (schema 1.7, https://ossf.github.io/osv-schema/)
 * that chainwatch reads. The zod schema in osv-schema.ts validates records at
 * the boundary and produces this type.
 */
export interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

export interface OsvRange {
  type: 'ECOSYSTEM' | 'SEMVER' | 'GIT' | (string & {});
  repo?: string;
  events: OsvEvent[];
}

export interface OsvSeverity {
  type: 'CVSS_V2' | 'CVSS_V3' | 'CVSS_V4' | 'Ubuntu' | (string & {});
  score: string;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  credits?: { name: string; contact?: string[]; type?: string }[];
  database_specific?: Record<string, unknown>;
}

export type SeverityLevel = 'none' | 'low' | 'medium' | 'high' | 'critical' | 'unknown';

export const SEVERITY_ORDER: readonly SeverityLevel[] = ['unknown', 'none', 'low', 'medium', 'high', 'critical'];

export interface Severity {
  level: SeverityLevel;
  /** Base score, when computed from a CVSS vector. */
  score?: number;
  vector?: string;
  /** Which input decided the level: a CVSS vector, the database's own word, or nothing. */
  source: 'CVSS_V4' | 'CVSS_V3' | 'CVSS_V2' | 'database' | 'none';
  /**
   * Set when none of the matched records gave a level and it was taken from
   * another record of the same vulnerability (alias-severity.ts): that record's id.
   */
  borrowedFrom?: string;
}

/** A package as the matcher sees it. */
export interface MatchTarget {
  ecosystem: Ecosystem;
  name: string;
  version: string;
  commit?: string;
  /**
   * The distribution release the package was installed from (`12`, `24.04`:
   * OSV's ecosystem suffix, without `:LTS`), when known (an image's
   * os-release). Then only records for that release, or for no release, apply.
   */
  ecosystemRelease?: string;
}

/**
 * One finding = one vulnerability in one package version. Records whose ids
 * or aliases overlap are merged into one finding carrying every id.
 */
export interface Finding {
  package: { ecosystem: Ecosystem; name: string; version: string; purl: string };
  /** The representative id (the first advisory's own id, preferring GHSA/PYSEC over CVE). */
  id: string;
  /** Every id and alias of every merged record, sorted, unique. */
  ids: string[];
  summary?: string;
  severity: Severity;
  /** Versions that fix it, from `fixed` events, ascending. */
  fixed: string[];
  locations: Location[];
  references?: string[];
}

/** Where advisories came from for one run: the scan report lists these. */
export interface AdvisorySourceStatus {
  name: string;
  reachable: boolean;
  records?: number;
  error?: string;
}
