import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { Version, VersionRange, VersionScheme } from '../types.js';

/**
 * Debian package versions, `[epoch:]upstream[-revision]`, ordered as dpkg
 * orders them. Hand-written: no maintained JavaScript implementation of
 * dpkg's algorithm exists (see readme.md).
 */
export class DebianVersion implements Version {
  readonly text: string;
  readonly epoch: number;
  readonly upstream: string;
  /** Empty when the version has no `-revision`; dpkg orders that like `-0`. */
  readonly revision: string;

  constructor(text: string, epoch: number, upstream: string, revision: string) {
    this.text = text;
    this.epoch = epoch;
    this.upstream = upstream;
    this.revision = revision;
  }

  /** Debian marks pre-releases of an upstream version with `~` (`1.0~rc1` < `1.0`). */
  get isPrerelease(): boolean {
    return this.upstream.includes('~');
  }

  compare(other: Version): number {
    const that = asDebianVersion(other);
    if (this.epoch !== that.epoch) return this.epoch < that.epoch ? -1 : 1;
    return Math.sign(compareVersionPart(this.upstream, that.upstream) || compareVersionPart(this.revision, that.revision));
  }
}

function asDebianVersion(version: Version): DebianVersion {
  if (version instanceof DebianVersion) return version;
  throw new TypeError(`cannot compare a Debian version with ${version.constructor.name} "${version.text}"`);
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

function isLetter(char: string | undefined): boolean {
  return char !== undefined && ((char >= 'a' && char <= 'z') || (char >= 'A' && char <= 'Z'));
}

/**
 * The weight of one non-digit character: `~` before the end of the string,
 * the end before letters, letters before every other character. A digit
 * (which ends the non-digit run) weighs the same as the end of the string.
 */
function characterOrder(char: string | undefined): number {
  if (char === undefined || isDigit(char)) return 0;
  if (char === '~') return -1;
  if (isLetter(char)) return char.charCodeAt(0);
  return char.charCodeAt(0) + 256;
}

/**
 * dpkg's verrevcmp: alternate runs of non-digits (compared character by
 * character with {@link characterOrder}) and runs of digits (compared as
 * numbers, here without converting them so that long runs cannot overflow).
 */
export function compareVersionPart(left: string, right: string): number {
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    while ((i < left.length && !isDigit(left[i])) || (j < right.length && !isDigit(right[j]))) {
      const leftOrder = characterOrder(left[i]);
      const rightOrder = characterOrder(right[j]);
      if (leftOrder !== rightOrder) return leftOrder - rightOrder;
      i++;
      j++;
    }
    while (left[i] === '0') i++;
    while (right[j] === '0') j++;
    let firstDifference = 0;
    while (isDigit(left[i]) && isDigit(right[j])) {
      if (firstDifference === 0) firstDifference = left.charCodeAt(i) - right.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(left[i])) return 1;
    if (isDigit(right[j])) return -1;
    if (firstDifference !== 0) return firstDifference;
  }
  return 0;
}

// The C-locale isspace() set dpkg trims and rejects inside a version.
const SPACE = /[ \t\n\v\f\r]/;
const EPOCH_MAX = 2_147_483_647;
const UPSTREAM_CHARACTERS = /^[A-Za-z0-9.+~:-]*$/;
const REVISION_CHARACTERS = /^[A-Za-z0-9.+~]*$/;

function invalid(text: string, reason: string): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('invalid-version', `"${text}" is not a valid Debian version: ${reason}`));
}

function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && SPACE.test(text[start]!)) start++;
  while (end > start && SPACE.test(text[end - 1]!)) end--;
  return text.slice(start, end);
}

/**
 * Parses like dpkg's parseversion(). dpkg has two kinds of bad syntax: errors
 * (empty parts, a bad epoch, embedded spaces), which `dpkg --compare-versions`
 * refuses, and warnings (an upstream version not starting with a digit, a
 * character outside Policy's set), which it reports and then compares anyway.
 * Both are rejected here: a version dpkg calls bad syntax is never ordered
 * silently.
 */
