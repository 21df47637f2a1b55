import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';
import { normalizeName, parsePurl, toPurl, type Ecosystem } from '../core/package.js';
import type { RootRequest } from './resolver.js';

/** The channel a conda root is looked up in when its PURL names none. */
export const DEFAULT_CONDA_CHANNEL = 'conda-forge';

/** Ecosystems the graph resolves from (Debian has no registry resolver). */
export const GRAPH_ECOSYSTEMS = ['PyPI', 'npm', 'conda'] as const satisfies readonly Ecosystem[];
export type GraphEcosystem = (typeof GRAPH_ECOSYSTEMS)[number];

function isGraphEcosystem(ecosystem: Ecosystem): ecosystem is GraphEcosystem {
  return (GRAPH_ECOSYSTEMS as readonly string[]).includes(ecosystem);
}

function invalid(message: string): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('invalid-argument', message));
}

/**
 * Reads one root: a PURL (`pkg:pypi/jupyterlab`, `pkg:npm/%40jupyterlab/services@4.4.0`,
 * `pkg:conda/jupyterlab?channel=conda-forge`), or, when `ecosystem` is given
 * (config files list names per ecosystem), a bare name with an optional
 * version: `jupyterlab`, `notebook==7.2.0`, `@jupyterlab/services@4.4.0`.
 * A root without a version means the newest release.
 */
export function parseRoot(text: string, ecosystem?: GraphEcosystem): Result<RootRequest> {
  const trimmed = text.trim();
  if (trimmed === '') return invalid('empty package');
  if (trimmed.startsWith('pkg:')) return parsePurlRoot(trimmed, ecosystem);
  if (!ecosystem) return invalid(`not a PURL: ${JSON.stringify(trimmed)} (expected e.g. pkg:pypi/jupyterlab or pkg:npm/%40jupyterlab/services@4.4.0)`);
  return parseNameRoot(trimmed, ecosystem);
}

function parsePurlRoot(text: string, expected: GraphEcosystem | undefined): Result<RootRequest> {
  let parsed;
  try {
    parsed = parsePurl(text);
  } catch (error) {
    return invalid(`malformed PURL ${JSON.stringify(text)}: ${(error as Error).message}`);
  }
  if (!parsed || !isGraphEcosystem(parsed.ecosystem)) {
    return invalid(`unsupported PURL type in ${JSON.stringify(text)} (expected pkg:pypi, pkg:npm or pkg:conda)`);
  }
  if (expected && parsed.ecosystem !== expected) {
    return invalid(`${JSON.stringify(text)} is a ${parsed.ecosystem} package, listed under ${expected}`);
  }
  return ok(makeRoot(parsed.ecosystem, parsed.name, parsed.version, parsed.qualifiers, text));
}

function parseNameRoot(text: string, ecosystem: GraphEcosystem): Result<RootRequest> {
  let name = text;
  let version: string | null = null;
  const pinned = ecosystem === 'npm' ? null : /^([^=<>!~ ]+)\s*==\s*([^=<>!~ ,;]+)$/.exec(text);
  if (pinned) {
    name = pinned[1]!;
    version = pinned[2]!;
  } else {
    // `@scope/name@1.0`: the version separator is the last `@` after the first character.
    const at = text.lastIndexOf('@');
    if (at > 0) {
      name = text.slice(0, at);
      version = text.slice(at + 1);
      if (version === '') return invalid(`empty version in ${JSON.stringify(text)}`);
    }
  }
  if (!isValidName(ecosystem, name)) return invalid(`not a ${ecosystem} package name: ${JSON.stringify(name)}`);
  const normalized = normalizeName(ecosystem, name);
  const qualifiers: Record<string, string> = ecosystem === 'conda' ? { channel: DEFAULT_CONDA_CHANNEL } : {};
  return ok(makeRoot(ecosystem, normalized, version, qualifiers, toPurl(ecosystem, normalized, version, qualifiers)));
}

function isValidName(ecosystem: GraphEcosystem, name: string): boolean {
  switch (ecosystem) {
    case 'PyPI':
      // PEP 508 names: letters, digits, and . _ - inside.
      return /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name);
    case 'npm':
      return /^(?:@[a-z0-9][a-z0-9._~-]*\/)?[A-Za-z0-9._~-][A-Za-z0-9._~-]*$/.test(name) && name.length <= 214;
    case 'conda':
      return /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/.test(name);
  }
}

function makeRoot(ecosystem: GraphEcosystem, name: string, version: string | null, qualifiers: Record<string, string>, purl: string): RootRequest {
  const withChannel = ecosystem === 'conda' && !qualifiers.channel ? { ...qualifiers, channel: DEFAULT_CONDA_CHANNEL } : qualifiers;
  return { ecosystem, name, version, qualifiers: withChannel, purl };
}

/** Two roots naming the same package and version are one. */
export function uniqueRoots(roots: readonly RootRequest[]): RootRequest[] {
  const seen = new Set<string>();
  return roots.filter((root) => {
    const key = `${root.ecosystem}\u0000${root.name}\u0000${root.version ?? ''}\u0000${root.qualifiers.channel ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
