/**
 * The dashboard's security model (readme.md): loopback by default; any other
 * address only with a token, sent as a bearer header and compared in
 * constant time; on loopback without a token, requests must name a loopback
 * host (a page elsewhere that rebinds its DNS name to 127.0.0.1 cannot read
 * the API); strict headers on every response; and no token, secret or local
 * path outside the history's directory in a body.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { homedir, tmpdir } from 'node:os';
import path from 'node:path';
import type { MiddlewareHandler } from 'hono';
import { redactSecrets } from '../cli/redact.js';

/** The environment variable that holds the token. */
export const TOKEN_VARIABLE = 'CHAINWATCH_SERVE_TOKEN';
/** Shorter tokens are refused: a guessable token on a network is no protection. */
export const MINIMUM_TOKEN_LENGTH = 16;

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** `127.0.0.1` (any of 127/8), `::1`, `localhost`: addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const name = host.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1');
  return name === 'localhost' || name === '::1' || /^127(?:\.(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}$/.test(name) || name === '::ffff:127.0.0.1';
}

/** Whether the server may listen on `host` with `token`, and why not. */
export function bindingProblem(host: string, token: string | undefined): string | null {
  if (token !== undefined && token.length < MINIMUM_TOKEN_LENGTH) {
    return `${TOKEN_VARIABLE} is ${token.length} characters long: give at least ${MINIMUM_TOKEN_LENGTH} (e.g. \`openssl rand -hex 32\`)`;
  }
  if (!isLoopbackHost(host) && token === undefined) {
    return `--host ${host} would let other machines read the runs history: set ${TOKEN_VARIABLE} (at least ${MINIMUM_TOKEN_LENGTH} characters; clients send it as \`Authorization: Bearer <token>\`), or keep the default 127.0.0.1`;
  }
  return null;
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Whether an Authorization header carries `token`. Both sides are hashed
 * first, so the comparison takes the same time whatever the lengths, and
 * timingSafeEqual compares the digests without an early exit.
 */
export function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header ?? '');
  const same = timingSafeEqual(digest(match?.[1] ?? ''), expected);
  return match !== null && same;
}

/** Requests without the right bearer token get 401 (with the token configured). */
export function requireToken(token: string, unauthorized: MiddlewareHandler): MiddlewareHandler {
  const expected = digest(token);
  return async (c, next) => {
    if (!bearerMatches(c.req.header('authorization'), expected)) return unauthorized(c, next);
    await next();
  };
}

/**
 * Without a token, the Host header must name a loopback host (or the one
 * the server was bound to): DNS rebinding would otherwise let any web page
 * the user opens read the API through the browser.
 */
export function requireLocalHost(boundHost: string, forbidden: MiddlewareHandler): MiddlewareHandler {
  const bound = boundHost.toLowerCase();
  return async (c, next) => {
    // The URL's host is the request's Host header (@hono/node-server builds the URL from it).
    const name = new URL(c.req.url).hostname.toLowerCase();
    if (!isLoopbackHost(name) && name !== bound) return forbidden(c, next);
    await next();
  };
}

/** The headers every response carries; the API's also say not to store them. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  headers.set('Content-Security-Policy', CONTENT_SECURITY_POLICY);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'no-referrer');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  headers.set('X-Frame-Options', 'DENY');
  if (c.req.path.startsWith('/api/')) headers.set('Cache-Control', 'no-store');
};

/**
 * Text of a body made safe to send: secrets (the token, the environment's
 * tokens, credentials in URLs: cli/redact.ts) masked, and local directories
 * replaced by short names: the history's own directory by `[history]`, the
 * home directory by `~`, the working and temporary directories by `[cwd]`
 * and `[tmp]`. Paths are replaced in their JSON-escaped form, where they
 * start a path (not inside a longer name).
 */
export function createRedactor(options: { historyDirectory: string; token?: string; env: NodeJS.ProcessEnv; cwd: string }): (text: string) => string {
  const places = [
    [path.resolve(options.historyDirectory), '[history]'],
    [homedir(), '~'],
    [path.resolve(options.cwd), '[cwd]'],
    [tmpdir(), '[tmp]'],
  ]
    // The root or a one-letter directory would mask every path: not a place worth naming.
    .filter(([place]) => place !== undefined && place.length > 2 && place !== path.parse(place).root)
    .map(([place, name]) => ({ escaped: JSON.stringify(place).slice(1, -1), name: name! }))
    .sort((a, b) => b.escaped.length - a.escaped.length);
  const patterns = places.map(({ escaped, name }) => ({ pattern: new RegExp(`(?<![\\w.-])${escapeRegExp(escaped)}(?=[/\\\\"':]|$)`, 'g'), name }));
  const token = options.token;
  return (text) => {
    let out = redactSecrets(text, options.env);
    if (token !== undefined && token.length > 0 && out.includes(token)) out = out.split(token).join('***');
    for (const { pattern, name } of patterns) out = out.replace(pattern, name);
    return out;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
