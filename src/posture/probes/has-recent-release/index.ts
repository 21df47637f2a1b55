import { daysSince } from '../common/dates.js';
import { describeRegistryRelease, newestRegistryRelease, unknownRegistryReleases, type RegistryRelease, type UnknownRegistryRelease } from '../common/package-releases.js';
import { answer, type ProbeMetadata, type RepoProbe } from '../types.js';

const metadata: ProbeMetadata = {
  id: 'hasRecentRelease',
  question: 'Was there a release (a tag, or a package the repository publishes, on its registry) within the release window (365 days by default)?',
  why: 'Fixes only reach users through releases; commits without releases do not protect anyone.',
  fix: 'Cut a release when fixes land (and tag it).',
  needs: 'git',
};

export interface RecentReleaseEvidence {
  /** The newest release: its tag, or `name version on Registry`; null when there are none; absent when releases are unknown. */
  readonly lastRelease?: string | null;
  readonly lastReleaseDate?: string;
  readonly daysSinceLastRelease?: number | null;
  /** The recent-release window in days. */
  readonly window?: number;
  /** Set when the newest release is a package's on its registry (PyPI upload, npm publish), not one of the repository's tags. */
  readonly registryRelease?: RegistryRelease;
  /** Packages the repository publishes whose registry could not be asked or could not tell (absent when none). */
  readonly unknownRegistryReleases?: readonly UnknownRegistryRelease[];
}

/**
 * The newest of the repository's releases (tags locally) and of the registry
 * releases of the packages it publishes (when the run asked the registries):
 * a checkout whose history stops last year, of a package released last month,
 * has a recent release.
 */
export const hasRecentRelease: RepoProbe<RecentReleaseEvidence> = {
  metadata,
  run(facts, context) {
    const fact = facts.releases;
    const registry = newestRegistryRelease(facts);
    const unknownReleases = unknownRegistryReleases(facts);
    const unknownEvidence = unknownReleases.length > 0 ? { unknownRegistryReleases: unknownReleases } : {};
    if (!fact.known && registry === null) return answer(metadata.id, 'not-available', [{ message: fact.reason }], unknownEvidence);
    const tag = fact.known ? [...fact.value].sort((a, b) => Date.parse(b.date) - Date.parse(a.date))[0] : undefined;
    const window = context.settings.recentReleaseDays;
    if (!tag && registry === null) return answer(metadata.id, 'false', [{ message: 'no releases or tags' }], { lastRelease: null, daysSinceLastRelease: null, window, ...unknownEvidence });
    // The registry's release when it is newer than the newest tag (or the tag's date cannot be read).
    const fromRegistry = registry !== null && (!tag || !(Date.parse(tag.date) >= Date.parse(registry.date)));
    const newest = fromRegistry ? { label: describeRegistryRelease(registry), date: registry.date } : { label: tag!.tag, date: tag!.date };
    const days = daysSince(newest.date, context.now);
    const evidence = { lastRelease: newest.label, lastReleaseDate: newest.date, daysSinceLastRelease: days, window, ...(fromRegistry ? { registryRelease: registry } : {}), ...unknownEvidence };
    if (days === null) return answer(metadata.id, 'error', [{ message: `unreadable release date ${newest.date}` }], evidence);
    if (days <= window) return answer(metadata.id, 'true', [], evidence);
    return answer(metadata.id, 'false', [{ message: `last release ${newest.label} on ${newest.date.slice(0, 10)}, ${days} days ago`, fix: metadata.fix }], evidence);
  },
};
