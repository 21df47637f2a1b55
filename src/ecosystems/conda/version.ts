import type { VersionScheme } from '../types.js';
import { parseCondaVersion, type CondaVersion } from './version-order.js';
import { parseCondaRange } from './version-spec.js';

export { CondaVersion, parseCondaVersion } from './version-order.js';
export { parseMatchSpec, type CondaMatchSpec } from './match-spec.js';

/** conda versions (VersionOrder) and version specs (the version part of a MatchSpec). */
export const condaScheme: VersionScheme<CondaVersion> = {
  ecosystem: 'conda',
  parse: parseCondaVersion,
  parseRange: parseCondaRange,
};
