import type { Ecosystem } from '../core/package.js';
import type { Result } from '../core/errors.js';

/**
 * A parsed version. Parse once, compare objects (STYLE rule 3): matching many
 * ranges must never re-parse strings. `compare` is only defined between
 * versions of the same scheme.
 */
export interface Version {
  /** The text exactly as it was given. */
  readonly text: string;
  /** -1, 0 or 1. */
  compare(other: Version): number;
  /** Pre-releases are excluded from "newest release" and, per scheme rules, from ranges. */
  readonly isPrerelease: boolean;
}

/** A scheme's own range syntax: PEP 440 specifiers, npm ranges, conda MatchSpec versions, Debian relations. */
export interface VersionRange {
  readonly text: string;
  contains(version: Version): boolean;
}

/**
 * Every version scheme implements this and runs the shared conformance suite
 * (src/ecosystems/conformance.test.ts).
 */
export interface VersionScheme<V extends Version = Version> {
  readonly ecosystem: Ecosystem;
  parse(text: string): Result<V>;
  parseRange(text: string): Result<VersionRange>;
}
