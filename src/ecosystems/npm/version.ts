import semver from 'semver';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { Version, VersionRange, VersionScheme } from '../types.js';

/**
 * npm versions are SemVer 2.0 as the `semver` package (the one npm itself
 * uses) parses them in strict mode:
 * - a leading `v` is accepted and surrounding whitespace is trimmed, because
 *   strict semver does both (`v1.2.3` = `1.2.3`);
 * - loose forms (`=1.2.3`, `1.2.3beta`, `01.2.3`) are rejected: the registry
 *   only holds versions that pass strict parsing;
 * - build metadata (`+build`) is kept in the text but ignored in ordering, so
 *   `1.2.3+a` and `1.2.3+b` compare equal.
 */
export class NpmVersion implements Version {
  readonly text: string;
  readonly semver: semver.SemVer;

  constructor(text: string, parsed: semver.SemVer) {
    this.text = text;
    this.semver = parsed;
  }

  get isPrerelease(): boolean {
    return this.semver.prerelease.length > 0;
  }

  compare(other: Version): number {
    return this.semver.compare(asNpmVersion(other).semver);
  }
}

function asNpmVersion(version: Version): NpmVersion {
  if (version instanceof NpmVersion) return version;
  // Comparing versions of two schemes is a programming error, not bad input.
  throw new TypeError(`cannot compare an npm version with ${version.constructor.name} "${version.text}"`);
}

export function parseNpmVersion(text: string): Result<NpmVersion> {
  try {
    return ok(new NpmVersion(text, new semver.SemVer(text, { loose: false })));
  } catch (cause) {
    return fail(new ChainwatchError('invalid-version', `"${text}" is not a valid npm (SemVer 2.0) version`, { cause }));
  }
}

/**
 * An npm range (`^1.2.3`, `~1.2`, `1.x || >=2.0.0 <3`, `1.2.3 - 2.3.4`),
 * parsed once with semver's strict grammar.
 *
 * Pre-releases follow npm exactly (semver's default, not `includePrerelease`):
 * `1.3.0-beta.1` satisfies `>=1.3.0-alpha <2` because a comparator with the
 * same [major, minor, patch] carries a pre-release, but it does not satisfy
 * `^1.2.0`.
 */
export class NpmRange implements VersionRange {
  readonly text: string;
  readonly range: semver.Range;

  constructor(text: string, range: semver.Range) {
    this.text = text;
    this.range = range;
  }

  contains(version: Version): boolean {
    return this.range.test(asNpmVersion(version).semver);
  }
}

export function parseNpmRange(text: string): Result<NpmRange> {
  try {
    return ok(new NpmRange(text, new semver.Range(text, { loose: false, includePrerelease: false })));
  } catch (cause) {
    return fail(new ChainwatchError('invalid-range', `"${text}" is not a valid npm version range`, { cause }));
  }
}

export const npmScheme: VersionScheme<NpmVersion> = {
  ecosystem: 'npm',
  parse: parseNpmVersion,
  parseRange: parseNpmRange,
};
