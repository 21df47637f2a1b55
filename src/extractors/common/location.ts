import type { Location } from '../../core/package.js';

/** A location with a line only when one is known (`{ path, line: undefined }` would differ in deep equality). */
export function locationOf(path: string, line: number | undefined): Location {
  return line === undefined ? { path } : { path, line };
}
