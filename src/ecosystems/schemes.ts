import type { Ecosystem } from '../core/package.js';
import { condaScheme } from './conda/version.js';
import { debianScheme, ubuntuScheme } from './debian/version.js';
import { npmScheme } from './npm/version.js';
import { pypiScheme } from './pypi/version.js';
import type { VersionScheme } from './types.js';

/**
 * Every ecosystem's version scheme, as an explicit typed map (STYLE rule 10):
 * adding an ecosystem to ECOSYSTEMS fails type checking here until its scheme
 * is listed. Version schemes need neither network nor tokens.
 */
export const versionSchemes: Record<Ecosystem, VersionScheme> = {
  PyPI: pypiScheme,
  npm: npmScheme,
  Debian: debianScheme,
  Ubuntu: ubuntuScheme,
  conda: condaScheme,
};

export function getScheme(ecosystem: Ecosystem): VersionScheme {
  return versionSchemes[ecosystem];
}
