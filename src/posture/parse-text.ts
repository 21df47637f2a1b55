import { parse as parseJsonc, type ParseError, type ParseOptions } from 'jsonc-parser';
import type { Document } from 'yaml';
import { jsonNestingExceeds, yamlNestingExceeds } from '../core/nesting.js';

/**
 * Guards around the parsers of repository text (package.json, renovate.json,
 * dependabot.yml, waivers, `.git-facts.json`). Both libraries descend into
 * nested arrays and objects recursively: jsonc-parser exceeds the call stack
 * on a 20 KB file of `[[[[…` (10,000 levels) and takes the whole run down
 * with it. The YAML library catches that itself while parsing (the document
 * then has an error), but `toJS` recurses again.
 */

/** jsonc-parser's `ParseErrorCode.InvalidSymbol` (a const enum, which this build cannot import). */
const INVALID_SYMBOL = 1;

/** Deeper than any real configuration file, far below what exceeds the stack. */
export const MAX_NESTING = 256;

/**
 * JSON with comments, as jsonc-parser reads it, except that a text nested
 * deeper than MAX_NESTING is not parsed: it gets one error (at the bracket
 * that goes too deep) and the value is undefined.
 */
export function parseJsonLike(text: string, errors: ParseError[], options?: ParseOptions): unknown {
  const tooDeep = jsonNestingExceeds(text, MAX_NESTING);
  if (tooDeep !== null) {
    errors.push({ error: INVALID_SYMBOL, offset: tooDeep, length: 1 });
    return undefined;
  }
  try {
    return parseJsonc(text, errors, options);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    errors.push({ error: INVALID_SYMBOL, offset: 0, length: 0 });
    return undefined;
  }
}

/** A parsed YAML document as plain values, or null when it is nested too deeply to convert. */
export function yamlToJs(document: Document): { value: unknown } | null {
  try {
    return { value: document.toJS() };
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return null;
  }
}

function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/** For the YAML readers: where and why a text is refused before parsing, or null when it may be parsed. */
export function yamlTooDeep(text: string): { line: number; message: string } | null {
  const line = yamlNestingExceeds(text, MAX_NESTING);
  return line === null ? null : { line, message: `nested deeper than ${MAX_NESTING} levels` };
}
