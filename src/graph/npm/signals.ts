import semver from 'semver';
import type { Clock } from '../../core/clock.js';
import { known, unknown } from '../../core/known.js';
import { normalizeRepositoryUrl } from '../../core/repository-url.js';
import { isFullPackument } from '../../ecosystems/npm/registry.js';
import { INSTALL_SCRIPTS, someVersionHasAttestations, type NpmManifest, type NpmPackument, type NpmRepository } from '../../ecosystems/npm/schema.js';
import type { PackageSignals, Signal } from '../types.js';

/**
 * What an npm packument says about one version, as signals: publish times,
 * deprecation, install scripts, provenance (and whether it was dropped),
 * maintainers, licence, repository, publisher. The registry client
 * (src/ecosystems/npm/registry.ts) returns the packument; judging it is here.
 */

const DAY_MS = 86_400_000;

function hasAttestations(manifest: NpmManifest | undefined): boolean {
  return Boolean(manifest?.dist?.attestations);
}

/**
 * Whether this document can be trusted to show `dist.attestations` where they
 * exist: some version of the package has them (so the server passes the field
 * through), or the version carries the registry's own signatures. Otherwise a
 * mirror may have stripped them and "no attestations" means "unknown".
 */
function attestationsVisible(packument: NpmPackument, manifest: NpmManifest): boolean {
  if (someVersionHasAttestations(packument.versions)) return true;
  return (manifest.dist?.signatures?.length ?? 0) > 0;
}

function provenanceSignal(packument: NpmPackument, manifest: NpmManifest | undefined): Signal<boolean> {
  if (!manifest) return unknown('version not in the packument');
  if (hasAttestations(manifest)) return known(true);
  if (attestationsVisible(packument, manifest)) return known(false);
  return unknown('no version carries dist.attestations and the document is not registry-signed: a mirror may strip them');
}

/** The highest version below `version` that is not a pre-release (pre-releases compare among themselves). */
function previousVersion(packument: NpmPackument, version: string): string | null {
  const current = semver.parse(version);
  if (!current) return null;
  let best: semver.SemVer | null = null;
  for (const candidate of Object.keys(packument.versions)) {
    const parsed = semver.parse(candidate);
    if (!parsed || parsed.compare(current) >= 0) continue;
    if (parsed.prerelease.length > 0 && current.prerelease.length === 0) continue;
    if (!best || parsed.compare(best) > 0) best = parsed;
  }
  return best?.version ?? null;
}

function installScriptsSignal(packument: NpmPackument, manifest: NpmManifest): Signal<string[]> {
  if (manifest.scripts) {
    return known(INSTALL_SCRIPTS.filter((name) => typeof manifest.scripts?.[name] === 'string' && manifest.scripts[name] !== ''));
  }
  if (isFullPackument(packument)) {
    // A full manifest without `scripts` has none; `hasInstallScript` still covers a gyp build file.
    return known(manifest.hasInstallScript ? ['install'] : []);
  }
  if (manifest.hasInstallScript) return unknown('the abbreviated packument says install scripts exist; their names need the full packument');
  // The abbreviated document sets hasInstallScript whenever one exists.
  return known([]);
}

/** The repository field as published: a string (`owner/repo`, `github:`, a URL) or `{ url }`. */
function repositoryText(repository: NpmRepository): string | null {
  const raw = typeof repository === 'string' ? repository : repository?.url;
  return raw?.trim() ? raw : null;
}

function personName(person: unknown): string | null {
  if (typeof person === 'string') return person.replace(/\s*<.*$/, '').trim() || null;
  if (typeof person === 'object' && person !== null && typeof (person as { name?: unknown }).name === 'string') {
    return (person as { name: string }).name;
  }
  return null;
}

/** npm-specific facts beyond PackageSignals. */
export interface NpmVersionSignals extends PackageSignals {
  /** The account that published this version (`_npmUser.name`). */
  publishedBy: Signal<string>;
}

/**
 * Signals of one version from its packument. Anything the document does not
 * show (an abbreviated packument has no times, a mirror may strip
 * maintainers, `_npmUser` or attestations) is `{ known: false }`, never a
 * default.
 */
export function npmVersionSignals(packument: NpmPackument, version: string, options: { clock: Clock }): NpmVersionSignals {
  const manifest = packument.versions[version];
  const now = options.clock.now().getTime();
  const full = isFullPackument(packument);
  const noTimes = full ? 'the packument has no time for this version' : 'abbreviated packument: publish times need the full packument';

  const publishedAt = packument.time?.[version];
  const publishedMs = publishedAt ? Date.parse(publishedAt) : Number.NaN;
  const releaseTimes = Object.keys(packument.versions)
    .map((entry) => Date.parse(packument.time?.[entry] ?? ''))
    .filter((time) => Number.isFinite(time) && time <= now);

  const signals: NpmVersionSignals = {
    releasedAt: Number.isFinite(publishedMs) ? known(publishedAt!) : unknown(noTimes),
    ageDays: Number.isFinite(publishedMs) ? known(Math.floor((now - publishedMs) / DAY_MS)) : unknown(noTimes),
    releasesLastYear: full ? known(releaseTimes.filter((time) => now - time <= 365 * DAY_MS).length) : unknown(noTimes),
    daysSinceLastRelease:
      releaseTimes.length > 0 ? known(Math.floor((now - releaseTimes.reduce((latest, time) => (time > latest ? time : latest))) / DAY_MS)) : unknown(noTimes),
    publishedBy: unknown('version not in the packument'),
  };
  if (!manifest) {
    const missing = 'version not in the packument';
    return { ...signals, deprecated: unknown(missing), installScripts: unknown(missing), provenance: unknown(missing) };
  }

  signals.deprecated = known(typeof manifest.deprecated === 'string' && manifest.deprecated !== '' ? manifest.deprecated : false);
  signals.installScripts = installScriptsSignal(packument, manifest);
  signals.provenance = provenanceSignal(packument, manifest);

  const previous = previousVersion(packument, version);
  if (previous === null) {
    signals.provenanceDropped = known(false);
  } else {
    const before = provenanceSignal(packument, packument.versions[previous]);
    signals.provenanceDropped =
      before.known && signals.provenance.known
        ? known(before.value && !signals.provenance.value)
        : unknown('provenance of this or the previous version is unknown');
  }

  const maintainers = manifest.maintainers ?? packument.maintainers;
  signals.maintainers = maintainers ? known(maintainers.length) : unknown('the packument lists no maintainers (abbreviated, or stripped by a mirror)');

  const license = manifest.license ?? packument.license;
  signals.license = license ? known(license) : unknown(full ? 'no license field' : 'abbreviated packument: licence needs the full packument');

  const repositoryField = repositoryText(manifest.repository ?? packument.repository);
  // npm's `owner/repo` shorthand means GitHub, as npm itself reads it.
  const repository = repositoryField === null ? null : normalizeRepositoryUrl(repositoryField, { allowShorthand: true });
  signals.repository = repository
    ? known({ url: repository, confidence: 'claimed' as const })
    : unknown(
        repositoryField !== null
          ? 'the repository field names no repository on a known code host'
          : full
            ? 'no repository field'
            : 'abbreviated packument: repository needs the full packument',
      );

  const publisher = personName(manifest._npmUser);
  signals.publishedBy = publisher ? known(publisher) : unknown('no _npmUser (abbreviated, or stripped by a mirror)');
  return signals;
}
