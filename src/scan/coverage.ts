import { compareText } from '../core/compare.js';
import type { Ecosystem } from '../core/package.js';
import type { AdvisoryReader } from '../advisories/store.js';
import { compareTimestamps } from '../advisories/timestamps.js';
import type { AdvisoryCoverage } from './types.js';

/**
 * Per ecosystem with scanned packages: how many packages, how many advisories
 * the sources hold for it, the newest `modified` among them, and whether it
 * was checked at all. An ecosystem the sources hold no advisory for is not
 * checked: finding nothing there means nothing, and reports must not say
 * "no known vulnerabilities" for it (OSV publishes nothing for conda; a
 * database imported from PyPA's checkout has no npm). With several sources
 * (the database and `--advisories`) the counts are added, so a record two
 * sources hold counts twice; the newest date is the newest of all.
 */
export function advisoryCoverage(packages: readonly { ecosystem: Ecosystem }[], sources: readonly Pick<AdvisoryReader, 'coverage'>[]): AdvisoryCoverage[] {
  const counts = new Map<Ecosystem, number>();
  for (const pkg of packages) counts.set(pkg.ecosystem, (counts.get(pkg.ecosystem) ?? 0) + 1);
  const ecosystems = [...counts.keys()].sort(compareText);
  const held = sources.map((source) => source.coverage(ecosystems));
  return ecosystems.map((ecosystem, index) => {
    let advisories = 0;
    let newestModified: string | null = null;
    for (const answer of held) {
      const entry = answer[index]!;
      advisories += entry.advisories;
      if (entry.newestModified !== null && (newestModified === null || compareTimestamps(entry.newestModified, newestModified) > 0)) newestModified = entry.newestModified;
    }
    return { ecosystem, packages: counts.get(ecosystem)!, advisories, newestModified, checked: advisories > 0 };
  });
}
