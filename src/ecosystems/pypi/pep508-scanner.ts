import { ChainwatchError, fail, ok, type ErrorLocation, type Result } from '../../core/errors.js';
import { SPECIFIER_PATTERN } from './specifier.js';

/**
 * The tokens of PEP 508 dependency specifiers, matched where the parser stands
 * (the grammar is context-sensitive: `python_version` is a variable in a marker
 * but `@`, a URL or a name elsewhere). The token shapes are the ones pip's
 * `packaging` accepts, which is wider than PEP 508's written grammar: `===` with
 * any text, `extras` and `dependency_groups` (PEP 751) in markers, and URLs that
 * are any run of non-blank characters.
 */
const TOKENS = {
  leftParenthesis: /\(/y,
  rightParenthesis: /\)/y,
  leftBracket: /\[/y,
  rightBracket: /\]/y,
  semicolon: /;/y,
  comma: /,/y,
  quotedString: /'[^']*'|"[^"]*"/y,
  operator: /===|==|~=|!=|<=|>=|<|>/y,
  booleanOperator: /\b(?:or|and)\b/y,
  in: /\bin\b/y,
  not: /\bnot\b/y,
  variable:
    /\b(?:python_version|python_full_version|os[._]name|sys[._]platform|platform_(?:release|system)|platform[._](?:version|machine|python_implementation)|python_implementation|implementation_(?:name|version)|extras?|dependency_groups)\b/y,
  specifier: new RegExp(`(?:${SPECIFIER_PATTERN})`, 'iy'),
  at: /@/y,
  url: /[^ \t]+/y,
  identifier: /\b[a-zA-Z0-9][a-zA-Z0-9._-]*\b/y,
  wildcardSuffix: /\.\*/y,
  localSuffix: /\+[a-z0-9]+(?:[-_.][a-z0-9]+)*/y,
  whitespace: /[ \t]+/y,
  end: /$/y,
} as const;

export type TokenName = keyof typeof TOKENS;

export interface Token {
  readonly text: string;
  /** 0-based offset in the source. */
  readonly position: number;
}

/** Thrown inside a parse and turned into an error value at its entry point. */
class Pep508SyntaxError extends Error {
  readonly position: number;

  constructor(message: string, position: number) {
    super(message);
    this.name = 'Pep508SyntaxError';
    this.position = position;
  }
}

export class Pep508Scanner {
  readonly source: string;
  position = 0;

  constructor(source: string) {
    this.source = source;
  }

  #match(name: TokenName): string | null {
    const pattern = TOKENS[name];
    pattern.lastIndex = this.position;
    const match = pattern.exec(this.source);
    return match ? match[0] : null;
  }

  /** Is the next token of this kind? Nothing is consumed. */
  peek(name: TokenName): boolean {
    return this.#match(name) !== null;
  }

  /** Consumes the next token if it is of this kind. */
  take(name: TokenName): Token | null {
    const text = this.#match(name);
    if (text === null) return null;
    const token = { text, position: this.position };
    this.position += text.length;
    return token;
  }

  skipWhitespace(): void {
    this.take('whitespace');
  }

  expect(name: TokenName, expected: string): Token {
    const token = this.take(name);
    if (!token) this.fail(`Expected ${expected}`);
    return token;
  }

  fail(message: string, position = this.position): never {
    throw new Pep508SyntaxError(message, position);
  }
}

export interface SourceLocation {
  /** Names the input in error locations; `<input>` when not given. */
  path?: string;
  /** The 1-based line the text came from, for errors. */
  line?: number;
}

/** Turns a syntax error into the project's error value, with a 1-based column. */
function syntaxErrorToChainwatchError(error: Pep508SyntaxError, source: string, where: SourceLocation): ChainwatchError {
  const location: ErrorLocation = { path: where.path ?? '<input>', column: error.position + 1 };
  if (where.line !== undefined) location.line = where.line;
  const shown = source.length > 200 ? `${source.slice(0, 200)}…` : source;
  return new ChainwatchError('invalid-requirement', `${error.message} (column ${error.position + 1} of ${JSON.stringify(shown)})`, {
    location,
  });
}

/** Runs a parse over the whole text; a syntax error comes back as an error value. */
export function parseWholeText<T>(text: string, where: SourceLocation, parse: (scanner: Pep508Scanner) => T): Result<T> {
  const scanner = new Pep508Scanner(text);
  try {
    return ok(parse(scanner));
  } catch (error) {
    if (error instanceof Pep508SyntaxError) return fail(syntaxErrorToChainwatchError(error, text, where));
    throw error;
  }
}
