import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { Version, VersionRange } from '../types.js';
import {
  asPep440Version,
  parsePep440Version,
  parseVersionInteger,
  pep440VersionFromParts,
  type Pep440Parts,
  type Pep440Version,
  type VersionInteger,
} from './pep440-version.js';

export const PEP440_OPERATORS = ['~=', '==', '!=', '<=', '>=', '<', '>', '==='] as const;
export type Pep440Operator = (typeof PEP440_OPERATORS)[number];

// One specifier as PEP 440 (and `packaging`) allow it: local versions only after
// `==`/`!=`, `.*` only after `==`/`!=` and only on a bare release, `~=` needs two
// release numbers, and `===` takes any text without whitespace, `;` or `)`.
// requirement.ts uses the same pattern to find where a specifier ends.
const EPOCH_RELEASE = String.raw`(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)*`;
const PRE = String.raw`(?:[-_.]?(?:alpha|beta|preview|pre|a|b|c|rc)[-_.]?[0-9]*)?`;
const POST = String.raw`(?:-[0-9]+|[-_.]?(?:post|rev|r)[-_.]?[0-9]*)?`;
const DEV = String.raw`(?:[-_.]?dev[-_.]?[0-9]*)?`;
const LOCAL = String.raw`(?:\+[a-z0-9]+(?:[-_.][a-z0-9]+)*)?`;
export const SPECIFIER_PATTERN = [
  String.raw`===\s*[^\s;)]*`,
  String.raw`(?:==|!=)\s*v?${EPOCH_RELEASE}(?:\.\*|${PRE}${POST}${DEV}${LOCAL})`,
  String.raw`~=\s*v?(?:[0-9]+!)?[0-9]+(?:\.[0-9]+)+${PRE}${POST}${DEV}`,
  String.raw`(?:<=|>=|<|>)\s*v?${EPOCH_RELEASE}${PRE}${POST}${DEV}`,
].join('|');

const SPECIFIER_REGEX = new RegExp(String.raw`^\s*(?:${SPECIFIER_PATTERN})\s*$`, 'i');
const OPERATOR_REGEX = /^(===|~=|==|!=|<=|>=|<|>)\s*(.*?)\s*$/s;

/**
 * One parsed specifier such as `>=1.0`, `==1.4.*` or `===foo`. Everything the
 * comparison needs (bounds such as the `1.0.dev0` of `<1.0`) is built once here.
 */
export interface Pep440Specifier {
  readonly operator: Pep440Operator;
  /** The text after the operator, as written (with `.*` when there is one). */
  readonly version: string;
  /** Whether this specifier itself lets pre-releases in (`>=1.0a1` does; `!=1.0a1` and `==1.*` do not). */
  readonly impliesPrereleases: boolean;
  /** Does this version satisfy the specifier? Pre-release policy is the set's business, not this. */
  matches(version: Pep440Version): boolean;
}

export interface SpecifierOptions {
  /**
   * Admit pre-releases (and dev releases) into matches. Left unset, a set admits
   * them only if one of its specifiers names a pre-release (`>=2.0b1`), as PEP 440
   * asks; `true` admits them (e.g. for an already-installed version), `false` never.
   */
  prereleases?: boolean;
}

function invalidRange(message: string): ChainwatchError {
  return new ChainwatchError('invalid-range', message);
}

function plusOne(value: VersionInteger): VersionInteger {
  return typeof value === 'bigint' || value >= Number.MAX_SAFE_INTEGER ? BigInt(value) + 1n : value + 1;
}

function withParts(base: Pep440Parts, change: Partial<Pep440Parts>): Pep440Version {
  return pep440VersionFromParts({ ...base, local: null, ...change });
}

/** The first version after the prefix `release` (`1.2` → `1.3.dev0`), in the given epoch. */
function nextPrefixDev0(epoch: VersionInteger, release: readonly VersionInteger[]): Pep440Version {
  const bumped = [...release.slice(0, -1), plusOne(release[release.length - 1]!)];
  return pep440VersionFromParts({ epoch, release: bumped, pre: null, post: null, dev: 0, local: null });
}

type Predicate = (candidate: Pep440Version) => boolean;

