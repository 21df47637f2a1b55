/**
 * Watch: after `db update`, the advisories added or changed by it that affect
 * a package version we ship (the latest graph snapshot's nodes, or a scanned
 * lockfile's packages), told once per (advisory, package) through the same
 * notifiers as reminders, in one digest.
 *
 * What changed is the difference between two snapshots of the advisory
 * store's `id → modified` index (`AdvisoryUpdateStore.sourceRecords`), taken
 * before and after the update; only those records are matched, with the
 * scan's matcher (advisories/match.ts). A (vulnerability, package) is never
 * told twice on a channel: every id and alias of the finding is a key, so the
 * GHSA record changing today and the PYSEC record with the same CVE next week
 * are one notification.
 */
import { compareText } from '../core/compare.js';
import { normalizeName, parseEcosystem, type Ecosystem } from '../core/package.js';
import { createPackageMatcher, type MatchWarning, type RecordSource } from '../advisories/match.js';
import type { OsvRecord, SeverityLevel } from '../advisories/types.js';
import type { DisclosureStore } from './store.js';
import type { Digest, DigestItem } from './notify/digest.js';
import { deliverDigest, type ChannelDelivery } from './notify/deliver.js';
import type { Notifier } from './notify/types.js';
import { dayIn } from './remind.js';

/** A package version we ship: a graph node or a scanned package fits. */
export interface WatchPackage {
  ecosystem: Ecosystem;
  name: string;
  version: string;
}

/** A record `db update` added or changed. */
export interface ChangedRecord {
  id: string;
  modified: string;
}

/** The part of the advisory store (AdvisoryUpdateStore) that lists what each source holds. */
export interface ModifiedIndex {
  /** id → `modified` of every record the source delivered. */
  sourceRecords(source: string): Map<string, string>;
}

/** The part of the advisory store (AdvisoryReader) that reads one record. */
export interface RecordLookup {
  getRecord(id: string): OsvRecord | null;
}

/** `id → modified` over `sources` (`osv:PyPI`, `osv:npm`…): take one before `db update` and one after. */
export function modifiedSnapshot(index: ModifiedIndex, sources: readonly string[]): Map<string, string> {
  const snapshot = new Map<string, string>();
  for (const source of sources) {
    for (const [id, modified] of index.sourceRecords(source)) {
      const known = snapshot.get(id);
      if (known === undefined || modified > known) snapshot.set(id, modified);
    }
  }
  return snapshot;
}

/** Records in `after` that `before` did not have, or had with another `modified`. Sorted by id. */
export function changedRecords(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): ChangedRecord[] {
  const changed: ChangedRecord[] = [];
  for (const [id, modified] of after) if (before.get(id) !== modified) changed.push({ id, modified });
  return changed.sort((a, b) => compareText(a.id, b.id));
}

/** One changed advisory that affects one package we ship (at one or more versions). */
export interface WatchHit {
  /** The finding's representative id (GHSA first). */
  advisoryId: string;
  /** Every id and alias, sorted. */
  ids: string[];
  ecosystem: Ecosystem;
  /** The package's name as we ship it. */
  name: string;
  /** The affected versions we ship, in the order given. */
  versions: string[];
  summary: string | null;
  severity: SeverityLevel;
  fixed: string[];
  url: string;
  /** `watch:<id>:<ecosystem>/<normalised name>` for each id and alias. */
  keys: string[];
}

export interface WatchMatch {
  hits: WatchHit[];
  /** Changed ids the store no longer holds (deleted by the update). */
  missing: string[];
  /** Problems the matcher met in the changed records or the packages. */
  warnings: MatchWarning[];
}

/**
 * The changed records that affect `packages`. Records are read once and
 * indexed by (ecosystem, normalised name), so the cost is the changed records
 * plus one lookup per package, whatever the size of the database.
 */
