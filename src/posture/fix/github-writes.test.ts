import { createServer, type Server, type Socket } from 'node:net';
import { fetch as undiciFetch, MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HostError } from '../../core/errors.js';
import { createGithubWrites } from './github-writes.js';

const API = 'https://api.github.test';
const TOKEN = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';

let agent: MockAgent;
beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
});
afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
});

function writes() {
  const mockedFetch = ((input: string | URL, init?: RequestInit) => undiciFetch(input, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  return createGithubWrites({ apiUrl: API, token: TOKEN, fetch: mockedFetch });
}

const json = { headers: { 'content-type': 'application/json' } };

describe('createGithubWrites', () => {
  it('reads the default branch and branch heads, null for a missing branch, with the token in the Authorization header', async () => {
    const pool = agent.get(API);
    pool.intercept({ path: '/repos/o/r', method: 'GET', headers: { authorization: `token ${TOKEN}` } }).reply(200, { default_branch: 'main', name: 'r' }, json);
    pool.intercept({ path: '/repos/o/r/git/ref/heads/main', method: 'GET' }).reply(200, { ref: 'refs/heads/main', object: { sha: 'a'.repeat(40), type: 'commit' } }, json);
    pool.intercept({ path: '/repos/o/r/git/ref/heads/chainwatch/fix-pinned-actions', method: 'GET' }).reply(404, { message: 'Not Found' }, json);
    const github = writes();
    expect(await github.defaultBranch('o/r')).toBe('main');
    expect(await github.branchHead('o/r', 'main')).toBe('a'.repeat(40));
    expect(await github.branchHead('o/r', 'chainwatch/fix-pinned-actions')).toBeNull();
  });

  it('creates and force-moves branches, writes files base64-encoded with their blob sha', async () => {
    const pool = agent.get(API);
    const bodies: unknown[] = [];
    const record = (status: number, reply: object) => (options: { body?: unknown }) => {
      bodies.push(JSON.parse(String(options.body)));
      return { statusCode: status, data: reply, responseOptions: json };
    };
    pool.intercept({ path: '/repos/o/r/git/refs', method: 'POST' }).reply(record(201, { ref: 'refs/heads/b' }));
    pool.intercept({ path: '/repos/o/r/git/refs/heads/b', method: 'PATCH' }).reply(record(200, { ref: 'refs/heads/b' }));
    pool.intercept({ path: '/repos/o/r/contents/.github/workflows/ci.yml', method: 'PUT' }).reply(record(200, { content: {} }));
    pool.intercept({ path: '/repos/o/r/contents/.github/dependabot.yml', method: 'PUT' }).reply(record(201, { content: {} }));
    const github = writes();
    await github.createBranch('o/r', 'b', 'a'.repeat(40));
    await github.resetBranch('o/r', 'b', 'c'.repeat(40));
    await github.putFile('o/r', { path: '.github/workflows/ci.yml', branch: 'b', message: 'm', text: 'x: 1\n', sha: 'd'.repeat(40) });
    await github.putFile('o/r', { path: '.github/dependabot.yml', branch: 'b', message: 'm', text: 'v\n', sha: null });
    expect(bodies).toEqual([
      { ref: 'refs/heads/b', sha: 'a'.repeat(40) },
      { sha: 'c'.repeat(40), force: true },
      { message: 'm', content: Buffer.from('x: 1\n').toString('base64'), branch: 'b', sha: 'd'.repeat(40) },
      { message: 'm', content: Buffer.from('v\n').toString('base64'), branch: 'b' },
    ]);
  });

  it('file blob shas, null when absent', async () => {
    const pool = agent.get(API);
    pool.intercept({ path: '/repos/o/r/contents/a%20b/c.yml?ref=main', method: 'GET' }).reply(200, { type: 'file', sha: 'e'.repeat(40), content: '' }, json);
    pool.intercept({ path: '/repos/o/r/contents/missing.yml?ref=main', method: 'GET' }).reply(404, { message: 'Not Found' }, json);
    expect(await writes().fileSha('o/r', 'a b/c.yml', 'main')).toBe('e'.repeat(40));
    expect(await writes().fileSha('o/r', 'missing.yml', 'main')).toBeNull();
  });

  it('finds, creates and updates pull requests', async () => {
    const pool = agent.get(API);
    pool.intercept({ path: '/repos/o/r/pulls?state=open&head=o%3Achainwatch%2Ffix-x&per_page=100', method: 'GET' }).reply(200, [], json);
    pool.intercept({ path: '/repos/o/r/pulls', method: 'POST' }).reply(201, { number: 7, html_url: 'https://github.test/o/r/pull/7' }, json);
    pool.intercept({ path: '/repos/o/r/pulls/7', method: 'PATCH' }).reply(200, { number: 7, html_url: 'https://github.test/o/r/pull/7' }, json);
    const github = writes();
    expect(await github.openPullRequestFor('o/r', 'chainwatch/fix-x')).toBeNull();
    expect(await github.createPullRequest('o/r', { title: 't', body: 'b', head: 'chainwatch/fix-x', base: 'main' })).toEqual({ number: 7, url: 'https://github.test/o/r/pull/7' });
    expect(await github.updatePullRequest('o/r', 7, { title: 't', body: 'b2' })).toEqual({ number: 7, url: 'https://github.test/o/r/pull/7' });
  });

  it('lists labelled issues over every page, leaving out pull requests and odd items', async () => {
    const pool = agent.get(API);
    const issue = (number: number, extra: object = {}) => ({ number, html_url: `https://github.test/o/r/issues/${number}`, state: 'open', title: `#${number}`, body: null, ...extra });
    pool
      .intercept({ path: '/repos/o/r/issues?state=all&labels=chainwatch&per_page=100', method: 'GET' })
      .reply(200, [issue(1), issue(2, { pull_request: { url: 'x' } }), { junk: true }], { headers: { ...json.headers, link: `<${API}/repos/o/r/issues?state=all&labels=chainwatch&per_page=100&page=2>; rel="next", <${API}/x>; rel="last"` } });
    pool.intercept({ path: '/repos/o/r/issues?state=all&labels=chainwatch&per_page=100&page=2', method: 'GET' }).reply(200, [issue(3, { state: 'closed', body: 'text' })], json);
    expect(await writes().listIssues('o/r', { label: 'chainwatch' })).toEqual([
      { number: 1, url: 'https://github.test/o/r/issues/1', state: 'open', title: '#1', body: '' },
      { number: 3, url: 'https://github.test/o/r/issues/3', state: 'closed', title: '#3', body: 'text' },
    ]);
  });

  it('a refused write is a HostError naming the route and GitHub’s message, never the token', async () => {
    agent.get(API).intercept({ path: '/repos/o/r/issues', method: 'POST' }).reply(403, { message: 'Resource not accessible by integration' }, json);
    const error = await writes().createIssue('o/r', { title: 't', body: 'b', labels: ['chainwatch'] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as HostError).message).toBe('POST /repos/o/r/issues answered 403: Resource not accessible by integration');
    expect((error as HostError).status).toBe(403);
    expect(String((error as HostError).message)).not.toContain(TOKEN);
  });

  it('stops listing issues when a Link next points to a page already read', async () => {
    const pool = agent.get(API);
    const first = '/repos/o/r/issues?state=all&labels=chainwatch&per_page=100';
    const issue = { number: 1, html_url: 'https://github.test/o/r/issues/1', state: 'open', title: '#1', body: null };
    pool.intercept({ path: first, method: 'GET' }).reply(200, [issue], { headers: { ...json.headers, link: `<${API}/repos/o/r/issues?state=all&labels=chainwatch&per_page=100&page=2>; rel="next"` } });
    // Page 2 points to itself: read once, then the listing ends (no third request: no interceptor is left for it).
    pool.intercept({ path: `${first}&page=2`, method: 'GET' }).reply(200, [{ ...issue, number: 2 }], { headers: { ...json.headers, link: `<${API}${first}&page=2>; rel="next"` } });
    expect((await writes().listIssues('o/r', { label: 'chainwatch' })).map((entry) => entry.number)).toEqual([1, 2]);
  });
});

describe('createGithubWrites against an API that accepts and never answers', () => {
  let server: Server;
  const sockets: Socket[] = [];
  let api = '';
  beforeEach(async () => {
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('a read and a write each fail after the time limit, saying whether the change may have been made, never the token', async () => {
    const github = createGithubWrites({ apiUrl: api, token: TOKEN, timeoutMs: 100 });
    const read = (await github.defaultBranch('o/r').then(
      () => null,
      (caught: unknown) => caught,
    )) as HostError;
    const write = (await github.createIssue('o/r', { title: 't', body: 'b', labels: [] }).then(
      () => null,
      (caught: unknown) => caught,
    )) as HostError;
    expect(read).toBeInstanceOf(HostError);
    expect(read.message).toBe('GET /repos/o/r: GitHub gave no complete answer within 100ms');
    expect(write.message).toBe('POST /repos/o/r/issues: GitHub gave no complete answer within 100ms (the change may still have been made)');
    for (const error of [read, write]) expect(JSON.stringify({ message: error.message, error })).not.toContain(TOKEN);
  });
});

