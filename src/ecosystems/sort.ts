import { ChainwatchError } from '../core/errors.js';
import type { Ecosystem } from '../core/package.js';
import { getScheme } from './schemes.js';
import type { Version } from './types.js';

export interface InvalidVersionLine {
  /** 1-based position in the input lines. */
  line: number;
  text: string;
  error: ChainwatchError;
}

export interface SortOptions {
  /** Names the input in the errors' locations (default `<input>`). */
  path?: string;
  /**
   * Accept versions the scheme orders only by a legacy rule (PyPI's pre-PEP 440
   * versions, which OSV and old pip still order). Off by default: a version
   * that is not valid under the ecosystem's current specification is reported,
   * not silently placed.
   */
  legacy?: boolean;
}

export interface SortedVersions {
  sorted: string[];
  invalid: InvalidVersionLine[];
}

/**
 * Orders versions ascending with the ecosystem's own rules. Lines are trimmed;
 * blank lines are skipped; versions that compare equal (`1.0` and `1.0.0` in
 * PyPI) keep their input order. Unparseable lines are returned, not sorted.
 */
export function sortVersions(ecosystem: Ecosystem, lines: string[], options: SortOptions = {}): SortedVersions {
  const path = options.path ?? '<input>';
  const scheme = getScheme(ecosystem);
  const parsed: { version: Version; index: number }[] = [];
  const invalid: InvalidVersionLine[] = [];
  lines.forEach((line, index) => {
    const text = line.trim();
    if (text === '') return;
    const result = scheme.parse(text);
    if (result.ok && isLegacy(result.value) && !options.legacy) {
      const error = new ChainwatchError('invalid-version', `"${text}" is not a valid ${ecosystem} version (only the pre-PEP 440 legacy ordering could place it; pass --legacy to accept it)`, {
        location: { path, line: index + 1 },
      });
      invalid.push({ line: index + 1, text, error });
    } else if (result.ok) {
      parsed.push({ version: result.value, index });
    } else {
      const error = new ChainwatchError(result.error.code, result.error.message, {
        location: { path, line: index + 1 },
        cause: result.error,
      });
      invalid.push({ line: index + 1, text, error });
    }
  });
  parsed.sort((left, right) => left.version.compare(right.version) || left.index - right.index);
  return { sorted: parsed.map((entry) => entry.version.text), invalid };
}

function isLegacy(version: Version): boolean {
  return (version as Version & { isLegacy?: boolean }).isLegacy === true;
}
