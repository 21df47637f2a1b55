import type { PackageReleaseFact, RepoFacts } from '../../types.js';

/** A package's newest release on its registry, when the registry told. */
export interface RegistryRelease {
  readonly ecosystem: PackageReleaseFact['ecosystem'];
  readonly name: string;
  readonly version: string;
  /** ISO date of the upload or publish. */
  readonly date: string;
}

/** The known registry releases of the packages a repository publishes (none when not looked up). */
export function registryReleases(facts: Pick<RepoFacts, 'packageReleases'>): RegistryRelease[] {
  const fact = facts.packageReleases;
  if (!fact?.known) return [];
  const releases: RegistryRelease[] = [];
  for (const entry of fact.value) {
    if (entry.newest.known && entry.newest.value !== null) releases.push({ ecosystem: entry.ecosystem, name: entry.name, ...entry.newest.value });
  }
  return releases;
}

/** The newest of them (unreadable dates left out), or null. */
export function newestRegistryRelease(facts: Pick<RepoFacts, 'packageReleases'>): RegistryRelease | null {
  let newest: RegistryRelease | null = null;
  for (const release of registryReleases(facts)) {
    const time = Date.parse(release.date);
    if (Number.isNaN(time)) continue;
    if (newest === null || time > Date.parse(newest.date)) newest = release;
  }
  return newest;
}

/** A package whose registry could not be asked or could not tell, with why. */
export interface UnknownRegistryRelease {
  readonly ecosystem: PackageReleaseFact['ecosystem'];
  readonly name: string;
  readonly reason: string;
}

/** Packages whose registry could not be asked or could not tell: their releases are unknown, with why. */
export function unknownRegistryReleases(facts: Pick<RepoFacts, 'packageReleases'>): UnknownRegistryRelease[] {
  const fact = facts.packageReleases;
  if (!fact?.known) return [];
  return fact.value.flatMap((entry) => (entry.newest.known ? [] : [{ ecosystem: entry.ecosystem, name: entry.name, reason: entry.newest.reason }]));
}

/** `ipywidgets 8.1.9 on PyPI`. */
export function describeRegistryRelease(release: Pick<RegistryRelease, 'ecosystem' | 'name' | 'version'>): string {
  return `${release.name} ${release.version} on ${release.ecosystem}`;
}
