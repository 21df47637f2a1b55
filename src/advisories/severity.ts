import { createRequire } from 'node:module';
import type * as CvssModule from 'ae-cvss-calculator';
import { SEVERITY_ORDER } from './types.js';
import type { OsvAffected, OsvRecord, OsvSeverity, Severity, SeverityLevel } from './types.js';

// ae-cvss-calculator ships one CommonJS bundle: Node's ESM loader only exposes
// it as a default export, so the classes are taken from that object.
type CvssCalculator = typeof CvssModule;
let calculator: CvssCalculator | null = null;
/** Loaded on the first vector to score: most scans match nothing and should not pay for the calculator's start-up. */
function cvssLibrary(): CvssCalculator {
  calculator ??= createRequire(import.meta.url)('ae-cvss-calculator') as CvssCalculator;
  return calculator;
}

type CvssSource = 'CVSS_V4' | 'CVSS_V3' | 'CVSS_V2';

/** Newest first: a record that carries several CVSS versions is judged by the newest. */
const CVSS_PREFERENCE: readonly CvssSource[] = ['CVSS_V4', 'CVSS_V3', 'CVSS_V2'];

export interface CvssScore {
  source: CvssSource;
  /** Base score (CVSS-B for v4), 0.0–10.0. */
  score: number;
  level: SeverityLevel;
  /** The vector as the record wrote it. */
  vector: string;
}

/**
 * Scores one OSV `severity[]` entry. Returns null for non-CVSS types and for
 * any vector that is malformed, incomplete or inconsistent with its `type`
 * (never throws: a bad vector makes the caller fall back to other inputs).
 */
export function scoreCvss(entry: OsvSeverity): CvssScore | null {
  const type = cvssSourceOf(entry.type);
  if (type === null || typeof entry.score !== 'string') return null;
  const vector = entry.score.trim();
  const metrics = splitVector(vector, type);
  if (metrics === null) return null;
  try {
    switch (metrics.kind) {
      case 'v4': {
        const cvss = new (cvssLibrary().Cvss4P0)(vector);
        if (!cvss.isBaseFullyDefined()) return null;
        // CVSS-B: the base metrics alone, comparable with the v3/v2 base score.
        return withLevel('CVSS_V4', cvss.calculateScores().baseMetricsOnly, vector);
      }
      case 'v3.1':
      case 'v3.0': {
        const cvss = metrics.kind === 'v3.1' ? new (cvssLibrary().Cvss3P1)(vector) : new (cvssLibrary().Cvss3P0)(vector);
        if (!cvss.isBaseFullyDefined()) return null;
        return withLevel('CVSS_V3', cvss.calculateScores().base, vector);
      }
      case 'v2': {
        const cvss = new (cvssLibrary().Cvss2)(metrics.body);
        if (!cvss.isBaseFullyDefined()) return null;
        return withLevel('CVSS_V2', cvss.calculateScores().base, vector);
      }
    }
  } catch {
    // The calculator throws on unknown metric names or values.
    return null;
  }
}

function cvssSourceOf(type: string): CvssSource | null {
  return (CVSS_PREFERENCE as readonly string[]).includes(type) ? (type as CvssSource) : null;
}

type VectorKind = 'v4' | 'v3.1' | 'v3.0' | 'v2';

/**
 * Checks the shape the calculator is lenient about: the right prefix for the
 * declared type, `KEY:VALUE` parts, no metric twice (the calculator would let
 * the last one win silently).
 */
function splitVector(vector: string, type: CvssSource): { kind: VectorKind; body: string } | null {
  let kind: VectorKind;
  let body: string;
  if (type === 'CVSS_V2') {
    kind = 'v2';
    body = vector.startsWith('(') && vector.endsWith(')') ? vector.slice(1, -1) : vector;
    if (body.startsWith('CVSS:2.0/')) body = body.slice('CVSS:2.0/'.length);
    if (body.startsWith('CVSS:')) return null;
  } else {
    const slash = vector.indexOf('/');
    if (slash < 0) return null;
    const prefix = vector.slice(0, slash);
    body = vector.slice(slash + 1);
    if (type === 'CVSS_V4' && prefix === 'CVSS:4.0') kind = 'v4';
    else if (type === 'CVSS_V3' && prefix === 'CVSS:3.1') kind = 'v3.1';
    else if (type === 'CVSS_V3' && prefix === 'CVSS:3.0') kind = 'v3.0';
    else return null;
  }
  const seen = new Set<string>();
  for (const part of body.split('/')) {
    const match = /^([A-Za-z]+):([A-Za-z]+)$/.exec(part);
    if (!match) return null;
    const key = match[1]!;
    if (seen.has(key)) return null;
    seen.add(key);
  }
  return { kind, body };
}

