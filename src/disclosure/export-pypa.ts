import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { parseAdvisoryText } from '../advisories/load.js';
import type { OsvRecord } from '../advisories/types.js';
import { compareText } from '../core/compare.js';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import { normalizeName, parseEcosystem, toPurl } from '../core/package.js';
import { parsePep440Version } from '../ecosystems/pypi/pep440-version.js';
import type { Version } from '../ecosystems/types.js';
import type { PypaIndex, PypaRecordSummary } from './pypa-db.js';
import type { AdvisoryVulnerability, CreditType, DeskAdvisory } from './types.js';

/**
 * `advisories export --pypa DIR`: for each published advisory with a PyPI
 * (`pip`) package that the pypa/advisory-database checkout does not hold, an
 * OSV record in that repository's layout, ready for a pull request.
 *
 * The repository's rules (its README): a new record is a file named
 * `PYSEC-0000-<anything>.yaml` under `vulns/<package>/`; after the merge its
 * automation gives it a `PYSEC-YYYY-N` id and fills `affected[].versions`
 * from the ranges. Records are checked against the OSV JSON schema. One record
 * covers one package (an advisory on two packages gives two files).
 *
 * Pure: it returns the files' paths and texts; the CLI writes them.
 */

/**
 * The order in which the desk lists credit types, in the hall of fame and in
 * exported records: the people who found and reported the vulnerability
 * first, then those who worked on it, then tools, sponsors and the rest.
 */
export const CREDIT_ORDER: readonly CreditType[] = [
  'finder',
  'reporter',
  'analyst',
  'coordinator',
  'remediation_developer',
  'remediation_reviewer',
  'remediation_verifier',
  'tool',
  'sponsor',
  'other',
];

/** One record to add to the checkout. */
export interface PypaExportRecord {
  advisoryId: string;
  /** The package, PEP 503-normalised. */
  package: string;
  /** `PYSEC-0000-GHSA-…`: the id the file carries until the repository numbers it. */
  id: string;
  /** `vulns/<package>/PYSEC-0000-<slug>.yaml`, relative to the checkout. */
  path: string;
  /** The YAML text, validated by the project's OSV parser. */
  text: string;
  /** Records of the checkout that carry the advisory's ids under another package (a reviewer should look). */
  elsewhere: { id: string; path: string }[];
  /** How the ranges were derived where the advisory left a choice (one sentence each). */
  notes: string[];
}

/** An advisory's package the checkout already holds. */
export interface PypaPresent {
  advisoryId: string;
  ghsaId: string | null;
  cveId: string | null;
  package: string;
  /** The records carrying the GHSA or CVE id, in path order. */
  records: { id: string; path: string }[];
}

/** An advisory's package for which no record can be written, and why. */
export interface PypaSkipped {
  advisoryId: string;
  /** The package (normalised), or null when the reason concerns the whole advisory. */
  package: string | null;
  reason: string;
}

export interface PypaExport {
  /** New records, by path. */
  records: PypaExportRecord[];
  /** What the checkout already has, by advisory then package. */
  present: PypaPresent[];
  skipped: PypaSkipped[];
}

/**
 * The records to add to a pypa/advisory-database checkout for `advisories`.
 * Only published advisories with a PyPI package are considered; a package is
 * present when any of its records (its directory, or a record whose
 * `affected` names it) has the advisory's GHSA or CVE id as id or alias.
 */
export function exportToPypa(advisories: readonly DeskAdvisory[], database: PypaIndex): PypaExport {
  const records: PypaExportRecord[] = [];
  const present: PypaPresent[] = [];
  const skipped: PypaSkipped[] = [];
  const ordered = [...advisories].sort((a, b) => compareText(a.id, b.id));
  for (const advisory of ordered) {
    if (advisory.state !== 'published') continue;
    const packages = pypiPackages(advisory.vulnerabilities);
    if (packages.size === 0) continue;
    const ids = [advisory.ghsaId, advisory.cveId].filter((id): id is string => id !== null && id !== '');
    if (ids.length === 0) {
      skipped.push({ advisoryId: advisory.id, package: null, reason: 'it has neither a GHSA nor a CVE id, so the database could not tell it from its own records' });
      continue;
    }
    const withIds = database.find(ids);
    for (const [name, entries] of packages) {
      if (name === null) {
        skipped.push({ advisoryId: advisory.id, package: null, reason: 'a PyPI vulnerability of it names no package' });
        continue;
      }
      const own = withIds.filter((record) => record.packages.includes(name));
      if (own.length > 0) {
        present.push({ advisoryId: advisory.id, ghsaId: advisory.ghsaId, cveId: advisory.cveId, package: name, records: own.map(pointer) });
        continue;
      }
      const built = buildPypaRecord(advisory, name, entries, database.recordsFor(name));
      if (!built.ok) {
        skipped.push({ advisoryId: advisory.id, package: name, reason: built.error });
        continue;
      }
      records.push({ ...built.value, elsewhere: withIds.map(pointer) });
    }
  }
  records.sort((a, b) => compareText(a.path, b.path));
  return { records, present, skipped };
}

