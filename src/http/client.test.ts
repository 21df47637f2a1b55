import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { openHttpCache, type SqliteHttpCache } from '../store/http-cache.js';
import { createHttpClient, parseRetryAfter, type HttpClientOptions } from './client.js';
import type { HttpClient, HttpResponse } from './types.js';

const ORIGIN = 'https://registry.npm.test';
const OTHER_ORIGIN = 'https://files.pypi.test';
const NOW = '2025-06-01T12:00:00.000Z';

interface Harness {
  agent: MockAgent;
  client: HttpClient;
  sleeps: number[];
  cache: SqliteHttpCache;
  events: ReturnType<typeof collectingSink>;
}

const open: Harness[] = [];

function harness(options: HttpClientOptions = {}, cache: SqliteHttpCache = openHttpCache(':memory:')): Harness {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const sleeps: number[] = [];
  const events = collectingSink();
  const client = createHttpClient({
    dispatcher: agent,
    cache,
    clock: fixedClock(NOW),
    sleep: async (milliseconds) => void sleeps.push(milliseconds),
    random: () => 0.5,
    retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 10_000 },
    events,
    ...options,
  });
  const made = { agent, client, sleeps, cache, events };
  open.push(made);
  return made;
}

afterEach(async () => {
  for (const { agent, client, cache } of open.splice(0)) {
    await client.close();
    cache.close();
    await agent.close();
  }
});

