import { createRequire } from 'node:module';
import type { PackageURL as PackageUrlClass } from 'packageurl-js';

/**
 * The ecosystems chainwatch understands, spelled as OSV spells them
 * (OSV has no conda ecosystem; we use `conda` for it). Debian and Ubuntu
 * advisories carry a release suffix (`Debian:12`, `Ubuntu:24.04:LTS`);
 * packages keep the release apart, in `ecosystemRelease` (`12`, `24.04`).
 */
export const ECOSYSTEMS = ['PyPI', 'npm', 'Debian', 'Ubuntu', 'conda'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

export function isEcosystem(value: string): value is Ecosystem {
  return (ECOSYSTEMS as readonly string[]).includes(value);
}

/** Accepts OSV spellings (`Debian:12`, `PyPI`) and common lowercase aliases. */
export function parseEcosystem(value: string): Ecosystem | null {
  const base = value.split(':')[0]!.trim().toLowerCase();
  switch (base) {
    case 'pypi':
    case 'python':
    case 'pip':
      return 'PyPI';
    case 'npm':
    case 'node':
    case 'javascript':
      return 'npm';
    case 'debian':
    case 'deb':
    case 'dpkg':
      return 'Debian';
    case 'ubuntu':
      return 'Ubuntu';
    case 'conda':
    case 'conda-forge':
      return 'conda';
    default:
      return null;
  }
}

/**
 * An OSV ecosystem string taken apart (OSV schema, "ecosystem" and its
 * ecosystems list): `Debian:12` → Debian, release `12`; `Ubuntu:24.04:LTS` →
 * Ubuntu, release `24.04` (`:LTS` is a mandatory marker of LTS releases, not
 * another release); `Ubuntu:Pro:24.04:LTS` → Ubuntu, release `24.04`, lineage
 * `Pro` (fixes that landed in Ubuntu Pro / ESM, not in the release's own
 * archive); `PyPI` → no release. `base` is the text before the first colon,
 * whatever it is (unknown ecosystems are kept as spelled).
 */
export interface OsvEcosystemParts {
  base: string;
  release: string | null;
  /** Every segment that is neither the release nor `LTS` (`Pro`, `Pro:FIPS`...), joined by `:`; null when none. */
  lineage: string | null;
}

/** A numbered release segment: `12`, `24.04`, `3.1` (a named Debian series, `sid`, is taken when it is the only segment). */
const RELEASE_SEGMENT = /^\d+(?:\.\d+)*$/;

export function parseOsvEcosystem(value: string): OsvEcosystemParts {
  const segments = value.split(':').map((segment) => segment.trim());
  const base = segments[0]!;
  const rest = segments.slice(1).filter((segment) => segment !== '');
  if (rest.length === 0) return { base, release: null, lineage: null };
  const releaseIndex = rest.findIndex((segment) => RELEASE_SEGMENT.test(segment));
  // `Debian:sid`: a series named, not numbered (distro-info-data's series column). Ubuntu's are always YY.MM.
  const index = releaseIndex === -1 && rest.length === 1 && base !== 'Ubuntu' ? 0 : releaseIndex;
  const release = index === -1 ? null : rest[index]!;
  const lineage = rest.filter((segment, at) => at !== index && segment.toUpperCase() !== 'LTS');
  return { base, release, lineage: lineage.length > 0 ? lineage.join(':') : null };
}

export interface Location {
  path: string;
  /** 1-based line, where the format allows one. */
  line?: number;
  /** The container image layer the file came from (0 is the base layer), when the file was read from an image. */
  layer?: number;
}

/**
 * The one place each ecosystem's name rule lives.
 * PyPI: PEP 503 (`Jupyter_Core`, `jupyter.core`, `jupyter-core` are one package).
 * npm: names are case-sensitive (legacy names have capitals); scope kept.
 * Debian, Ubuntu: package names are lowercase by policy; we lowercase defensively.
 * conda: channel package names are lowercase.
 */
export function normalizeName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return name.trim().replace(/[-_.]+/g, '-').toLowerCase();
    case 'npm':
      return name.trim();
    case 'Debian':
    case 'Ubuntu':
    case 'conda':
      return name.trim().toLowerCase();
  }
}

const PURL_TYPE: Record<Ecosystem, string> = { PyPI: 'pypi', npm: 'npm', Debian: 'deb', Ubuntu: 'deb', conda: 'conda' };

/** The purl namespace of each distribution sharing the `deb` type (purl spec: the namespace is the distribution). */
const DEB_NAMESPACE: Partial<Record<Ecosystem, string>> = { Debian: 'debian', Ubuntu: 'ubuntu' };

let packageUrl: typeof PackageUrlClass | undefined;

/**
 * packageurl-js, required on first use: loading it builds an `Intl.Collator`,
 * the largest single cost of `chainwatch` starting (issue 12), and purls are
 * written without it (below); it parses purls and judges the odd ones.
 */