function pointer(record: PypaRecordSummary): { id: string; path: string } {
  return { id: record.id, path: record.path };
}

/** The advisory's PyPI vulnerabilities by normalised package name (null: an entry without a name), in name order. */
function pypiPackages(vulnerabilities: readonly AdvisoryVulnerability[]): Map<string | null, AdvisoryVulnerability[]> {
  const byName = new Map<string | null, AdvisoryVulnerability[]>();
  for (const vulnerability of vulnerabilities) {
    if (vulnerability.ecosystem === null || parseEcosystem(vulnerability.ecosystem) !== 'PyPI') continue;
    const name = vulnerability.name === null || vulnerability.name.trim() === '' ? null : normalizeName('PyPI', vulnerability.name);
    const list = byName.get(name);
    if (list === undefined) byName.set(name, [vulnerability]);
    else list.push(vulnerability);
  }
  return new Map([...byName].sort(([a], [b]) => (a === null ? -1 : b === null ? 1 : compareText(a, b))));
}

// ---------------------------------------------------------------------------
// GitHub's version ranges → OSV events

/**
 * One vulnerable interval in OSV's terms: `introduced` (inclusive; "0" is
 * the beginning of time) up to a `fixed` (exclusive) or `last_affected`
 * (inclusive) version, or open.
 */
export interface VulnerableInterval {
  introduced: string;
  upper: { kind: 'fixed' | 'last_affected'; version: string } | null;
}

const CONSTRAINT = /^(<=|>=|<|>|=)?\s*(\S+)$/;

/**
 * Parses GitHub's `vulnerable_version_range` (`< 4.2.5`, `>= 1.0, < 1.4.1`,
 * `<= 2.0`, `= 1.2.3`, `>= 0.1`): comma-separated constraints, at most one
 * lower and one upper bound, versions in PEP 440 (strictly: pre-PEP 440
 * "legacy" versions have no agreed order, and current Python packaging
 * refuses them). What OSV cannot say is an error value
 * with the reason: an exclusive lower bound (`> 1.0`: OSV's `introduced` is
 * inclusive, and the next version is not known without asking the
 * registry), `=` combined with another bound, two bounds on one side, a
 * lower bound above the upper one.
 */
export function parseVulnerableRange(text: string): Result<VulnerableInterval, string> {
  const parts = text.split(',').map((part) => part.trim());
  if (parts.some((part) => part === '')) return fail(`the range ${JSON.stringify(text)} has an empty constraint`);
  let lower: Version | null = null;
  let upper: { kind: 'fixed' | 'last_affected'; version: Version } | null = null;
  let exact: Version | null = null;
  for (const part of parts) {
    const match = CONSTRAINT.exec(part);
    if (match === null) return fail(`${JSON.stringify(part)} in the range ${JSON.stringify(text)} is not an operator and a version`);
    const operator = match[1] ?? '=';
    const parsed = parsePep440Version(match[2]!);
    if (!parsed.ok) return fail(`${JSON.stringify(match[2])} in the range ${JSON.stringify(text)} is not a PEP 440 version`);
    const version = parsed.value;
    if (operator === '>') return fail(`the range ${JSON.stringify(text)} starts after ${version.text} (exclusive), which OSV cannot express without knowing the next release; write it as ">= <first affected version>"`);
    if (operator === '=') {
      if (exact !== null) return fail(`the range ${JSON.stringify(text)} names two single versions`);
      exact = version;
    } else if (operator === '>=') {
      if (lower !== null) return fail(`the range ${JSON.stringify(text)} has two lower bounds`);
      lower = version;
    } else {
      if (upper !== null) return fail(`the range ${JSON.stringify(text)} has two upper bounds`);
      upper = { kind: operator === '<' ? 'fixed' : 'last_affected', version };
    }
  }
  if (exact !== null) {
    if (lower !== null || upper !== null) return fail(`the range ${JSON.stringify(text)} mixes a single version with bounds`);
    return ok({ introduced: exact.text, upper: { kind: 'last_affected', version: exact.text } });
  }
  if (lower !== null && upper !== null) {
    const order = lower.compare(upper.version);
    if (order > 0 || (order === 0 && upper.kind === 'fixed')) return fail(`the range ${JSON.stringify(text)} is empty: its lower bound is not below its upper bound`);
  }
  return ok({ introduced: lower === null ? '0' : lower.text, upper: upper === null ? null : { kind: upper.kind, version: upper.version.text } });
}

