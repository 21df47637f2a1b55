import { normalizeName, type Ecosystem } from '../core/package.js';
import { highestSeverity, severityOfRecord } from './severity.js';
import type { AdvisoryReader } from './store.js';
import type { Finding, OsvAffected, Severity } from './types.js';

/** What borrowing needs of a database: a record by id, and the records naming an id or alias. */
export type AliasLookup = Pick<AdvisoryReader, 'getRecord' | 'idsFor'>;

/**
 * The severity a finding whose matched records give none (PyPA's records
 * carry no CVSS) takes from the other records the databases hold for the same
 * vulnerability: any record whose id or aliases share one of the finding's
 * ids (a PYSEC record names its GHSA alias; a GHSA record names the CVE).
 * Each such record is scored as the matcher scores its own, with its
 * record-level severity and only its `affected` entries for the finding's
 * package, so one package's score is never lent to another. Withdrawn
 * records do not count. The highest level wins (ties: the higher score, then
 * the record id first in code-point order); `borrowedFrom` names the record.
 * Null when no such record gives a level.
 */
export function severityFromAliases(finding: Pick<Finding, 'ids' | 'package'>, lookups: readonly AliasLookup[]): Severity | null {
  const candidates = new Map<string, Severity>();
  for (const lookup of lookups) {
    const ids = new Set<string>();
    for (const id of finding.ids) for (const found of lookup.idsFor(id)) ids.add(found);
    for (const id of ids) {
      if (candidates.has(id)) continue;
      const record = lookup.getRecord(id);
      if (!record || record.withdrawn) continue;
      const severity = severityOfRecord(record, entriesFor(record.affected ?? [], finding.package.ecosystem, finding.package.name));
      if (severity.level !== 'unknown') candidates.set(id, { ...severity, borrowedFrom: id });
    }
  }
  if (candidates.size === 0) return null;
  const ordered = [...candidates.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, severity]) => severity);
  return highestSeverity(ordered);
}

function entriesFor(affected: readonly OsvAffected[], ecosystem: Ecosystem, name: string): OsvAffected[] {
  const wanted = normalizeName(ecosystem, name);
  return affected.filter((entry) => {
    const pkg = entry.package;
    if (!pkg) return false;
    const colon = pkg.ecosystem.indexOf(':');
    const base = (colon === -1 ? pkg.ecosystem : pkg.ecosystem.slice(0, colon)).trim();
    return base === ecosystem && normalizeName(ecosystem, pkg.name) === wanted;
  });
}