describe('retries', () => {
  // Back-off with random() = 0.5 and base 100 ms: ceiling 100·2^n, delay = ceiling·3/4.
  const cases: Array<{
    name: string;
    answers: Array<{ status: number; headers?: Record<string, string> } | 'network-error'>;
    sleeps: number[];
  }> = [
    { name: '429 with Retry-After in seconds', answers: [{ status: 429, headers: { 'retry-after': '2' } }, { status: 200 }], sleeps: [2000] },
    // NOW + 5 s as an HTTP date.
    { name: '429 with Retry-After as an HTTP date', answers: [{ status: 429, headers: { 'retry-after': 'Sun, 01 Jun 2025 12:00:05 GMT' } }, { status: 200 }], sleeps: [5000] },
    { name: '429 with a Retry-After date in the past', answers: [{ status: 429, headers: { 'retry-after': 'Sun, 01 Jun 2025 11:00:00 GMT' } }, { status: 200 }], sleeps: [0] },
    { name: '503 then 200', answers: [{ status: 503 }, { status: 200 }], sleeps: [75] },
    { name: '502, 500, 504 then 200: back-off doubles', answers: [{ status: 502 }, { status: 500 }, { status: 504 }, { status: 200 }], sleeps: [75, 150, 300] },
    { name: 'network error then 200', answers: ['network-error', { status: 200 }], sleeps: [75] },
    { name: '404 is an answer, not retried', answers: [{ status: 404 }], sleeps: [] },
  ];

  it.each(cases)('$name', async ({ answers, sleeps: expectedSleeps }) => {
    const { agent, client, sleeps } = harness();
    const pool = agent.get(ORIGIN);
    for (const answer of answers) {
      const interceptor = pool.intercept({ path: '/left-pad', method: 'GET' });
      if (answer === 'network-error') interceptor.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      else interceptor.reply(answer.status, answer.status === 200 ? '{"name":"left-pad"}' : '', { headers: answer.headers ?? {} });
    }
    const response = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm' });
    const last = answers.at(-1) as { status: number };
    expect(response.status).toBe(last.status);
    if (last.status === 200) expect(response.body.toString()).toBe('{"name":"left-pad"}');
    expect(sleeps).toEqual(expectedSleeps);
    expect(client.stats()).toMatchObject({ requests: answers.length, retries: answers.length - 1 });
    expect(client.failures()).toEqual([]);
    agent.assertNoPendingInterceptors();
  });

  const exhausted: Array<{ name: string; answer: { status: number; headers?: Record<string, string> } | 'network-error' | 'no-such-name'; attempts: number; status: number | undefined; message: RegExp }> = [
    { name: '503 four times', answer: { status: 503 }, attempts: 4, status: 503, message: /answered HTTP 503 after 4 attempt/ },
    { name: 'network error four times', answer: 'network-error', attempts: 4, status: undefined, message: /could not be reached after 4 attempt.*socket hang up/ },
    { name: 'a name that does not exist (ENOTFOUND), once', answer: 'no-such-name', attempts: 1, status: undefined, message: /could not be reached after 1 attempt.*ENOTFOUND/ },
    { name: 'Retry-After longer than allowed', answer: { status: 429, headers: { 'retry-after': '3600' } }, attempts: 1, status: 429, message: /asked to wait 3600 s/ },
  ];

  it.each(exhausted)('gives up: $name → HostError and one failure', async ({ answer, attempts, status, message }) => {
    const { agent, client } = harness();
    const interceptor = agent.get(ORIGIN).intercept({ path: '/left-pad', method: 'GET' });
    const scope =
      answer === 'network-error'
        ? interceptor.replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))
        : answer === 'no-such-name'
          ? interceptor.replyWithError(Object.assign(new Error('getaddrinfo ENOTFOUND registry.npm.test'), { code: 'ENOTFOUND' }))
          : interceptor.reply(answer.status, '', { headers: answer.headers ?? {} });
    scope.times(attempts);
    const error = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).status).toBe(status);
    expect((error as HostError).source).toBe('npm');
    expect((error as HostError).retryable).toBe(true);
    expect((error as HostError).message).toMatch(message);
    expect(client.stats().requests).toBe(attempts);
    expect(client.failures()).toEqual([{ source: 'npm', url: `${ORIGIN}/left-pad`, error: (error as HostError).message }]);
    agent.assertNoPendingInterceptors();
  });

  it('lists each failing source once, with its first URL', async () => {
    const { agent, client } = harness({ retry: { retries: 0 } });
    agent.get(ORIGIN).intercept({ path: '/a', method: 'GET' }).reply(500, '');
    agent.get(ORIGIN).intercept({ path: '/b', method: 'GET' }).reply(500, '');
    agent.get(OTHER_ORIGIN).intercept({ path: '/c', method: 'GET' }).reply(503, '');
    await expect(client.get({ url: `${ORIGIN}/a`, source: 'npm' })).rejects.toThrow(HostError);
    await expect(client.get({ url: `${ORIGIN}/b`, source: 'npm' })).rejects.toThrow(HostError);
    await expect(client.get({ url: `${OTHER_ORIGIN}/c`, source: 'pypi' })).rejects.toThrow(HostError);
    expect(client.failures().map(({ source, url }) => ({ source, url }))).toEqual([
      { source: 'npm', url: `${ORIGIN}/a` },
      { source: 'pypi', url: `${OTHER_ORIGIN}/c` },
    ]);
  });
});

describe('parseRetryAfter', () => {
  const clock = fixedClock(NOW);
  it.each([
    ['0', 0],
    ['120', 120_000],
    ['Sun, 01 Jun 2025 12:01:00 GMT', 60_000],
    ['Sun, 01 Jun 2025 11:59:00 GMT', 0],
    ['soon', null],
    [undefined, null],
  ])('%s → %s ms', (value, expected) => {
    expect(parseRetryAfter(value, clock)).toBe(expected);
  });
});

