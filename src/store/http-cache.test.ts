import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { secretsInDatabase } from '../../test/secrets-in-database.js';
import { ChainwatchError } from '../core/errors.js';
import type { CachedResponse, HttpCacheKey } from '../http/cache.js';
import { cacheableUrl, defaultHttpCachePath, openHttpCache } from './http-cache.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function temporaryFile(name: string): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-http-cache-'));
  directories.push(directory);
  return path.join(directory, name);
}

const KEY: HttpCacheKey = { method: 'GET', url: 'https://registry.npm.test/jupyterlab', vary: 'accept=application/json' };

function response(overrides: Partial<CachedResponse> = {}): CachedResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', etag: '"abc"' },
    body: Buffer.from([0, 1, 2, 255]),
    etag: '"abc"',
    lastModified: 'Sat, 31 May 2025 10:00:00 GMT',
    finalUrl: 'https://registry.npm.test/jupyterlab',
    storedAt: '2025-06-01T12:00:00.000Z',
    ...overrides,
  };
}

describe('openHttpCache', () => {
  it('stores and returns a response, binary body intact', () => {
    const cache = openHttpCache(':memory:');
    expect(cache.get(KEY)).toBeNull();
    cache.put(KEY, response());
    expect(cache.get(KEY)).toEqual(response());
    expect(cache.size()).toBe(1);
    cache.close();
  });

  it('keys by method, URL and vary', () => {
    const cache = openHttpCache(':memory:');
    cache.put(KEY, response({ body: Buffer.from('json') }));
    cache.put({ ...KEY, vary: 'accept=text/html' }, response({ body: Buffer.from('html') }));
    cache.put({ ...KEY, vary: '' }, response({ body: Buffer.from('plain') }));
    expect(cache.get(KEY)?.body.toString()).toBe('json');
    expect(cache.get({ ...KEY, vary: 'accept=text/html' })?.body.toString()).toBe('html');
    expect(cache.get({ ...KEY, vary: '' })?.body.toString()).toBe('plain');
    expect(cache.get({ ...KEY, method: 'HEAD' })).toBeNull();
    expect(cache.size()).toBe(3);
    cache.close();
  });

  it('replaces a response stored under the same key', () => {
    const cache = openHttpCache(':memory:');
    cache.put(KEY, response());
    cache.put(KEY, response({ status: 404, body: Buffer.from('gone'), etag: null, lastModified: null }));
    expect(cache.get(KEY)).toMatchObject({ status: 404, etag: null, lastModified: null });
    expect(cache.size()).toBe(1);
    cache.close();
  });

  it('refresh keeps the body and updates validators and time', () => {
    const cache = openHttpCache(':memory:');
    cache.put(KEY, response());
    cache.refresh(KEY, { etag: '"def"', storedAt: '2025-06-02T00:00:00.000Z' });
    expect(cache.get(KEY)).toMatchObject({ etag: '"def"', lastModified: 'Sat, 31 May 2025 10:00:00 GMT', storedAt: '2025-06-02T00:00:00.000Z', body: Buffer.from([0, 1, 2, 255]) });
    cache.refresh(KEY, { headers: { 'content-type': 'application/json', etag: '"ghi"' }, etag: null, storedAt: '2025-06-03T00:00:00.000Z' });
    expect(cache.get(KEY)?.headers).toEqual({ 'content-type': 'application/json', etag: '"ghi"' });
    // A null validator keeps the stored one.
    expect(cache.get(KEY)?.etag).toBe('"def"');
    cache.close();
  });

  it('never stores credentials: user info leaves the URL, secret headers are dropped', () => {
    const file = temporaryFile('cache.sqlite');
    const cache = openHttpCache(file);
    const withUser = { ...KEY, url: 'https://alice:s3cret-pass@registry.npm.test/private-pkg' };
    cache.put(
      withUser,
      response({
        headers: { 'Set-Cookie': 'session=s3cret-cookie', Authorization: 'Bearer s3cret-token', 'content-type': 'application/json' },
        finalUrl: 'https://alice:s3cret-pass@registry.npm.test/private-pkg',
      }),
    );
    expect(cache.get(withUser)?.headers).toEqual({ 'content-type': 'application/json' });
    expect(cache.get({ ...KEY, url: 'https://registry.npm.test/private-pkg' })?.finalUrl).toBe('https://registry.npm.test/private-pkg');
    cache.close();
    const raw = new Database(file, { readonly: true });
    const dump = JSON.stringify(raw.prepare('SELECT url, headers, final_url FROM responses').all());
    raw.close();
    expect(dump).not.toMatch(/s3cret/);
  });

  it('stores no conda token, query token or user info in any column of any table, and gives them back on reading', () => {
    const file = temporaryFile('cache.sqlite');
    const cache = openHttpCache(file);
    const asked = 'https://bob:PASSWORD-1@conda.test/t/TOKEN-2/private/noarch/repodata.json?token=TOKEN-3&access_token=TOKEN-4&auth=TOKEN-5&page=2';
    const key = { ...KEY, url: asked };
    cache.put(key, response({ finalUrl: 'https://conda.test/t/TOKEN-2/private/noarch/repodata.json?token=TOKEN-3&access_token=TOKEN-4&auth=TOKEN-5&page=2' }));
    const read = cache.get(key);
    expect(read?.finalUrl).toBe('https://conda.test/t/TOKEN-2/private/noarch/repodata.json?token=TOKEN-3&access_token=TOKEN-4&auth=TOKEN-5&page=2');
    // Another token for the same channel reads the same entry, with its own token filled in.
    const other = cache.get({ ...KEY, url: asked.replaceAll('TOKEN', 'OTHER') });
    expect(other?.finalUrl).toContain('/t/OTHER-2/');
    cache.close();
    expect(secretsInDatabase(file, ['PASSWORD', 'TOKEN'])).toEqual([]);
  });

  it('empties and vacuums a version 1 cache, whose URLs could hold tokens', () => {
    const file = temporaryFile('old.sqlite');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec(`CREATE TABLE responses (method TEXT NOT NULL, url TEXT NOT NULL, vary TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL,
      body BLOB NOT NULL, etag TEXT, last_modified TEXT, final_url TEXT NOT NULL, stored_at TEXT NOT NULL, PRIMARY KEY (method, url, vary)) WITHOUT ROWID`);
    const insert = old.prepare('INSERT INTO responses VALUES (?, ?, ?, 200, ?, ?, NULL, NULL, ?, ?)');
    for (let index = 0; index < 50; index++) {
      const url = `https://conda.test/t/OLD-TOKEN-${index}/private/noarch/repodata.json`;
      insert.run('GET', url, '', '{}', Buffer.from('<html>captive portal</html>'), url, '2025-01-01T00:00:00.000Z');
    }
    old.pragma('user_version = 1');
    old.close();
    expect(readFileSync(file).includes('OLD-TOKEN')).toBe(true);
    const cache = openHttpCache(file);
    expect(cache.size()).toBe(0);
    cache.close();
    expect(secretsInDatabase(file, ['OLD-TOKEN'])).toEqual([]);
  });

  it('persists across reopen and delete removes one entry', () => {
    const file = temporaryFile(path.join('nested', 'http-cache.sqlite'));
    const first = openHttpCache(file);
    first.put(KEY, response());
    first.put({ ...KEY, url: 'https://registry.npm.test/other' }, response());
    first.close();
    const second = openHttpCache(file);
    expect(second.get(KEY)).toEqual(response());
    second.delete(KEY);
    expect(second.get(KEY)).toBeNull();
    expect(second.size()).toBe(1);
    second.close();
  });

  it('refuses a cache written by a newer chainwatch', () => {
    const file = temporaryFile('future.sqlite');
    openHttpCache(file).close();
    const db = new Database(file);
    // One version past what this build writes.
    db.pragma(`user_version = ${(db.pragma('user_version', { simple: true }) as number) + 1}`);
    db.close();
    expect(() => openHttpCache(file)).toThrow(ChainwatchError);
    try {
      openHttpCache(file);
    } catch (error) {
      expect((error as ChainwatchError).code).toBe('store-error');
      expect((error as ChainwatchError).location).toEqual({ path: file });
    }
  });

  it('reports an unopenable path as a store-error', () => {
    const file = temporaryFile('blocker');
    const db = new Database(file);
    db.close();
    // A path under a regular file cannot be created.
    expect(() => openHttpCache(path.join(file, 'cache.sqlite'))).toThrow(expect.objectContaining({ code: 'store-error' }));
  });
});

