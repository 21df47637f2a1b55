import type { Result } from '../../core/errors.js';
import type { VersionScheme } from '../types.js';
import { parsePypiVersion, type Pep440Version } from './pep440-version.js';
import { parsePep440SpecifierSet, type Pep440SpecifierSet } from './specifier.js';

export { Pep440Version } from './pep440-version.js';
export { Pep440SpecifierSet } from './specifier.js';

/**
 * PyPI's version scheme: PEP 440 versions (with pre-PEP 440 "legacy" versions
 * ordered before them, as OSV does) and PEP 440 specifier sets as ranges.
 */
export const pypiScheme: VersionScheme<Pep440Version> & {
  parseRange(text: string): Result<Pep440SpecifierSet>;
} = {
  ecosystem: 'PyPI',
  parse: parsePypiVersion,
  parseRange: (text) => parsePep440SpecifierSet(text),
};
