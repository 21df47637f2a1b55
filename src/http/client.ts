import { EnvHttpProxyAgent, request, type Dispatcher } from 'undici';
import { systemClock, type Clock } from '../core/clock.js';
import { HostError } from '../core/errors.js';
import { silentSink, type EventSink } from '../core/events.js';
import { defaultHttpCachePath, openHttpCache, type CachedResponse, type HttpCache, type HttpCacheKey } from '../store/http-cache.js';
import { ACCEPTED_ENCODINGS, decodeBody, UnsupportedEncodingError } from './decode.js';
import { redactUrl, requestSecrets, scrubSecrets } from './redact.js';
import type { HttpClient, HttpRequest, HttpResponse, HttpStats, SourceFailure } from './types.js';

export interface RetryPolicy {
  /** Retries after the first attempt (default 3). */
  retries: number;
  /** First back-off delay, doubled per retry, with jitter (default 500 ms). */
  baseDelayMs: number;
  /** Longest back-off; a Retry-After longer than this is not waited for: the request fails (default 30 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 500, maxDelayMs: 30_000 };

export interface HttpClientOptions {
  /**
   * Where the response cache lives: a file path, `':memory:'`, or `null` for
   * no cache at all. Left out: `defaultHttpCachePath(env)` (the user cache
   * directory). Tests pass `':memory:'` or `null`, never leave it out.
   */
  cachePath?: string | null;
  /** An already-open cache (wins over cachePath); the client does not close it. */
  cache?: HttpCache;
  /** Serve only from the cache; a miss raises HostError (status undefined). */
  offline?: boolean;
  /** undici Dispatcher (a MockAgent in tests). Default: a keep-alive agent that honours HTTP(S)_PROXY / NO_PROXY. */
  dispatcher?: Dispatcher;
  /** Requests in flight per origin (default 8). */
  perHostConcurrency?: number;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  /** Default `chainwatch`. */
  userAgent?: string;
  events?: EventSink;
  /** How to wait between retries (injected in tests so they do not sleep). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Jitter source in [0, 1) (default Math.random). */
  random?: () => number;
  /** Redirects followed per request (default 10). */
  maxRedirects?: number;
  /** Time allowed for headers, and between body chunks (default 30 s). */
  timeoutMs?: number;
  /**
   * In `revalidate` mode, a cached response stored (or revalidated) less than
   * this long ago is served without asking (default 0: always ask). Useful
   * where answers carry no ETag/Last-Modified, so revalidation cannot be a 304.
   */
  maxAgeMs?: number;
  /** For the default cache path. */
  env?: NodeJS.ProcessEnv;
}

