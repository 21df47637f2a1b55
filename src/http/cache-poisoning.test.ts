import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { secretsInDatabase } from '../../test/secrets-in-database.js';
import { fixedClock } from '../core/clock.js';
import { HostError } from '../core/errors.js';
import { openHttpCache, type SqliteHttpCache } from '../store/http-cache.js';
import { createHttpClient, type HttpClientOptions } from './client.js';
import type { HttpClient, HttpResponse } from './types.js';

const ORIGIN = 'https://registry.npm.test';
const NOW = '2025-06-01T12:00:00.000Z';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function harness(options: HttpClientOptions = {}, cache: SqliteHttpCache = openHttpCache(':memory:')): { client: HttpClient; cache: SqliteHttpCache; agent: MockAgent } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const client = createHttpClient({ dispatcher: agent, cache, clock: fixedClock(NOW), sleep: async () => {}, random: () => 0.5, ...options });
  cleanups.push(async () => {
    await client.close();
    cache.close();
    await agent.close();
  });
  return { client, cache, agent };
}

/** What a caller that parses JSON passes: the body must parse, and be an object with a name. */
function packumentCheck(response: HttpResponse): true | string {
  if (/^\s*</.test(response.body.toString('utf8', 0, 64))) return 'answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?';
  try {
    const value = JSON.parse(response.body.toString('utf8')) as { name?: unknown };
    return typeof value.name === 'string' ? true : 'answered JSON without a package name';
  } catch (error) {
    return `answered something that is not JSON (${(error as Error).message})`;
  }
}

async function failure(promise: Promise<unknown>): Promise<HostError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HostError);
  return error as HostError;
}

describe('only answers that validated are cached', () => {
  it.each([
    ['invalid JSON', '{"name": "left-pad", "versions": {', /answered something that is not JSON/],
    ['a captive portal page', '<!DOCTYPE html><html><body>Log in to the hotel Wi-Fi</body></html>', /answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror\?$/],
    ['a cut-off but well-framed answer', '{"name": "left-pad", "versions": {"1.0.0": {}}, "dist-tags": {"latest": "1.', /answered something that is not JSON/],
    ['JSON of the wrong shape', '{"error": "not found"}', /answered JSON without a package name$/],
  ])('%s is not cached, fails with the reason, and is asked for again next time', async (_label, body, reason) => {
    const { client, cache, agent } = harness();
    agent.get(ORIGIN).intercept({ path: '/left-pad', method: 'GET' }).reply(200, body, { headers: { 'content-type': 'application/json' } }).times(2);
    const error = await failure(client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate: packumentCheck }));
    expect(error.message).toMatch(reason);
    expect(error.message.startsWith(`${ORIGIN}/left-pad answered`)).toBe(true);
    expect(cache.size()).toBe(0);
    expect(client.failures()).toHaveLength(1);
    await failure(client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate: packumentCheck, cache: 'prefer-cache' }));
    agent.assertNoPendingInterceptors();
  });

  it('a valid answer is cached, and the cached copy is checked again when served', async () => {
    const { client, cache, agent } = harness();
    agent.get(ORIGIN).intercept({ path: '/left-pad', method: 'GET' }).reply(200, '{"name":"left-pad"}');
    let checks = 0;
    const validate = (response: HttpResponse) => (checks++, packumentCheck(response));
    await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate });
    expect(cache.size()).toBe(1);
    const again = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate, cache: 'prefer-cache' });
    expect(again.fromCache).toBe(true);
    expect(checks).toBe(2);
  });

  it('a poisoned entry left by an older version is deleted and fetched again', async () => {
    const { client, cache, agent } = harness();
    const key = { method: 'GET', url: `${ORIGIN}/left-pad`, vary: '' };
    cache.put(key, { status: 200, headers: {}, body: Buffer.alloc(0), etag: null, lastModified: null, finalUrl: `${ORIGIN}/left-pad`, storedAt: NOW });
    agent.get(ORIGIN).intercept({ path: '/left-pad', method: 'GET' }).reply(200, '{"name":"left-pad"}');
    const response = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate: packumentCheck, cache: 'prefer-cache' });
    expect(response).toMatchObject({ fromCache: false, status: 200 });
    expect(cache.get(key)?.body.toString()).toBe('{"name":"left-pad"}');
  });

  it('after a 304, a poisoned cached body is not served: the whole answer is asked for again, without validators', async () => {
    const { client, cache, agent } = harness();
    const key = { method: 'GET', url: `${ORIGIN}/left-pad`, vary: '' };
    cache.put(key, { status: 200, headers: {}, body: Buffer.from('<html>portal</html>'), etag: '"v1"', lastModified: null, finalUrl: `${ORIGIN}/left-pad`, storedAt: NOW });
    const pool = agent.get(ORIGIN);
    pool.intercept({ path: '/left-pad', method: 'GET', headers: { 'if-none-match': '"v1"' } }).reply(304, '');
    pool.intercept({ path: '/left-pad', method: 'GET', headers: (headers) => !('if-none-match' in headers) }).reply(200, '{"name":"left-pad"}', { headers: { etag: '"v2"' } });
    const response = await client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate: packumentCheck });
    expect(response.body.toString()).toBe('{"name":"left-pad"}');
    expect(cache.get(key)?.etag).toBe('"v2"');
    agent.assertNoPendingInterceptors();
  });

  it('offline, a poisoned entry fails the request, saying why, and is deleted', async () => {
    const { client, cache } = harness({ offline: true });
    const key = { method: 'GET', url: `${ORIGIN}/left-pad`, vary: '' };
    cache.put(key, { status: 200, headers: {}, body: Buffer.from('<html>portal</html>'), etag: null, lastModified: null, finalUrl: `${ORIGIN}/left-pad`, storedAt: NOW });
    const error = await failure(client.get({ url: `${ORIGIN}/left-pad`, source: 'npm', validate: packumentCheck }));
    expect(error.message).toBe(`offline: the cached answer for ${ORIGIN}/left-pad is not usable (answered an HTML page where JSON was expected: a captive portal or a misconfigured mirror?) and was deleted`);
    expect(cache.size()).toBe(0);
  });

  it('absences are not validated: a 404 is an answer', async () => {
    const { client, cache, agent } = harness();
    agent.get(ORIGIN).intercept({ path: '/nothing', method: 'GET' }).reply(404, '<html>Not Found</html>');
    expect((await client.get({ url: `${ORIGIN}/nothing`, source: 'npm', validate: packumentCheck })).status).toBe(404);
    expect(cache.size()).toBe(1);
  });

  it('{ cache: false } hands the answer back without keeping it', async () => {
    const { client, cache, agent } = harness();
    agent.get(ORIGIN).intercept({ path: '/maybe', method: 'GET' }).reply(200, '<html>not served here</html>');
    const response = await client.get({ url: `${ORIGIN}/maybe`, source: 'pypi', validate: () => ({ cache: false }) });
    expect(response.body.toString()).toBe('<html>not served here</html>');
    expect(cache.size()).toBe(0);
  });

  it('a validator that throws counts as a rejection, not a crash', async () => {
    const { client, cache, agent } = harness();
    agent.get(ORIGIN).intercept({ path: '/x', method: 'GET' }).reply(200, '{}');
    const error = await failure(
      client.get({
        url: `${ORIGIN}/x`,
        source: 'npm',
        validate: () => {
          throw new Error('boom');
        },
      }),
    );
    expect(error.message).toBe(`${ORIGIN}/x could not be checked: boom`);
    expect(cache.size()).toBe(0);
  });
});

