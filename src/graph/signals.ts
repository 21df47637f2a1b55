import { existsSync } from 'node:fs';
import { createPackageMatcher, type PackageMatcher, type RecordSource } from '../advisories/match.js';
import { highestSeverity } from '../advisories/severity.js';
import type { SeverityLevel } from '../advisories/types.js';
import type { Clock } from '../core/clock.js';
import { known, knownIfPresent, unknown } from '../core/known.js';
import type { Ecosystem } from '../core/package.js';
import { getScheme } from '../ecosystems/schemes.js';
import type { Version } from '../ecosystems/types.js';
import { pickRepository, repositoryConfidence, type ManifestLookup } from './repository.js';
import type { PackageFacts, PackageRelease } from './resolver.js';
import type { PackageSignals, Signal, SourceStatus } from './types.js';

/**
 * Signals of one package version, from what its registry said (PackageFacts,
 * or signals the ecosystem derived itself) and the local advisory database.
 * Whatever could not be told is `{ known: false, reason }`: visibly unknown,
 * never false, zero or empty (STYLE rule 6).
 */

/** Beyond the shared PackageSignals: what the concern ranking and the diff also read. */
export interface GraphSignals extends PackageSignals {
  /** The highest severity among `advisories` (`none` when there are none; `unknown` when no advisory recorded one). */
  advisorySeverity?: Signal<SeverityLevel>;
  /** Maintainer names, where the registry shows them. */
  maintainerNames?: Signal<string[]>;
}

/** Every signal a node carries, in the order reports show them. */
export const SIGNAL_NAMES = [
  'releasedAt',
  'ageDays',
  'releasesLastYear',
  'daysSinceLastRelease',
  'yanked',
  'deprecated',
  'installScripts',
  'provenance',
  'provenanceDropped',
  'maintainers',
  'maintainerNames',
  'license',
  'advisories',
  'advisorySeverity',
  'repository',
] as const satisfies readonly (keyof GraphSignals)[];

const DAY_MS = 86_400_000;

