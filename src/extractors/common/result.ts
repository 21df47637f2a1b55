import { ChainwatchError } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import type { ExtractedPackage, ExtractResult } from '../types.js';

/** Adds a package; one without a version cannot be matched, so it is also listed as not scannable. */
export function addPackage(result: ExtractResult, extracted: ExtractedPackage, reasonIfUnversioned: string): void {
  result.packages.push(extracted);
  if (extracted.version === null) {
    result.notScannable.push({ name: extracted.name, reason: reasonIfUnversioned, location: extracted.location });
  }
}

/** An entry the format's schema refused: a located `parse-error` naming the first problem (`entry "x" is invalid: version ...`). */
export function invalidEntry(subject: string, location: Location, issues: readonly { path: readonly PropertyKey[]; message: string }[]): ChainwatchError {
  const issue = issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  return new ChainwatchError('parse-error', `${subject} is invalid: ${field} ${issue?.message ?? ''}`.trim(), { location });
}
