import { ChainwatchError } from '../core/errors.js';
import type { Ecosystem } from '../core/package.js';
import { getScheme } from './index.js';
import type { Version } from './types.js';

export interface InvalidVersionLine {
  /** 1-based position in the input lines. */
  line: number;
  text: string;
  error: ChainwatchError;
}

export interface SortedVersions {
  sorted: string[];
  invalid: InvalidVersionLine[];
}

/**
 * Orders versions ascending with the ecosystem's own rules. Lines are trimmed;
 * blank lines are skipped; versions that compare equal (`1.0` and `1.0.0` in
 * PyPI) keep their input order. Unparseable lines are returned, not sorted.
 * `path` names the input in the errors' locations (default `<input>`).
 */
export function sortVersions(ecosystem: Ecosystem, lines: string[], path = '<input>'): SortedVersions {
  const scheme = getScheme(ecosystem);
  const parsed: { version: Version; index: number }[] = [];
  const invalid: InvalidVersionLine[] = [];
  lines.forEach((line, index) => {
    const text = line.trim();
    if (text === '') return;
    const result = scheme.parse(text);
    if (result.ok) {
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