/** Statuses worth another try: rate limiting and server-side failures. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Responses worth keeping: bodies, and answers that something is absent (so offline runs know it too). */
const CACHEABLE_STATUSES = new Set([200, 203, 206, 404, 410]);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  url: string;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const clock = options.clock ?? systemClock;
  const events = options.events ?? silentSink;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const random = options.random ?? Math.random;
  const maxRedirects = options.maxRedirects ?? 10;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const perHost = Math.max(1, options.perHostConcurrency ?? 8);
  const userAgent = options.userAgent ?? 'chainwatch';
  const offline = options.offline === true;
  const maxAgeMs = Math.max(0, options.maxAgeMs ?? 0);

  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new EnvHttpProxyAgent({ connections: perHost, keepAliveTimeout: 10_000 });

  const ownsCache = options.cache === undefined;
  const cache: HttpCache | null = options.cache ?? openCacheOrWarn(options, events);

  const limiters = new Map<string, Limiter>();
  const failures = new Map<string, SourceFailure>();
  const stats: HttpStats = { requests: 0, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 };
  let closed = false;

  function limiterFor(url: string): Limiter {
    const origin = new URL(url).origin;
    let limiter = limiters.get(origin);
    if (!limiter) limiters.set(origin, (limiter = createLimiter(perHost)));
    return limiter;
  }

  function recordFailure(source: string, url: string, error: string): void {
    if (!failures.has(source)) failures.set(source, { source, error, url: redactUrl(url) });
    events.emit({ type: 'log', level: 'warn', message: `${source}: ${error}`, data: { source, url: redactUrl(url) } });
  }

  function hostError(source: string, url: string, secrets: readonly string[], message: string, extra: { status?: number; retryable?: boolean; cause?: unknown }): HostError {
    const clean = scrubSecrets(message, secrets);
    recordFailure(source, url, clean);
    return new HostError(source, clean, extra);
  }

  // The cache is an optimisation: a broken or locked cache file costs requests, never an answer.
  function readCache(key: HttpCacheKey): CachedResponse | null {
    if (!cache) return null;
    try {
      return cache.get(key);
    } catch (error) {
      events.emit({ type: 'log', level: 'warn', message: `HTTP cache not read: ${(error as Error).message}`, data: { url: redactUrl(key.url) } });
      return null;
    }
  }

  function writeCache(write: () => void): void {
    try {
      write();
    } catch (error) {
      events.emit({ type: 'log', level: 'warn', message: `HTTP cache not written: ${(error as Error).message}` });
    }
  }

  function fromCache(cached: CachedResponse): HttpResponse {
    stats.cacheHits++;
    return { status: cached.status, headers: { ...cached.headers }, body: cached.body, url: cached.finalUrl, fromCache: true };
  }

  async function send(url: string, headers: Record<string, string>): Promise<Answer> {
    const limiter = limiterFor(url);
    await limiter.acquire();
    try {
      stats.requests++;
      const response = await request(url, { method: 'GET', headers, dispatcher, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
      const responseHeaders = flattenHeaders(response.headers);
      if (isRetryableStatus(response.statusCode) || REDIRECT_STATUSES.has(response.statusCode) || response.statusCode === 304) {
        await response.body.dump();
        return { status: response.statusCode, headers: responseHeaders, body: Buffer.alloc(0), url };
      }
      const raw = Buffer.from(await response.body.arrayBuffer());
      stats.bytes += raw.length;
      const body = await decodeBody(raw, responseHeaders['content-encoding']);
      if (responseHeaders['content-encoding'] !== undefined) {
        delete responseHeaders['content-encoding'];
        responseHeaders['content-length'] = String(body.length);
      }
      return { status: response.statusCode, headers: responseHeaders, body, url };
    } finally {
      limiter.release();
    }
  }

  /** One URL, retried on network errors, 429 and 5xx; redirects are not followed here. */
  async function sendWithRetries(url: string, headers: Record<string, string>, source: string, secrets: readonly string[]): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      let delay: number;
      let reason: string;
      try {
        const answer = await send(url, headers);
        if (!isRetryableStatus(answer.status)) return answer;
        reason = `HTTP ${answer.status}`;
        const retryAfter = parseRetryAfter(answer.headers['retry-after'], clock);
        if (attempt >= retry.retries) {
          throw hostError(source, url, secrets, `${redactUrl(url)} answered ${reason} after ${attempt + 1} attempt(s)`, { status: answer.status, retryable: true });
        }
        if (retryAfter !== null && retryAfter > retry.maxDelayMs) {
          throw hostError(source, url, secrets, `${redactUrl(url)} answered ${reason} and asked to wait ${Math.ceil(retryAfter / 1000)} s (more than the ${Math.ceil(retry.maxDelayMs / 1000)} s allowed)`, {
            status: answer.status,
            retryable: true,
          });
        }
        delay = retryAfter ?? backoff(attempt);
      } catch (error) {
        if (error instanceof HostError) throw error;
        if (error instanceof UnsupportedEncodingError) {
          throw hostError(source, url, secrets, `${redactUrl(url)}: ${error.message}`, {});
        }
        reason = describeNetworkError(error);
        if (attempt >= retry.retries) {
          throw hostError(source, url, secrets, `${redactUrl(url)} could not be reached after ${attempt + 1} attempt(s): ${reason}`, {
            retryable: true,
            cause: sanitisedCause(error, secrets),
          });
        }
        delay = backoff(attempt);
      }
      stats.retries++;
      events.emit({
        type: 'log',
        level: 'debug',
        message: `retrying ${redactUrl(url)} in ${delay} ms (${scrubSecrets(reason, secrets)})`,
        data: { source, url: redactUrl(url), attempt: attempt + 1, delayMs: delay },
      });
      await sleep(delay);
    }
  }

  /** Exponential back-off with "equal jitter": half fixed, half random, capped. */
  function backoff(attempt: number): number {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  async function follow(url: string, headers: Record<string, string>, source: string, secrets: readonly string[]): Promise<Answer> {
    let current = url;
    let currentHeaders = headers;
    for (let hop = 0; ; hop++) {
      const answer = await sendWithRetries(current, currentHeaders, source, secrets);
      const location = answer.headers.location;
      if (!REDIRECT_STATUSES.has(answer.status) || location === undefined) return answer;
      if (hop >= maxRedirects) {
        throw hostError(source, url, secrets, `${redactUrl(url)}: more than ${maxRedirects} redirects`, { status: answer.status });
      }
      let next: URL;
      try {
        next = new URL(location, current);
      } catch {
        throw hostError(source, url, secrets, `${redactUrl(current)} redirected to an invalid location`, { status: answer.status });
      }
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw hostError(source, url, secrets, `${redactUrl(current)} redirected to an unsupported scheme ${next.protocol}`, { status: answer.status });
      }
      // Credentials go only to the origin they were given for (as fetch and npm do).
      if (next.origin !== new URL(current).origin) currentHeaders = withoutAuthorization(currentHeaders);
      if (next.username || next.password) {
        const userInfo = basicFromUrl(next);
        next.username = '';
        next.password = '';
        if (userInfo) currentHeaders = { ...currentHeaders, authorization: userInfo };
      }
      current = next.toString();
    }
  }

  async function get(input: HttpRequest): Promise<HttpResponse> {
    const { url, headers } = prepareRequest(input, userAgent);
    const secrets = requestSecrets(input.url, { ...(input.headers ?? {}), ...headers });
    const mode = input.cache ?? 'revalidate';
    const key: HttpCacheKey = { method: 'GET', url, vary: varyKey(headers) };
    const cached = mode !== 'no-store' ? readCache(key) : null;

    if (offline) {
      if (cached) return fromCache(cached);
      throw hostError(input.source, url, secrets, `offline: no cached response for ${redactUrl(url)}`, {});
    }
    if (cached && mode === 'prefer-cache') return fromCache(cached);
    if (cached && mode === 'revalidate' && maxAgeMs > 0) {
      const age = clock.now().getTime() - Date.parse(cached.storedAt);
      if (age >= 0 && age < maxAgeMs) return fromCache(cached);
    }

    const sentHeaders = { ...headers };
    if (cached && mode === 'revalidate') {
      if (cached.etag) sentHeaders['if-none-match'] = cached.etag;
      if (cached.lastModified) sentHeaders['if-modified-since'] = cached.lastModified;
    }

    const answer = await follow(url, sentHeaders, input.source, secrets);
    const storedAt = clock.now().toISOString();

    if (answer.status === 304 && cached) {
      stats.notModified++;
      writeCache(() =>
        cache!.refresh(key, {
          headers: { ...cached.headers, ...pickValidators(answer.headers) },
          etag: answer.headers.etag ?? null,
          lastModified: answer.headers['last-modified'] ?? null,
          storedAt,
        }),
      );
      return fromCache({ ...cached, headers: { ...cached.headers, ...pickValidators(answer.headers) } });
    }

    if (cache && mode !== 'no-store' && CACHEABLE_STATUSES.has(answer.status) && !/\bno-store\b/i.test(answer.headers['cache-control'] ?? '')) {
      writeCache(() =>
        cache.put(key, {
          status: answer.status,
          headers: answer.headers,
          body: answer.body,
          etag: answer.headers.etag ?? null,
          lastModified: answer.headers['last-modified'] ?? null,
          finalUrl: answer.url,
          storedAt,
        }),
      );
    }
    return { status: answer.status, headers: answer.headers, body: answer.body, url: answer.url, fromCache: false };
  }

  return {
    get,
    failures: () => [...failures.values()].map((failure) => ({ ...failure })),
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      if (ownsCache) cache?.close();
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

function openCacheOrWarn(options: HttpClientOptions, events: EventSink): HttpCache | null {
  if (options.cachePath === null) return null;
  const cachePath = options.cachePath ?? defaultHttpCachePath(options.env ?? process.env);
  try {
    return openHttpCache(cachePath);
  } catch (error) {
    // An unusable cache must not stop an online run; offline runs then fail per request, saying why.
    events.emit({ type: 'log', level: 'warn', message: `HTTP cache not used: ${(error as Error).message}`, data: { path: cachePath } });
    return null;
  }
}

/** Lower-cased headers, user info moved from the URL into an Authorization header, encodings and range set. */
function prepareRequest(input: HttpRequest, userAgent: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(input.url);
  const headers: Record<string, string> = { 'user-agent': userAgent };
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = value;
  if (parsed.username || parsed.password) {
    const basic = basicFromUrl(parsed);
    if (basic && headers.authorization === undefined) headers.authorization = basic;
    parsed.username = '';
    parsed.password = '';
  }
  parsed.hash = '';
  if (input.range) {
    headers.range = `bytes=${input.range.start}-${input.range.end ?? ''}`;
    // A compressed partial body cannot be decoded on its own.
    headers['accept-encoding'] = 'identity';
  } else if (headers['accept-encoding'] === undefined) {
    headers['accept-encoding'] = ACCEPTED_ENCODINGS;
  }
  return { url: parsed.toString(), headers };
}

function basicFromUrl(url: URL): string | null {
  if (!url.username && !url.password) return null;
  const user = safeDecode(url.username);
  const password = safeDecode(url.password);
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  const copy = { ...headers };
  delete copy.authorization;
  return copy;
}

/** The request headers that select a representation; they become part of the cache key. */
function varyKey(headers: Record<string, string>): string {
  const parts: string[] = [];
  for (const name of ['accept', 'range']) {
    const value = headers[name];
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  return parts.join('\n');
}

function pickValidators(headers: Record<string, string>): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ['etag', 'last-modified', 'cache-control', 'expires', 'date']) {
    const value = headers[name];
    if (value !== undefined) picked[name] = value;
  }
  return picked;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, clock: Clock): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - clock.now().getTime());
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  const causeCode = (error.cause as { code?: unknown } | undefined)?.code;
  const codes = [code, causeCode].filter((value): value is string => typeof value === 'string');
  return codes.length > 0 ? `${error.message} (${[...new Set(codes)].join(', ')})` : error.message;
}

/** A cause safe to keep on the error: the original may hold the URL or headers with their secrets. */
function sanitisedCause(error: unknown, secrets: readonly string[]): Error {
  const clean = new Error(scrubSecrets(describeNetworkError(error), secrets));
  clean.name = error instanceof Error ? error.name : 'Error';
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') (clean as Error & { code?: string }).code = code;
  return clean;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}

interface Limiter {
  acquire(): Promise<void>;
  release(): void;
}

/** At most `limit` holders at once; a released slot passes straight to the next waiter, so none can jump the queue. */
function createLimiter(limit: number): Limiter {
  let active = 0;
  const waiting: Array<() => void> = [];
  return {
    acquire() {
      if (active < limit) {
        active++;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    release() {
      const next = waiting.shift();
      if (next) next();
      else active--;
    },
  };
}