/** `4.2.5, 5.0.1` → the versions, each checked as a PyPI version. */
function parsePatchedVersions(text: string | null): Result<Version[], string> {
  const versions: Version[] = [];
  for (const part of (text ?? '').split(',').map((entry) => entry.trim())) {
    if (part === '') continue;
    const parsed = parsePep440Version(part);
    if (!parsed.ok) return fail(`patched version ${JSON.stringify(part)} is not a PEP 440 version`);
    versions.push(parsed.value);
  }
  return ok(versions);
}

function inside(version: Version, interval: VulnerableInterval): boolean {
  if (interval.introduced !== '0' && version.compare(parseKnown(interval.introduced)) < 0) return false;
  if (interval.upper === null) return true;
  const order = version.compare(parseKnown(interval.upper.version));
  return interval.upper.kind === 'fixed' ? order < 0 : order <= 0;
}

/** A version this module parsed before (so it parses). */
function parseKnown(text: string): Version {
  const parsed = parsePep440Version(text);
  if (!parsed.ok) throw new Error(`version ${text} parsed before and not now`);
  return parsed.value;
}

/**
 * One package's intervals from the advisory's entries for it (GitHub lists a
 * package once per vulnerable branch). `patched_versions` closes a range
 * that has no upper bound when it names exactly one version above the
 * range's start (the advisory left the range open and said where it was
 * fixed); otherwise the range decides, and a patched version inside the
 * vulnerable range, or one that could not be used, is noted.
 */
export function intervalsFor(entries: readonly Pick<AdvisoryVulnerability, 'vulnerableVersionRange' | 'patchedVersions'>[]): Result<{ intervals: VulnerableInterval[]; notes: string[] }, string> {
  const intervals: VulnerableInterval[] = [];
  const notes: string[] = [];
  for (const entry of entries) {
    const patched = parsePatchedVersions(entry.patchedVersions);
    if (!patched.ok) return patched;
    const rangeText = entry.vulnerableVersionRange?.trim() ?? '';
    let interval: VulnerableInterval;
    if (rangeText === '') {
      if (patched.value.length !== 1) return fail('it has no vulnerable version range (and not exactly one patched version to start from)');
      interval = { introduced: '0', upper: { kind: 'fixed', version: patched.value[0]!.text } };
      notes.push(`no vulnerable version range: every version before the patched version ${patched.value[0]!.text} is taken as affected`);
    } else {
      const parsed = parseVulnerableRange(rangeText);
      if (!parsed.ok) return parsed;
      interval = parsed.value;
      if (interval.upper === null) {
        const above = patched.value.filter((version) => interval.introduced === '0' || version.compare(parseKnown(interval.introduced)) > 0);
        if (above.length === 1 && patched.value.length === 1) {
          interval = { introduced: interval.introduced, upper: { kind: 'fixed', version: above[0]!.text } };
          notes.push(`the range ${JSON.stringify(rangeText)} has no upper bound; the patched version ${above[0]!.text} closes it`);
        } else if (patched.value.length > 0) {
          notes.push(`the range ${JSON.stringify(rangeText)} has no upper bound and the patched versions ${JSON.stringify(entry.patchedVersions)} do not name one fix above its start: left open`);
        }
      } else {
        for (const version of patched.value) {
          if (inside(version, interval)) notes.push(`the patched version ${version.text} lies inside the vulnerable range ${JSON.stringify(rangeText)}; the range was kept`);
        }
      }
    }
    intervals.push(interval);
  }
  intervals.sort(compareIntervals);
  return ok({ intervals: dedupe(intervals), notes });
}

function compareIntervals(a: VulnerableInterval, b: VulnerableInterval): number {
  if (a.introduced !== b.introduced) {
    if (a.introduced === '0') return -1;
    if (b.introduced === '0') return 1;
    const order = parseKnown(a.introduced).compare(parseKnown(b.introduced));
    if (order !== 0) return order;
  }
  return compareText(JSON.stringify(a.upper), JSON.stringify(b.upper));
}

