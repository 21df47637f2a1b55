import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { HostError } from '../core/errors.js';
import type { HttpRequest, HttpResponse, StreamingHttpClient } from '../http/types.js';
import { openRegistryImage } from './registry.js';
import { DEFAULT_IMAGE_LIMITS } from './types.js';

/** A client that answers every GET with `answer(url)` and records what was asked, headers included. */
function scripted(answer: (request: HttpRequest) => Partial<HttpResponse>): StreamingHttpClient & { asked: HttpRequest[] } {
  const asked: HttpRequest[] = [];
  const respond = (request: HttpRequest): HttpResponse => ({ status: 404, headers: {}, body: Buffer.alloc(0), url: request.url, fromCache: false, ...answer(request) });
  return {
    asked,
    async get(request) {
      asked.push(request);
      return respond(request);
    },
    async stream(request) {
      asked.push(request);
      const { body, ...rest } = respond(request);
      return { ...rest, body: Readable.from([body]) };
    },
    failures: () => [],
    stats: () => ({ requests: 0, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}

const open = (text: string, http: StreamingHttpClient, insecureRegistries: string[] = []) =>
  openRegistryImage(text, { platform: 'linux/amd64', limits: DEFAULT_IMAGE_LIMITS, registry: { http, credentials: null, insecureRegistries } });

describe('where a reference is asked', () => {
  it.each([
    ['python:3.12', 'https://registry-1.docker.io/v2/library/python/manifests/3.12'],
    ['registry.example.test/org/app', 'https://registry.example.test/v2/org/app/manifests/latest'],
    ['registry.example.test:8443/org/app:1', 'https://registry.example.test:8443/v2/org/app/manifests/1'],
    ['localhost:5000/app:1', 'http://localhost:5000/v2/app/manifests/1'],
    ['127.0.0.1:5000/app:1', 'http://127.0.0.1:5000/v2/app/manifests/1'],
  ])('%s → %s, asking for the OCI and Docker v2 media types, never cached', async (text, url) => {
    const http = scripted(() => ({ status: 404 }));
    await expect(open(text, http)).rejects.toBeInstanceOf(HostError);
    expect(http.asked[0]!.url).toBe(url);
    expect(http.asked[0]!.headers!.accept).toBe(
      'application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json',
    );
    expect(http.asked[0]!.cache).toBe('no-store');
  });

  it('a registry named insecure is asked over http', async () => {
    const http = scripted(() => ({ status: 404 }));
    await expect(open('mirror.example.test:5000/app:1', http, ['mirror.example.test:5000'])).rejects.toBeInstanceOf(HostError);
    expect(http.asked[0]!.url).toBe('http://mirror.example.test:5000/v2/app/manifests/1');
  });

  it('a token realm on plain http of another host is not asked', async () => {
    const http = scripted(() => ({ status: 401, headers: { 'www-authenticate': 'Bearer realm="http://auth.example.test/token",service="s"' } }));
    await expect(open('registry.example.test/app:1', http)).rejects.toThrow('registry.example.test asked for a token from http://auth.example.test/token, which is neither https nor a loopback or insecure registry: not asked');
    expect(http.asked.map((request) => request.url)).toEqual(['https://registry.example.test/v2/app/manifests/1']);
  });

  it('a token service answering no token: an error that never quotes its body', async () => {
    const http = scripted((request) =>
      request.url.startsWith('https://auth.example.test/')
        ? { status: 200, body: Buffer.from('{"tokn":"leaked-secret-123"}') }
        : { status: 401, headers: { 'www-authenticate': 'Bearer realm="https://auth.example.test/token",service="reg",scope="repository:app:pull"' } },
    );
    const error = await open('registry.example.test/app:1', http).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain('did not answer a token');
    expect((error as Error).message).not.toContain('leaked-secret-123');
    expect(http.asked[1]!.url).toBe('https://auth.example.test/token?service=reg&scope=repository%3Aapp%3Apull');
  });

  it('a schema 1 manifest is refused, naming the reference', async () => {
    const http = scripted(() => ({ status: 200, headers: { 'content-type': 'application/vnd.docker.distribution.manifest.v1+prettyjws' }, body: Buffer.from('{}') }));
    await expect(open('registry.example.test/app:1', http)).rejects.toThrow('registry.example.test/app:1: the manifest 1 is a Docker schema 1 manifest');
  });

  it('a manifest whose Docker-Content-Digest differs from its bytes is refused', async () => {
    const http = scripted(() => ({ status: 200, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': `sha256:${'0'.repeat(64)}` }, body: Buffer.from('{"layers":[],"config":{"digest":"sha256:00"}}') }));
    await expect(open('registry.example.test/app:1', http)).rejects.toThrow(`the manifest 1 does not match its digest: expected sha256:${'0'.repeat(64)}`);
  });
});