describe('cache', () => {
  it('revalidates with If-None-Match and serves the cached body on 304', async () => {
    const { agent, client, cache } = harness();
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/left-pad', method: 'GET' }).reply(200, '{"v":1}', { headers: { etag: 'W/"abc"', 'content-type': 'application/json' } });
    pool.intercept({ path: '/left-pad', method: 'GET', headers: { 'if-none-match': 'W/"abc"' } }).reply(304, '', { headers: { etag: 'W/"abc"' } });
    const first = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm' });
    expect(first).toMatchObject({ status: 200, fromCache: false });
    const second = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm' });
    expect(second.status).toBe(200);
    expect(second.fromCache).toBe(true);
    expect(second.body.toString()).toBe('{"v":1}');
    expect(second.headers['content-type']).toBe('application/json');
    expect(client.stats()).toMatchObject({ requests: 2, notModified: 1, cacheHits: 1 });
    expect(cache.get({ method: 'GET', url: `${ORIGIN}/left-pad`, vary: '' })?.storedAt).toBe(NOW);
    agent.assertNoPendingInterceptors();
  });

  it('revalidates with If-Modified-Since and replaces the body on a new 200', async () => {
    const { agent, client } = harness();
    const pool = agent.get(OTHER_ORIGIN);
    const lastModified = 'Sat, 31 May 2025 10:00:00 GMT';
    pool.intercept({ path: '/simple/numpy/', method: 'GET' }).reply(200, 'old', { headers: { 'last-modified': lastModified } });
    pool.intercept({ path: '/simple/numpy/', method: 'GET', headers: { 'if-modified-since': lastModified } }).reply(200, 'new', { headers: {} });
    pool.intercept({ path: '/simple/numpy/', method: 'GET', headers: (headers) => headers['if-modified-since'] === undefined }).reply(200, 'newest');
    expect((await client.get({ url: `${OTHER_ORIGIN}/simple/numpy/`, source: 'pypi' })).body.toString()).toBe('old');
    const second = await client.get({ url: `${OTHER_ORIGIN}/simple/numpy/`, source: 'pypi' });
    expect(second).toMatchObject({ status: 200, fromCache: false });
    expect(second.body.toString()).toBe('new');
    // The new answer had no validators: the next request is unconditional.
    expect((await client.get({ url: `${OTHER_ORIGIN}/simple/numpy/`, source: 'pypi' })).body.toString()).toBe('newest');
    agent.assertNoPendingInterceptors();
  });

  it.each([
    ['younger than maxAgeMs: served without a request', '2025-06-01T12:00:59.000Z', 1],
    ['as old as maxAgeMs: asked again', '2025-06-01T12:01:00.000Z', 2],
  ])('revalidate with maxAgeMs, %s', async (_name, later, requests) => {
    const cache = openHttpCache(':memory:');
    const first = harness({}, cache);
    first.agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'v1');
    await first.client.get({ url: `${ORIGIN}/x`, source: 'npm' });
    const second = harness({ clock: fixedClock(later), maxAgeMs: 60_000 }, cache);
    second.agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'v2');
    const response = await second.client.get({ url: `${ORIGIN}/x`, source: 'npm' });
    expect(response.body.toString()).toBe(requests === 1 ? 'v1' : 'v2');
    expect(response.fromCache).toBe(requests === 1);
    expect(first.client.stats().requests + second.client.stats().requests).toBe(requests);
  });

  it('keep: stores the trimmed form under a key of its own and hands it back with `form`, validated', async () => {
    const { agent, client, cache } = harness();
    const pool = agent.get(OTHER_ORIGIN);
    pool.intercept({ path: '/simple/numpy/', method: 'GET' }).reply(200, '{"files":["a","b","c"]}', { headers: { 'content-type': 'application/json', etag: '"p"' } });
    pool.intercept({ path: '/simple/numpy/', method: 'GET', headers: { 'if-none-match': '"p"' } }).reply(304, '', { headers: { etag: '"p"' } });
    pool.intercept({ path: '/simple/numpy/', method: 'GET' }).reply(200, 'whole');
    const seen: { body: string; form: string | undefined }[] = [];
    const request = {
      url: `${OTHER_ORIGIN}/simple/numpy/`,
      source: 'pypi',
      keep: { form: 'files-count/1', trim: (response: HttpResponse) => Buffer.from(String((JSON.parse(response.body.toString()) as { files: string[] }).files.length)) },
      validate: (response: HttpResponse) => {
        seen.push({ body: response.body.toString(), form: response.form });
        return true;
      },
    };
    const first = await client.get(request);
    expect(first).toMatchObject({ fromCache: false });
    expect(first.form).toBeUndefined();
    expect(cache.get({ method: 'GET', url: `${OTHER_ORIGIN}/simple/numpy/`, vary: 'form=files-count/1' })).toMatchObject({ body: Buffer.from('3'), etag: '"p"' });
    // Revalidated (304): the kept form comes back, marked, after the validator saw it.
    const second = await client.get(request);
    expect(second).toMatchObject({ status: 200, fromCache: true, form: 'files-count/1' });
    expect(second.body.toString()).toBe('3');
    expect(seen).toEqual([
      { body: '{"files":["a","b","c"]}', form: undefined },
      { body: '3', form: 'files-count/1' },
    ]);
    // The same URL without `keep` is another entry: never a trimmed form handed to a caller that did not ask for one.
    expect((await client.get({ url: `${OTHER_ORIGIN}/simple/numpy/`, source: 'pypi' })).body.toString()).toBe('whole');
    agent.assertNoPendingInterceptors();
  });

  it('keep: a trim that gives null keeps nothing', async () => {
    const { agent, client, cache } = harness();
    agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'v1');
    await client.get({ url: `${ORIGIN}/x`, source: 'npm', keep: { form: 'f/1', trim: () => null } });
    expect(cache.size()).toBe(0);
  });

  it('a request\'s maxAgeMs wins over the client\'s', async () => {
    const cache = openHttpCache(':memory:');
    const first = harness({}, cache);
    first.agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'v1');
    await first.client.get({ url: `${ORIGIN}/x`, source: 'npm' });
    const second = harness({ clock: fixedClock('2025-06-01T12:09:00.000Z'), maxAgeMs: 60_000 }, cache);
    second.agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'v2');
    expect((await second.client.get({ url: `${ORIGIN}/x`, source: 'npm', maxAgeMs: 600_000 })).body.toString()).toBe('v1');
    expect((await second.client.get({ url: `${ORIGIN}/x`, source: 'npm' })).body.toString()).toBe('v2');
  });

  it('prefer-cache answers from the cache without a request', async () => {
    const { agent, client } = harness();
    agent.get(OTHER_ORIGIN).intercept({ path: '/packages/x.whl.metadata', method: 'GET' }).reply(200, 'Metadata-Version: 2.1', { headers: { etag: '"m"' } });
    const first = await client.get({ url: `${OTHER_ORIGIN}/packages/x.whl.metadata`, source: 'pypi', cache: 'prefer-cache' });
    const second = await client.get({ url: `${OTHER_ORIGIN}/packages/x.whl.metadata`, source: 'pypi', cache: 'prefer-cache' });
    expect(first.fromCache).toBe(false);
    expect(second.fromCache).toBe(true);
    expect(second.body.toString()).toBe('Metadata-Version: 2.1');
    expect(client.stats()).toMatchObject({ requests: 1, cacheHits: 1, notModified: 0 });
    agent.assertNoPendingInterceptors();
  });

  it('keeps representations apart by Accept', async () => {
    const { agent, client } = harness();
    const pool = agent.get(OTHER_ORIGIN);
    pool.intercept({ path: '/simple/numpy/', method: 'GET', headers: { accept: 'application/vnd.pypi.simple.v1+json' } }).reply(200, '{"json":true}');
    pool.intercept({ path: '/simple/numpy/', method: 'GET', headers: { accept: 'text/html' } }).reply(200, '<html>');
    const json = await client.get({ url: `${OTHER_ORIGIN}/simple/numpy/`, source: 'pypi', headers: { Accept: 'application/vnd.pypi.simple.v1+json' }, cache: 'prefer-cache' });
    const html = await client.get({ url: `${OTHER_ORIGIN}/simple/numpy/`, source: 'pypi', headers: { Accept: 'text/html' }, cache: 'prefer-cache' });
    expect([json.body.toString(), html.body.toString()]).toEqual(['{"json":true}', '<html>']);
    expect(html.fromCache).toBe(false);
    agent.assertNoPendingInterceptors();
  });

  it('no-store neither reads nor writes the cache', async () => {
    const { agent, client, cache } = harness();
    agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'one', { headers: { etag: '"1"' } }).times(2);
    await client.get({ url: `${ORIGIN}/x`, source: 'npm', cache: 'no-store' });
    await client.get({ url: `${ORIGIN}/x`, source: 'npm', cache: 'no-store' });
    expect(cache.size()).toBe(0);
    expect(client.stats()).toMatchObject({ requests: 2, cacheHits: 0 });
    agent.assertNoPendingInterceptors();
  });

  it('does not keep responses marked Cache-Control: no-store, nor 5xx', async () => {
    const { agent, client, cache } = harness({ retry: { retries: 0 } });
    agent.get(ORIGIN).intercept({ path: '/private', method: 'GET' }).reply(200, 'secret', { headers: { 'cache-control': 'private, no-store' } });
    agent.get(ORIGIN).intercept({ path: '/broken', method: 'GET' }).reply(500, 'oops');
    await client.get({ url: `${ORIGIN}/private`, source: 'npm' });
    await expect(client.get({ url: `${ORIGIN}/broken`, source: 'npm' })).rejects.toThrow(HostError);
    expect(cache.size()).toBe(0);
  });
});

