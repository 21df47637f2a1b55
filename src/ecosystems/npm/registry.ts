import { HostError } from '../../core/errors.js';
import type { HttpClient } from '../../http/types.js';
import { INSTALL_SCRIPTS, NpmDist, NpmManifest, NpmPackument } from './schema.js';

/**
 * The npm registry client: packuments through the shared HttpClient, from the
 * registry that npm's own configuration names for each package (scoped
 * registries, auth). It returns packuments as the registry gave them (the
 * fields schema.ts keeps); what they say about a version, as signals, is the
 * graph's (src/graph/npm/signals.ts).
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
    let trimmed: Buffer | null = null;
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
        // What the cache keeps of a fresh answer: the trimmed document (a cached one is already trimmed).
        trimmed = answer.form === TRIMMED_PACKUMENT_FORM ? null : Buffer.from(JSON.stringify(trimPackument(read.json)));
        return true;
      },
      keep: { form: TRIMMED_PACKUMENT_FORM, trim: () => trimmed },
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

type PackumentReading = { ok: true; value: NpmPackument; json: Record<string, unknown> } | { ok: false; reason: string; cause?: unknown };

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
  return parsed.success ? { ok: true, value: parsed.data, json: json as Record<string, unknown> } : { ok: false, reason: 'has no package name', cause: parsed.error };
}

/**
 * The form kept in the HTTP cache (its name and version are part of the
 * cache key: change the version when trimPackument changes).
 */
export const TRIMMED_PACKUMENT_FORM = 'npm-packument-trimmed-1';

const PACKUMENT_FIELDS = Object.keys(NpmPackument.shape);
const MANIFEST_FIELDS = Object.keys(NpmManifest.shape);
const DIST_FIELDS = Object.keys(NpmDist.shape);

/** `value`'s own fields among `fields`, as they are; anything but an object as it is. */
function pick(value: unknown, fields: readonly string[], inner?: Record<string, (value: unknown) => unknown>): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const kept: Record<string, unknown> = {};
  for (const field of fields) {
    if (!Object.prototype.hasOwnProperty.call(value, field)) continue;
    const entry = (value as Record<string, unknown>)[field];
    kept[field] = inner?.[field] ? inner[field](entry) : entry;
  }
  return kept;
}

/**
 * A packument cut down to what schema.ts reads: the top-level fields of
 * NpmPackument, per version the fields of NpmManifest, in `dist` those of
 * NpmDist, in `scripts` the install-time ones, each kept as the registry
 * wrote it. The schema's objects strip
 * every other field, so reading the trimmed document gives the very
 * packument reading the whole one gives (registry.test.ts checks it on the
 * recorded packuments), from kilobytes instead of megabytes: readmes,
 * descriptions, devDependencies, file lists and the like are gone.
 */
export function trimPackument(json: Record<string, unknown>): Record<string, unknown> {
  return pick(json, PACKUMENT_FIELDS, {
    versions: (versions) => {
      if (typeof versions !== 'object' || versions === null || Array.isArray(versions)) return versions;
      const kept: Record<string, unknown> = {};
      for (const [version, manifest] of Object.entries(versions)) {
        const trimmed = pick(manifest, MANIFEST_FIELDS, { dist: (dist) => pick(dist, DIST_FIELDS), scripts: (scripts) => pick(scripts, INSTALL_SCRIPTS) });
        // Defined, not assigned: a version named `__proto__` must stay a key.
        Object.defineProperty(kept, version, { value: trimmed, enumerable: true, writable: true, configurable: true });
      }
      return kept;
    },
  }) as Record<string, unknown>;
}

/** True when the packument carries publish times, i.e. it is the full document. */
export function isFullPackument(packument: NpmPackument): boolean {
  return packument.time !== undefined;
}
