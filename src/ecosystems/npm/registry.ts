import semver from 'semver';
import type { Clock } from '../../core/clock.js';
import { HostError } from '../../core/errors.js';
import type { PackageSignals, Signal } from '../../graph/types.js';
import type { HttpClient } from '../../http/types.js';
import { NpmPackument, type NpmManifest, type NpmRepository } from './schema.js';

/**
 * The npm registry client: packuments through the shared HttpClient, from the
 * registry that npm's own configuration names for each package (scoped
 * registries, auth), and the per-version signals read from them.
 *
 * Two forms, as npm (pacote) asks for them:
 *   - abbreviated (the install form) when resolving without a date cut-off;
 *   - full when publish times, maintainers, repository, scripts or publishers
 *     are needed (signals, or resolution with `before`, which needs `time`).
 * A full packument, once fetched, also answers abbreviated requests.
 */

/** Where a package's packument lives, and the Authorization header value to send there, if any. */
export interface NpmRegistryEndpoint {
  url: string;
  authorization?: string;
}

/** Chooses the registry for one package name (npm/config.ts `resolveNpmRegistry` fits). */
export type NpmRegistryResolver = (packageName: string) => NpmRegistryEndpoint;

export type PackumentForm = 'abbreviated' | 'full';

export interface NpmRegistry {
  /**
   * The packument of `name`, or null when the registry has no such package
   * (404/410). The host failing raises a HostError (from the HttpClient, or
   * here for an unexpected status or a body that is not a packument).
   */
  packument(name: string, form?: PackumentForm): Promise<NpmPackument | null>;
  /** The URL a packument is read from (scoped names escaped as npm does). */
  packumentUrl(name: string): string;
}

/** The Accept header npm sends for abbreviated packuments (pacote's "corgi" document). */
export const ABBREVIATED_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';
export const FULL_ACCEPT = 'application/json';

/** `@scope/name` → `@scope%2fname`, as npm-package-arg's `escapedName`; unscoped names unchanged. */
export function escapePackageName(name: string): string {
  return name.startsWith('@') ? name.replace('/', '%2f') : name;
}

export function packumentUrlFor(registryUrl: string, name: string): string {
  return `${registryUrl.replace(/\/+$/, '')}/${escapePackageName(name)}`;
}

export function createNpmRegistry(options: {
  http: HttpClient;
  resolveRegistry: NpmRegistryResolver;
  /** Name of this source in failure lists; `npm` by default. */
  source?: string;
  /**
   * How packuments use the HTTP cache: `revalidate` (default) asks the
   * registry each time (a 304 is cheap where the registry sends validators);
   * `prefer-cache` reuses a cached packument without asking, as npm's
   * `--prefer-offline` does.
   */
  cache?: 'revalidate' | 'prefer-cache';
}): NpmRegistry {
  const { http, resolveRegistry } = options;
  const source = options.source ?? 'npm';
  const cacheMode = options.cache ?? 'revalidate';
  const cache = new Map<string, Promise<NpmPackument | null>>();

  async function fetchPackument(name: string, form: PackumentForm): Promise<NpmPackument | null> {
    const endpoint = resolveRegistry(name);
    const url = packumentUrlFor(endpoint.url, name);
    const headers: Record<string, string> = { accept: form === 'full' ? FULL_ACCEPT : ABBREVIATED_ACCEPT };
    if (endpoint.authorization) headers.authorization = endpoint.authorization;
    // Checked before the HTTP layer caches it: a captive portal's page or a cut-off document is never kept.
    let checked: NpmPackument | undefined;
    const response = await http.get({
      url,
      headers,
      source,
      cache: cacheMode,
      maxBytes: MAX_PACKUMENT_BYTES,
      validate: (answer) => {
        const read = readPackument(answer.body);
        if (!read.ok) return read.reason;
        checked = read.value;
        return true;
      },
    });
    if (response.status === 404 || response.status === 410) {
      // Like pacote: a registry without abbreviated documents may 404 them, so ask once more for the full one.
      if (form === 'abbreviated') return packument(name, 'full');
      return null;
    }
    if (response.status !== 200) {
      throw new HostError(source, `the npm registry answered ${response.status} for the packument of ${name}`, {
        status: response.status,
        retryable: false,
      });
    }
    if (checked) return checked;
    const read = readPackument(response.body);
    if (!read.ok) throw new HostError(source, `the packument of ${name} ${read.reason}`, { status: response.status, cause: read.cause });
    return read.value;
  }

  function packument(name: string, form: PackumentForm = 'abbreviated'): Promise<NpmPackument | null> {
    const full = cache.get(`full:${name}`);
    if (full) return full;
    const key = `${form}:${name}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = fetchPackument(name, form);
      cache.set(key, pending);
      // A failed request is not remembered: a later call may succeed.
      pending.catch(() => cache.delete(key));
    }
    return pending;
  }

  return { packument, packumentUrl: (name) => packumentUrlFor(resolveRegistry(name).url, name) };
}

/** Full packuments of packages with thousands of versions run to tens of megabytes; this leaves room, and a bound. */
const MAX_PACKUMENT_BYTES = 256 * 1024 * 1024;

type PackumentReading = { ok: true; value: NpmPackument } | { ok: false; reason: string; cause?: unknown };

/** A packument body as the registry client accepts it: JSON with a package name. */
function readPackument(body: Buffer): PackumentReading {
  if (/^\s*</.test(body.toString('utf8', 0, 256))) {
    return { ok: false, reason: 'answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?' };
  }
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    return { ok: false, reason: `is not JSON (${(cause as Error).message})`, cause };
  }
  const parsed = NpmPackument.safeParse(json);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: 'has no package name', cause: parsed.error };
}

const DAY_MS = 86_400_000;
const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

function known<T>(value: T): Signal<T> {
  return { known: true, value };
}

function unknown<T>(reason: string): Signal<T> {
  return { known: false, reason };
}

/** True when the packument carries publish times, i.e. it is the full document. */
export function isFullPackument(packument: NpmPackument): boolean {
  return packument.time !== undefined;
}

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
  if (Object.values(packument.versions).some(hasAttestations)) return true;
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

/** Repository text as published → `github.com/owner/repo` when it is on GitHub, else the cleaned URL. */
export function normalizeRepositoryUrl(repository: NpmRepository): string | null {
  const raw = typeof repository === 'string' ? repository : repository?.url;
  if (!raw) return null;
  const text = raw.trim();
  const shorthand = /^(?:github:)?([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(text);
  // `owner/repo` and `github:owner/repo` are npm's GitHub shorthands.
  if (shorthand) return `github.com/${shorthand[1]}/${shorthand[2]}`;
  const github = /github\.com[/:]([\w.-]+)\/([\w.-]+?)(?:\.git)?(?:[/#?].*)?$/i.exec(text);
  if (github) return `github.com/${github[1]}/${github[2]}`;
  return text.replace(/^git\+/, '').replace(/\.git$/, '');
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

  const repository = normalizeRepositoryUrl(manifest.repository ?? packument.repository);
  signals.repository = repository
    ? known({ url: repository, confidence: 'claimed' as const })
    : unknown(full ? 'no repository field' : 'abbreviated packument: repository needs the full packument');

  const publisher = personName(manifest._npmUser);
  signals.publishedBy = publisher ? known(publisher) : unknown('no _npmUser (abbreviated, or stripped by a mirror)');
  return signals;
}
