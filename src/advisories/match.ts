import { compareText } from '../core/compare.js';
import { normalizeName, parseOsvEcosystem, toPurl } from '../core/package.js';
import type { Ecosystem, Location } from '../core/package.js';
import { getScheme } from '../ecosystems/schemes.js';
import { npmScheme } from '../ecosystems/npm/version.js';
import type { Version, VersionScheme } from '../ecosystems/types.js';
import { highestSeverity, severityOfRecord } from './severity.js';
import type { Finding, MatchTarget, OsvAffected, OsvRange, OsvRecord, Severity } from './types.js';

/*
 * OSV range evaluation, following the "Evaluation" section of the OSV schema
 * (https://ossf.github.io/osv-schema/#evaluation): a package version is
 * affected by a record when one of the record's `affected[]` entries names the
 * package and either lists the version in `versions` or one of its `ranges`
 * includes it. Records are parsed once (compileRecords) and then matched
 * against any number of packages without parsing an event version again.
 */

export type MatchWarningCode =
  /** An event version the range's ordering cannot parse: the whole range is left out. */
  | 'invalid-event-version'
  /** A `versions[]` entry the scheme cannot parse: it still matches by exact text. */
  | 'invalid-listed-version'
  /** A range whose `type` is not ECOSYSTEM, SEMVER or GIT, or whose `events` is not a list: left out. */
  | 'unsupported-range'
  /** A range with no `introduced` event: by the evaluation algorithm it affects nothing. */
  | 'range-without-introduced'
  /** The package's own version does not parse: ECOSYSTEM ranges cannot be evaluated for it. */
  | 'invalid-target-version'
  /** The package's version is not SemVer 2.0: SEMVER ranges cannot be evaluated for it. */
  | 'target-not-semver';

export interface MatchWarning {
  code: MatchWarningCode;
  /** The record the problem is in; null for problems with the package itself. */
  recordId: string | null;
  message: string;
  /** The offending text (event version, listed version, range type, package version). */
  value?: string;
}

type EventKind = 'introduced' | 'fixed' | 'last_affected' | 'limit';
const EVENT_KINDS: readonly EventKind[] = ['introduced', 'fixed', 'last_affected', 'limit'];

/** `introduced: "0"` sorts before every version; a `limit` containing `*` after every version. */
type Bound = { kind: 'zero' } | { kind: 'infinity' } | { kind: 'version'; version: Version };

interface OrderedEvent {
  kind: EventKind;
  text: string;
  bound: Bound;
  /** A `fixed` version in the ecosystem's own ordering, for sorting a finding's fix list; null if it does not parse there. */
  fixVersion: Version | null;
}

interface OrderedRange {
  type: 'ECOSYSTEM' | 'SEMVER';
  /** introduced / fixed / last_affected, sorted by version (ties keep record order). */
  timeline: OrderedEvent[];
  limits: Bound[];
}

/** Without the repository's history only exact commits can be placed in a GIT range. */
interface GitRange {
  type: 'GIT';
  introduced: Set<string>;
  lastAffected: Set<string>;
  /** fixed and limit commits: the first commits known not to be affected. */
  notAffected: Set<string>;
}

interface CompiledAffected {
  affected: OsvAffected;
  normalizedName: string;
  /** The release the entry's ecosystem names (`Debian:12` → `12`), null for none. */
  release: string | null;
  /** Ubuntu's Pro / FIPS lineages (`Ubuntu:Pro:24.04:LTS` → `Pro`), null for the release's own archive. */
  lineage: string | null;
  ranges: (OrderedRange | GitRange)[];
  listedTexts: Set<string>;
  /** Parsed `versions[]`, ascending, for equality by the scheme ("1.0" is "1.0.0" in PEP 440). */
  listedVersions: Version[];
}

interface CompiledRecord {
  record: OsvRecord;
  /** The record's id followed by its aliases. */
  ids: string[];
  affected: CompiledAffected[];
  severityCache: Map<string, Severity>;
}

/** Records prepared for one ecosystem: every event version parsed once. */
export interface CompiledRecords {
  readonly ecosystem: Ecosystem;
  readonly scheme: VersionScheme;
  readonly records: readonly CompiledRecord[];
  /** Problems found while parsing, each naming its record. */
  readonly warnings: readonly MatchWarning[];
}

