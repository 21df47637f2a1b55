import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { MockAgent, request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCassette, createRecorder, loadCassette, recordInteractions, replayAgent, replayClient, type Cassette } from './http-replay.js';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});
function temporaryDirectory(): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'chainwatch-replay-'));
  directories.push(directory);
  return directory;
}

const CASSETTE: Cassette = {
  version: 1,
  note: 'hand-written for the harness tests',
  interactions: [
    {
      url: 'https://pypi.test/simple/jupyterlab/',
      requestHeaders: { Accept: 'application/vnd.pypi.simple.v1+json' },
      status: 200,
      headers: { 'content-type': 'application/vnd.pypi.simple.v1+json' },
      body: '{"name":"jupyterlab"}',
    },
    { url: 'https://files.pypi.test/packages/a.whl.metadata', status: 200, bodyBase64: Buffer.from('Metadata-Version: 2.1\n').toString('base64') },
    { url: 'https://registry.npm.test/@jupyterlab%2fservices?write=true', status: 404, body: 'Not found' },
  ],
};

async function getText(agent: MockAgent, url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  const response = await request(url, { dispatcher: agent, headers });
  return { status: response.statusCode, body: await response.body.text() };
}

describe('loadCassette', () => {
  it('reads a cassette object, a bare list, a .json file and a .json.gz file alike', () => {
    const directory = temporaryDirectory();
    const json = path.join(directory, 'c.json');
    const gz = path.join(directory, 'c.json.gz');
    writeFileSync(json, JSON.stringify(CASSETTE));
    writeFileSync(gz, gzipSync(JSON.stringify(CASSETTE.interactions)));
    expect(loadCassette(CASSETTE).interactions).toHaveLength(3);
    expect(loadCassette(CASSETTE.interactions)).toEqual({ version: 1, interactions: CASSETTE.interactions });
    expect(loadCassette(json)).toEqual(CASSETTE);
    expect(loadCassette(new URL(`file://${gz}`)).interactions).toEqual(CASSETTE.interactions);
  });

  it('refuses a file without interactions', () => {
    const file = path.join(temporaryDirectory(), 'bad.json');
    writeFileSync(file, '{"version":1}');
    expect(() => loadCassette(file)).toThrow(/not a cassette/);
  });
});

describe('replayAgent', () => {
  it('answers each recorded request with its status and body, matching request headers', async () => {
    const agent = replayAgent(CASSETTE);
    expect(await getText(agent, 'https://pypi.test/simple/jupyterlab/', { accept: 'application/vnd.pypi.simple.v1+json' })).toEqual({ status: 200, body: '{"name":"jupyterlab"}' });
    expect(await getText(agent, 'https://files.pypi.test/packages/a.whl.metadata')).toEqual({ status: 200, body: 'Metadata-Version: 2.1\n' });
    expect(await getText(agent, 'https://registry.npm.test/@jupyterlab%2fservices?write=true')).toEqual({ status: 404, body: 'Not found' });
    agent.assertAllUsed();
    await agent.close();
  });

  it('refuses a request whose headers do not match, and anything not recorded', async () => {
    const agent = replayAgent(CASSETTE);
    await expect(getText(agent, 'https://pypi.test/simple/jupyterlab/', { accept: 'text/html' })).rejects.toThrow();
    await expect(getText(agent, 'https://pypi.test/simple/numpy/')).rejects.toThrow();
    await agent.close();
  });

  it('assertAllUsed names every interaction never requested', async () => {
    const agent = replayAgent(CASSETTE);
    await getText(agent, 'https://files.pypi.test/packages/a.whl.metadata');
    expect(() => agent.assertAllUsed()).toThrow(/2 recorded interaction\(s\) were never requested:\n {2}GET https:\/\/pypi\.test\/simple\/jupyterlab\/\n {2}GET https:\/\/registry\.npm\.test\/@jupyterlab%2fservices\?write=true/);
    await agent.close();
  });

  it('replays repeated URLs in order, once each unless persisted', async () => {
    const interactions = [
      { url: 'https://registry.npm.test/a', status: 503, body: 'busy' },
      { url: 'https://registry.npm.test/a', status: 200, body: 'ok' },
    ];
    const once = replayAgent(interactions);
    expect((await getText(once, 'https://registry.npm.test/a')).status).toBe(503);
    expect((await getText(once, 'https://registry.npm.test/a')).status).toBe(200);
    await expect(getText(once, 'https://registry.npm.test/a')).rejects.toThrow();
    await once.close();

    const persisted = replayAgent([{ url: 'https://registry.npm.test/b', status: 200, body: 'again' }], { persist: true });
    expect(() => persisted.assertAllUsed()).toThrow(/1 recorded interaction/);
    for (let index = 0; index < 3; index++) expect((await getText(persisted, 'https://registry.npm.test/b')).body).toBe('again');
    persisted.assertAllUsed();
    await persisted.close();
  });

  it('replayClient gives an HttpClient over the cassette, retrying a recorded network error', async () => {
    const { client, agent } = replayClient([
      { url: 'https://conda.test/conda-forge/noarch/repodata.json', status: 0, networkError: 'connection reset' },
      { url: 'https://conda.test/conda-forge/noarch/repodata.json', status: 200, body: '{"packages":{}}' },
    ]);
    const response = await client.get({ url: 'https://conda.test/conda-forge/noarch/repodata.json', source: 'conda-forge' });
    expect(response.body.toString()).toBe('{"packages":{}}');
    expect(client.stats()).toMatchObject({ requests: 2, retries: 1 });
    agent.assertAllUsed();
    await client.close();
    await agent.close();
  });
});

