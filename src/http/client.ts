import { Readable, Transform } from 'node:stream';
import type { Dispatcher, request as undiciRequest } from 'undici';
import { systemClock, type Clock } from '../core/clock.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { silentSink, type EventSink } from '../core/events.js';
import type { CachedResponse, HttpCache, HttpCacheKey } from './cache.js';
import { ACCEPTED_ENCODINGS, BodyLimitError, readBody, UnsupportedEncodingError } from './decode.js';
import { redactUrl, requestSecrets, scrubSecrets } from './redact.js';
import type { HttpRequest, HttpResponse, HttpStats, HttpStreamRequest, HttpStreamResponse, SourceFailure, StreamingHttpClient } from './types.js';

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
   * Opens the response cache (the front end wires src/store/'s file in the
   * user cache directory); the client closes it. Left out, and no `cache`:
   * no cache at all. A cache that cannot be opened is said (a `warn` event)
   * and the client runs without one: online runs go on, offline ones fail
   * per request.
   */
  openCache?: () => HttpCache;
  /** An already-open cache (wins over openCache); the client does not close it. */
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
  /**
   * Which network errors are worth another attempt, by their code (`ECONNRESET`,
   * `ENOTFOUND`...; undefined when the error has none). Default: all but
   * `ENOTFOUND` (the resolver's definite "no such name"; `EAI_AGAIN` is retried). A
   * caller for whom "cannot connect at all" means offline can retry only
   * transient ones, so an offline run fails at once.
   */
  retryNetworkError?: (code: string | undefined) => boolean;
  /** Redirects followed per request (default 10). */
  maxRedirects?: number;
  /** Time allowed for headers, and between body chunks (default 30 s). */
  timeoutMs?: number;
  /**
   * Time allowed for a whole request, from its first attempt to the last byte
   * of the body, across redirects, retries and their waits (default 120 s;
   * `HttpRequest.deadlineMs` overrides it per request). A server trickling a
   * byte every few seconds never trips `timeoutMs`; this stops it.
   */
  deadlineMs?: number;
  /**
   * Most bytes accepted for a body, on the wire and after decompression
   * (default 64 MiB; `HttpRequest.maxBytes` overrides it per request).
   */
  maxBytes?: number;
  /**
   * In `revalidate` mode, a cached response stored (or revalidated) less than
   * this long ago is served without asking (default 0: always ask). Useful
   * where answers carry no ETag/Last-Modified, so revalidation cannot be a 304.
   */
  maxAgeMs?: number;
}

/** Statuses worth another try: rate limiting and server-side failures. */
function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

export const DEFAULT_DEADLINE_MS = 120_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Statuses whose body is the answer, so `validate` checks them. */
const VALIDATED_STATUSES = new Set([200, 203]);
/** Responses worth keeping: bodies, and answers that something is absent (so offline runs know it too). */
const CACHEABLE_STATUSES = new Set([200, 203, 206, 404, 410]);

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  url: string;
  /** A 200's body not read yet (`stream()`); the per-host slot is held until it closes. */
  stream?: { body: Readable; release: () => void };
}