/**
 * Parses the records' `affected[]` entries for `scheme.ecosystem` (the part of
 * `package.ecosystem` before `:`). Withdrawn records and entries for other
 * ecosystems are dropped. ECOSYSTEM ranges are ordered by `scheme`, SEMVER
 * ranges by SemVer 2.0 (the npm scheme), GIT ranges are kept as commit sets.
 */
export function compileRecords(records: Iterable<OsvRecord>, scheme: VersionScheme): CompiledRecords {
  const warnings: MatchWarning[] = [];
  const compiled: CompiledRecord[] = [];
  for (const record of records) {
    if (!record || typeof record !== 'object' || typeof record.id !== 'string') continue;
    if (record.withdrawn) continue;
    const affected: CompiledAffected[] = [];
    for (const entry of asArray(record.affected)) {
      const one = compileAffected(record.id, entry, scheme, warnings);
      if (one) affected.push(one);
    }
    if (affected.length === 0) continue;
    const ids = [record.id, ...asArray(record.aliases).filter((alias): alias is string => typeof alias === 'string')];
    compiled.push({ record, ids, affected, severityCache: new Map() });
  }
  return { ecosystem: scheme.ecosystem, scheme, records: compiled, warnings };
}

function compileAffected(
  recordId: string,
  entry: OsvAffected,
  scheme: VersionScheme,
  warnings: MatchWarning[],
): CompiledAffected | null {
  const pkg = entry?.package;
  if (!pkg || typeof pkg.ecosystem !== 'string' || typeof pkg.name !== 'string') return null;
  const { base, release, lineage } = parseOsvEcosystem(pkg.ecosystem);
  if (base !== scheme.ecosystem) return null;

  const ranges: (OrderedRange | GitRange)[] = [];
  for (const range of asArray(entry.ranges)) {
    const one = compileRange(recordId, range, scheme, warnings);
    if (one) ranges.push(one);
  }

  const listedTexts = new Set<string>();
  const listedVersions: Version[] = [];
  for (const text of asArray(entry.versions)) {
    if (typeof text !== 'string') continue;
    listedTexts.add(text);
    const parsed = scheme.parse(text);
    if (parsed.ok) {
      listedVersions.push(parsed.value);
    } else {
      warnings.push({
        code: 'invalid-listed-version',
        recordId,
        value: text,
        message: `${recordId}: listed version "${text}" is not a valid ${scheme.ecosystem} version; it matches by exact text only`,
      });
    }
  }
  listedVersions.sort((a, b) => a.compare(b));

  return { affected: entry, normalizedName: normalizeName(scheme.ecosystem, pkg.name), release, lineage, ranges, listedTexts, listedVersions };
}

function compileRange(
  recordId: string,
  range: OsvRange,
  scheme: VersionScheme,
  warnings: MatchWarning[],
): OrderedRange | GitRange | null {
  const type: unknown = range?.type;
  const events = range?.events;
  if ((type !== 'ECOSYSTEM' && type !== 'SEMVER' && type !== 'GIT') || !Array.isArray(events)) {
    warnings.push({
      code: 'unsupported-range',
      recordId,
      value: String(type),
      message: `${recordId}: range of type "${String(type)}" is not evaluated`,
    });
    return null;
  }

  const flat: { kind: EventKind; text: string }[] = [];
  for (const event of events) {
    if (!event || typeof event !== 'object') continue;
    for (const kind of EVENT_KINDS) {
      const text: unknown = (event as Record<string, unknown>)[kind];
      if (typeof text === 'string') flat.push({ kind, text });
    }
  }
  if (!flat.some((event) => event.kind === 'introduced')) {
    warnings.push({
      code: 'range-without-introduced',
      recordId,
      value: type,
      message: `${recordId}: ${type} range has no "introduced" event and affects no version`,
    });
  }

  if (type === 'GIT') {
    const git: GitRange = { type, introduced: new Set(), lastAffected: new Set(), notAffected: new Set() };
    for (const { kind, text } of flat) {
      const commit = text.trim().toLowerCase();
      if (kind === 'introduced' && commit !== '0') git.introduced.add(commit);
      else if (kind === 'last_affected') git.lastAffected.add(commit);
      else if (kind === 'fixed' || kind === 'limit') git.notAffected.add(commit);
    }
    return git;
  }

  const ordering = type === 'SEMVER' ? npmScheme : scheme;
  const timeline: OrderedEvent[] = [];
  const limits: Bound[] = [];
  for (const { kind, text } of flat) {
    let bound: Bound;
    if (kind === 'introduced' && text === '0') {
      bound = { kind: 'zero' };
    } else if (kind === 'limit' && text.includes('*')) {
      bound = { kind: 'infinity' };
    } else {
      const parsed = ordering.parse(text);
      if (!parsed.ok) {
        // Guessing a position for the event would move the range's edges, so the range is left out.
        warnings.push({
          code: 'invalid-event-version',
          recordId,
          value: text,
          message: `${recordId}: ${type} range event ${kind} "${text}" is not a valid ${type === 'SEMVER' ? 'SemVer' : scheme.ecosystem} version; the range is not evaluated`,
        });
        return null;
      }
      bound = { kind: 'version', version: parsed.value };
    }
    if (kind === 'limit') {
      limits.push(bound);
    } else {
      let fixVersion: Version | null = null;
      if (kind === 'fixed' && bound.kind === 'version') {
        if (ordering === scheme) {
          fixVersion = bound.version;
        } else {
          const inEcosystem = scheme.parse(text);
          fixVersion = inEcosystem.ok ? inEcosystem.value : null;
        }
      }
      timeline.push({ kind, text, bound, fixVersion });
    }
  }
  // Array.prototype.sort is stable: events at the same version keep the record's order.
  timeline.sort((a, b) => compareBounds(a.bound, b.bound));
  return { type, timeline, limits };
}

