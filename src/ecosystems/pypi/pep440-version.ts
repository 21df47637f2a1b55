import { VERSION_PATTERN } from '@renovatebot/pep440/lib/version.js';
import { compareText } from '../../core/compare.js';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { Version } from '../types.js';
import { legacySortKey } from './legacy-version.js';

/**
 * A whole number from a version. Python's integers have no limit, so segments
 * above 2^53 are kept as bigint to compare exactly; `<` and `>` work across
 * number and bigint.
 */
export type VersionInteger = number | bigint;

export type PreReleaseLabel = 'a' | 'b' | 'rc';

/** The parts of a PEP 440 version, normalised (`alpha` → `a`, `rev` → `post`, local lower-cased). */
export interface Pep440Parts {
  readonly epoch: VersionInteger;
  readonly release: readonly VersionInteger[];
  readonly pre: { readonly label: PreReleaseLabel; readonly number: VersionInteger } | null;
  readonly post: VersionInteger | null;
  readonly dev: VersionInteger | null;
  /** Local segments split on `.`, `-`, `_`: all-digit segments as numbers, the rest lower-case strings. */
  readonly local: readonly (VersionInteger | string)[] | null;
}

// The grammar is the one PEP 440 (appendix B) and `packaging` publish; the library's own
// `parse` is not used because it converts with Number(): segments above 2^53 lose
// precision and local segments such as `1e3` or `0x10` become numbers.
const VERSION_REGEX = new RegExp(`^\\s*${VERSION_PATTERN}\\s*$`, 'i');

const PRE_LABELS: Record<string, PreReleaseLabel> = {
  a: 'a',
  alpha: 'a',
  b: 'b',
  beta: 'b',
  c: 'rc',
  rc: 'rc',
  pre: 'rc',
  preview: 'rc',
};

const PRE_RANK: Record<PreReleaseLabel, number> = { a: 0, b: 1, rc: 2 };
// Where a version sits among its release's pre-releases: dev-only releases sort
// before `a`, and versions with no pre-release after `rc`.
const PRE_RANK_DEV_ONLY = -1;
const PRE_RANK_NONE = 3;