export function matchChanged(changed: readonly ChangedRecord[], lookup: RecordLookup, packages: readonly WatchPackage[]): WatchMatch {
  const index = new Map<string, OsvRecord[]>();
  const missing: string[] = [];
  for (const { id } of changed) {
    const record = lookup.getRecord(id);
    if (!record) {
      missing.push(id);
      continue;
    }
    const names = new Set<string>();
    for (const affected of record.affected ?? []) {
      const ecosystem = affected?.package ? parseEcosystem(affected.package.ecosystem) : null;
      if (!ecosystem || typeof affected.package?.name !== 'string') continue;
      names.add(`${ecosystem}\u0000${normalizeName(ecosystem, affected.package.name)}`);
    }
    for (const name of names) {
      const list = index.get(name) ?? [];
      list.push(record);
      index.set(name, list);
    }
  }
  const source: RecordSource = { recordsFor: (ecosystem, normalizedName) => index.get(`${ecosystem}\u0000${normalizedName}`) ?? [] };
  const matcher = createPackageMatcher(source);
  const warnings: MatchWarning[] = [];
  const hits = new Map<string, WatchHit>();
  const seenPackages = new Set<string>();
  for (const pkg of packages) {
    const normalized = normalizeName(pkg.ecosystem, pkg.name);
    if (!index.has(`${pkg.ecosystem}\u0000${normalized}`)) continue;
    const packageKey = `${pkg.ecosystem}\u0000${normalized}\u0000${pkg.version}`;
    if (seenPackages.has(packageKey)) continue;
    seenPackages.add(packageKey);
    const result = matcher.match({ ecosystem: pkg.ecosystem, name: pkg.name, version: pkg.version });
    warnings.push(...result.warnings);
    for (const finding of result.findings) {
      const hitKey = `${finding.id}\u0000${pkg.ecosystem}\u0000${normalized}`;
      const known = hits.get(hitKey);
      if (known) {
        if (!known.versions.includes(pkg.version)) known.versions.push(pkg.version);
        known.ids = [...new Set([...known.ids, ...finding.ids])].sort();
        known.keys = known.ids.map((id) => watchKey(id, pkg.ecosystem, normalized));
        continue;
      }
      hits.set(hitKey, {
        advisoryId: finding.id,
        ids: finding.ids,
        ecosystem: pkg.ecosystem,
        name: pkg.name,
        versions: [pkg.version],
        summary: finding.summary ?? null,
        severity: finding.severity.level,
        fixed: finding.fixed,
        url: `https://osv.dev/vulnerability/${encodeURIComponent(finding.id)}`,
        keys: finding.ids.map((id) => watchKey(id, pkg.ecosystem, normalized)),
      });
    }
  }
  warnings.push(...matcher.recordWarnings());
  const ordered = [...hits.values()].sort(
    (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || compareText(a.advisoryId, b.advisoryId) || compareText(a.name, b.name),
  );
  return { hits: ordered, missing, warnings };
}

function watchKey(id: string, ecosystem: Ecosystem, normalizedName: string): string {
  return `watch:${id}:${ecosystem}/${normalizedName}`;
}

const SEVERITY_RANK: Record<SeverityLevel, number> = { critical: 0, high: 1, medium: 2, low: 3, none: 4, unknown: 5 };
const SEVERITY_HEADINGS: Record<SeverityLevel, string> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'No severity',
  unknown: 'Severity unknown',
};

export interface WatchOptions {
  changed: readonly ChangedRecord[];
  records: RecordLookup;
  packages: readonly WatchPackage[];
  store: Pick<DisclosureStore, 'sentKeys' | 'markSent'>;
  notifiers: readonly Notifier[];
  /** The run's clock. */
  now: Date;
  /** Time zone of the day recorded with what was sent (default UTC). */
  timeZone?: string;
  /** Send nothing and write nothing. */
  dryRun?: boolean;
  /**
   * Record every hit as told without sending: for the first update of a
   * database, when every record is new and the digest would list every known
   * vulnerability of what we ship (that is `scan`'s job).
   */
  baseline?: boolean;
}

export interface WatchResult {
  day: string;
  match: WatchMatch;
  deliveries: ChannelDelivery[];
}

/** Matches the changed records against the packages and tells each channel the hits it has never had. */
export async function watch(options: WatchOptions): Promise<WatchResult> {
  const day = dayIn(options.now, options.timeZone ?? 'UTC');
  const match = matchChanged(options.changed, options.records, options.packages);
  const byKey = new Map(match.hits.map((hit) => [hit.keys[0] ?? '', hit]));
  const deliveries = await deliverDigest({
    items: match.hits.map(watchItem),
    build: (items) => watchDigest(day, items.map((item) => byKey.get(item.keys[0] ?? '')).filter((hit): hit is WatchHit => hit !== undefined)),
    notifiers: options.notifiers,
    store: options.store,
    window: null,
    day,
    dryRun: options.dryRun ?? false,
    markOnly: options.baseline ?? false,
  });
  return { day, match, deliveries };
}

/** The digest of `hits` (already in order), one section per severity. */
export function watchDigest(day: string, hits: readonly WatchHit[]): Digest {
  const levels = Object.keys(SEVERITY_RANK) as SeverityLevel[];
  const packages = new Set(hits.map((hit) => `${hit.ecosystem}/${hit.name}`)).size;
  const advisories = new Set(hits.map((hit) => hit.advisoryId)).size;
  return {
    kind: 'watch',
    subject: `New advisories, ${day}: ${advisories} affecting ${packages} package${packages === 1 ? '' : 's'} we ship`,
    intro: 'Advisories added or changed by the last database update that affect a package version in what we ship.',
    sections: levels.map((level) => ({ heading: SEVERITY_HEADINGS[level], items: hits.filter((hit) => hit.severity === level).map(watchItem) })),
  };
}

function watchItem(hit: WatchHit): DigestItem {
  const aliases = hit.ids.filter((id) => id !== hit.advisoryId);
  const details = [
    hit.summary ?? '',
    hit.fixed.length > 0 ? `fixed in ${hit.fixed.join(', ')}` : 'no fixed version yet',
    aliases.length > 0 ? `also ${aliases.join(', ')}` : '',
  ].filter((line) => line !== '');
  return {
    keys: hit.keys,
    id: hit.advisoryId,
    url: hit.url,
    title: `${hit.ecosystem} ${hit.name} ${hit.versions.join(', ')}`,
    details,
  };
}
