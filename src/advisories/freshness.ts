import { timestampKey } from './timestamps.js';

/** An ecosystem whose newest advisory is older than the allowed age. */
export interface StaleAdvisories {
  ecosystem: string;
  newestModified: string;
  /** Milliseconds between `newestModified` and now. */
  ageMs: number;
}

/**
 * The ecosystems whose newest `modified` date lies more than `maxAgeMs`
 * before `now`: their data has not been refreshed for that long (OSV's PyPI
 * and npm exports change every day). Ecosystems without a date are not
 * stale, they are unchecked, which coverage says (and the schema lets no
 * record in without a readable `modified`).
 */
export function staleAdvisories(
  coverage: readonly { ecosystem: string; newestModified: string | null }[],
  now: Date,
  maxAgeMs: number,
): StaleAdvisories[] {
  const stale: StaleAdvisories[] = [];
  for (const entry of coverage) {
    if (entry.newestModified === null) continue;
    const key = timestampKey(entry.newestModified);
    // The key is fixed-width UTC with nanoseconds; Date takes milliseconds.
    const at = key === null ? Number.NaN : Date.parse(`${key.slice(0, 23)}Z`);
    if (Number.isNaN(at)) continue;
    const age = now.getTime() - at;
    if (age > maxAgeMs) stale.push({ ecosystem: entry.ecosystem, newestModified: entry.newestModified, ageMs: age });
  }
  return stale;
}

const HOUR_MS = 60 * 60 * 1000;

/** `23 days`, `1 day`, or `5 hours` under two days' worth of hours: how old, for people. */
export function describeAge(ageMs: number): string {
  const hours = Math.floor(ageMs / HOUR_MS);
  if (hours < 48) return `${hours} hour${hours === 1 ? '' : 's'}`;
  const days = Math.floor(hours / 24);
  return `${days} days`;
}