describe('offline', () => {
  it('serves a cached response, 404s included, and fails on a miss with status undefined', async () => {
    const shared = openHttpCache(':memory:');
    const online = harness({}, shared);
    online.agent.get(ORIGIN).intercept({ path: '/left-pad', method: 'GET' }).reply(200, '{"name":"left-pad"}', { headers: { etag: '"e"' } });
    online.agent.get(ORIGIN).intercept({ path: '/gone', method: 'GET' }).reply(404, 'not found');
    await online.client.get({ url: `${ORIGIN}/left-pad`, source: 'npm' });
    await online.client.get({ url: `${ORIGIN}/gone`, source: 'npm' });

    const offline = harness({ offline: true }, shared);
    const hit = await offline.client.get({ url: `${ORIGIN}/left-pad`, source: 'npm' });
    expect(hit).toMatchObject({ status: 200, fromCache: true, url: `${ORIGIN}/left-pad` });
    expect(hit.body.toString()).toBe('{"name":"left-pad"}');
    const absent = await offline.client.get({ url: `${ORIGIN}/gone`, source: 'npm' });
    expect(absent).toMatchObject({ status: 404, fromCache: true });

    const miss = await offline.client.get({ url: `${ORIGIN}/never-seen`, source: 'npm' }).catch((error: unknown) => error);
    expect(miss).toBeInstanceOf(HostError);
    expect((miss as HostError).status).toBeUndefined();
    expect((miss as HostError).message).toBe(`offline: no cached response for ${ORIGIN}/never-seen`);
    expect(offline.client.failures()).toEqual([{ source: 'npm', url: `${ORIGIN}/never-seen`, error: `offline: no cached response for ${ORIGIN}/never-seen` }]);
    expect(offline.client.stats()).toMatchObject({ requests: 0, cacheHits: 2 });
  });

  it('with no cache at all, every request is a miss', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const client = createHttpClient({ dispatcher: agent, offline: true });
    await expect(client.get({ url: `${ORIGIN}/x`, source: 'npm' })).rejects.toMatchObject({ name: 'HostError', status: undefined });
    await client.close();
    await agent.close();
  });
});

