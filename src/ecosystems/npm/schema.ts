import { z } from 'zod';

/**
 * zod schemas of the npm registry's packument (the document at
 * `<registry>/<escaped name>`), in both forms the registry serves:
 *   - abbreviated ("corgi", `Accept: application/vnd.npm.install-v1+json`):
 *     what resolution needs — versions with their dependency maps, dist,
 *     engines, os/cpu, deprecated, hasInstallScript — and `dist-tags`;
 *   - full (`Accept: application/json`): adds `time`, `maintainers`,
 *     `repository`, per-version `scripts`, `_npmUser`, `license`...
 *
 * Only the fields chainwatch reads are declared and kept (unknown fields such
 * as readmes are stripped, so a cached packument stays small). Tolerance:
 *   - a version entry that does not parse is dropped, the packument survives
 *     (one broken old publish must not hide the package);
 *   - a dependency map entry whose spec is not a string is dropped;
 *   - a wrong-typed optional field becomes absent, never a default value: a
 *     mirror that strips or mangles `maintainers`, `_npmUser` or
 *     `dist.attestations` yields an unknown signal, not `false` or `0`.
 */

/** The lifecycle scripts `npm install` runs for a dependency. */
export const INSTALL_SCRIPTS = ['preinstall', 'install', 'postinstall'] as const;

const Text = z.string().optional().catch(undefined);
const Flag = z.boolean().optional().catch(undefined);

/**
 * A map of strings (`{ name: spec }` dependency maps; `time`: `{ created,
 * modified, <version>: ISO date }`): non-string entries are dropped, a
 * non-object map is absent.
 */
const StringMap = z
  .record(z.string(), z.unknown())
  .optional()
  .catch(undefined)
  .transform((map): Record<string, string> | undefined => {
    if (!map) return undefined;
    const kept: Record<string, string> = {};
    for (const [name, spec] of Object.entries(map)) if (typeof spec === 'string') kept[name] = spec;
    return kept;
  });

/** `os`, `cpu`, `libc`: a list of strings, or one string (older publishes). */
const PlatformList = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .catch(undefined)
  .transform((value) => (typeof value === 'string' ? [value] : value));

const PeerDependenciesMeta = z
  .record(z.string(), z.unknown())
  .optional()
  .catch(undefined)
  .transform((map): Record<string, { optional: boolean }> | undefined => {
    if (!map) return undefined;
    const kept: Record<string, { optional: boolean }> = {};
    for (const [name, meta] of Object.entries(map)) {
      kept[name] = { optional: typeof meta === 'object' && meta !== null && (meta as { optional?: unknown }).optional === true };
    }
    return kept;
  });

/** `bundleDependencies` (or the `bundledDependencies` spelling): `true` means all dependencies. */
const BundleList = z
  .union([z.array(z.string()), z.boolean(), z.record(z.string(), z.unknown())])
  .optional()
  .catch(undefined);

/** `repository`: a string shorthand or `{ type, url, directory }`. */
export const NpmRepository = z
  .union([z.string(), z.looseObject({ type: Text, url: Text, directory: Text })])
  .optional()
  .catch(undefined);
export type NpmRepository = z.infer<typeof NpmRepository>;

/** `license`: SPDX text, or the legacy `{ type }` object. */
const License = z
  .union([z.string(), z.looseObject({ type: z.string() })])
  .optional()
  .catch(undefined)
  .transform((value) => (typeof value === 'string' ? value : value?.type));

const Person = z.union([z.string(), z.looseObject({ name: Text, email: Text })]);

/** A list of people whose bad entries are dropped; not a list at all means absent (unknown). */
const PeopleList = z
  .array(z.unknown())
  .optional()
  .catch(undefined)
  .transform((list) => list?.filter((entry) => Person.safeParse(entry).success));

export const NpmDist = z.object({
  tarball: Text,
  integrity: Text,
  shasum: Text,
  /** Present when the version was published with provenance / attestations. */
  attestations: z
    .looseObject({ url: Text, provenance: z.looseObject({ predicateType: Text }).optional().catch(undefined) })
    .optional()
    .catch(undefined),
  /** Registry ECDSA signatures over `name@version:integrity`: marks a document as the registry's own. */
  signatures: z.array(z.unknown()).optional().catch(undefined),
});
export type NpmDist = z.infer<typeof NpmDist>;