function PackageURL(): typeof PackageUrlClass {
  packageUrl ??= (createRequire(import.meta.url)('packageurl-js') as { PackageURL: typeof PackageUrlClass }).PackageURL;
  return packageUrl;
}

/** packageurl-js's rule for qualifier keys (after lowercasing): ASCII letters, digits, `.`, `-`, `_`, not starting with a digit. */
const QUALIFIER_KEY = /^[A-Za-z._-][A-Za-z0-9._-]*$/;

/**
 * Builds a purl string with the ecosystem's own identity rules: what
 * packageurl-js's `new PackageURL(…).toString()` writes for these four types
 * (pypi, npm, deb: name and namespace lowercased, pypi's `_` as `-`; conda as
 * given), written here for the names, versions and qualifiers it accepts as
 * they are; anything it would refuse or reshape (an empty name, a qualifier
 * key it refuses or two that differ only in case) goes to packageurl-js
 * itself, so errors are its own. package.test.ts compares both on arbitrary input.
 */
export function toPurl(
  ecosystem: Ecosystem,
  name: string,
  version?: string | null,
  qualifiers?: Record<string, string>,
): string {
  let namespace: string | undefined;
  let base = normalizeName(ecosystem, name);
  if (ecosystem === 'npm' && base.startsWith('@') && base.includes('/')) {
    const slash = base.indexOf('/');
    namespace = base.slice(0, slash);
    base = base.slice(slash + 1);
  } else if (DEB_NAMESPACE[ecosystem] !== undefined) {
    namespace = DEB_NAMESPACE[ecosystem];
  }
  const written = writePurl(PURL_TYPE[ecosystem], namespace, base, version ?? undefined, qualifiers);
  return written ?? new (PackageURL())(PURL_TYPE[ecosystem], namespace, base, version ?? undefined, qualifiers, undefined).toString();
}

/** packageurl-js's normalisation and encoding for these types, or null for input it would refuse or reshape. */
function writePurl(type: string, namespace: string | undefined, rawName: string, rawVersion: string | undefined, rawQualifiers: Record<string, string> | undefined): string | null {
  let name = rawName.trim();
  if (name === '' || (namespace !== undefined && (namespace === '' || namespace.includes('/')))) return null;
  // Qualifiers are checked before anything is encoded, as packageurl-js checks them in its constructor.
  const qualifiers: [string, string][] = [];
  if (rawQualifiers !== undefined) {
    const keys = new Set<string>();
    for (const [key, value] of Object.entries(rawQualifiers)) {
      const trimmed = String(value).trim();
      if (trimmed === '') continue;
      const lower = key.toLowerCase();
      if (!QUALIFIER_KEY.test(lower) || keys.has(lower)) return null;
      keys.add(lower);
      qualifiers.push([lower, trimmed]);
    }
  }
  const lowered = type !== 'conda';
  if (lowered) name = name.toLowerCase();
  if (type === 'pypi') name = name.replaceAll('_', '-');
  let purl = `pkg:${type}/`;
  if (namespace !== undefined) purl += `${encodeURIComponent(lowered ? namespace.toLowerCase() : namespace).replace(/%3A/g, ':').replace(/%2F/g, '/')}/`;
  purl += encodeURIComponent(name);
  const version = rawVersion?.trim();
  if (version) purl += `@${encodeURIComponent(version).replace(/%3A/g, ':').replace(/%2B/g, '+')}`;
  if (qualifiers.length > 0) {
    qualifiers.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    purl += `?${new URLSearchParams(qualifiers).toString().replace(/\+/g, '%20')}`;
  }
  return purl;
}

export interface ParsedPurl {
  ecosystem: Ecosystem;
  name: string;
  version: string | null;
  qualifiers: Record<string, string>;
}

/**
 * Parses a purl; returns null for types chainwatch does not handle. Throws on
 * malformed purls. A `deb` purl in the `ubuntu` namespace is Ubuntu; any other
 * `deb` purl is Debian (its namespace is left for the caller to judge).
 */
export function parsePurl(text: string): ParsedPurl | null {
  const purl = PackageURL().fromString(text);
  let ecosystem = (Object.keys(PURL_TYPE) as Ecosystem[]).find((e) => PURL_TYPE[e] === purl.type);
  if (!ecosystem) return null;
  if (ecosystem === 'Debian' && purl.namespace?.toLowerCase() === DEB_NAMESPACE.Ubuntu) ecosystem = 'Ubuntu';
  const name = ecosystem === 'npm' && purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
  return {
    ecosystem,
    name: normalizeName(ecosystem, name),
    version: purl.version ?? null,
    qualifiers: { ...(purl.qualifiers ?? {}) } as Record<string, string>,
  };
}