describe('the cache file holds no credential', () => {
  it('scrubs credentials from stored headers, and only credentials', async () => {
    const { client, cache, agent } = harness();
    agent
      .get(ORIGIN)
      .intercept({ path: '/x?format=json&token=tok-123456', method: 'GET' })
      .reply(200, '{}', { headers: { 'content-type': 'application/json', link: `<${ORIGIN}/x?format=json&token=tok-123456>; rel="self"` } });
    await client.get({ url: `${ORIGIN}/x?format=json&token=tok-123456`, source: 'npm' });
    const stored = cache.get({ method: 'GET', url: `${ORIGIN}/x?format=json&token=tok-123456`, vary: '' });
    expect(stored?.headers).toEqual({ 'content-type': 'application/json', link: `<${ORIGIN}/x?format=json&token=***>; rel="self"` });
  });

  it('after a run through a redirect, no column of any table holds the user info, the conda token or a query token', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-http-secrets-'));
    cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
    const file = path.join(directory, 'http-cache.sqlite');
    const { client, agent } = harness({}, openHttpCache(file));
    const channel = 'https://conda.test';
    const asked = `https://bob:PASSWORD-1@conda.test/t/TOKEN-2/private/noarch/repodata.json?token=TOKEN-3&page=2`;
    const pool = agent.get(channel);
    pool
      .intercept({ path: '/t/TOKEN-2/private/noarch/repodata.json?token=TOKEN-3&page=2', method: 'GET' })
      .reply(302, '', { headers: { location: '/t/TOKEN-2/private/noarch/current.json?token=TOKEN-3&X-Amz-Signature=TOKEN-4&page=2' } });
    pool
      .intercept({ path: '/t/TOKEN-2/private/noarch/current.json?token=TOKEN-3&X-Amz-Signature=TOKEN-4&page=2', method: 'GET' })
      .reply(200, '{"info":{},"packages":{}}', {
        headers: { 'content-type': 'application/json', link: `<${channel}/t/TOKEN-2/private/noarch/current.json?token=TOKEN-3>; rel="self"`, 'set-cookie': 'session=TOKEN-5' },
      });
    const response = await client.get({ url: asked, source: 'conda', validate: (answer) => answer.body.toString().startsWith('{') });
    expect(response.url).toBe(`${channel}/t/TOKEN-2/private/noarch/current.json?token=TOKEN-3&X-Amz-Signature=TOKEN-4&page=2`);
    await client.close();

    expect(secretsInDatabase(file, ['PASSWORD-1', 'TOKEN-', 'bob'])).toEqual([]);

    // Offline, the answer comes back with the asking URL's secrets in its URL (for links relative to it).
    const reopened = openHttpCache(file);
    const offline = createHttpClient({ cache: reopened, offline: true });
    const again = await offline.get({ url: asked, source: 'conda' });
    expect(again.url).toBe(`${channel}/t/TOKEN-2/private/noarch/current.json?token=TOKEN-3&X-Amz-Signature=***&page=2`);
    await offline.close();
    reopened.close();
  });
});