describe('openHttpCache writes in batches', () => {
  const count = (file: string): number => {
    const raw = new Database(file, { readonly: true });
    try {
      return (raw.prepare('SELECT count(*) AS n FROM responses').get() as { n: number }).n;
    } finally {
      raw.close();
    }
  };

  it('holds writes (reads see them at once) and writes them in one go at flush', () => {
    const file = temporaryFile('http-cache.sqlite');
    const cache = openHttpCache(file);
    for (let index = 0; index < 10; index++) cache.put({ ...KEY, url: `${KEY.url}/${index}` }, response({ body: Buffer.from(String(index)) }));
    expect(cache.get({ ...KEY, url: `${KEY.url}/3` })?.body.toString()).toBe('3');
    // Another reader of the file sees none of them yet.
    expect(count(file)).toBe(0);
    cache.flush();
    expect(count(file)).toBe(10);
    cache.close();
  });

  it('applies refresh and delete to held writes as they would apply to written ones', () => {
    const cache = openHttpCache(':memory:');
    cache.put(KEY, response());
    cache.refresh(KEY, { etag: '"new"', storedAt: '2025-06-02T00:00:00.000Z' });
    expect(cache.get(KEY)).toEqual(response({ etag: '"new"', storedAt: '2025-06-02T00:00:00.000Z' }));
    cache.flush();
    cache.refresh(KEY, { lastModified: 'Mon, 02 Jun 2025 00:00:00 GMT', headers: { etag: '"newer"' }, storedAt: '2025-06-03T00:00:00.000Z' });
    // A held refresh of a written entry is seen by reads, then written.
    const refreshed = response({ etag: '"new"', lastModified: 'Mon, 02 Jun 2025 00:00:00 GMT', headers: { etag: '"newer"' }, storedAt: '2025-06-03T00:00:00.000Z' });
    expect(cache.get(KEY)).toEqual(refreshed);
    cache.flush();
    expect(cache.get(KEY)).toEqual(refreshed);
    cache.delete(KEY);
    expect(cache.get(KEY)).toBeNull();
    cache.refresh(KEY, { storedAt: '2025-06-04T00:00:00.000Z' });
    expect(cache.get(KEY)).toBeNull();
    expect(cache.size()).toBe(0);
    cache.close();
  });

  it('writes a batch by itself once it holds enough, and the rest on a timer', () => {
    vi.useFakeTimers();
    try {
      const file = temporaryFile('http-cache.sqlite');
      const cache = openHttpCache(file);
      for (let index = 0; index < 300; index++) cache.put({ ...KEY, url: `${KEY.url}/${index}` }, response());
      expect(count(file)).toBe(256);
      vi.runOnlyPendingTimers();
      expect(count(file)).toBe(300);
      cache.close();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('defaultHttpCachePath', () => {
  const userCache = envPaths('chainwatch', { suffix: '' }).cache;
  it.each([
    [{}, path.join(userCache, 'http-cache.sqlite')],
    [{ CHAINWATCH_HTTP_CACHE: '/tmp/x/responses.sqlite' }, '/tmp/x/responses.sqlite'],
    [{ CHAINWATCH_DB: '/data/chainwatch/advisories.sqlite' }, '/data/chainwatch/http-cache.sqlite'],
    [{ CHAINWATCH_DB: '/data/a.sqlite', CHAINWATCH_HTTP_CACHE: '/other/h.sqlite' }, '/other/h.sqlite'],
    [{ CHAINWATCH_HTTP_CACHE: '  ' }, path.join(userCache, 'http-cache.sqlite')],
  ])('%j → %s', (env, expected) => {
    expect(defaultHttpCachePath(env)).toBe(expected);
  });
});

describe('cacheableUrl', () => {
  it.each([
    ['https://u:p@pypi.test/simple/', 'https://pypi.test/simple/'],
    ['https://pypi.test/simple/#frag', 'https://pypi.test/simple/'],
    ['https://pypi.test/simple/?a=1', 'https://pypi.test/simple/?a=1'],
    ['https://conda.test/t/tk-123/main/noarch/', 'https://conda.test/t/***/main/noarch/'],
    ['https://pypi.test/simple/?token=abc&page=2', 'https://pypi.test/simple/?token=***&page=2'],
    ['not a url', '<unparseable URL>'],
  ])('%s → %s', (url, expected) => {
    expect(cacheableUrl(url)).toBe(expected);
  });
});