function dedupe(intervals: VulnerableInterval[]): VulnerableInterval[] {
  return intervals.filter((interval, index) => index === 0 || !isDeepStrictEqual(interval, intervals[index - 1]));
}

/**
 * OSV ranges for the intervals: one ECOSYSTEM range per interval. Putting
 * several in one range would be shorter, but events of overlapping intervals
 * interleave and the OSV evaluation would then mark part of them unaffected,
 * and `fixed` and `last_affected` may not share a range (OSV schema).
 */
function osvRanges(intervals: readonly VulnerableInterval[]): NonNullable<OsvRecord['affected']>[number]['ranges'] {
  return intervals.map((interval) => ({
    type: 'ECOSYSTEM',
    events: [{ introduced: interval.introduced }, ...(interval.upper === null ? [] : [{ [interval.upper.kind]: interval.upper.version }])],
  }));
}

// ---------------------------------------------------------------------------
// The record

/** What OSV's schema accepts as a timestamp: RFC 3339 in UTC with `Z`. */
const OSV_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

function osvTimestamp(text: string | null): string | null {
  if (text === null) return null;
  if (OSV_TIMESTAMP.test(text)) return text;
  const time = Date.parse(text);
  if (Number.isNaN(time)) return null;
  return new Date(time).toISOString().replace('.000Z', 'Z');
}

/** The CVSS vector patterns of the OSV schema (`$defs.severity`): a vector it would refuse is left out. */
const CVSS_V3 =
  /^CVSS:3[.][01]\/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])\/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$/;
const CVSS_V4 =
  /^CVSS:4[.]0\/AV:[NALP]\/AC:[LH]\/AT:[NP]\/PR:[NLH]\/UI:[NPA]\/VC:[HLN]\/VI:[HLN]\/VA:[HLN]\/SC:[HLN]\/SI:[HLN]\/SA:[HLN](\/E:[XAPU])?(\/CR:[XHML])?(\/IR:[XHML])?(\/AR:[XHML])?(\/MAV:[XNALP])?(\/MAC:[XLH])?(\/MAT:[XNP])?(\/MPR:[XNLH])?(\/MUI:[XNPA])?(\/MVC:[XNLH])?(\/MVI:[XNLH])?(\/MVA:[XNLH])?(\/MSC:[XNLH])?(\/MSI:[XNLHS])?(\/MSA:[XNLHS])?(\/S:[XNP])?(\/AU:[XNY])?(\/R:[XAUI])?(\/V:[XDC])?(\/RE:[XLMH])?(\/U:(X|Clear|Green|Amber|Red))?$/;

/** GitHub's login syntax: a contact URL is only written for a name that can be one. */
const GITHUB_LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const GITHUB_REPOSITORY_PART = /^[A-Za-z0-9_.-]{1,100}$/;