/** One entry of `versions`: a manifest as the registry stores it. */
export const NpmManifest = z.object({
  name: z.string(),
  version: z.string(),
  dependencies: StringMap,
  optionalDependencies: StringMap,
  peerDependencies: StringMap,
  peerDependenciesMeta: PeerDependenciesMeta,
  bundleDependencies: BundleList,
  bundledDependencies: BundleList,
  engines: z.record(z.string(), z.unknown()).optional().catch(undefined),
  os: PlatformList,
  cpu: PlatformList,
  libc: PlatformList,
  /** Deprecation message; npm treats any non-empty string as deprecated. */
  deprecated: z.union([z.string(), z.boolean()]).optional().catch(undefined),
  dist: NpmDist.optional().catch(undefined),
  /** Abbreviated packuments only: true when preinstall/install/postinstall (or a binding.gyp) exists. */
  hasInstallScript: Flag,
  _hasShrinkwrap: Flag,
  /**
   * Full packuments only: the install-time scripts (`preinstall`, `install`,
   * `postinstall`), the only ones npm runs on install; `build`, `test` and
   * the rest (a quarter of a cached packument's bytes) are not kept.
   */
  scripts: z
    .record(z.string(), z.unknown())
    .optional()
    .catch(undefined)
    .transform((map): Record<string, unknown> | undefined => {
      if (!map) return undefined;
      const kept: Record<string, unknown> = {};
      for (const name of INSTALL_SCRIPTS) if (Object.prototype.hasOwnProperty.call(map, name)) kept[name] = map[name];
      return kept;
    }),
  _npmUser: Person.optional().catch(undefined),
  maintainers: PeopleList,
  license: License,
  repository: NpmRepository,
});
export type NpmManifest = z.infer<typeof NpmManifest>;

/**
 * `versions`: a map whose unparseable entries are dropped. Only `name` and
 * `version` can make an entry fail (every other field falls back to absent),
 * so that is checked up front and the rest of each manifest is parsed when
 * first read: a resolver reads a handful of the hundreds of versions a
 * packument carries, and parsing them all dominated a warm resolution.
 */
const Versions = z
  .record(z.string(), z.unknown())
  .optional()
  .catch(undefined)
  .transform((map): Record<string, NpmManifest> => {
    const kept: Record<string, NpmManifest> = {};
    let attested = false;
    for (const [version, entry] of Object.entries(map ?? {})) {
      if (typeof entry !== 'object' || entry === null) continue;
      const { name, version: stated } = entry as { name?: unknown; version?: unknown };
      if (typeof name !== 'string' || stated !== version) continue;
      attested ||= hasRawAttestations(entry);
      let parsed: NpmManifest | undefined;
      Object.defineProperty(kept, version, {
        enumerable: true,
        configurable: true,
        get: () => (parsed ??= NpmManifest.parse(entry)),
      });
    }
    attestedVersions.set(kept, attested);
    return kept;
  });

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What NpmManifest.parse(entry).dist?.attestations would be truthy for: an object `dist` holding an object `attestations`. */
function hasRawAttestations(entry: object): boolean {
  const dist = (entry as { dist?: unknown }).dist;
  return isObject(dist) && isObject(dist.attestations);
}

/** Per parsed `versions` map: whether some version carries `dist.attestations`, found while reading it. */
const attestedVersions = new WeakMap<object, boolean>();

/**
 * Whether any version of a packument carries `dist.attestations`, without
 * parsing every manifest (a package with thousands of versions and none
 * attested would otherwise parse them all, on every run).
 */
export function someVersionHasAttestations(versions: Record<string, NpmManifest>): boolean {
  return attestedVersions.get(versions) ?? Object.values(versions).some((manifest) => Boolean(manifest?.dist?.attestations));
}

export const NpmPackument = z.object({
  name: z.string(),
  'dist-tags': z
    .record(z.string(), z.unknown())
    .optional()
    .catch(undefined)
    .transform((map): Record<string, string> => {
      const kept: Record<string, string> = {};
      for (const [tag, version] of Object.entries(map ?? {})) if (typeof version === 'string') kept[tag] = version;
      return kept;
    }),
  versions: Versions,
  /** Full packuments only (abbreviated ones carry `modified`). */
  time: StringMap,
  modified: Text,
  maintainers: PeopleList,
  repository: NpmRepository,
  license: License,
});
export type NpmPackument = z.infer<typeof NpmPackument>;