describe('per-host concurrency', () => {
  it.each([1, 2, 3])('keeps at most %i requests in flight per origin', async (limit) => {
    const { agent, client } = harness({ perHostConcurrency: limit });
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    for (const origin of [ORIGIN, OTHER_ORIGIN]) {
      agent
        .get(origin)
        .intercept({ path: /^\/p\d+$/, method: 'GET' })
        .reply(200, async () => {
          inFlight.set(origin, (inFlight.get(origin) ?? 0) + 1);
          peak.set(origin, Math.max(peak.get(origin) ?? 0, inFlight.get(origin)!));
          await new Promise((resolve) => setTimeout(resolve, 5));
          inFlight.set(origin, inFlight.get(origin)! - 1);
          return 'ok';
        })
        .times(6);
    }
    const requests = [ORIGIN, OTHER_ORIGIN].flatMap((origin) => Array.from({ length: 6 }, (_, index) => client.get({ url: `${origin}/p${index}`, source: origin })));
    const responses = await Promise.all(requests);
    expect(responses.every((response) => response.status === 200)).toBe(true);
    // Each origin reaches its limit (6 > 3 requests queued), never more.
    expect(peak.get(ORIGIN)).toBe(limit);
    expect(peak.get(OTHER_ORIGIN)).toBe(limit);
    agent.assertNoPendingInterceptors();
  });
});

