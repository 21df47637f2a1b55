import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultGithubCachePath, openGithubCache } from './github-cache.js';

const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-github-cache-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('openGithubCache', () => {
  it('keeps responses per identity and objects by id across reopening', () => {
    const file = path.join(directory, 'a', 'cache.sqlite');
    const cache = openGithubCache(file);
    cache.putResponse('token:aaa', 'GET /x', { etag: 'W/"1"', value: '{"enabled":true}', storedAt: '2026-01-01T00:00:00.000Z' });
    cache.putObjects('blob', [
      { oid: 'b1', content: 'on: push\n' },
      { oid: 'b1', content: 'ignored: same id, same content' },
    ]);
    cache.touchResponse('token:aaa', 'GET /x', '2026-02-01T00:00:00.000Z');
    cache.close();
    const reopened = openGithubCache(file);
    expect(reopened.getResponse('token:aaa', 'GET /x')).toEqual({ etag: 'W/"1"', value: '{"enabled":true}', storedAt: '2026-02-01T00:00:00.000Z' });
    expect(reopened.getResponse('token:bbb', 'GET /x')).toBeNull();
    expect(reopened.getObject('blob', 'b1')).toBe('on: push\n');
    expect(reopened.getObject('tree', 'b1')).toBeNull();
    expect(reopened.counts()).toEqual({ responses: 1, objects: 1 });
    reopened.close();
  });

  it('refuses a cache written by a newer chainwatch', () => {
    const file = path.join(directory, 'newer.sqlite');
    openGithubCache(file).close();
    const db = new Database(file);
    // One version past what this build writes.
    db.pragma(`user_version = ${(db.pragma('user_version', { simple: true }) as number) + 1}`);
    db.close();
    expect(() => openGithubCache(file)).toThrow(expect.objectContaining({ code: 'store-error', location: { path: file } }));
  });

  it('lives beside the HTTP cache unless CHAINWATCH_GITHUB_CACHE says otherwise', () => {
    expect(defaultGithubCachePath({ CHAINWATCH_GITHUB_CACHE: '/tmp/x.sqlite' })).toBe('/tmp/x.sqlite');
    expect(defaultGithubCachePath({ CHAINWATCH_DB: '/data/advisories.sqlite' })).toBe(path.join('/data', 'github-cache.sqlite'));
  });
});
