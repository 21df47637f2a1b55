import { PackageURL } from 'packageurl-js';

/**
 * The ecosystems chainwatch understands, spelled as OSV spells them
 * (OSV has no conda ecosystem; we use `conda` for it). Debian advisories carry
 * a release suffix (`Debian:12`); packages keep it in `ecosystemRelease`.
 */
export const ECOSYSTEMS = ['PyPI', 'npm', 'Debian', 'conda'] as const;
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
    case 'conda':
    case 'conda-forge':
      return 'conda';
    default:
      return null;
  }
}

export interface Location {
  path: string;
  /** 1-based line, where the format allows one. */
  line?: number;
}

/**
 * The one place each ecosystem's name rule lives.
 * PyPI: PEP 503 (`Jupyter_Core`, `jupyter.core`, `jupyter-core` are one package).
 * npm: names are case-sensitive (legacy names have capitals); scope kept.
 * Debian: package names are lowercase by policy; we lowercase defensively.
 * conda: channel package names are lowercase.
 */
export function normalizeName(ecosystem: Ecosystem, name: string): string {
  switch (ecosystem) {
    case 'PyPI':
      return name.trim().replace(/[-_.]+/g, '-').toLowerCase();
    case 'npm':
      return name.trim();
    case 'Debian':
    case 'conda':
      return name.trim().toLowerCase();
  }
}

const PURL_TYPE: Record<Ecosystem, string> = { PyPI: 'pypi', npm: 'npm', Debian: 'deb', conda: 'conda' };

/** Builds a purl string with the ecosystem's own identity rules. */
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
  } else if (ecosystem === 'Debian') {
    namespace = 'debian';
  }
  return new PackageURL(PURL_TYPE[ecosystem], namespace, base, version ?? undefined, qualifiers, undefined).toString();
}

export interface ParsedPurl {
  ecosystem: Ecosystem;
  name: string;
  version: string | null;
  qualifiers: Record<string, string>;
}

/** Parses a purl; returns null for types chainwatch does not handle. Throws on malformed purls. */
export function parsePurl(text: string): ParsedPurl | null {
  const purl = PackageURL.fromString(text);
  const ecosystem = (Object.keys(PURL_TYPE) as Ecosystem[]).find((e) => PURL_TYPE[e] === purl.type);
  if (!ecosystem) return null;
  const name = ecosystem === 'npm' && purl.namespace ? `${purl.namespace}/${purl.name}` : purl.name;
  return {
    ecosystem,
    name: normalizeName(ecosystem, name),
    version: purl.version ?? null,
    qualifiers: { ...(purl.qualifiers ?? {}) } as Record<string, string>,
  };
}