describe('redirects', () => {
  it('follows a chain and reports the final URL', async () => {
    const { agent, client } = harness();
    agent.get(ORIGIN).intercept({ path: '/old', method: 'GET' }).reply(301, '', { headers: { location: '/newer' } });
    agent.get(ORIGIN).intercept({ path: '/newer', method: 'GET' }).reply(302, '', { headers: { location: `${OTHER_ORIGIN}/final` } });
    agent.get(OTHER_ORIGIN).intercept({ path: '/final', method: 'GET' }).reply(200, 'here');
    const response = await client.get({ url: `${ORIGIN}/old`, source: 'npm' });
    expect(response).toMatchObject({ status: 200, url: `${OTHER_ORIGIN}/final` });
    expect(response.body.toString()).toBe('here');
    agent.assertNoPendingInterceptors();
  });

  it('sends Authorization to the same origin only', async () => {
    const { agent, client } = harness();
    // undici may call a header matcher more than once per request: keep the last value per path.
    const seen = new Map<string, string | undefined>();
    const record = (path: string) => (headers: Record<string, string>): boolean => {
      seen.set(path, headers.authorization);
      return true;
    };
    agent.get(ORIGIN).intercept({ path: '/tarball', method: 'GET', headers: record('/tarball') }).reply(307, '', { headers: { location: '/tarball-2' } });
    agent.get(ORIGIN).intercept({ path: '/tarball-2', method: 'GET', headers: record('/tarball-2') }).reply(302, '', { headers: { location: `${OTHER_ORIGIN}/blob` } });
    agent.get(OTHER_ORIGIN).intercept({ path: '/blob', method: 'GET', headers: record('/blob') }).reply(200, 'data');
    await client.get({ url: `${ORIGIN}/tarball`, source: 'npm', headers: { Authorization: 'Bearer npm-secret-token' } });
    expect(Object.fromEntries(seen)).toEqual({ '/tarball': 'Bearer npm-secret-token', '/tarball-2': 'Bearer npm-secret-token', '/blob': undefined });
    agent.assertNoPendingInterceptors();
  });

  it('stops after maxRedirects', async () => {
    const { agent, client } = harness({ maxRedirects: 2 });
    agent.get(ORIGIN).intercept({ path: '/loop', method: 'GET' }).reply(302, '', { headers: { location: '/loop' } }).times(3);
    await expect(client.get({ url: `${ORIGIN}/loop`, source: 'npm' })).rejects.toThrow(/more than 2 redirects/);
    expect(client.failures()).toHaveLength(1);
  });
});

describe('range requests', () => {
  it('asks for a byte range without compression and returns the 206', async () => {
    const { agent, client } = harness();
    agent
      .get(OTHER_ORIGIN)
      .intercept({ path: '/x.whl', method: 'GET', headers: { range: 'bytes=100-199', 'accept-encoding': 'identity' } })
      .reply(206, Buffer.alloc(100, 7), { headers: { 'content-range': 'bytes 100-199/1000' } });
    agent
      .get(OTHER_ORIGIN)
      .intercept({ path: '/x.whl', method: 'GET', headers: { range: 'bytes=900-' } })
      .reply(206, Buffer.alloc(100, 9), { headers: { 'content-range': 'bytes 900-999/1000' } });
    const middle = await client.get({ url: `${OTHER_ORIGIN}/x.whl`, source: 'pypi', range: { start: 100, end: 199 }, cache: 'prefer-cache' });
    const tail = await client.get({ url: `${OTHER_ORIGIN}/x.whl`, source: 'pypi', range: { start: 900 }, cache: 'prefer-cache' });
    expect(middle.status).toBe(206);
    expect(middle.body).toEqual(Buffer.alloc(100, 7));
    expect(middle.headers['content-range']).toBe('bytes 100-199/1000');
    expect(tail.body).toEqual(Buffer.alloc(100, 9));
    // Ranges are cached apart.
    const again = await client.get({ url: `${OTHER_ORIGIN}/x.whl`, source: 'pypi', range: { start: 100, end: 199 }, cache: 'prefer-cache' });
    expect(again.fromCache).toBe(true);
    expect(again.body).toEqual(Buffer.alloc(100, 7));
    agent.assertNoPendingInterceptors();
  });
});