function httpUrl(text: string): string | null {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

/** OSV reference types by what a GitHub URL points at; anything else is WEB. */
function referenceType(url: string): string {
  const { hostname, pathname } = new URL(url);
  if (hostname !== 'github.com') return 'WEB';
  if (/^\/[^/]+\/[^/]+\/(commit|pull)\//.test(pathname)) return 'FIX';
  if (/^\/[^/]+\/[^/]+\/issues\//.test(pathname)) return 'REPORT';
  if (/^\/[^/]+\/[^/]+\/security\/advisories\//.test(pathname) || pathname.startsWith('/advisories/')) return 'ADVISORY';
  return 'WEB';
}

function references(advisory: DeskAdvisory): { type: string; url: string }[] {
  const seen = new Set<string>();
  const list: { type: string; url: string }[] = [];
  const add = (type: string, text: string | null) => {
    const url = text === null ? null : httpUrl(text);
    if (url === null || seen.has(url)) return;
    seen.add(url);
    list.push({ type, url });
  };
  add('ADVISORY', advisory.htmlUrl);
  for (const reference of advisory.references) {
    const url = httpUrl(reference);
    if (url !== null) add(referenceType(url), url);
  }
  if (GITHUB_REPOSITORY_PART.test(advisory.owner) && GITHUB_REPOSITORY_PART.test(advisory.repo) && advisory.origin !== 'manual') {
    add('PACKAGE', `https://github.com/${advisory.owner}/${advisory.repo}`);
  }
  return list;
}

/** A file-name-safe slug: the GHSA id, else the desk's id. */
function slugOf(advisory: DeskAdvisory): string {
  return (advisory.ghsaId ?? advisory.id).replace(/[^A-Za-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') || 'advisory';
}

/**
 * The directory for a package: the checkout's own when it already has one
 * under another spelling (the repository has `vulns/jw.util/`), else the
 * PEP 503-normalised name.
 */
function directoryFor(name: string, existing: readonly PypaRecordSummary[]): string {
  for (const record of existing) {
    const segments = record.path.split('/');
    if (segments.length === 3 && segments[0] === 'vulns' && normalizeName('PyPI', segments[1]!) === name) return segments[1]!;
  }
  return name;
}

function buildPypaRecord(
  advisory: DeskAdvisory,
  name: string,
  entries: readonly AdvisoryVulnerability[],
  existing: readonly PypaRecordSummary[],
): Result<Omit<PypaExportRecord, 'elsewhere'>, string> {
  const modified = osvTimestamp(advisory.updatedAt);
  if (modified === null) return fail(`its updated_at ${JSON.stringify(advisory.updatedAt)} is not a date`);
  const published = osvTimestamp(advisory.publishedAt);
  const ranges = intervalsFor(entries);
  if (!ranges.ok) return ranges;
  const id = `PYSEC-0000-${slugOf(advisory)}`;
  const path = `vulns/${directoryFor(name, existing)}/${id}.yaml`;

  const record: Record<string, unknown> = { id, modified };
  if (published !== null) record.published = published;
  const aliases = [advisory.cveId, advisory.ghsaId].filter((alias): alias is string => alias !== null && alias !== '');
  record.aliases = [...new Set(aliases)].sort(compareText);
  const summary = advisory.summary.trim();
  if (summary !== '') record.summary = summary;
  const description = advisory.description?.trim() ?? '';
  if (description !== '' || summary !== '') record.details = description !== '' ? description : summary;
  const severity = advisory.cvss
    .filter((entry) => (entry.version === '3' ? CVSS_V3 : CVSS_V4).test(entry.vector))
    .map((entry) => ({ type: entry.version === '3' ? 'CVSS_V3' : 'CVSS_V4', score: entry.vector }));
  if (severity.length > 0) record.severity = severity;
  record.affected = [{ package: { ecosystem: 'PyPI', name, purl: toPurl('PyPI', name) }, ranges: osvRanges(ranges.value.intervals) }];
  const links = references(advisory);
  if (links.length > 0) record.references = links;
  const credits = advisory.credits
    .filter((credit) => credit.state === 'accepted' && credit.login.trim() !== '')
    .sort((a, b) => CREDIT_ORDER.indexOf(a.type) - CREDIT_ORDER.indexOf(b.type) || compareText(a.login, b.login))
    .map((credit) => ({
      name: credit.login,
      ...(GITHUB_LOGIN.test(credit.login) ? { contact: [`https://github.com/${credit.login}`] } : {}),
      type: credit.type.toUpperCase(),
    }));
  if (credits.length > 0) record.credits = credits;

  const text = serialisePypaRecord(record);
  const checked = checkRoundTrip(text, record, path);
  if (!checked.ok) return fail(checked.error.message);
  return ok({ advisoryId: advisory.id, package: name, id, path, text, notes: ranges.value.notes });
}

/**
 * YAML as the repository writes it: sequences not indented under their key,
 * and the YAML 1.1 schema's quoting, so that PyYAML (YAML 1.1, which the
 * database's tools read with) sees the same strings: `"2024-01-03T22:31:36Z"`
 * stays text, `yes`, `on` or `1:20` are not a boolean or a number.
 */
export function serialisePypaRecord(record: Record<string, unknown>): string {
  return stringify(record, { version: '1.1', indentSeq: false, aliasDuplicateObjects: false });
}

/**
 * The record read back through chainwatch's own OSV loader (YAML parsing,
 * nesting limit, schema) must be valid and equal to what was meant to be
 * written: a quoting or folding mistake would otherwise reach the database.
 */
export function checkRoundTrip(text: string, expected: Record<string, unknown>, path: string): Result<OsvRecord> {
  const parsed = parseAdvisoryText(text, 'yaml', path);
  if (!parsed.ok) return fail(new ChainwatchError('invalid-advisory', `the generated record does not pass the OSV parser: ${parsed.error.describe()}`, { location: { path }, cause: parsed.error }));
  if (!isDeepStrictEqual(JSON.parse(JSON.stringify(parsed.value)), JSON.parse(JSON.stringify(expected)))) {
    return fail(new ChainwatchError('invalid-advisory', 'the generated record reads back differently from what was written', { location: { path } }));
  }
  return parsed;
}