describe('recording', () => {
  // The "real" registry is a MockAgent here: recording is tested without network.
  const REAL = 'https://upstream-registry.example/';
  const REAL_FILES = 'https://upstream-files.example/';

  function upstream(): MockAgent {
    const agent = new MockAgent();
    agent.disableNetConnect();
    const registry = agent.get(REAL.slice(0, -1));
    registry
      .intercept({ path: '/simple/demo/', method: 'GET' })
      .reply(
        200,
        // JSON as some servers write it, with escaped slashes in one URL.
        `{"name":"demo","files":[{"url":"${REAL_FILES}packages/demo-1.0.whl"}],"escaped":"${REAL_FILES.replaceAll('/', '\\/')}x"}`,
        { headers: { 'content-type': 'application/vnd.pypi.simple.v1+json', etag: '"e1"', 'set-cookie': 'session=zzz', 'x-served-by': 'cache-node-1', 'content-encoding': 'identity' } },
      );
    registry.intercept({ path: '/old/demo', method: 'GET' }).reply(301, '', { headers: { location: `${REAL}simple/demo/` } });
    agent
      .get(REAL_FILES.slice(0, -1))
      .intercept({ path: '/packages/demo-1.0.whl', method: 'GET' })
      .reply(200, gzipSync(Buffer.from([0x50, 0x4b, 3, 4, 0, 1])), { headers: { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' } });
    return agent;
  }

  const rewrites = [
    { from: REAL, to: 'https://pypi.test/' },
    { from: REAL_FILES, to: 'https://files.pypi.test/' },
  ];

  it('rewrites real hosts to placeholders in URLs, bodies and redirects, keeping only chosen headers', async () => {
    const network = upstream();
    // A second answer for the redirect target.
    network
      .get(REAL.slice(0, -1))
      .intercept({ path: '/simple/demo/', method: 'GET' })
      .reply(200, `{"name":"demo","files":[{"url":"${REAL_FILES}packages/demo-1.0.whl"}]}`, { headers: { 'content-type': 'application/json' } });
    const recorder = createRecorder({ rewrites, dispatcher: network, now: () => new Date('2025-06-01T00:00:00Z'), note: 'test' });
    const page = await recorder.fetch({ url: `${REAL}simple/demo/`, headers: { Accept: 'application/vnd.pypi.simple.v1+json', Authorization: 'Bearer real-secret' } });
    // The script sees real URLs, to find what to fetch next.
    const fileUrl = (JSON.parse(page.body.toString()) as { files: Array<{ url: string }> }).files[0]!.url;
    expect(fileUrl).toBe(`${REAL_FILES}packages/demo-1.0.whl`);
    expect(recorder.placeholder(fileUrl)).toBe('https://files.pypi.test/packages/demo-1.0.whl');
    const wheel = await recorder.fetch({ url: fileUrl });
    expect([...wheel.body]).toEqual([0x50, 0x4b, 3, 4, 0, 1]);
    const redirected = await recorder.fetch({ url: `${REAL}old/demo` });
    expect(redirected.url).toBe(`${REAL}simple/demo/`);

    const cassette = recorder.cassette();
    expect(cassette.recordedAt).toBe('2025-06-01T00:00:00.000Z');
    expect(cassette.interactions.map((interaction) => [interaction.url, interaction.status])).toEqual([
      ['https://pypi.test/simple/demo/', 200],
      ['https://files.pypi.test/packages/demo-1.0.whl', 200],
      ['https://pypi.test/old/demo', 301],
      ['https://pypi.test/simple/demo/', 200],
    ]);
    const [first, second, third] = cassette.interactions;
    expect(first!.requestHeaders).toEqual({ accept: 'application/vnd.pypi.simple.v1+json' });
    expect(first!.headers).toEqual({ 'content-type': 'application/vnd.pypi.simple.v1+json', etag: '"e1"' });
    expect(JSON.parse(first!.body!)).toEqual({ name: 'demo', files: [{ url: 'https://files.pypi.test/packages/demo-1.0.whl' }], escaped: 'https://files.pypi.test/x' });
    expect(second!.bodyBase64).toBe(Buffer.from([0x50, 0x4b, 3, 4, 0, 1]).toString('base64'));
    expect(second!.headers).toEqual({ 'content-type': 'application/octet-stream' });
    expect(third!.headers).toEqual({ location: 'https://pypi.test/simple/demo/' });
    expect(JSON.stringify(cassette)).not.toMatch(/real-secret|upstream|session=zzz|cache-node/);
    await recorder.close();
    await network.close();
  });

  it('trims bodies with transformBody and writes a gzipped cassette that replays', async () => {
    const network = upstream();
    const file = path.join(temporaryDirectory(), 'fixtures', 'demo.json.gz');
    const cassette = await recordInteractions({
      rewrites,
      dispatcher: network,
      cassettePath: file,
      requests: [{ url: `${REAL}simple/demo/` }],
      transformBody: (_url, body) => {
        const parsed = JSON.parse(body.toString()) as { name: string; files: unknown[] };
        return JSON.stringify({ name: parsed.name, files: parsed.files });
      },
    });
    expect(JSON.parse(cassette.interactions[0]!.body!)).toEqual({ name: 'demo', files: [{ url: 'https://files.pypi.test/packages/demo-1.0.whl' }] });
    expect(JSON.parse(gunzipSync(readFileSync(file)).toString())).toEqual(cassette);

    const agent = replayAgent(file);
    expect(await getText(agent, 'https://pypi.test/simple/demo/')).toEqual({ status: 200, body: cassette.interactions[0]!.body });
    agent.assertAllUsed();
    await agent.close();
    await network.close();
  });

  it('refuses to save a cassette that still names a real host', async () => {
    const network = upstream();
    const recorder = createRecorder({ rewrites: [{ from: REAL, to: 'https://pypi.test/' }], dispatcher: network, forbidden: ['upstream-files.example'] });
    await recorder.fetch({ url: `${REAL}simple/demo/` });
    expect(() => recorder.save(path.join(temporaryDirectory(), 'x.json'))).toThrow(/still contains "upstream-files\.example"/);
    await recorder.close();
    await network.close();
  });

  it('refuses a placeholder outside .test', () => {
    expect(() => createRecorder({ rewrites: [{ from: REAL, to: 'https://example.com/' }] })).toThrow(/not under \.test/);
  });

  it.each([
    [{ version: 1 as const, interactions: [{ url: 'https://real.example/x', status: 200 }] }, /real host: real\.example/],
    [{ version: 1 as const, interactions: [{ url: 'https://pypi.test/x', status: 302, headers: { location: 'https://real.example/y' } }] }, /redirect to a real host/],
    [{ version: 1 as const, interactions: [{ url: 'https://pypi.test/x', status: 200, body: 'see https://real.example/' }] }, /still contains "real\.example"/],
  ])('checkCassette refuses %#', (cassette, message) => {
    expect(() => checkCassette(cassette, ['real.example'])).toThrow(message);
  });
});
