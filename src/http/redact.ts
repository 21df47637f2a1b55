/**
 * Credentials never leave the HTTP layer: not in errors, events, the failure
 * list or the cache. cli/ has its own redactSecrets() for whatever it prints;
 * this is the HTTP layer's part, kept to what a URL or a header can carry.
 */

/**
 * Query parameter names that carry credentials: `token`, `access_token`,
 * `auth`, `api_key`, `password`, signed-URL signatures (`X-Amz-*`, `sig`)...
 * A name is at most a few dozen characters; the pattern is linear anyway.
 */
const SECRET_QUERY_NAME = /token|secret|passw|pwd|signature|credential|session|auth(?!or)|api[-_]?key|private[-_]?key|access[-_]?key|^(?:key|sig|code|jwt)$|^x-(?:amz|goog)-/i;

export function isSecretQueryName(name: string): boolean {
  return SECRET_QUERY_NAME.test(name);
}

/** A conda channel token: the path segment after `/t/` (`https://host/t/<token>/<channel>/…`). */
const CONDA_TOKEN_SEGMENT = /\/t\/([^/]+)(?=\/|$)/;

/**
 * A URL fit for messages: user name and password replaced by `***`, every
 * query value replaced by `***` (signed URLs and `?token=` carry secrets), a
 * conda token path segment (`/t/<token>/`) hidden, and cut after 2,000
 * characters.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparseable URL>';
  }
  if (parsed.username) parsed.username = '***';
  if (parsed.password) parsed.password = '***';
  // One pass: searchParams.set() per name re-serialises the whole query each time (quadratic on a long one).
  if (parsed.search !== '') parsed.search = [...parsed.searchParams.keys()].map((name) => `${encodeURIComponent(name)}=***`).join('&');
  parsed.pathname = parsed.pathname.replace(CONDA_TOKEN_SEGMENT, '/t/***');
  const shown = parsed.toString().replace(/%2A%2A%2A/g, '***');
  // A message quotes a URL; a hostile index can hand out megabyte-long ones.
  return shown.length > MAX_SHOWN_URL_LENGTH ? `${shown.slice(0, MAX_SHOWN_URL_LENGTH)}…` : shown;
}

const MAX_SHOWN_URL_LENGTH = 2000;

/**
 * A URL that can be stored (the HTTP cache's keys and final URLs): no user
 * name or password, no fragment, the conda token segment and every
 * credential-named query value replaced by `***`. Other query values stay:
 * they select the answer (`?page=2`). Unparseable input is returned as
 * `<unparseable URL>`, never as itself.
 */
export function storableUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparseable URL>';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.hash = '';
  parsed.pathname = parsed.pathname.replace(CONDA_TOKEN_SEGMENT, '/t/***');
  if (parsed.search !== '') {
    const kept = new URLSearchParams();
    for (const [name, value] of parsed.searchParams) kept.append(name, isSecretQueryName(name) ? '***' : value);
    parsed.search = kept.toString();
  }
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}

/**
 * The inverse for one request: `stored` (a storableUrl) with its `***` parts
 * filled in from the URL being asked for now (its conda token, its query
 * values of the same names), so a cached answer's URL works as a base for
 * the links inside it. Parts the request does not carry stay `***`.
 */
export function restoreStoredUrl(stored: string, requestUrl: string): string {
  if (!stored.includes('***')) return stored;
  let target: URL;
  let request: URL;
  try {
    target = new URL(stored);
    request = new URL(requestUrl);
  } catch {
    return stored;
  }
  const token = CONDA_TOKEN_SEGMENT.exec(request.pathname)?.[1];
  if (token !== undefined && target.origin === request.origin) target.pathname = target.pathname.replace('/t/***', `/t/${token}`);
  if (target.search !== '') {
    // One map, not searchParams.get() per name (a linear scan each).
    const asked = new Map<string, string>();
    for (const [name, value] of request.searchParams) if (!asked.has(name)) asked.set(name, value);
    const restored = new URLSearchParams();
    for (const [name, value] of target.searchParams) restored.append(name, value === '***' ? (asked.get(name) ?? value) : value);
    target.search = restored.toString();
  }
  return target.toString().replace(/%2A%2A%2A/g, '***');
}

/**
 * The secrets a request carries: URL user info, query values, a conda token,
 * Authorization values. `queryValues: 'credentials'` keeps only the values of
 * credential-named parameters (for text that must stay readable, such as
 * cached headers: `?format=json` must not turn `application/json` into `***`).
 */
export function requestSecrets(url: string, headers: Record<string, string> = {}, options: { queryValues?: 'all' | 'credentials' } = {}): string[] {
  const secrets: string[] = [];
  try {
    const parsed = new URL(url);
    secrets.push(parsed.username, parsed.password);
    // Any query value may be a secret, but only so many are kept: each secret costs a pass over each message.
    let querySecrets = 0;
    for (const [name, value] of parsed.searchParams) {
      if (options.queryValues === 'credentials' && !isSecretQueryName(name)) continue;
      secrets.push(value);
      if (++querySecrets >= MAX_QUERY_SECRETS) break;
    }
    const condaToken = CONDA_TOKEN_SEGMENT.exec(parsed.pathname)?.[1];
    if (condaToken) secrets.push(condaToken);
  } catch {
    // An unparseable URL carries nothing we can pick apart; it is never shown whole either.
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!SECRET_HEADERS.has(name.toLowerCase())) continue;
    secrets.push(value);
    // `Bearer abc` / `Basic abc`: the credential alone may be echoed back too.
    const credential = value.split(/\s+/).slice(1).join(' ');
    if (credential) {
      secrets.push(credential);
      const decoded = decodeBasic(credential);
      if (decoded) secrets.push(decoded, ...decoded.split(':'));
    }
  }
  return expandEncodings(secrets);
}

const MAX_QUERY_SECRETS = 32;

/** Replaces every occurrence of the given secrets in `text` by `***`, longest first. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
  for (const secret of ordered) scrubbed = scrubbed.split(secret).join('***');
  return scrubbed;
}

/** Header names whose values are credentials: never stored, logged or shown. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'npm-auth-token', 'x-auth-token']);

function decodeBasic(credential: string): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(credential)) return null;
  const decoded = Buffer.from(credential, 'base64').toString('utf8');
  return decoded.includes(':') && !decoded.includes('\uFFFD') ? decoded : null;
}

function expandEncodings(secrets: readonly string[]): string[] {
  const out = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    out.add(secret);
    out.add(encodeURIComponent(secret));
    try {
      out.add(decodeURIComponent(secret));
    } catch {
      // Not percent-encoded: the raw form is enough.
    }
  }
  return [...out].filter((secret) => secret.length > 0);
}
