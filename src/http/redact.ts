/**
 * Credentials never leave the HTTP layer: not in errors, events, the failure
 * list or the cache. cli/ has its own redactSecrets() for whatever it prints;
 * this is the HTTP layer's part, kept to what a URL or a header can carry.
 */

/**
 * A URL fit for messages: user name and password replaced by `***`, every
 * query value replaced by `***` (signed URLs and `?token=` carry secrets), and
 * a conda token path segment (`/t/<token>/`) hidden.
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
  for (const key of [...new Set(parsed.searchParams.keys())]) parsed.searchParams.set(key, '***');
  parsed.pathname = parsed.pathname.replace(/\/t\/[^/]+(?=\/|$)/, '/t/***');
  return parsed.toString().replace(/%2A%2A%2A/g, '***');
}

/** The secrets a request carries: URL user info, query values, a conda token, Authorization values. */
export function requestSecrets(url: string, headers: Record<string, string> = {}): string[] {
  const secrets: string[] = [];
  try {
    const parsed = new URL(url);
    secrets.push(parsed.username, parsed.password, ...parsed.searchParams.values());
    const condaToken = /\/t\/([^/]+)(?:\/|$)/.exec(parsed.pathname)?.[1];
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

/** Replaces every occurrence of the given secrets in `text` by `***`, longest first. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  const ordered = [...new Set(secrets)].filter((secret) => secret.length >= 3).sort((a, b) => b.length - a.length);
  for (const secret of ordered) scrubbed = scrubbed.split(secret).join('***');
  return scrubbed;
}

/** Header names whose values are credentials: never stored, logged or shown. */
export const SECRET_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'npm-auth-token', 'x-auth-token']);

/** Headers without their credentials (for anything that is kept or shown). */
export function withoutSecretHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (!SECRET_HEADERS.has(name.toLowerCase())) kept[name] = value;
  return kept;
}

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
