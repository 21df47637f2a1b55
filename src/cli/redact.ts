/**
 * Secrets never reach a terminal, a log or a file (npm/cli's error-message
 * redaction is the model). Everything cli/ prints that did not come from a
 * fixed string passes through redactSecrets().
 */
import { isSecretQueryName } from '../http/index.js';

const SECRET_ENVIRONMENT_VARIABLES = [
  'GH_TOKEN',
  'GITHUB_TOKEN',
  'NPM_TOKEN',
  'NODE_AUTH_TOKEN',
  'CHAINWATCH_TOKEN',
  'PYPI_TOKEN',
  'TWINE_PASSWORD',
  'UV_INDEX_PASSWORD',
  'PIP_PASSWORD',
];

/*
 * Every pattern must run in linear time: reports can be tens of megabytes and
 * any line may come from a hostile input (a 200 KB "package name"). So no
 * unbounded run may be followed by something that can fail and make the
 * engine retry from the next position inside that same run: each pattern
 * starts with a literal (or a bounded run), and no two adjacent quantified
 * parts can share characters. redact.test.ts feeds each one megabyte-long
 * adversarial inputs under a fixed bound.
 */
const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bnpm_[A-Za-z0-9]{20,}\b/g, // npm automation/publish tokens
  /\bpypi-[A-Za-z0-9_-]{20,}\b/g, // PyPI API tokens
  /(\/t\/)[A-Za-z0-9_-]{8,}(?=[/\s"'<>]|$)/g, // conda channel tokens: https://host/t/<token>/channel
  /(_authToken\s*=\s*)[^\s"']+/g, // .npmrc auth lines
  /(_auth\s*=\s*)[^\s"']+/g,
  /(_password\s*=\s*)[^\s"']+/g,
  // One optional scheme word followed by required whitespace: two adjacent `\s*` would split a long run of spaces every way.
  /((?:authorization|proxy-authorization)\s*[:=]\s*(?:(?:bearer|basic|token)\s+)?)[^\s"',]+/gi,
];

/** `?token=…`, `&access_token=…`, `?auth=…`: query values whose name says they are credentials. */
const QUERY_PARAMETER = /([?&]([A-Za-z0-9_.-]{1,64})=)([^&#\s"'<>]+)/g;

export function redactSecrets(text: string, environment: NodeJS.ProcessEnv = process.env): string {
  // Reports can be tens of megabytes: test before replacing, so text without secrets is never copied.
  let out = text;
  out = redactUrlCredentials(out);
  for (const pattern of TOKEN_PATTERNS) {
    if (!hasMatch(pattern, out)) continue;
    out = out.replace(pattern, (match, prefix: unknown) => (typeof prefix === 'string' && prefix !== match ? `${prefix}***` : '***'));
  }
  if (hasMatch(QUERY_PARAMETER, out)) {
    out = out.replace(QUERY_PARAMETER, (match, prefix: string, name: string, value: string) => (isSecretQueryName(name) && value !== '***' ? `${prefix}***` : match));
  }
  for (const name of SECRET_ENVIRONMENT_VARIABLES) {
    const value = environment[name];
    // Very short values would redact ordinary words; real tokens are long.
    if (value && value.length >= 8 && out.includes(value)) out = out.split(value).join('***');
  }
  return out;
}

const SCHEME_CHARACTER = /[a-z0-9+.-]/i;
const LETTER = /[a-z]/i;
const MAX_SCHEME_LENGTH = 32;

/**
 * Credentials inside URLs: `scheme://user:password@host` → `scheme://***@host`.
 * By hand rather than a regular expression: each `://` is found with
 * indexOf, the scheme checked backwards (at most 32 characters) and the user
 * info forwards, up to the next `/`, `@` or white space; the regex form
 * (`[a-z][a-z0-9+.-]*:\/\/`) re-scans a long run of letters from every
 * position in it, which made a 200 KB package name cost minutes.
 */
function redactUrlCredentials(text: string): string {
  let separator = text.indexOf('://');
  if (separator === -1) return text;
  const parts: string[] = [];
  let copiedUpTo = 0;
  while (separator !== -1) {
    const start = separator + 3;
    let end = start;
    let matched = false;
    if (hasScheme(text, separator)) {
      // user: no '/', ':', '@', white space; then an optional ':password' (no '/', '@', white space); then '@'.
      while (end < text.length && !isUserInfoEnd(text[end]!, true)) end++;
      if (end > start && text[end] === ':') {
        end++;
        while (end < text.length && !isUserInfoEnd(text[end]!, false)) end++;
      }
      if (end > start && text[end] === '@') {
        parts.push(text.slice(copiedUpTo, start), '***');
        copiedUpTo = end;
        matched = true;
      }
    }
    // Without a match, the next `://` may lie inside what was just read (`x://a:b://user:pw@host`).
    separator = text.indexOf('://', matched ? end : start);
  }
  if (copiedUpTo === 0) return text;
  parts.push(text.slice(copiedUpTo));
  return parts.join('');
}

/** A URL scheme ends at `separator`: up to 32 scheme characters, at least one of them a letter. */
function hasScheme(text: string, separator: number): boolean {
  let letter = false;
  for (let index = separator - 1; index >= 0 && separator - index <= MAX_SCHEME_LENGTH && SCHEME_CHARACTER.test(text[index]!); index--) {
    if (LETTER.test(text[index]!)) letter = true;
  }
  return letter;
}

function isUserInfoEnd(character: string, inUserName: boolean): boolean {
  return character === '/' || character === '@' || (inUserName && character === ':') || /\s/.test(character);
}

/** RegExp.test on a global pattern moves lastIndex: reset it so the next use starts at 0. */
function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}