describe('content-encoding', () => {
  const text = '{"name":"jupyterlab","versions":{}}'.repeat(20);
  it.each([
    ['gzip', gzipSync(text)],
    ['x-gzip', gzipSync(text)],
    ['br', brotliCompressSync(text)],
    ['deflate', deflateSync(text)],
    ['identity', Buffer.from(text)],
  ])('decodes %s', async (encoding, body) => {
    const { agent, client } = harness();
    agent
      .get(ORIGIN)
      .intercept({ path: '/jupyterlab', method: 'GET', headers: { 'accept-encoding': 'gzip, deflate, br' } })
      .reply(200, body, { headers: { 'content-encoding': encoding, 'content-length': String(body.length) } });
    const response = await client.get({ url: `${ORIGIN}/jupyterlab`, source: 'npm' });
    expect(response.body.toString()).toBe(text);
    expect(response.headers['content-encoding']).toBeUndefined();
    expect(response.headers['content-length']).toBe(String(text.length));
    expect(client.stats().bytes).toBe(body.length);
  });

  it('refuses an encoding it cannot decode, without retrying', async () => {
    const { agent, client } = harness();
    agent.get(ORIGIN).intercept({ path: '/z', method: 'GET' }).reply(200, 'xx', { headers: { 'content-encoding': 'zstd' } });
    await expect(client.get({ url: `${ORIGIN}/z`, source: 'npm' })).rejects.toThrow(/unsupported content-encoding zstd/);
    expect(client.stats().retries).toBe(0);
  });
});

describe('credentials', () => {
  const TOKEN = 'npm_SECRETTOKEN0123456789abcdef';
  const PASSWORD = 'hunter2-pass-word';

  it('moves user info from the URL into Authorization and out of the cache key', async () => {
    const { agent, client, cache } = harness();
    const expected = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
    agent.get(OTHER_ORIGIN).intercept({ path: '/simple/', method: 'GET', headers: { authorization: expected } }).reply(200, 'index');
    const response = await client.get({ url: `https://alice:${PASSWORD}@files.pypi.test/simple/`, source: 'pypi' });
    expect(response.url).toBe(`${OTHER_ORIGIN}/simple/`);
    expect(cache.get({ method: 'GET', url: `${OTHER_ORIGIN}/simple/`, vary: '' })?.body.toString()).toBe('index');
    agent.assertNoPendingInterceptors();
  });

  const leaks: Array<{ name: string; url: string; headers?: Record<string, string>; errorMessage: (url: string) => string }> = [
    { name: 'token in Authorization, echoed by the error', url: `${ORIGIN}/left-pad`, headers: { authorization: `Bearer ${TOKEN}` }, errorMessage: () => `bad auth Bearer ${TOKEN}` },
    { name: 'password in the URL, echoed by the error', url: `https://bob:${PASSWORD}@registry.npm.test/left-pad`, errorMessage: (url) => `connect failed for ${url}` },
    { name: 'token in the query string', url: `${ORIGIN}/left-pad?token=${TOKEN}`, errorMessage: (url) => `connect failed for ${url}` },
    { name: 'conda token path segment', url: `https://conda.test/t/${TOKEN}/conda-forge/noarch/repodata.json`, errorMessage: (url) => `connect failed for ${url}` },
  ];

  it.each(leaks)('never shows secrets: $name', async ({ url, headers, errorMessage }) => {
    const { agent, client, events } = harness({ retry: { retries: 1 } });
    const parsed = new URL(url);
    agent
      .get(parsed.origin)
      .intercept({ path: `${parsed.pathname}${parsed.search}`, method: 'GET' })
      .replyWithError(Object.assign(new Error(errorMessage(url)), { code: 'ECONNREFUSED' }))
      .times(2);
    const error = (await client.get({ url, source: 'npm', ...(headers ? { headers } : {}) }).catch((caught: unknown) => caught)) as HostError;
    expect(error).toBeInstanceOf(HostError);
    const shown = JSON.stringify({
      message: error.message,
      cause: String(error.cause),
      failures: client.failures(),
      events: events.events,
    });
    expect(shown).not.toContain(TOKEN);
    expect(shown).not.toContain(PASSWORD);
    expect(shown).toContain('***');
    expect(client.failures()).toHaveLength(1);
  });
});