function compareBounds(a: Bound, b: Bound): number {
  if (a.kind === 'version' && b.kind === 'version') return a.version.compare(b.version);
  return boundRank(a) - boundRank(b);
}

function boundRank(bound: Bound): number {
  return bound.kind === 'zero' ? 0 : bound.kind === 'version' ? 1 : 2;
}

/** Where `version` stands against `bound`: negative below, 0 equal, positive above. */
function compareToBound(version: Version, bound: Bound): number {
  if (bound.kind === 'zero') return 1;
  if (bound.kind === 'infinity') return -1;
  return version.compare(bound.version);
}

/** The package's version parsed for each ordering a range may use, once per package. */
interface ParsedTarget {
  /** False when the package came without a version: only its commit can match. */
  hasVersion: boolean;
  text: string;
  commit: string | null;
  ecosystem: Version | null;
  semver: Version | null;
}

interface FixedVersion {
  text: string;
  version: Version | null;
}

interface RangeOutcome {
  affected: boolean;
  /** `fixed` events above the version in an affecting range (not for GIT ranges). */
  fixed: FixedVersion[];
}

function evaluateRange(range: OrderedRange | GitRange, target: ParsedTarget): RangeOutcome {
  if (range.type === 'GIT') {
    const commit = target.commit;
    const affected =
      commit !== null && !range.notAffected.has(commit) && (range.introduced.has(commit) || range.lastAffected.has(commit));
    return { affected, fixed: [] };
  }
  const version = range.type === 'SEMVER' ? target.semver : target.ecosystem;
  if (version === null) return { affected: false, fixed: [] };

  if (range.limits.length > 0 && !range.limits.some((limit) => compareToBound(version, limit) < 0)) {
    return { affected: false, fixed: [] };
  }
  let vulnerable = false;
  for (const event of range.timeline) {
    const position = compareToBound(version, event.bound);
    if (event.kind === 'introduced' && position >= 0) vulnerable = true;
    else if (event.kind === 'fixed' && position >= 0) vulnerable = false;
    else if (event.kind === 'last_affected' && position > 0) vulnerable = false;
  }
  if (!vulnerable) return { affected: false, fixed: [] };
  const fixed = range.timeline
    .filter((event) => event.kind === 'fixed' && compareToBound(version, event.bound) < 0)
    .map((event) => ({ text: event.text, version: event.fixVersion }));
  return { affected: true, fixed };
}

