import { Agent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalServer, trickle } from '../../test/local-server.js';
import { HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { createHttpClient, type HttpClientOptions } from './client.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function realClient(options: HttpClientOptions = {}) {
  const dispatcher = new Agent();
  const events = collectingSink();
  const client = createHttpClient({ dispatcher, events, sleep: async () => {}, retry: { retries: 2, baseDelayMs: 1, maxDelayMs: 1 }, ...options });
  cleanups.push(async () => {
    await client.close();
    await dispatcher.close();
  });
  return { client, events };
}

async function serve(handler: Parameters<typeof startLocalServer>[0]) {
  const server = await startLocalServer(handler);
  cleanups.push(() => server.close());
  return server;
}

async function read(body: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('stream()', () => {
  it('hands a 200 body over as it arrives, after retrying a 503, asking for identity encoding', async () => {
    let calls = 0;
    const seen: (string | undefined)[] = [];
    const server = await serve((request, response) => {
      seen.push(request.headers['accept-encoding']);
      if (calls++ === 0) return void response.writeHead(503).end();
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      trickle(response, 'x'.repeat(1000), 1, 50);
    });
    const { client } = realClient();
    const answer = await client.stream({ url: `${server.origin}/blob`, source: 'test' });
    expect(answer.status).toBe(200);
    expect((await read(answer.body)).length).toBe(50_000);
    expect(seen).toEqual(['identity', 'identity']);
    expect(client.stats().retries).toBe(1);
  });

  it('other statuses come back read whole', async () => {
    const server = await serve((_request, response) => void response.writeHead(401, { 'www-authenticate': 'Bearer realm="x"' }).end('{"errors":[]}'));
    const { client } = realClient();
    const answer = await client.stream({ url: `${server.origin}/blob`, source: 'test' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer realm="x"');
    expect((await read(answer.body)).toString()).toBe('{"errors":[]}');
  });

  it('past maxBytes while streaming, the stream fails with a HostError', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200);
      trickle(response, 'y'.repeat(4096), 1, 100);
    });
    const { client } = realClient();
    const answer = await client.stream({ url: `${server.origin}/blob`, source: 'test', maxBytes: 10_000 });
    const error = await read(answer.body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toBe(`${server.origin}/blob: the answer is larger than the 10000 bytes allowed for it`);
  });

  it('a connection that breaks off mid-body fails the stream with a HostError that holds no credential', async () => {
    const server = await serve((_request, response) => {
      response.writeHead(200, { 'content-length': '100000' });
      // The body stops short of its length and the connection is closed after it (FIN, not a reset): the
      // client gets the headers and the first bytes, then the end of a connection that owed it more.
      response.write('z'.repeat(1000), () => response.socket?.end());
    });
    const { client, events } = realClient();
    const answer = await client.stream({ url: `${server.origin}/blob?token=tok-SECRET-1`, headers: { authorization: 'Bearer bearer-SECRET-2' }, source: 'test' });
    const error = await read(answer.body).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toContain('broke off while sending its answer');
    const said = `${(error as Error).message}${String((error as Error).cause)}${JSON.stringify(client.failures())}${JSON.stringify(events.events)}`;
    expect(said).not.toContain('tok-SECRET-1');
    expect(said).not.toContain('bearer-SECRET-2');
  });

  it('a stream destroyed early gives its per-host slot back', async () => {
    const server = await serve((request, response) => {
      response.writeHead(200);
      if (request.url === '/endless') trickle(response, 'e'.repeat(1024), 5);
      else response.end('done');
    });
    const { client } = realClient({ perHostConcurrency: 1 });
    const first = await client.stream({ url: `${server.origin}/endless`, source: 'test' });
    for await (const _chunk of first.body) break;
    const second = await client.stream({ url: `${server.origin}/small`, source: 'test' });
    expect((await read(second.body)).toString()).toBe('done');
  });

  it('offline, it fails: streamed answers are never cached', async () => {
    const { client } = realClient({ offline: true });
    await expect(client.stream({ url: 'http://127.0.0.1:9/blob', source: 'test' })).rejects.toThrow('is not read offline');
  });
});