function withLevel(source: CvssSource, score: number | undefined, vector: string): CvssScore | null {
  if (score === undefined || !Number.isFinite(score) || score < 0 || score > 10) return null;
  return { source, score, vector, level: source === 'CVSS_V2' ? cvss2Level(score) : cvss3Level(score) };
}

/** CVSS v3.x and v4.0 qualitative rating scale (FIRST). */
export function cvss3Level(score: number): SeverityLevel {
  if (score === 0) return 'none';
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  if (score < 9) return 'high';
  return 'critical';
}

/** CVSS v2 has no "none" or "critical": 0.0–3.9 low, 4.0–6.9 medium, 7.0–10.0 high (NVD's bands). */
export function cvss2Level(score: number): SeverityLevel {
  if (score < 4) return 'low';
  if (score < 7) return 'medium';
  return 'high';
}

/**
 * A database's own word for severity. GHSA writes LOW / MODERATE / HIGH /
 * CRITICAL; Ubuntu-style words (negligible, medium) are accepted too.
 * Anything else is not understood and returns null.
 */
export function levelFromWord(word: unknown): SeverityLevel | null {
  if (typeof word !== 'string') return null;
  switch (word.trim().toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
    case 'important':
      return 'high';
    case 'moderate':
    case 'medium':
      return 'medium';
    case 'low':
    case 'negligible':
      return 'low';
    default:
      return null;
  }
}

/**
 * The severity of one record: the newest CVSS version present among the
 * record-level and the given `affected` entries' `severity[]` decides (the
 * highest score if that version appears more than once); without a usable
 * vector, the database's own word; otherwise `{ level: 'unknown', source: 'none' }`.
 * Only the given `affected` entries count (affected-level severity is per
 * package: a record scoring two packages differently must not lend one
 * package's score to the other).
 */
export function severityOfRecord(record: OsvRecord, affected: readonly OsvAffected[]): Severity {
  const entries: OsvSeverity[] = [...asArray(record.severity)];
  for (const entry of affected) for (const one of asArray(entry.severity)) entries.push(one);

  const scores = entries.map(scoreCvss).filter((score): score is CvssScore => score !== null);
  for (const source of CVSS_PREFERENCE) {
    let best: CvssScore | null = null;
    for (const score of scores) if (score.source === source && (best === null || score.score > best.score)) best = score;
    if (best) return { level: best.level, score: best.score, vector: best.vector, source: best.source };
  }

  const words: unknown[] = [databaseWord(record.database_specific)];
  for (const entry of affected) words.push(databaseWord(entry.database_specific), databaseWord(entry.ecosystem_specific));
  for (const entry of entries) if (entry.type === 'Ubuntu') words.push(entry.score);
  let level: SeverityLevel | null = null;
  for (const word of words) {
    const found = levelFromWord(word);
    if (found && (level === null || rank(found) > rank(level))) level = found;
  }
  if (level) return { level, source: 'database' };
  return { level: 'unknown', source: 'none' };
}

function databaseWord(specific: Record<string, unknown> | undefined): unknown {
  return specific && typeof specific === 'object' ? specific['severity'] : undefined;
}

function asArray<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}

function rank(level: SeverityLevel): number {
  return SEVERITY_ORDER.indexOf(level);
}

/** The highest level; on equal levels the higher score, then the first given. */
export function highestSeverity(severities: readonly Severity[]): Severity {
  let best: Severity = { level: 'unknown', source: 'none' };
  let first = true;
  for (const severity of severities) {
    if (first || rank(severity.level) > rank(best.level)) {
      best = severity;
    } else if (rank(severity.level) === rank(best.level) && (severity.score ?? -1) > (best.score ?? -1)) {
      best = severity;
    }
    first = false;
  }
  return best;
}