describe('a broken cache', () => {
  it('costs requests, never an answer', async () => {
    const broken: SqliteHttpCache = {
      path: 'broken',
      get: () => {
        throw new Error('database disk image is malformed');
      },
      put: () => {
        throw new Error('disk full');
      },
      refresh: () => {},
      delete: () => {},
      size: () => 0,
      flush: () => {},
      close: () => {},
    };
    const { agent, client, events } = harness({}, broken);
    agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'fine');
    const response = await client.get({ url: `${ORIGIN}/x`, source: 'npm' });
    expect(response.body.toString()).toBe('fine');
    expect(events.events.filter((event) => event.type === 'log' && event.level === 'warn').map((event) => (event as { message: string }).message)).toEqual([
      'HTTP cache not read: database disk image is malformed',
      'HTTP cache not written: disk full',
    ]);
  });
});

describe('an unopenable cache path', () => {
  it('is reported and the client works without a cache', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'fine').times(2);
    const events = collectingSink();
    // A path below a character device cannot be created.
    const client = createHttpClient({ dispatcher: agent, openCache: () => openHttpCache('/dev/null/cache.sqlite'), events });
    expect((await client.get({ url: `${ORIGIN}/x`, source: 'npm', cache: 'prefer-cache' })).body.toString()).toBe('fine');
    expect((await client.get({ url: `${ORIGIN}/x`, source: 'npm', cache: 'prefer-cache' })).fromCache).toBe(false);
    expect(events.events[0]).toMatchObject({ type: 'log', level: 'warn', data: { path: '/dev/null/cache.sqlite' } });
    await client.close();
    await agent.close();
  });
});

describe('who closes the cache', () => {
  function countingCache(): { cache: SqliteHttpCache; closed: () => number } {
    const cache = openHttpCache(':memory:');
    let closed = 0;
    return {
      cache: {
        ...cache,
        close: () => {
          closed++;
          cache.close();
        },
      },
      closed: () => closed,
    };
  }

  it('the client closes a cache it opened (openCache), not one it was given (cache)', async () => {
    const opened = countingCache();
    const given = countingCache();
    const owner = createHttpClient({ openCache: () => opened.cache });
    const borrower = createHttpClient({ cache: given.cache });
    await owner.close();
    await borrower.close();
    expect([opened.closed(), given.closed()]).toEqual([1, 0]);
    given.cache.close();
  });

  it('without openCache or cache nothing is cached', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, 'fine').times(2);
    const client = createHttpClient({ dispatcher: agent });
    await client.get({ url: `${ORIGIN}/x`, source: 'npm', cache: 'prefer-cache' });
    expect((await client.get({ url: `${ORIGIN}/x`, source: 'npm', cache: 'prefer-cache' })).fromCache).toBe(false);
    await client.close();
    await agent.close();
  });
});

describe('close', () => {
  it('may be called twice', async () => {
    const client = createHttpClient({});
    await client.close();
    await expect(client.close()).resolves.toBeUndefined();
  });

  it('closes the dispatcher it made, not an injected one', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent.get(ORIGIN).intercept({ path: '/a', method: 'GET' }).reply(200, 'a').times(2);
    const first = createHttpClient({ dispatcher: agent });
    await first.get({ url: `${ORIGIN}/a`, source: 'npm' });
    await first.close();
    const second = createHttpClient({ dispatcher: agent });
    expect((await second.get({ url: `${ORIGIN}/a`, source: 'npm' })).body.toString()).toBe('a');
    await second.close();
    await agent.close();
  });
});
