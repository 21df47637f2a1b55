/**
 * Secrets never reach a terminal, a log or a file (npm/cli's error-message
 * redaction is the model). Everything cli/ prints that did not come from a
 * fixed string passes through redactSecrets().
 */
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

const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  /\bnpm_[A-Za-z0-9]{20,}\b/g, // npm automation/publish tokens
  /\bpypi-[A-Za-z0-9_-]{20,}\b/g, // PyPI API tokens
  /(\/t\/)[A-Za-z0-9_-]{8,}(?=\/)/g, // conda channel tokens: https://host/t/<token>/channel
  /(_authToken\s*=\s*)[^\s"']+/g, // .npmrc auth lines
  /(_auth\s*=\s*)[^\s"']+/g,
  /(_password\s*=\s*)[^\s"']+/g,
  /((?:authorization|proxy-authorization)\s*[:=]\s*(?:bearer|basic|token)?\s*)[^\s"',]+/gi,
];

/** Credentials inside URLs: scheme://user:password@host → scheme://***@host. */
const URL_CREDENTIALS = /([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+(?::[^/\s@]*)?@/gi;

export function redactSecrets(text: string, environment: NodeJS.ProcessEnv = process.env): string {
  // Reports can be tens of megabytes: test before replacing, so text without secrets is never copied.
  let out = text;
  if (hasMatch(URL_CREDENTIALS, out)) out = out.replace(URL_CREDENTIALS, '$1***@');
  for (const pattern of TOKEN_PATTERNS) {
    if (!hasMatch(pattern, out)) continue;
    out = out.replace(pattern, (match, prefix: unknown) => (typeof prefix === 'string' && prefix !== match ? `${prefix}***` : '***'));
  }
  for (const name of SECRET_ENVIRONMENT_VARIABLES) {
    const value = environment[name];
    // Very short values would redact ordinary words; real tokens are long.
    if (value && value.length >= 8 && out.includes(value)) out = out.split(value).join('***');
  }
  return out;
}

/** RegExp.test on a global pattern moves lastIndex: reset it so the next use starts at 0. */
function hasMatch(pattern: RegExp, text: string): boolean {
  pattern.lastIndex = 0;
  const found = pattern.test(text);
  pattern.lastIndex = 0;
  return found;
}
