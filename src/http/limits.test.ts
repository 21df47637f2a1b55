import { brotliCompressSync, constants as zlibConstants, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { Agent, MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalServer, trickle, type LocalServer } from '../../test/local-server.js';
import { HostError } from '../core/errors.js';
import { openHttpCache, type SqliteHttpCache } from '../store/http-cache.js';
import { createHttpClient, type HttpClientOptions } from './client.js';
import { BodyLimitError, decodeBody } from './decode.js';
import type { HttpClient } from './types.js';

const MIB = 1024 * 1024;
const ORIGIN = 'https://registry.npm.test';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A client on real sockets (no proxy from the environment), with an in-memory cache. */
function realClient(options: HttpClientOptions = {}): { client: HttpClient; cache: SqliteHttpCache } {
  const dispatcher = new Agent();
  const cache = openHttpCache(':memory:');
  const client = createHttpClient({ dispatcher, cache, sleep: async () => {}, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 }, ...options });
  cleanups.push(async () => {
    await client.close();
    cache.close();
    await dispatcher.close();
  });
  return { client, cache };
}

function mockClient(options: HttpClientOptions = {}): { client: HttpClient; cache: SqliteHttpCache; agent: MockAgent; sleeps: number[] } {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const cache = openHttpCache(':memory:');
  const sleeps: number[] = [];
  const client = createHttpClient({ dispatcher: agent, cache, sleep: async (milliseconds) => void sleeps.push(milliseconds), random: () => 0.5, ...options });
  cleanups.push(async () => {
    await client.close();
    cache.close();
    await agent.close();
  });
  return { client, cache, agent, sleeps };
}

async function server(handler: Parameters<typeof startLocalServer>[0]): Promise<LocalServer> {
  const started = await startLocalServer(handler);
  cleanups.push(() => started.close());
  return started;
}

async function failure(promise: Promise<unknown>): Promise<HostError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(HostError);
  return error as HostError;
}

describe('the deadline', () => {
  it('cuts off a body trickling a byte at a time, which never trips the time allowed between chunks', async () => {
    const local = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      trickle(response, ' ', 20);
    });
    const { client, cache } = realClient({ deadlineMs: 400, timeoutMs: 10_000 });
    const error = await failure(client.get({ url: `${local.origin}/slow`, source: 'npm' }));
    expect(error.message).toBe(`${local.origin}/slow did not answer in full within the 0.4 s deadline`);
    // Not retried: a host this slow gets no second deadline.
    expect(local.requests).toEqual(['/slow']);
    expect(cache.size()).toBe(0);
    expect(client.failures()).toEqual([{ source: 'npm', url: `${local.origin}/slow`, error: error.message }]);
  });

  it('cuts off a server that never sends headers', async () => {
    const local = await server(() => {});
    const { client } = realClient({ timeoutMs: 10_000 });
    const error = await failure(client.get({ url: `${local.origin}/silent`, source: 'pypi', deadlineMs: 300 }));
    expect(error.message).toMatch(/did not answer in full within the 0\.3 s deadline$/);
    expect(local.requests).toEqual(['/silent']);
  });

  it('lets a slow but steady answer finish inside it', async () => {
    const local = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      trickle(response, 'x', 5, 10);
    });
    const { client } = realClient({ deadlineMs: 30_000 });
    expect((await client.get({ url: `${local.origin}/steady`, source: 'npm' })).body.toString()).toBe('x'.repeat(10));
  });

  it('covers retries: a wait that would pass it fails at once', async () => {
    const { client, agent, sleeps } = mockClient({ retry: { retries: 3, baseDelayMs: 100, maxDelayMs: 60_000 } });
    agent.get(ORIGIN).intercept({ path: '/busy', method: 'GET' }).reply(503, '', { headers: { 'retry-after': '5' } });
    const error = await failure(client.get({ url: `${ORIGIN}/busy`, source: 'npm', deadlineMs: 2_000 }));
    expect(error.message).toBe(`${ORIGIN}/busy failed (HTTP 503); waiting 5 s for another attempt would pass the 2 s deadline`);
    expect(sleeps).toEqual([]);
  });
});

