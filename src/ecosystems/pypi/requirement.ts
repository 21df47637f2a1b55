import type { Result } from '../../core/errors.js';
import { normalizeName } from '../../core/package.js';
import { parseMarkerExpression, type Marker } from './markers.js';
import { parseWholeText, type Pep508Scanner, type SourceLocation } from './pep508-scanner.js';
import { parsePep440SpecifierSet, Pep440SpecifierSet } from './specifier.js';

/** A PEP 508 dependency specifier: `name[extra1,extra2] (>=1.0,<2) ; marker` or `name @ url ; marker`. */
export interface Pep508Requirement {
  /** The name as written. */
  name: string;
  /** PEP 503 normalised (`Jupyter_Core` → `jupyter-core`). */
  normalizedName: string;
  /** Extras as written, duplicates dropped. */
  extras: string[];
  /** The version specifiers, normalised (`>=1.0,<2`); '' when there are none or for a URL requirement. */
  specifier: string;
  /** `specifier` parsed once, for matching versions. */
  specifierSet: Pep440SpecifierSet;
  /** For `name @ url`: the URL exactly as written. */
  url?: string;
  marker?: Marker;
}

function parseExtras(scanner: Pep508Scanner): string[] {
  if (!scanner.take('leftBracket')) return [];
  const extras: string[] = [];
  scanner.skipWhitespace();
  const first = scanner.take('identifier');
  if (first) {
    extras.push(first.text);
    for (;;) {
      scanner.skipWhitespace();
      if (scanner.peek('identifier')) scanner.fail('Expected comma between extra names');
      if (!scanner.take('comma')) break;
      scanner.skipWhitespace();
      extras.push(scanner.expect('identifier', 'extra name after comma').text);
    }
  }
  scanner.skipWhitespace();
  if (!scanner.take('rightBracket')) scanner.fail('Expected matching RIGHT_BRACKET for LEFT_BRACKET, after extras');
  return [...new Set(extras)];
}

/** `version_many`, optionally in parentheses; returns the specifiers' text joined by commas. */
function parseSpecifiers(scanner: Pep508Scanner): string {
  const parenthesised = scanner.take('leftParenthesis') !== null;
  scanner.skipWhitespace();
  let text = '';
  for (let specifier = scanner.take('specifier'); specifier; specifier = scanner.take('specifier')) {
    text += specifier.text;
    if (scanner.peek('wildcardSuffix')) {
      const equality = /^(?:==(?!=)|!=)/.test(specifier.text);
      // The column points at the `*`, as packaging's caret does.
      scanner.fail(
        equality
          ? '.* suffix cannot be used with pre-release, post-release, dev or local versions'
          : '.* suffix can only be used with `==` or `!=` operators',
        scanner.position + 1,
      );
    }
    if (scanner.peek('localSuffix')) scanner.fail('Local version label can only be used with `==` or `!=` operators');
    scanner.skipWhitespace();
    const comma = scanner.take('comma');
    if (!comma) break;
    text += comma.text;
    scanner.skipWhitespace();
  }
  scanner.skipWhitespace();
  if (parenthesised && !scanner.take('rightParenthesis')) {
    scanner.fail('Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after version specifier');
  }
  return text;
}

/** `; marker` at the end of a requirement, or the error saying what was expected instead. */
function parseTrailingMarker(scanner: Pep508Scanner, expected: string): Marker {
  if (!scanner.take('semicolon')) scanner.fail(`Expected ${expected} or end`);
  const marker = parseMarkerExpression(scanner);
  scanner.skipWhitespace();
  return marker;
}

/** `version_many` as a parsed set; the tokens have a specifier's shape, but `===` swallows commas (`===a,b`). */
function parseSpecifierSet(scanner: Pep508Scanner): Pep440SpecifierSet {
  const start = scanner.position;
  const set = parsePep440SpecifierSet(parseSpecifiers(scanner));
  if (!set.ok) scanner.fail(set.error.message, start);
  return set.value;
}

const NO_SPECIFIERS = new Pep440SpecifierSet('', []);

function parseRequirementTokens(scanner: Pep508Scanner): Pep508Requirement {
  scanner.skipWhitespace();
  const name = scanner.expect('identifier', 'package name at the start of dependency specifier').text;
  scanner.skipWhitespace();
  const extras = parseExtras(scanner);
  scanner.skipWhitespace();
  const parsed: Pep508Requirement = {
    name,
    normalizedName: normalizeName('PyPI', name),
    extras,
    specifier: '',
    specifierSet: NO_SPECIFIERS,
  };

  if (scanner.take('at')) {
    scanner.skipWhitespace();
    parsed.url = scanner.expect('url', 'URL after @').text;
    // A `;` right after the URL would be part of it, so PEP 508 asks for a blank before the marker.
    if (!scanner.peek('end')) {
      scanner.expect('whitespace', 'whitespace after URL');
      if (!scanner.peek('end')) parsed.marker = parseTrailingMarker(scanner, 'semicolon (after URL and whitespace)');
    }
  } else {
    parsed.specifierSet = parseSpecifierSet(scanner);
    parsed.specifier = parsed.specifierSet.toString();
    scanner.skipWhitespace();
    if (!scanner.peek('end')) {
      parsed.marker = parseTrailingMarker(
        scanner,
        parsed.specifierSet.text
          ? 'comma (within version specifier), semicolon (after version specifier)'
          : 'semicolon (after name with no version specifier)',
      );
    }
  }
  scanner.expect('end', 'end of dependency specifier');
  return parsed;
}

/**
 * Parses one PEP 508 requirement with the grammar pip's `packaging` uses.
 * Errors are `invalid-requirement` values whose location has the 1-based column
 * where parsing stopped; `where` names the file and line for that location.
 */
export function parseRequirement(text: string, where: SourceLocation = {}): Result<Pep508Requirement> {
  return parseWholeText(text, where, parseRequirementTokens);
}
