import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../http/client.js';
import { createGithubRefResolver } from './ref-resolver.js';
import { openHttpCache } from '../../store/http-cache.js';

const API = 'https://api.github.test';
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const COMMIT = '1'.repeat(40);
const TAG_OBJECT = '2'.repeat(40);

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

function resolver() {
  const http = createHttpClient({ dispatcher: agent, retry: { retries: 0 }, sleep: async () => {} });
  return createGithubRefResolver({ http, apiUrl: API, token: TOKEN });
}

const json = { headers: { 'content-type': 'application/json' } };
const ref = (type: string, sha: string) => ({ ref: 'refs/x', object: { type, sha, url: 'u' } });

describe('createGithubRefResolver', () => {
  it('a lightweight tag is its commit', async () => {
    agent.get(API).intercept({ path: '/repos/actions/checkout/git/ref/tags/v4', method: 'GET', headers: { authorization: `Bearer ${TOKEN}` } }).reply(200, ref('commit', COMMIT), json);
    expect(await resolver().resolve('actions', 'checkout', 'v4')).toEqual({ resolved: true, sha: COMMIT });
  });

  it('an annotated tag is followed to its commit', async () => {
    const pool = agent.get(API);
    pool.intercept({ path: '/repos/o/r/git/ref/tags/v1', method: 'GET' }).reply(200, ref('tag', TAG_OBJECT), json);
    pool.intercept({ path: `/repos/o/r/git/tags/${TAG_OBJECT}`, method: 'GET' }).reply(200, { sha: TAG_OBJECT, object: { type: 'commit', sha: COMMIT } }, json);
    expect(await resolver().resolve('o', 'r', 'v1')).toEqual({ resolved: true, sha: COMMIT });
  });

  it('a branch when there is no such tag; tags with slashes keep them', async () => {
    const pool = agent.get(API);
    pool.intercept({ path: '/repos/o/r/git/ref/tags/release/v1', method: 'GET' }).reply(404, { message: 'Not Found' }, json);
    pool.intercept({ path: '/repos/o/r/git/ref/heads/release/v1', method: 'GET' }).reply(200, ref('commit', COMMIT), json);
    expect(await resolver().resolve('o', 'r', 'release/v1')).toEqual({ resolved: true, sha: COMMIT });
  });

  it('a captive portal page is not cached: an offline run does not replay it', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'chainwatch-ref-'));
    try {
      const cachePath = join(directory, 'http-cache.sqlite');
      const online = createHttpClient({ dispatcher: agent, openCache: () => openHttpCache(cachePath), retry: { retries: 0 }, sleep: async () => {} });
      agent.get(API).intercept({ path: '/repos/o/r/git/ref/tags/v1', method: 'GET' }).reply(200, '<html>Sign in to the hotel Wi-Fi</html>', { headers: { 'content-type': 'text/html', 'cache-control': 'max-age=3600' } });
      expect(await createGithubRefResolver({ http: online, apiUrl: API, token: TOKEN }).resolve('o', 'r', 'v1')).toMatchObject({ resolved: false });
      await online.close();
      const offline = createHttpClient({ dispatcher: agent, openCache: () => openHttpCache(cachePath), offline: true, retry: { retries: 0 }, sleep: async () => {} });
      const answer = await createGithubRefResolver({ http: offline, apiUrl: API, token: TOKEN }).resolve('o', 'r', 'v1');
      await offline.close();
      // Replayed, it would read "answered without a git object"; not cached, the offline run has nothing to answer with.
      expect(!answer.resolved && answer.reason).toMatch(/^GitHub API unreachable/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('neither tag nor branch', async () => {
    const pool = agent.get(API);
    pool.intercept({ path: '/repos/o/r/git/ref/tags/v9', method: 'GET' }).reply(404, { message: 'Not Found' }, json);
    pool.intercept({ path: '/repos/o/r/git/ref/heads/v9', method: 'GET' }).reply(404, { message: 'Not Found' }, json);
    expect(await resolver().resolve('o', 'r', 'v9')).toEqual({ resolved: false, reason: 'no tag or branch v9 in o/r' });
  });

  it('an unreachable API is an unresolved ref with the reason, and the token is not in it', async () => {
    agent.get(API).intercept({ path: '/repos/o/r/git/ref/tags/v1', method: 'GET' }).replyWithError(new Error('connect ECONNREFUSED'));
    const answer = await resolver().resolve('o', 'r', 'v1');
    expect(answer.resolved).toBe(false);
    expect(!answer.resolved && answer.reason).toMatch(/^GitHub API unreachable \(/);
    expect(JSON.stringify(answer)).not.toContain(TOKEN);
  });
});