/** The comparison behind one operator, built from PEP 440's rules. */
function predicateFor(operator: Exclude<Pep440Operator, '==='>, versionText: string, wildcard: boolean): Predicate | null {
  if (wildcard) {
    // `==1.2.*` is the half-open range [1.2.dev0, 1.3.dev0): every release that
    // starts with 1.2, its pre-, post- and dev releases included.
    const match = /^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*)$/i.exec(versionText);
    if (!match) return null;
    const epoch = match[1] ? parseVersionInteger(match[1]) : 0;
    const release = match[2]!.split('.').map(parseVersionInteger);
    const lower = pep440VersionFromParts({ epoch, release, pre: null, post: null, dev: 0, local: null });
    const upper = nextPrefixDev0(epoch, release);
    const inside: Predicate = (candidate) => candidate.comparePublic(lower) >= 0 && candidate.comparePublic(upper) < 0;
    return operator === '==' ? inside : (candidate) => !inside(candidate);
  }
  const parsed = parsePep440Version(versionText);
  if (!parsed.ok) return null;
  const version = parsed.value;
  const parts = version.parts;
  switch (operator) {
    case '==':
    case '!=': {
      // Without a local segment in the specifier, a candidate's local segment is ignored.
      const equal: Predicate = parts.local
        ? (candidate) => candidate.compare(version) === 0
        : (candidate) => candidate.comparePublic(version) === 0;
      return operator === '==' ? equal : (candidate) => !equal(candidate);
    }
    case '>=':
      return (candidate) => candidate.comparePublic(version) >= 0;
    case '<=':
      return (candidate) => candidate.comparePublic(version) <= 0;
    case '<': {
      // `<1.0` must not admit 1.0's own pre-releases unless 1.0 is itself one.
      const bound = version.isPrerelease ? version : withParts(parts, { dev: 0 });
      return (candidate) => candidate.comparePublic(bound) < 0;
    }
    case '>': {
      // `>1.0` must not admit 1.0's post-releases (nor 1.0+local) unless 1.0 is itself a post-release.
      if (parts.dev !== null) {
        const bound = withParts(parts, { dev: plusOne(parts.dev) });
        return (candidate) => candidate.comparePublic(bound) >= 0;
      }
      if (parts.post !== null) {
        const bound = withParts(parts, { post: plusOne(parts.post), dev: 0 });
        return (candidate) => candidate.comparePublic(bound) >= 0;
      }
      const samePre = (candidate: Pep440Version): boolean =>
        candidate.parts.pre?.label === parts.pre?.label &&
        candidate.parts.pre?.number === parts.pre?.number &&
        candidate.hasSameRelease(version);
      return (candidate) => candidate.comparePublic(version) > 0 && !samePre(candidate);
    }
    case '~=': {
      // `~=1.4.5` is `>=1.4.5, ==1.4.*` (the pattern guarantees two release numbers).
      const upper = nextPrefixDev0(parts.epoch, parts.release.slice(0, -1));
      return (candidate) => candidate.comparePublic(version) >= 0 && candidate.comparePublic(upper) < 0;
    }
  }
}

/** Parses one specifier (`>=1.0`, `== 1.4.*`, `===foo`), without the comma-separated set around it. */
export function parsePep440Specifier(text: string): Result<Pep440Specifier> {
  const split = SPECIFIER_REGEX.test(text) ? OPERATOR_REGEX.exec(text.trim()) : null;
  if (!split) return fail(invalidRange(`not a PEP 440 version specifier: ${JSON.stringify(text)}`));
  const operator = split[1] as Pep440Operator;
  const version = split[2]!;
  if (operator === '===') {
    // Arbitrary equality compares text, case-insensitively; it names a
    // pre-release only if that text happens to be a PEP 440 pre-release.
    const wanted = version.toLowerCase();
    const asVersion = parsePep440Version(version);
    return ok({
      operator,
      version,
      impliesPrereleases: asVersion.ok && asVersion.value.isPrerelease,
      matches: (candidate) => candidate.text.toLowerCase() === wanted,
    });
  }
  const wildcard = version.endsWith('.*');
  const predicate = predicateFor(operator, wildcard ? version.slice(0, -2) : version, wildcard);
  if (!predicate) return fail(invalidRange(`not a PEP 440 version specifier: ${JSON.stringify(text)}`));
  const named = wildcard ? null : parsePep440Version(version);
  return ok({
    operator,
    version,
    impliesPrereleases: operator !== '!=' && named !== null && named.ok && named.value.isPrerelease,
    matches: (candidate) => !candidate.isLegacy && predicate(candidate),
  });
}

/**
 * A PEP 440 specifier set (`>=1.0,<2,!=1.3.*`): every specifier must match.
 * An empty set matches every final release.
 */
export class Pep440SpecifierSet implements VersionRange {
  readonly text: string;
  readonly specifiers: readonly Pep440Specifier[];
  /** Whether pre-releases match when `contains` is not told otherwise. */
  readonly prereleases: boolean;

  constructor(text: string, specifiers: readonly Pep440Specifier[], options: SpecifierOptions = {}) {
    this.text = text;
    this.specifiers = specifiers;
    this.prereleases = options.prereleases ?? specifiers.some((specifier) => specifier.impliesPrereleases);
  }

  /**
   * Does the version satisfy every specifier? Pre-releases follow `options.prereleases`,
   * else the set's own setting. A legacy (non-PEP 440) version matches only `===`
   * specifiers and the empty set, as in `packaging`.
   */
  contains(version: Version, options: SpecifierOptions = {}): boolean {
    const candidate = asPep440Version(version);
    if (candidate.isPrerelease && !(options.prereleases ?? this.prereleases)) return false;
    for (const specifier of this.specifiers) {
      if (!specifier.matches(candidate)) return false;
    }
    return true;
  }

  toString(): string {
    return this.specifiers.map((specifier) => `${specifier.operator}${specifier.version}`).join(',');
  }
}

/** Parses a comma-separated specifier set; empty pieces are skipped, as `packaging` does. */
export function parsePep440SpecifierSet(text: string, options: SpecifierOptions = {}): Result<Pep440SpecifierSet> {
  const specifiers: Pep440Specifier[] = [];
  for (const piece of text.split(',')) {
    if (piece.trim() === '') continue;
    const parsed = parsePep440Specifier(piece);
    if (!parsed.ok) return parsed;
    specifiers.push(parsed.value);
  }
  return ok(new Pep440SpecifierSet(text, specifiers, options));
}