export function parseDebianVersion(text: string): Result<DebianVersion> {
  const trimmed = trimSpaces(text);
  if (trimmed === '') return invalid(text, 'version string is empty');
  if (SPACE.test(trimmed)) return invalid(text, 'version string has embedded spaces');

  let epoch = 0;
  let rest = trimmed;
  const colon = trimmed.indexOf(':');
  if (colon >= 0) {
    const epochText = trimmed.slice(0, colon);
    if (epochText === '' || !isDigit(epochText[0])) return invalid(text, 'epoch in version is empty');
    if (!/^[0-9]+$/.test(epochText)) return invalid(text, 'epoch in version is not number');
    epoch = Number(epochText);
    if (epoch > EPOCH_MAX) return invalid(text, 'epoch in version is too big');
    rest = trimmed.slice(colon + 1);
    if (rest === '') return invalid(text, 'nothing after colon in version number');
  }

  let upstream = rest;
  let revision = '';
  const hyphen = rest.lastIndexOf('-');
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision === '') return invalid(text, 'revision number is empty');
  }
  if (upstream === '') return invalid(text, 'version number is empty');
  if (!isDigit(upstream[0])) return invalid(text, 'version number does not start with digit');
  if (!UPSTREAM_CHARACTERS.test(upstream)) return invalid(text, 'invalid character in version number');
  if (!REVISION_CHARACTERS.test(revision)) return invalid(text, 'invalid character in revision number');

  return ok(new DebianVersion(text, epoch, upstream, revision));
}

/** The relations of Debian's control files. The obsolete `<` and `>` are not accepted. */
export const DEBIAN_RELATIONS = ['<<', '<=', '=', '>=', '>>'] as const;
export type DebianRelation = (typeof DEBIAN_RELATIONS)[number];

/** One relation, `>= 1.2-3` or `(<< 2:1.0)`, as in a Depends field. */
export class DebianRange implements VersionRange {
  readonly text: string;
  readonly relation: DebianRelation;
  readonly version: DebianVersion;

  constructor(text: string, relation: DebianRelation, version: DebianVersion) {
    this.text = text;
    this.relation = relation;
    this.version = version;
  }

  contains(version: Version): boolean {
    const order = asDebianVersion(version).compare(this.version);
    switch (this.relation) {
      case '<<':
        return order < 0;
      case '<=':
        return order <= 0;
      case '=':
        return order === 0;
      case '>=':
        return order >= 0;
      case '>>':
        return order > 0;
    }
  }
}

const RELATION_PATTERN = /^\(?[ \t]*(<<|<=|>=|>>|=|<|>)[ \t]*([^()\s]+)[ \t]*\)?$/;

export function parseDebianRange(text: string): Result<DebianRange> {
  const trimmed = trimSpaces(text);
  const match = RELATION_PATTERN.exec(trimmed);
  const opened = trimmed.startsWith('(');
  if (!match || opened !== trimmed.endsWith(')')) {
    return fail(
      new ChainwatchError('invalid-range', `"${text}" is not a Debian version relation (one of << <= = >= >> and a version)`),
    );
  }
  const relation = match[1]!;
  if (relation === '<' || relation === '>') {
    return fail(
      new ChainwatchError(
        'invalid-range',
        `"${text}" uses the obsolete relation "${relation}", which dpkg reads as "${relation}=": write "${relation}${relation}" or "${relation}=" instead`,
      ),
    );
  }
  const parsed = parseDebianVersion(match[2]!);
  if (!parsed.ok) {
    return fail(new ChainwatchError('invalid-range', `"${text}" has an invalid version: ${parsed.error.message}`, { cause: parsed.error }));
  }
  return ok(new DebianRange(text, relation as DebianRelation, parsed.value));
}

export const debianScheme: VersionScheme<DebianVersion> = {
  ecosystem: 'Debian',
  parse: parseDebianVersion,
  parseRange: parseDebianRange,
};

/** Ubuntu packages are dpkg packages: the same versions, ordered by the same algorithm. */
export const ubuntuScheme: VersionScheme<DebianVersion> = { ...debianScheme, ecosystem: 'Ubuntu' };