describe('the size limit', () => {
  it('refuses an announced Content-Length over it without reading the body', async () => {
    const { client, cache, agent } = mockClient({ maxBytes: MIB });
    const body = Buffer.alloc(2 * MIB, 'a');
    agent.get(ORIGIN).intercept({ path: '/big', method: 'GET' }).reply(200, body, { headers: { 'content-length': String(body.length) } });
    const error = await failure(client.get({ url: `${ORIGIN}/big`, source: 'npm' }));
    expect(error.message).toBe(`${ORIGIN}/big: the answer is larger than the 1 MiB allowed for it`);
    expect(cache.size()).toBe(0);
    expect(client.stats().retries).toBe(0);
  });

  it('stops a chunked body with no length at the first byte past it', async () => {
    let written = 0;
    const local = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const chunk = Buffer.alloc(64 * 1024, 'b');
      const timer = setInterval(() => {
        if (response.destroyed || written > 64 * MIB) {
          clearInterval(timer);
          response.end();
          return;
        }
        response.write(chunk);
        written += chunk.length;
      }, 1);
      response.on('close', () => clearInterval(timer));
    });
    const { client, cache } = realClient();
    const error = await failure(client.get({ url: `${local.origin}/endless`, source: 'conda', maxBytes: MIB }));
    expect(error.message).toBe(`${local.origin}/endless: the answer is larger than the 1 MiB allowed for it`);
    expect(cache.size()).toBe(0);
    // The connection was dropped early, not drained to the end.
    expect(written).toBeLessThan(32 * MIB);
  });

  it('counts the decompressed size: a bomb fails with a clear error, is not cached, and is not inflated', async () => {
    // 64 gzip members of 16 MiB of zeros each: about 1 MB on the wire, 1 GiB inflated.
    const member = gzipSync(Buffer.alloc(16 * MIB));
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    const { client, cache, agent } = mockClient();
    agent.get(ORIGIN).intercept({ path: '/bomb', method: 'GET' }).reply(200, bomb, { headers: { 'content-encoding': 'gzip', 'content-type': 'application/json' } });
    const before = process.memoryUsage().arrayBuffers;
    const error = await failure(client.get({ url: `${ORIGIN}/bomb`, source: 'npm', maxBytes: 4 * MIB }));
    expect(error.message).toBe(`${ORIGIN}/bomb: the answer inflates to more than the 4 MiB allowed for it (a compression bomb?)`);
    expect(cache.size()).toBe(0);
    // What was held is bounded by the limit, not by the 1 GiB it would inflate to.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(256 * MIB);
  });

  it.each([
    ['gzip', () => gzipSync(Buffer.alloc(64 * MIB))],
    ['deflate', () => deflateSync(Buffer.alloc(64 * MIB))],
    ['br', () => brotliCompressSync(Buffer.alloc(64 * MIB), { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 1 } })],
  ])('stops inflating %s at the limit', async (coding, compress) => {
    await expect(decodeBody(compress(), coding, MIB)).rejects.toThrow(BodyLimitError);
  });

  it('decodes within the limit: raw and zlib-wrapped deflate, and two codings in a row', async () => {
    const text = Buffer.from('{"ok":true}'.repeat(100));
    expect(await decodeBody(deflateRawSync(text), 'deflate', MIB)).toEqual(text);
    expect(await decodeBody(deflateSync(text), 'deflate', MIB)).toEqual(text);
    expect(await decodeBody(brotliCompressSync(gzipSync(text)), 'gzip, br', MIB)).toEqual(text);
    expect(await decodeBody(Buffer.alloc(0), 'deflate', MIB)).toEqual(Buffer.alloc(0));
    await expect(decodeBody(text, undefined, 10)).rejects.toThrow(BodyLimitError);
  });
});