export function parseVersionInteger(digits: string): VersionInteger {
  if (digits.length <= 15) return Number(digits);
  const big = BigInt(digits);
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

function compareIntegers(left: VersionInteger, right: VersionInteger): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Item by item, then the shorter sequence first (Python's tuple order). */
function compareSequences<T>(left: readonly T[], right: readonly T[], compareItems: (a: T, b: T) => number): number {
  const length = Math.min(left.length, right.length);
  for (let index = 0; index < length; index++) {
    const order = compareItems(left[index]!, right[index]!);
    if (order !== 0) return order;
  }
  return left.length === right.length ? 0 : left.length < right.length ? -1 : 1;
}

/** PEP 440: a numeric local segment sorts after an alphanumeric one. */
function compareLocalSegments(a: VersionInteger | string, b: VersionInteger | string): number {
  if (typeof a === 'string') return typeof b === 'string' ? compareText(a, b) : -1;
  return typeof b === 'string' ? 1 : compareIntegers(a, b);
}

function trimTrailingZeros(release: readonly VersionInteger[]): readonly VersionInteger[] {
  let end = release.length;
  // Zeros are always numbers: parseVersionInteger makes bigints only above 2^53.
  while (end > 0 && release[end - 1] === 0) end--;
  return end === release.length ? release : release.slice(0, end);
}

function formatParts(parts: Pep440Parts, withLocal: boolean): string {
  let text = parts.release.join('.');
  if (parts.epoch !== 0) text = `${parts.epoch}!${text}`;
  if (parts.pre) text += `${parts.pre.label}${parts.pre.number}`;
  if (parts.post !== null) text += `.post${parts.post}`;
  if (parts.dev !== null) text += `.dev${parts.dev}`;
  if (withLocal && parts.local) text += `+${parts.local.join('.')}`;
  return text;
}

/**
 * One parsed PyPI version. Parsed once: `compare` works on the stored parts and
 * never looks at text again. Legacy (pre-PEP 440) versions, which only
 * `parsePypiVersion` accepts, sort before every PEP 440 version.
 */
export class Pep440Version implements Version {
  readonly text: string;
  readonly parts: Pep440Parts;
  /** True for a pre-PEP 440 string kept only to be ordered (setuptools' old rules). */
  readonly isLegacy: boolean;
  /** -1 for legacy versions, as `packaging` gave them. */
  readonly epoch: number;
  /** Release numbers as given (trailing zeros kept); a segment above 2^53 is rounded here, never in `compare`. Empty for legacy versions. */
  readonly release: readonly number[];
  readonly isPrerelease: boolean;
  readonly isDevRelease: boolean;
  readonly isPostRelease: boolean;
  /** The normalised form, e.g. `1.0.0-ALPHA.1` → `1.0.0a1`; a legacy version's trimmed text. */
  readonly normalized: string;
  /** The normalised form without its local segment. */
  readonly public: string;
  /** The local segment, normalised (`+Ubuntu-1` → `ubuntu.1`), or null. */
  readonly local: string | null;

  // The comparison key, built once (the same order as packaging's `_cmpkey`).
  readonly #trimmedRelease: readonly VersionInteger[];
  readonly #preRank: number;
  readonly #preNumber: VersionInteger;
  readonly #postNumber: VersionInteger;
  readonly #devNumber: VersionInteger;
  readonly #legacyKey: readonly string[] | null;

  constructor(text: string, parts: Pep440Parts, legacyKey: readonly string[] | null = null) {
    this.text = text;
    this.parts = parts;
    this.#legacyKey = legacyKey;
    this.isLegacy = legacyKey !== null;
    this.epoch = legacyKey ? -1 : Number(parts.epoch);
    this.release = legacyKey ? [] : parts.release.map(Number);
    this.isDevRelease = parts.dev !== null;
    this.isPrerelease = parts.dev !== null || parts.pre !== null;
    this.isPostRelease = parts.post !== null;
    this.normalized = legacyKey ? text.trim() : formatParts(parts, true);
    this.public = legacyKey ? this.normalized : formatParts(parts, false);
    this.local = parts.local ? parts.local.join('.') : null;

    this.#trimmedRelease = trimTrailingZeros(parts.release);
    if (parts.pre) {
      this.#preRank = PRE_RANK[parts.pre.label];
      this.#preNumber = parts.pre.number;
    } else {
      this.#preRank = parts.post === null && parts.dev !== null ? PRE_RANK_DEV_ONLY : PRE_RANK_NONE;
      this.#preNumber = 0;
    }
    // Missing post sorts first, missing dev sorts last: -1 and +Infinity do that
    // without extra flags (real numbers are never negative).
    this.#postNumber = parts.post ?? -1;
    this.#devNumber = parts.dev ?? Number.POSITIVE_INFINITY;
  }

  /** -1, 0 or 1 by PEP 440 order (`1.0 == 1.0.0`; a local version sorts after its public one). */
  compare(other: Version): number {
    const that = asPep440Version(other);
    const order = this.comparePublic(that);
    if (order !== 0) return order;
    const mine = this.parts.local;
    const theirs = that.parts.local;
    if (!mine || !theirs) return mine ? 1 : theirs ? -1 : 0;
    return compareSequences(mine, theirs, compareLocalSegments);
  }

  /** Like `compare`, ignoring both local segments (what `==1.0` and `<=1.0` look at). */
  comparePublic(other: Pep440Version): number {
    const mineLegacy = this.#legacyKey;
    const theirLegacy = other.#legacyKey;
    if (mineLegacy || theirLegacy) {
      if (mineLegacy && theirLegacy) return compareSequences(mineLegacy, theirLegacy, compareText);
      return mineLegacy ? -1 : 1;
    }
    return (
      compareIntegers(this.parts.epoch, other.parts.epoch) ||
      compareSequences(this.#trimmedRelease, other.#trimmedRelease, compareIntegers) ||
      Math.sign(this.#preRank - other.#preRank) ||
      compareIntegers(this.#preNumber, other.#preNumber) ||
      compareIntegers(this.#postNumber, other.#postNumber) ||
      compareIntegers(this.#devNumber, other.#devNumber)
    );
  }

  /** Same epoch and release, trailing zeros ignored (`1.0` and `1.0.0`). */
  hasSameRelease(other: Pep440Version): boolean {
    return (
      !this.isLegacy &&
      !other.isLegacy &&
      compareIntegers(this.parts.epoch, other.parts.epoch) === 0 &&
      compareSequences(this.#trimmedRelease, other.#trimmedRelease, compareIntegers) === 0
    );
  }

  equals(other: Version): boolean {
    return this.compare(other) === 0;
  }

  toString(): string {
    return this.normalized;
  }
}

export function asPep440Version(version: Version): Pep440Version {
  if (version instanceof Pep440Version) return version;
  // A version of another scheme reaching PyPI code is a programming error, not bad input.
  throw new TypeError(`not a PyPI version: ${version.text}`);
}

/** Builds a version from parts (no text to parse), e.g. the `1.0.dev0` bound of `<1.0`. */
export function pep440VersionFromParts(parts: Pep440Parts): Pep440Version {
  return new Pep440Version(formatParts(parts, true), parts);
}

function invalidVersion(text: string): ChainwatchError {
  return new ChainwatchError('invalid-version', `not a PEP 440 version: ${JSON.stringify(text)}`);
}

function letterNumber(digits: string | undefined): VersionInteger {
  return digits ? parseVersionInteger(digits) : 0;
}

/** A final release and nothing else (`4.2.1`): most versions on an index, read without the full pattern. */
const PLAIN_RELEASE = /^[0-9]+(?:\.[0-9]+)*$/;

/** Strict PEP 440: anything the `packaging` library rejects is an `invalid-version` error. */
export function parsePep440Version(text: string): Result<Pep440Version> {
  // The same parts the full pattern gives such a text (no epoch, pre, post, dev or local segment).
  if (PLAIN_RELEASE.test(text)) return ok(new Pep440Version(text, { epoch: 0, release: text.split('.').map(parseVersionInteger), pre: null, post: null, dev: null, local: null }));
  const groups = VERSION_REGEX.exec(text)?.groups;
  if (!groups) return fail(invalidVersion(text));
  const preLabel = groups['pre_l'];
  const postDigits = groups['post_n1'] ?? groups['post_n2'];
  const localText = groups['local'];
  const parts: Pep440Parts = {
    epoch: letterNumber(groups['epoch']),
    release: groups['release']!.split('.').map(parseVersionInteger),
    pre: preLabel ? { label: PRE_LABELS[preLabel.toLowerCase()]!, number: letterNumber(groups['pre_n']) } : null,
    post: groups['post_l'] || postDigits ? letterNumber(postDigits) : null,
    dev: groups['dev_l'] ? letterNumber(groups['dev_n']) : null,
    local: localText
      ? localText
          .toLowerCase()
          .split(/[._-]/)
          .map((segment) => (/^[0-9]+$/.test(segment) ? parseVersionInteger(segment) : segment))
      : null,
  };
  return ok(new Pep440Version(text, parts));
}

const NO_PARTS: Pep440Parts = { epoch: 0, release: [], pre: null, post: null, dev: null, local: null };

// Legacy strings are kept only if they could plausibly be a version: printable ASCII,
// no inner whitespace, at least one letter or digit. Anything else is an error.
const LEGACY_VERSION = /^[!-~]*[A-Za-z0-9][!-~]*$/;

/**
 * PyPI's ordering as OSV applies it: PEP 440 where the text is valid, otherwise
 * a legacy version (setuptools' pre-PEP 440 rules) that sorts before every PEP 440
 * version and matches no specifier except `===`. Old releases on the index and
 * in advisories still carry such versions (`0.3m1`, `0.9-doduo`).
 */
export function parsePypiVersion(text: string): Result<Pep440Version> {
  const strict = parsePep440Version(text);
  if (strict.ok) return strict;
  const trimmed = text.trim();
  if (!LEGACY_VERSION.test(trimmed)) return strict;
  return ok(new Pep440Version(text, NO_PARTS, legacySortKey(trimmed)));
}
