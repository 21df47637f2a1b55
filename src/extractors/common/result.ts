import { ChainwatchError, type ErrorCode, type ErrorLocation } from '../../core/errors.js';
import type { Location } from '../../core/package.js';
import type { ExtractedPackage, ExtractResult } from '../types.js';

/** Adds a package; one without a version cannot be matched, so it is also listed as not scannable. */
export function addPackage(result: ExtractResult, extracted: ExtractedPackage, reasonIfUnversioned: string): void {
  result.packages.push(extracted);
  if (extracted.version === null) {
    result.notScannable.push({ name: extracted.name, reason: reasonIfUnversioned, location: extracted.location });
  }
}

/**
 * How many errors one file lists. A file of junk can hold millions of bad entries, and each
 * ChainwatchError carries a stack trace (10⁶ of them took 15 s and 875 MB): past this many,
 * one last error says that the rest are not listed, and no more are built.
 */
export const MAX_ERRORS_PER_FILE = 100;

/**
 * Adds an error to a file's list unless the list is full (see MAX_ERRORS_PER_FILE); the error
 * is only built when it is listed. `errors` is the file's whole list (`result.errors`).
 */
export function addError(errors: ChainwatchError[], code: ErrorCode, message: string, location: Location, cause?: unknown): void {
  if (errors.length < MAX_ERRORS_PER_FILE) {
    errors.push(new ChainwatchError(code, message, cause === undefined ? { location } : { location, cause }));
  } else if (errors.length === MAX_ERRORS_PER_FILE) {
    errors.push(overflowError(location));
  }
}

/** Adds errors made elsewhere (a parser's syntax error), within the same limit. */
export function addErrors(errors: ChainwatchError[], more: readonly ChainwatchError[]): void {
  for (const error of more) {
    if (errors.length < MAX_ERRORS_PER_FILE) errors.push(error);
    else if (errors.length === MAX_ERRORS_PER_FILE) errors.push(overflowError(error.location));
  }
}

function overflowError(location: ErrorLocation | undefined): ChainwatchError {
  const message = `more than ${MAX_ERRORS_PER_FILE} errors in this file: the rest are not listed`;
  return new ChainwatchError('parse-error', message, location === undefined ? {} : { location });
}

/** An entry the format's schema refused: a located `parse-error` naming the first problem (`entry "x" is invalid: version ...`). */
export function addInvalidEntry(
  errors: ChainwatchError[],
  subject: string,
  location: Location,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
): void {
  addError(errors, 'parse-error', invalidEntryMessage(subject, issues), location);
}

export function invalidEntryMessage(subject: string, issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  const field = issue ? issue.path.map(String).join('.') : '';
  return `${subject} is invalid: ${field} ${issue?.message ?? ''}`.trim();
}