export interface SignalTarget {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

/** Signals from registry facts at the run's clock. */
export function signalsFromFacts(target: SignalTarget, facts: PackageFacts, clock: Clock, manifests?: ManifestLookup): GraphSignals {
  const now = clock.now().getTime();
  const releases = facts.releases ?? null;
  const thisRelease = releases?.find((release) => release.version === target.version);
  const releasedAt = facts.releasedAt ?? thisRelease?.publishedAt ?? null;
  const releasedMs = releasedAt ? Date.parse(releasedAt) : Number.NaN;
  const noTime = 'the registry gave no publish time for this version';
  const times = (releases ?? []).map((release) => (release.publishedAt ? Date.parse(release.publishedAt) : Number.NaN)).filter((time) => Number.isFinite(time) && time <= now);
  const noReleases = releases === null ? 'the registry gave no release history' : 'the registry gave no publish times';

  const signals: GraphSignals = {
    releasedAt: Number.isFinite(releasedMs) ? known(new Date(releasedMs).toISOString()) : unknown(noTime),
    ageDays: Number.isFinite(releasedMs) ? known(Math.max(0, Math.floor((now - releasedMs) / DAY_MS))) : unknown(noTime),
    releasesLastYear: times.length > 0 ? known(times.filter((time) => now - time <= 365 * DAY_MS).length) : unknown(noReleases),
    daysSinceLastRelease: times.length > 0 ? known(Math.floor((now - latest(times)) / DAY_MS)) : unknown(noReleases),
    yanked: knownIfPresent(facts.yanked ?? thisRelease?.yanked, target.ecosystem === 'npm' ? 'npm has no yanked releases (only deprecation)' : 'the registry did not say'),
    deprecated: knownIfPresent(facts.deprecated, target.ecosystem === 'npm' ? 'the registry did not say' : `${target.ecosystem} has no deprecation flag`),
    installScripts: knownIfPresent(facts.installScripts, target.ecosystem === 'npm' ? 'the manifest was not read' : `${target.ecosystem} packages have no install scripts field`),
    provenance: knownIfPresent(facts.provenance ?? thisRelease?.provenance, 'the registry did not show whether provenance exists'),
    provenanceDropped: provenanceDropped(target, facts, releases),
    license: knownIfPresent(facts.license || null, 'no licence given'),
    ...maintainerSignals(facts.maintainers),
  };
  const repository = pickRepository(facts.repositoryUrls ?? [], { allowShorthand: target.ecosystem === 'npm' });
  signals.repository = repository
    ? known({ url: repository, confidence: repositoryConfidence(repository, target.ecosystem, target.name, manifests) })
    : unknown(facts.repositoryUrls?.length ? 'no URL names a repository on a known code host' : 'the registry gave no repository URL');
  return signals;
}

/** The largest of `times` (not Math.max(...times): a registry may list 300,000 releases, too many to pass as arguments). */
function latest(times: readonly number[]): number {
  let found = Number.NEGATIVE_INFINITY;
  for (const time of times) if (time > found) found = time;
  return found;
}

function maintainerSignals(maintainers: PackageFacts['maintainers']): Pick<GraphSignals, 'maintainers' | 'maintainerNames'> {
  if (Array.isArray(maintainers)) {
    const names = [...new Set(maintainers)].sort();
    return { maintainers: known(names.length), maintainerNames: known(names) };
  }
  if (typeof maintainers === 'number') return { maintainers: known(maintainers), maintainerNames: unknown('the registry gives a count, not names') };
  const reason = 'the registry shows no maintainers (not published, or stripped by a mirror)';
  return { maintainers: unknown(reason), maintainerNames: unknown(reason) };
}

/**
 * The previous version is the highest release below this one (pre-releases
 * only count before a pre-release). No previous version: nothing could be dropped.
 */
function provenanceDropped(target: SignalTarget, facts: PackageFacts, releases: readonly PackageRelease[] | null): Signal<boolean> {
  const current = facts.provenance ?? releases?.find((release) => release.version === target.version)?.provenance ?? null;
  if (releases === null) return unknown('the registry gave no release history');
  const scheme = getScheme(target.ecosystem);
  const parsed = scheme.parse(target.version);
  if (!parsed.ok) return unknown(`version ${target.version} does not parse as ${target.ecosystem}`);
  let previous: { release: PackageRelease; version: Version } | null = null;
  for (const release of releases) {
    const candidate = scheme.parse(release.version);
    if (!candidate.ok || candidate.value.compare(parsed.value) >= 0) continue;
    if (candidate.value.isPrerelease && !parsed.value.isPrerelease) continue;
    if (!previous || candidate.value.compare(previous.version) > 0) previous = { release, version: candidate.value };
  }
  if (!previous) return known(false);
  const before = previous.release.provenance ?? null;
  if (current === null || before === null) return unknown('provenance of this or the previous version is unknown');
  return known(before && !current);
}

/** A known signal from the ecosystem wins; then a known one from facts; else the ecosystem's reason. */
export function mergeSignals(precomputed: PackageSignals | undefined, derived: GraphSignals): GraphSignals {
  if (!precomputed) return derived;
  const merged: GraphSignals = { ...derived };
  for (const [key, signal] of Object.entries(precomputed) as [keyof GraphSignals, Signal<unknown> | undefined][]) {
    if (!signal) continue;
    const mine = derived[key] as Signal<unknown> | undefined;
    if (signal.known || !mine?.known) (merged as Record<string, unknown>)[key] = signal;
  }
  return merged;
}

/** Re-judges a repository signal an ecosystem already gave (ecosystems only claim). */
export function withRepositoryConfidence(signals: GraphSignals, target: SignalTarget, manifests: ManifestLookup | undefined): GraphSignals {
  const repository = signals.repository;
  if (!repository?.known) return signals;
  return { ...signals, repository: known({ url: repository.value.url, confidence: repositoryConfidence(repository.value.url, target.ecosystem, target.name, manifests) }) };
}

/** Where advisories come from for a graph run: a matcher, or the reason there is none. */
export type AdvisoryLookup = { available: true; matcher: PackageMatcher; status: SourceStatus } | { available: false; reason: string; status: SourceStatus };

export const ADVISORY_SOURCE_NAME = 'advisories';

export function advisoryLookupFrom(source: RecordSource, label: string): AdvisoryLookup {
  return { available: true, matcher: createPackageMatcher(source), status: { name: `${ADVISORY_SOURCE_NAME} ${label}`, reachable: true } };
}

export function noAdvisories(reason: string, label = ''): AdvisoryLookup {
  return { available: false, reason, status: { name: `${ADVISORY_SOURCE_NAME}${label ? ` ${label}` : ''}`, reachable: false, error: reason } };
}

/**
 * The local advisory database as a graph run reads it: records by package,
 * and how many there are. Declared here, implemented by store/
 * (`openSqliteStore(path, { readonly: true })`), handed in by the front end.
 */
export interface AdvisoryDatabase extends RecordSource {
  count(): number;
  close(): void;
}

/**
 * Opens the local advisory database with `open` (read-only). Absent or empty,
 * the advisories signal of every node is unknown, and the source list says why.
 */
export function openAdvisoryDatabase(databasePath: string, open: (databasePath: string) => AdvisoryDatabase): { lookup: AdvisoryLookup; close(): void } {
  if (!existsSync(databasePath)) {
    return { lookup: noAdvisories('no advisory database yet: run `chainwatch db update` or `chainwatch db import`', databasePath), close() {} };
  }
  let store: AdvisoryDatabase;
  try {
    store = open(databasePath);
  } catch (error) {
    return { lookup: noAdvisories(`cannot open the advisory database: ${(error as Error).message}`, databasePath), close() {} };
  }
  if (store.count() === 0) {
    store.close();
    return { lookup: noAdvisories('the advisory database is empty: run `chainwatch db update` or `chainwatch db import`', databasePath), close() {} };
  }
  return { lookup: advisoryLookupFrom(store, databasePath), close: () => store.close() };
}

/** OSV publishes nothing for these: their advisories are unknown, not "none". */
const NO_OSV_DATA: ReadonlySet<Ecosystem> = new Set(['conda']);

export function advisorySignals(target: SignalTarget, lookup: AdvisoryLookup): Pick<GraphSignals, 'advisories' | 'advisorySeverity'> {
  if (NO_OSV_DATA.has(target.ecosystem)) {
    const reason = `OSV publishes no advisories for ${target.ecosystem} packages (see the PyPI twin)`;
    return { advisories: unknown(reason), advisorySeverity: unknown(reason) };
  }
  if (!lookup.available) return { advisories: unknown(lookup.reason), advisorySeverity: unknown(lookup.reason) };
  const { findings } = lookup.matcher.match({ ecosystem: target.ecosystem, name: target.name, version: target.version });
  const ids = [...new Set(findings.map((finding) => finding.id))].sort();
  const severity = findings.length === 0 ? 'none' : highestSeverity(findings.map((finding) => finding.severity)).level;
  return { advisories: known(ids), advisorySeverity: known(severity) };
}