function isListed(entry: CompiledAffected, target: ParsedTarget): boolean {
  if (!target.hasVersion) return false;
  if (entry.listedTexts.has(target.text)) return true;
  const version = target.ecosystem;
  if (version === null) return false;
  let low = 0;
  let high = entry.listedVersions.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const order = entry.listedVersions[middle]!.compare(version);
    if (order === 0) return true;
    if (order < 0) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

interface AffectedOutcome {
  affected: boolean;
  fixed: FixedVersion[];
}

function evaluateAffected(entry: CompiledAffected, target: ParsedTarget): AffectedOutcome {
  const fixed: FixedVersion[] = [];
  let inRange = false;
  for (const range of entry.ranges) {
    const outcome = evaluateRange(range, target);
    if (outcome.affected) {
      inRange = true;
      // A loop, not push(...list): a record may hold any number of events, and spreading them overflows the stack.
      for (const one of outcome.fixed) fixed.push(one);
    }
  }
  if (inRange) return { affected: true, fixed };
  if (!isListed(entry, target)) return { affected: false, fixed: [] };
  // Listed but in no range: the fixes still worth naming are those above the version in any ordered range.
  const version = target.ecosystem;
  for (const range of entry.ranges) {
    if (range.type !== 'ECOSYSTEM' || version === null) continue;
    for (const event of range.timeline) {
      if (event.kind === 'fixed' && compareToBound(version, event.bound) < 0) fixed.push({ text: event.text, version: event.fixVersion });
    }
  }
  return { affected: true, fixed };
}

function parseTarget(target: MatchTarget, scheme: VersionScheme): ParsedTarget {
  const commit = typeof target.commit === 'string' && target.commit.trim() !== '' ? target.commit.trim().toLowerCase() : null;
  // No version at all (a git dependency known by its commit) is not a bad version.
  if (typeof target.version !== 'string' || target.version.trim() === '') {
    return { text: '', commit, ecosystem: null, semver: null, hasVersion: false };
  }
  const ecosystemParse = scheme.parse(target.version);
  const ecosystemVersion = ecosystemParse.ok ? ecosystemParse.value : null;
  let semver: Version | null;
  if (scheme === npmScheme) {
    semver = ecosystemVersion;
  } else {
    const semverParse = npmScheme.parse(target.version);
    semver = semverParse.ok ? semverParse.value : null;
  }
  return { text: target.version, commit, ecosystem: ecosystemVersion, semver, hasVersion: true };
}

/** A package to match: a MatchTarget, optionally with its purl and where it was found (a ScannedPackage fits). */
export type MatchInput = MatchTarget & { purl?: string; locations?: Location[] };

export interface MatchResult {
  findings: Finding[];
  /** Problems with the package's own version (the records' own problems are in CompiledRecords.warnings). */
  warnings: MatchWarning[];
}

/**
 * Matches one package against prepared records and merges records that
 * describe the same vulnerability (overlapping id/aliases, transitively) into
 * one finding each. Findings are ordered by their representative id.
 */
export function matchPackageWithWarnings(target: MatchInput, records: CompiledRecords | readonly OsvRecord[]): MatchResult {
  const warnings: MatchWarning[] = [];
  const compiled = isCompiled(records) ? records : compileRecords(records, getScheme(target.ecosystem));
  if (target.ecosystem !== compiled.ecosystem) return { findings: [], warnings };
  const parsed = parseTarget(target, compiled.scheme);
  const name = normalizeName(target.ecosystem, target.name);
  const release = targetRelease(target);
  // Said once per package, and only when a range of that package needed the ordering.
  let missingOrderingTold = parsed.ecosystem !== null || !parsed.hasVersion;
  let missingSemverTold = parsed.semver !== null || !parsed.hasVersion;

  const hits: RecordHit[] = [];
  for (const record of compiled.records) {
    const matchedEntries: number[] = [];
    const fixed: FixedVersion[] = [];
    record.affected.forEach((entry, index) => {
      if (entry.normalizedName !== name || !appliesToRelease(entry, release)) return;
      if (!missingOrderingTold && entry.ranges.some((range) => range.type === 'ECOSYSTEM')) {
        missingOrderingTold = true;
        warnings.push({
          code: 'invalid-target-version',
          recordId: null,
          value: target.version,
          message: `${target.name} ${target.version} is not a valid ${compiled.ecosystem} version; ECOSYSTEM ranges cannot be evaluated for it`,
        });
      }
      if (!missingSemverTold && entry.ranges.some((range) => range.type === 'SEMVER')) {
        missingSemverTold = true;
        warnings.push({
          code: 'target-not-semver',
          recordId: null,
          value: target.version,
          message: `${target.name} ${target.version} is not a SemVer 2.0 version; SEMVER ranges cannot be evaluated for it`,
        });
      }
      const outcome = evaluateAffected(entry, parsed);
      if (!outcome.affected) return;
      matchedEntries.push(index);
      for (const one of outcome.fixed) fixed.push(one);
    });
    if (matchedEntries.length > 0) hits.push({ record, matchedEntries, fixed });
  }

  const findings = groupByIdentity(hits).map((group) => toFinding(group, target));
  findings.sort((a, b) => compareText(a.id, b.id));
  return { findings, warnings };
}

/** The package's release as OSV would suffix it, parsed the same way as a record's (`24.04:LTS` is `24.04`); null when unknown. */
function targetRelease(target: MatchTarget): { release: string; lineage: string | null } | null {
  const text = typeof target.ecosystemRelease === 'string' ? target.ecosystemRelease.trim() : '';
  if (text === '') return null;
  const { release, lineage } = parseOsvEcosystem(`${target.ecosystem}:${text}`);
  return release === null ? null : { release, lineage };
}

/**
 * OSV-Scanner's rule (osv-scalibr inventory/osvecosystem `Parsed.Equal`): when
 * both the package and the record name a release they must be the same one;
 * when either names none, the ecosystem alone decides. A package without a
 * release (a dpkg status file read without its os-release) therefore matches
 * every release's records, as before. Releases are compared as parsed, so
 * `Ubuntu:24.04:LTS` is release 24.04 (OSV-Scanner compares the raw suffix and
 * `24.04` would miss it); a Pro / FIPS lineage's records apply only to a
 * package of that lineage, which an os-release never says.
 */
function appliesToRelease(entry: CompiledAffected, target: { release: string; lineage: string | null } | null): boolean {
  if (target === null || entry.release === null) return true;
  return entry.release === target.release && entry.lineage === target.lineage;
}

function isCompiled(records: CompiledRecords | readonly OsvRecord[]): records is CompiledRecords {
  return !Array.isArray(records);
}

/** Where records for one package come from; the AdvisoryStore fits. */
export interface RecordSource {
  recordsFor(ecosystem: Ecosystem, normalizedName: string): OsvRecord[];
}

export interface PackageMatcher {
  /** Matches one package, compiling its records on first use. */
  match(target: MatchInput): MatchResult;
  /** Every warning from compiling records so far, once per record, in the order they were compiled. */
  recordWarnings(): MatchWarning[];
}

/**
 * The scan pipeline's entry point: records are fetched and compiled once per
 * (ecosystem, normalised name) and reused for every version of that package.
 * `schemeFor` (by default the ecosystems' registry) may return null for an
 * ecosystem without a version scheme; its packages then match nothing.
 */
export function createPackageMatcher(
  source: RecordSource,
  schemeFor: (ecosystem: Ecosystem) => VersionScheme | null = getScheme,
  options: { cacheSize?: number } = {},
): PackageMatcher {
  // Bounded: a full-size database holds dozens of records for popular names, and keeping every
  // compiled name alive took a scan of 3,763 packages over 1.5 GB. Callers that match the versions
  // of one name one after another (the scan sorts by name) hit the cache anyway.
  const cacheSize = Math.max(1, options.cacheSize ?? 16);
  const cache = new Map<string, CompiledRecords | null>();
  const warnings: MatchWarning[] = [];
  const seenWarnings = new Set<string>();
  const compiledFor = (ecosystem: Ecosystem, name: string): CompiledRecords | null => {
    const normalized = normalizeName(ecosystem, name);
    const key = `${ecosystem}\u0000${normalized}`;
    if (cache.has(key)) {
      // Least recently used goes first: move a hit to the end.
      const hit = cache.get(key)!;
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const scheme = schemeFor(ecosystem);
    const compiled = scheme ? compileRecords(source.recordsFor(ecosystem, normalized), scheme) : null;
    // A record naming several packages is compiled once per package: tell its problems once.
    for (const warning of compiled?.warnings ?? []) {
      const warningKey = `${warning.recordId}\u0000${warning.code}\u0000${warning.value ?? ''}`;
      if (seenWarnings.has(warningKey)) continue;
      seenWarnings.add(warningKey);
      warnings.push(warning);
    }
    cache.set(key, compiled);
    if (cache.size > cacheSize) cache.delete(cache.keys().next().value!);
    return compiled;
  };
  return {
    match(target) {
      const compiled = compiledFor(target.ecosystem, target.name);
      // No record for the name (most packages of a scan): nothing can match, no warning can arise, so the version is not parsed.
      return compiled && compiled.records.length > 0 ? matchPackageWithWarnings(target, compiled) : { findings: [], warnings: [] };
    },
    recordWarnings: () => [...warnings],
  };
}

interface RecordHit {
  record: CompiledRecord;
  matchedEntries: number[];
  fixed: FixedVersion[];
}

/** Union-find over the matched records: two records sharing any id or alias are one vulnerability. */
function groupByIdentity(hits: RecordHit[]): RecordHit[][] {
  const parent = hits.map((_, index) => index);
  const find = (index: number): number => {
    let root = index;
    while (parent[root] !== root) root = parent[root]!;
    while (parent[index] !== root) {
      const next = parent[index]!;
      parent[index] = root;
      index = next;
    }
    return root;
  };
  const owner = new Map<string, number>();
  hits.forEach((hit, index) => {
    for (const id of hit.record.ids) {
      const other = owner.get(id);
      if (other === undefined) owner.set(id, index);
      else parent[find(index)] = find(other);
    }
  });
  const groups = new Map<number, RecordHit[]>();
  hits.forEach((hit, index) => {
    const root = find(index);
    const group = groups.get(root);
    if (group) group.push(hit);
    else groups.set(root, [hit]);
  });
  return [...groups.values()];
}

function toFinding(group: RecordHit[], target: MatchInput): Finding {
  const ownIds = new Set(group.map((hit) => hit.record.record.id));
  const ids = [...new Set(group.flatMap((hit) => hit.record.ids))].sort(compareText);
  const summary = group.map((hit) => hit.record.record.summary).find((text) => typeof text === 'string' && text.trim() !== '');
  const severity = highestSeverity(group.map((hit) => severityOfHit(hit)));
  const references = [
    ...new Set(group.flatMap((hit) => asArray(hit.record.record.references).map((reference) => reference?.url).filter((url): url is string => typeof url === 'string'))),
  ];
  const finding: Finding = {
    package: {
      ecosystem: target.ecosystem,
      name: target.name,
      version: target.version,
      purl: target.purl ?? toPurl(target.ecosystem, target.name, target.version),
    },
    id: representativeId(ids, ownIds),
    ids,
    severity,
    fixed: sortFixed(group.flatMap((hit) => hit.fixed)),
    locations: target.locations ? [...target.locations] : [],
  };
  if (summary !== undefined) finding.summary = summary;
  if (references.length > 0) finding.references = references;
  return finding;
}

function severityOfHit(hit: RecordHit): Severity {
  const key = hit.matchedEntries.join(',');
  let severity = hit.record.severityCache.get(key);
  if (!severity) {
    severity = severityOfRecord(hit.record.record, hit.matchedEntries.map((index) => hit.record.affected[index]!.affected));
    hit.record.severityCache.set(key, severity);
  }
  return severity;
}

/**
 * GHSA ids first (GitHub's database covers every ecosystem chainwatch reads
 * and links the others), then any other database's own id (PYSEC, OSV,
 * DSA...), then CVE. Within a class, ids of records we hold come before ids
 * known only as aliases, then alphabetical order.
 */
export function representativeId(ids: readonly string[], ownIds: ReadonlySet<string> = new Set()): string {
  const idClass = (id: string): number => (id.startsWith('GHSA-') ? 0 : id.startsWith('CVE-') ? 2 : 1);
  let best: string | undefined;
  for (const id of ids) {
    if (best === undefined) {
      best = id;
      continue;
    }
    const byClass = idClass(id) - idClass(best);
    const byOwn = (ownIds.has(id) ? 0 : 1) - (ownIds.has(best) ? 0 : 1);
    if (byClass < 0 || (byClass === 0 && (byOwn < 0 || (byOwn === 0 && compareText(id, best) < 0)))) best = id;
  }
  return best ?? '';
}

/** Unique by the scheme's equality, ascending by the scheme; texts it cannot parse go last. */
function sortFixed(fixed: FixedVersion[]): string[] {
  const parsed: FixedVersion[] = [];
  const seenTexts = new Set<string>();
  for (const entry of fixed) {
    if (seenTexts.has(entry.text)) continue;
    seenTexts.add(entry.text);
    parsed.push(entry);
  }
  parsed.sort((a, b) => {
    if (a.version && b.version) return a.version.compare(b.version) || compareText(a.text, b.text);
    if (a.version) return -1;
    if (b.version) return 1;
    return compareText(a.text, b.text);
  });
  const unique: FixedVersion[] = [];
  for (const entry of parsed) {
    const last = unique[unique.length - 1];
    if (last && last.version && entry.version && last.version.compare(entry.version) === 0) continue;
    unique.push(entry);
  }
  return unique.map((entry) => entry.text);
}

function asArray<T>(value: readonly T[] | undefined): readonly T[] {
  return Array.isArray(value) ? value : [];
}