export function createHttpClient(options: HttpClientOptions = {}): StreamingHttpClient {
  const clock = options.clock ?? systemClock;
  const events = options.events ?? silentSink;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...definedOnly(options.retry ?? {}) };
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const random = options.random ?? Math.random;
  // A name the resolver says does not exist (ENOTFOUND) will not exist a second later: said at once, not after four waits.
  const retryNetworkError = options.retryNetworkError ?? ((code: string | undefined) => code !== 'ENOTFOUND');
  const maxRedirects = options.maxRedirects ?? 10;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const defaultDeadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const defaultMaxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const perHost = Math.max(1, options.perHostConcurrency ?? 8);
  const userAgent = options.userAgent ?? 'chainwatch';
  const offline = options.offline === true;
  const maxAgeMs = Math.max(0, options.maxAgeMs ?? 0);

  const ownsDispatcher = options.dispatcher === undefined;
  // undici loads on the first request, not with the client: a warm run served from the cache never needs it (0.1 s of module loading).
  let network: Promise<{ request: typeof undiciRequest; dispatcher: Dispatcher }> | null = null;
  const connect = () =>
    (network ??= import('undici').then((undici) => ({
      request: undici.request,
      dispatcher: options.dispatcher ?? new undici.EnvHttpProxyAgent({ connections: perHost, keepAliveTimeout: 10_000 }),
    })));

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

  function responseFrom(input: HttpRequest, cached: CachedResponse): HttpResponse {
    const response: HttpResponse = { status: cached.status, headers: { ...cached.headers }, body: cached.body, url: cached.finalUrl, fromCache: true };
    // Under a `keep` request's key, a 200/203 was stored as its trimmed form.
    if (input.keep && VALIDATED_STATUSES.has(cached.status)) response.form = input.keep.form;
    return response;
  }

  function served(response: HttpResponse): HttpResponse {
    stats.cacheHits++;
    return response;
  }

  async function send(url: string, headers: Record<string, string>, limits: Limits): Promise<Answer> {
    const limiter = limiterFor(url);
    await limiter.acquire();
    let handedOver = false;
    try {
      // The deadline runs from the first attempt's slot: time queued behind other requests to the host is not this one's.
      limits.deadline.start();
      if (limits.deadline.expired()) throw new DeadlineExceeded(limits.deadline.milliseconds);
      stats.requests++;
      const { request, dispatcher } = await connect();
      const response = await request(url, {
        method: 'GET',
        headers,
        dispatcher,
        headersTimeout: Math.max(1, Math.min(timeoutMs, Math.ceil(limits.deadline.remaining()))),
        bodyTimeout: timeoutMs,
        signal: limits.deadline.signal,
      });
      const responseHeaders = flattenHeaders(response.headers);
      if (isRetryableStatus(response.statusCode) || REDIRECT_STATUSES.has(response.statusCode) || response.statusCode === 304) {
        await response.body.dump();
        return { status: response.statusCode, headers: responseHeaders, body: Buffer.alloc(0), url };
      }
      const announced = Number(responseHeaders['content-length']);
      if (Number.isFinite(announced) && announced > limits.maxBytes) {
        // Destroying undici's body makes it emit an AbortError: without a listener it is an uncaught exception.
        response.body.on('error', () => {});
        response.body.destroy();
        throw new BodyLimitError(limits.maxBytes, 'wire');
      }
      if (limits.streaming === true && response.statusCode === 200) {
        if (responseHeaders['content-encoding'] !== undefined && responseHeaders['content-encoding'] !== 'identity') {
          response.body.on('error', () => {});
          response.body.destroy();
          throw new UnsupportedEncodingError(responseHeaders['content-encoding']);
        }
        handedOver = true;
        return { status: response.statusCode, headers: responseHeaders, body: Buffer.alloc(0), url, stream: { body: response.body, release: () => limiter.release() } };
      }
      const body = await readBody(response.body, {
        contentEncoding: responseHeaders['content-encoding'],
        maxBytes: limits.maxBytes,
        onWireBytes: (bytes) => void (stats.bytes += bytes),
      });
      if (responseHeaders['content-encoding'] !== undefined) {
        delete responseHeaders['content-encoding'];
        responseHeaders['content-length'] = String(body.length);
      }
      return { status: response.statusCode, headers: responseHeaders, body, url };
    } finally {
      if (!handedOver) limiter.release();
    }
  }

  /** One URL, retried on network errors, 429 and 5xx; redirects are not followed here. */
  async function sendWithRetries(url: string, headers: Record<string, string>, source: string, secrets: readonly string[], limits: Limits): Promise<Answer> {
    for (let attempt = 0; ; attempt++) {
      let delay: number;
      let reason: string;
      try {
        const answer = await send(url, headers, limits);
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
        if (limits.deadline.expired()) throw deadlineError(source, url, secrets, limits);
        if (error instanceof UnsupportedEncodingError || error instanceof BodyLimitError) {
          throw hostError(source, url, secrets, `${redactUrl(url)}: ${error.message}`, {});
        }
        reason = describeNetworkError(error);
        if (attempt >= retry.retries || !retryNetworkError(networkErrorCode(error))) {
          throw hostError(source, url, secrets, `${redactUrl(url)} could not be reached after ${attempt + 1} attempt(s): ${reason}`, {
            retryable: true,
            cause: sanitisedCause(error, secrets),
          });
        }
        delay = backoff(attempt);
      }
      if (delay >= limits.deadline.remaining()) {
        throw hostError(
          source,
          url,
          secrets,
          `${redactUrl(url)} failed (${scrubSecrets(reason, secrets)}); waiting ${formatSeconds(delay)} for another attempt would pass the ${formatSeconds(limits.deadline.milliseconds)} deadline`,
          { retryable: true },
        );
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

  function deadlineError(source: string, url: string, secrets: readonly string[], limits: Limits): HostError {
    return hostError(source, url, secrets, `${redactUrl(url)} did not answer in full within the ${formatSeconds(limits.deadline.milliseconds)} deadline`, {
      retryable: true,
    });
  }

  /** Exponential back-off with "equal jitter": half fixed, half random, capped. */
  function backoff(attempt: number): number {
    const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
    return Math.round(ceiling / 2 + random() * (ceiling / 2));
  }

  async function follow(url: string, headers: Record<string, string>, source: string, secrets: readonly string[], limits: Limits): Promise<Answer> {
    let current = url;
    let currentHeaders = headers;
    for (let hop = 0; ; hop++) {
      const answer = await sendWithRetries(current, currentHeaders, source, secrets, limits);
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

  /** The caller's verdict on a 200/203 answer (others are not checked: usable, and cacheable by status). */
  function verdictOn(input: HttpRequest, response: HttpResponse): { usable: true; cache: boolean } | { usable: false; reason: string } {
    if (!input.validate || !VALIDATED_STATUSES.has(response.status)) return { usable: true, cache: true };
    let verdict: boolean | string | { cache: false };
    try {
      verdict = input.validate(response);
    } catch (error) {
      verdict = `could not be checked: ${(error as Error).message}`;
    }
    if (verdict === true) return { usable: true, cache: true };
    if (typeof verdict === 'object') return { usable: true, cache: false };
    return { usable: false, reason: verdict === false || verdict.trim() === '' ? 'answered something that did not pass validation' : verdict };
  }

  /** A cached answer the caller accepts, or the reason after deleting one it does not (left over from before validation). */
  function usableCached(input: HttpRequest, key: HttpCacheKey, cached: CachedResponse): { response: HttpResponse } | { reason: string } {
    const response = responseFrom(input, cached);
    const verdict = verdictOn(input, response);
    if (verdict.usable) return { response };
    writeCache(() => cache!.delete(key));
    return { reason: verdict.reason };
  }

  async function get(input: HttpRequest): Promise<HttpResponse> {
    const { url, headers } = prepareRequest(input, userAgent);
    const secrets = requestSecrets(input.url, { ...(input.headers ?? {}), ...headers });
    const credentials = requestSecrets(input.url, { ...(input.headers ?? {}), ...headers }, { queryValues: 'credentials' });
    const mode = input.cache ?? 'revalidate';
    const key: HttpCacheKey = { method: 'GET', url, vary: varyKey(headers, input.keep?.form) };
    let cached = mode !== 'no-store' ? readCache(key) : null;

    if (offline) {
      if (!cached) throw hostError(input.source, url, secrets, `offline: no cached response for ${redactUrl(url)}`, {});
      const usable = usableCached(input, key, cached);
      if ('response' in usable) return served(usable.response);
      throw hostError(input.source, url, secrets, `offline: the cached answer for ${redactUrl(url)} is not usable (${usable.reason}) and was deleted`, {});
    }
    const freshFor = Math.max(0, input.maxAgeMs ?? maxAgeMs);
    const fresh = cached !== null && mode === 'revalidate' && freshFor > 0 && isYounger(cached.storedAt, freshFor);
    if (cached && (mode === 'prefer-cache' || fresh)) {
      const usable = usableCached(input, key, cached);
      if ('response' in usable) return served(usable.response);
      cached = null;
    }

    const limits: Limits = { maxBytes: Math.max(0, input.maxBytes ?? defaultMaxBytes), deadline: createDeadline(input.deadlineMs ?? defaultDeadlineMs) };
    try {
      const conditional = cached && mode === 'revalidate' ? withValidators(headers, cached) : headers;
      let answer = await follow(url, conditional, input.source, secrets, limits);
      const storedAt = () => clock.now().toISOString();

      if (answer.status === 304 && cached) {
        const usable = usableCached(input, key, cached);
        if ('response' in usable) {
          stats.notModified++;
          const refreshedHeaders = { ...cached.headers, ...pickValidators(answer.headers) };
          writeCache(() =>
            cache!.refresh(key, {
              headers: refreshedHeaders,
              etag: answer.headers.etag ?? null,
              lastModified: answer.headers['last-modified'] ?? null,
              storedAt: storedAt(),
            }),
          );
          return served({ ...usable.response, headers: { ...refreshedHeaders } });
        }
        // The cached body is unusable: ask again, without validators, for a whole answer.
        answer = await follow(url, headers, input.source, secrets, limits);
      }

      const response: HttpResponse = { status: answer.status, headers: answer.headers, body: answer.body, url: answer.url, fromCache: false };
      const verdict = verdictOn(input, response);
      if (!verdict.usable) {
        throw hostError(input.source, answer.url, secrets, `${redactUrl(answer.url)} ${verdict.reason}`, { status: answer.status });
      }
      const kept = cache && verdict.cache && mode !== 'no-store' && CACHEABLE_STATUSES.has(answer.status) && !/\bno-store\b/i.test(answer.headers['cache-control'] ?? '') ? keptBody(input, response) : null;
      if (cache && kept !== null) {
        writeCache(() =>
          cache.put(key, {
            status: answer.status,
            // A header may echo the request's URL, token and all.
            headers: scrubHeaders(answer.headers, credentials),
            body: kept,
            etag: answer.headers.etag ?? null,
            lastModified: answer.headers['last-modified'] ?? null,
            finalUrl: answer.url,
            storedAt: storedAt(),
          }),
        );
      }
      return response;
    } finally {
      limits.deadline.clear();
    }
  }

  /**
   * A 200's body as a stream, never held whole (image layers of hundreds of
   * megabytes): never cached, `Accept-Encoding: identity`. Retries and
   * redirects happen before the body is handed over; after that a broken
   * connection, the size limit or the deadline end the stream with a
   * HostError (scrubbed of the request's secrets). Other statuses come back
   * read whole (bounded by `maxBytes`), as from get().
   */
  async function stream(input: HttpStreamRequest): Promise<HttpStreamResponse> {
    const { url, headers } = prepareRequest({ ...input, headers: { 'accept-encoding': 'identity', ...input.headers } }, userAgent);
    const secrets = requestSecrets(input.url, { ...(input.headers ?? {}), ...headers });
    if (offline) throw hostError(input.source, url, secrets, `offline: ${redactUrl(url)} is not read offline (streamed answers are never cached)`, {});
    const limits: Limits = { maxBytes: Math.max(0, input.maxBytes ?? defaultMaxBytes), deadline: createDeadline(input.deadlineMs ?? defaultDeadlineMs), streaming: true };
    let answer: Answer;
    try {
      answer = await follow(url, headers, input.source, secrets, limits);
    } catch (error) {
      limits.deadline.clear();
      throw error;
    }
    const handed = answer.stream;
    if (handed === undefined) {
      limits.deadline.clear();
      return { status: answer.status, headers: answer.headers, url: answer.url, body: readableOf(answer.body) };
    }
    let received = 0;
    const answerUrl = answer.url;
    const counted = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        stats.bytes += chunk.length;
        if (received > limits.maxBytes) done(hostError(input.source, answerUrl, secrets, `${redactUrl(answerUrl)}: ${new BodyLimitError(limits.maxBytes, 'wire').message}`, {}));
        else done(null, chunk);
      },
    });
    handed.body.on('error', (error) => {
      const failure = limits.deadline.expired()
        ? deadlineError(input.source, answerUrl, secrets, limits)
        : hostError(input.source, answerUrl, secrets, `${redactUrl(answerUrl)} broke off while sending its answer: ${describeNetworkError(error)}`, { retryable: true, cause: sanitisedCause(error, secrets) });
      counted.destroy(failure);
    });
    let closed = false;
    counted.on('close', () => {
      if (closed) return;
      closed = true;
      if (!handed.body.destroyed) handed.body.destroy();
      handed.release();
      limits.deadline.clear();
    });
    handed.body.pipe(counted);
    return { status: answer.status, headers: answer.headers, url: answerUrl, body: counted };
  }

  /** What to store of an answer: its body, or the trimmed form a `keep` request makes of a 200/203 (null: nothing). */
  function keptBody(input: HttpRequest, response: HttpResponse): Buffer | null {
    if (!input.keep || !VALIDATED_STATUSES.has(response.status)) return response.body;
    return input.keep.trim(response);
  }

  function isYounger(storedAt: string, milliseconds: number): boolean {
    const age = clock.now().getTime() - Date.parse(storedAt);
    return age >= 0 && age < milliseconds;
  }

  return {
    get,
    async prepare() {
      if (!offline && !closed) await connect();
    },
    stream,
    failures: () => [...failures.values()].map((failure) => ({ ...failure })),
    stats: () => ({ ...stats }),
    async close() {
      if (closed) return;
      closed = true;
      // Closing writes what the cache still holds back (a batch): a failure there costs the next run requests, not this one its answer.
      if (ownsCache) writeCache(() => cache?.close());
      else writeCache(() => cache?.flush?.());
      if (ownsDispatcher && network) await (await network).dispatcher.close();
    },
  };
}

function openCacheOrWarn(options: HttpClientOptions, events: EventSink): HttpCache | null {
  if (options.openCache === undefined) return null;
  try {
    return options.openCache();
  } catch (error) {
    // An unusable cache must not stop an online run; offline runs then fail per request, saying why.
    const path = error instanceof ChainwatchError ? error.location?.path : undefined;
    events.emit({ type: 'log', level: 'warn', message: `HTTP cache not used: ${(error as Error).message}`, ...(path === undefined ? {} : { data: { path } }) });
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

/** The request headers that select a representation, and the trimmed form kept of it; they become part of the cache key. */
function varyKey(headers: Record<string, string>, form: string | undefined): string {
  const parts: string[] = [];
  for (const name of ['accept', 'range']) {
    const value = headers[name];
    if (value !== undefined) parts.push(`${name}=${value}`);
  }
  if (form !== undefined) parts.push(`form=${form}`);
  return parts.join('\n');
}

function withValidators(headers: Record<string, string>, cached: CachedResponse): Record<string, string> {
  const sent = { ...headers };
  if (cached.etag) sent['if-none-match'] = cached.etag;
  if (cached.lastModified) sent['if-modified-since'] = cached.lastModified;
  return sent;
}

function scrubHeaders(headers: Record<string, string>, secrets: readonly string[]): Record<string, string> {
  const scrubbed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) scrubbed[name] = scrubSecrets(value, secrets);
  return scrubbed;
}

interface Limits {
  maxBytes: number;
  deadline: Deadline;
  /** A 200's body is handed over unread (`stream()`). */
  streaming?: boolean;
}

function readableOf(body: Buffer): Readable {
  return Readable.from(body.length === 0 ? [] : [body]);
}

interface Deadline {
  readonly milliseconds: number;
  /** Aborted, with a DeadlineExceeded reason, when the time is up. */
  readonly signal: AbortSignal;
  /** Starts the clock (once; later calls do nothing). */
  start(): void;
  remaining(): number;
  expired(): boolean;
  clear(): void;
}

class DeadlineExceeded extends Error {
  constructor(milliseconds: number) {
    super(`deadline of ${milliseconds} ms passed`);
    this.name = 'DeadlineExceeded';
  }
}

/** A monotonic deadline (performance.now, not the injected clock: it measures real time spent). */
function createDeadline(milliseconds: number): Deadline {
  const controller = new AbortController();
  let startedAt: number | null = null;
  let timer: NodeJS.Timeout | null = null;
  return {
    milliseconds,
    signal: controller.signal,
    start() {
      if (startedAt !== null) return;
      startedAt = performance.now();
      timer = setTimeout(() => controller.abort(new DeadlineExceeded(milliseconds)), milliseconds);
    },
    remaining() {
      return startedAt === null ? milliseconds : milliseconds - (performance.now() - startedAt);
    },
    expired() {
      return controller.signal.aborted || (startedAt !== null && performance.now() - startedAt >= milliseconds);
    },
    clear() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

function formatSeconds(milliseconds: number): string {
  return milliseconds % 1000 === 0 ? `${milliseconds / 1000} s` : `${(milliseconds / 1000).toFixed(1)} s`;
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

function networkErrorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code ?? ((error as { cause?: { code?: unknown } } | null)?.cause?.code);
  return typeof code === 'string' ? code : undefined;
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
