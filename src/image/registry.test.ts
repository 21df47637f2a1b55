import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalServer } from '../../test/local-server.js';
import { ChainwatchError, HostError } from '../core/errors.js';
import { collectingSink } from '../core/events.js';
import { createHttpClient, type HttpClientOptions } from '../http/client.js';
import type { StreamingHttpClient } from '../http/types.js';
import { imageOf, type FixtureLayer } from './image.fixture.js';
import { readImage, type ReadImageOptions } from './read-image.js';
import { startLocalRegistry, startProxy, type LocalRegistry } from './registry.fixture.js';

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n';
const STATUS = 'Package: git\nStatus: install ok installed\nVersion: 1:2.39.5-0+deb12u2\n\n';

const BASE: FixtureLayer[] = [
  { entries: [{ name: 'etc/os-release', text: OS_RELEASE }, { name: 'var/lib/dpkg/status', text: STATUS }], createdBy: 'ADD rootfs.tar.xz /' },
  { entries: [{ name: 'app/requirements.txt', text: 'requests==2.32.3\n' }, { name: 'var/lib/dpkg/.wh.status', text: '' }], createdBy: 'COPY requirements.txt /app/' },
];
const base = imageOf(BASE);
const plainImage = imageOf([{ ...BASE[1]!, entries: [{ name: 'app/requirements.txt', text: 'requests==2.32.3\n' }], plain: true }]);
const ARM = imageOf([{ entries: [{ name: 'etc/os-release', text: OS_RELEASE }, { name: 'arch.txt', text: 'arm64\n' }], createdBy: 'ADD arm.tar /' }], { platform: { os: 'linux', architecture: 'arm64' } });
const AMD = imageOf([{ entries: [{ name: 'etc/os-release', text: OS_RELEASE }, { name: 'arch.txt', text: 'amd64\n' }], createdBy: 'ADD amd.tar /' }]);

const USER = 'alice';
const PASSWORD = 'pa55-Secret-Value-913';
const keep = (file: string) => file === '/var/lib/dpkg/status' || file === '/app/requirements.txt' || file === '/arch.txt';

let registry: LocalRegistry;
let baseDigest: string;
const scratch: string[] = [];

function dockerConfig(config: unknown): Record<string, string> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'chainwatch-docker-config-'));
  scratch.push(directory);
  if (config !== undefined) writeFileSync(path.join(directory, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: directory, HOME: directory };
}

const auth = (user: string, password: string) => Buffer.from(`${user}:${password}`).toString('base64');

/** A client and everything it could have said: its failure list and its events. */
function client(options: HttpClientOptions = {}): { http: StreamingHttpClient; said: () => string; asked: { method: 'get' | 'stream'; url: string }[] } {
  const events = collectingSink();
  // A plain agent: the environment's HTTP(S)_PROXY must not carry requests for 127.0.0.1.
  const dispatcher = new Agent();
  const real = createHttpClient({ events, dispatcher, retry: { retries: 1, baseDelayMs: 1, maxDelayMs: 5 }, ...options });
  const asked: { method: 'get' | 'stream'; url: string }[] = [];
  const http: StreamingHttpClient = {
    ...real,
    get: (request) => (asked.push({ method: 'get', url: request.url }), real.get(request)),
    stream: (request) => (asked.push({ method: 'stream', url: request.url }), real.stream(request)),
    close: async () => {
      await real.close();
      await dispatcher.close();
    },
  };
  return { http, asked, said: () => JSON.stringify({ failures: real.failures(), events: events.events }) };
}

/** An error and its causes, as text: what a front end could print. */
function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let current: unknown = error; current instanceof Error; current = current.cause) parts.push(current.name, current.message, current.stack ?? '', JSON.stringify(current));
  return parts.join('\n');
}

async function pull(target: string, env: Record<string, string>, options: Partial<ReadImageOptions> = {}, httpOptions: HttpClientOptions = {}) {
  const { http, said, asked } = client(httpOptions);
  try {
    return { contents: await readImage(target, { keep, registry: { http, env }, ...options }), said: said(), asked };
  } catch (error) {
    return { error, said: `${said()}\n${describeError(error)}`, asked };
  } finally {
    await http.close();
  }
}

function expectNoSecret(text: string): void {
  const secrets = [PASSWORD, auth(USER, PASSWORD), auth(USER, 'wrong-Pass-551'), 'wrong-Pass-551', ...registry.tokens!.issued, ...registry.tokens!.issued.map((token) => token.split('.')[2]!)];
  for (const secret of secrets) expect(text).not.toContain(secret);
}

beforeAll(async () => {
  registry = await startLocalRegistry({ users: { [USER]: PASSWORD } });
  baseDigest = await registry.pushImage('public/base', '1', base);
  await registry.pushImage('private/app', '1', base);
  await registry.pushImage('public/plain', '1', plainImage);
  await registry.pushIndex('public/multi', '1', [
    { image: AMD, platform: { os: 'linux', architecture: 'amd64' } },
    { image: ARM, platform: { os: 'linux', architecture: 'arm64' } },
  ]);
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  for (const directory of scratch) rmSync(directory, { recursive: true, force: true });
});

describe('readImage from a registry (docker-registry on 127.0.0.1, token auth)', () => {
  it('pulls a public repository anonymously: the token flow without credentials, layers with their instructions, whiteouts, the OS', async () => {
    const before = registry.tokens!.requests.length;
    const { contents, error, asked } = await pull(`${registry.host}/public/base:1`, dockerConfig(undefined));
    expect(error).toBeUndefined();
    expect(contents!.manifestDigest).toBe(baseDigest);
    expect(contents!.platform).toBe('linux/amd64');
    // Layers are streamed (never read whole by get()), each once; the config is a small document.
    const blobs = asked.filter((request) => request.url.includes('/blobs/'));
    expect(blobs.filter((request) => request.method === 'stream').map((request) => request.url.split('/blobs/')[1])).toEqual(base.layers.map((layer) => layer.digest));
    expect(blobs.filter((request) => request.method === 'get').map((request) => request.url.split('/blobs/')[1])).toEqual([base.config.digest]);
    expect(contents!.layers.map((layer) => [layer.digest, layer.createdBy])).toEqual([
      [base.layers[0]!.digest, 'ADD rootfs.tar.xz /'],
      [base.layers[1]!.digest, 'COPY requirements.txt /app/'],
    ]);
    expect(contents!.files.map((file) => [file.path, file.layer])).toEqual([
      ['/app/requirements.txt', 1],
      ['/etc/os-release', 0],
    ]);
    expect(contents!.os?.ecosystem).toBe('Debian:12');
    expect(contents!.errors).toEqual([]);
    const tokenRequests = registry.tokens!.requests.slice(before);
    expect(tokenRequests.length).toBeGreaterThan(0);
    expect(tokenRequests.every((request) => !request.authorized && request.scope === 'repository:public/base:pull')).toBe(true);
  });

  it('pulls by digest, and checks the manifest it gets against that digest', async () => {
    const { contents, error } = await pull(`${registry.host}/public/base@${baseDigest}`, dockerConfig(undefined));
    expect(error).toBeUndefined();
    expect(contents!.manifestDigest).toBe(baseDigest);
    expect(contents!.files).toHaveLength(2);
  });

  it('pulls a private repository with the credentials of DOCKER_CONFIG/config.json, and never says them', async () => {
    const before = registry.tokens!.requests.length;
    const env = dockerConfig({ auths: { [registry.host]: { auth: auth(USER, PASSWORD) } } });
    const { contents, error, said } = await pull(`${registry.host}/private/app:1`, env);
    expect(error).toBeUndefined();
    expect(contents!.layers).toHaveLength(2);
    expect(registry.tokens!.requests.slice(before).some((request) => request.authorized)).toBe(true);
    expectNoSecret(`${said}${JSON.stringify(contents)}`);
  });

  it('reads username and password fields, and an auths key written as a URL', async () => {
    const env = dockerConfig({ auths: { [`http://${registry.host}/v2/`]: { username: USER, password: PASSWORD } } });
    const { error } = await pull(`${registry.host}/private/app:1`, env);
    expect(error).toBeUndefined();
  });

  it('wrong credentials: a clear error naming the registry and the config file, without the secret', async () => {
    const env = dockerConfig({ auths: { [registry.host]: { auth: auth(USER, 'wrong-Pass-551') } } });
    const { error, said } = await pull(`${registry.host}/private/app:1`, env);
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toContain(`${registry.host} refused a token for repository:private/app:pull (HTTP 401) with the credentials from ${path.join(env.DOCKER_CONFIG!, 'config.json')}`);
    expectNoSecret(said);
  });

  it('a private repository pulled anonymously: refused, saying the pull was anonymous', async () => {
    const { error, said } = await pull(`${registry.host}/private/app:1`, dockerConfig(undefined));
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toMatch(/refused access to repository:private\/app:pull \(HTTP 401\) \(no credentials for it .* anonymous\)/);
    expectNoSecret(said);
  });

  it('credentials kept by a credential helper: not run, the refusal says where they are', async () => {
    const { error } = await pull(`${registry.host}/private/app:1`, dockerConfig({ auths: { [registry.host]: {} }, credsStore: 'desktop' }));
    expect((error as Error).message).toContain('docker-credential-desktop (credsStore), which chainwatch does not run');
    const helper = await pull(`${registry.host}/private/app:1`, dockerConfig({ credHelpers: { [registry.host]: 'pass' } }));
    expect((helper.error as Error).message).toContain('docker-credential-pass (credHelpers)');
  });

  it('a manifest list: the platform asked for, linux/amd64 by default, an error listing the platforms for a missing one', async () => {
    const env = dockerConfig(undefined);
    const amd = await pull(`${registry.host}/public/multi:1`, env);
    expect(amd.contents!.platform).toBe('linux/amd64');
    expect(amd.contents!.manifestDigest).toBe(AMD.manifest.digest);
    expect(amd.contents!.files.find((file) => file.path === '/arch.txt')?.text).toBe('amd64\n');
    const arm = await pull(`${registry.host}/public/multi:1`, env, { platform: 'linux/arm64' });
    expect(arm.contents!.platform).toBe('linux/arm64');
    expect(arm.contents!.files.find((file) => file.path === '/arch.txt')?.text).toBe('arm64\n');
    const none = await pull(`${registry.host}/public/multi:1`, env, { platform: 'linux/s390x' });
    expect((none.error as Error).message).toContain('no manifest for linux/s390x (it has: linux/amd64, linux/arm64)');
  });

  it('a missing tag or repository: a HostError naming the reference and what the registry said', async () => {
    const { error } = await pull(`${registry.host}/public/base:nope`, dockerConfig(undefined));
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toContain(`${registry.host}/public/base:nope: the registry answered HTTP 404 (not found) for the manifest nope (MANIFEST_UNKNOWN`);
  });
});

describe('a registry that answers wrongly (a proxy in front of the real one)', () => {
  it('a layer whose bytes do not match its digest fails the read, naming the reference and the layer', async () => {
    // An uncompressed layer with one letter of a file changed: the tar still parses, only the digest can tell.
    const target = plainImage.layers[0]!.digest;
    const proxy = await startProxy(registry.host, {
      rewrite: (pathname, body) => (pathname.endsWith(`/blobs/${target}`) ? Buffer.from(body.toString('latin1').replace('requests==2.32.3', 'requests==6.66.6'), 'latin1') : null),
    });
    try {
      const untouched = await pull(`${registry.host}/public/plain:1`, dockerConfig(undefined));
      expect(untouched.contents!.files.find((file) => file.path === '/app/requirements.txt')?.text).toBe('requests==2.32.3\n');
      const { error, said } = await pull(`${proxy.host}/public/plain:1`, dockerConfig(undefined));
      expect(error).toBeInstanceOf(ChainwatchError);
      expect((error as Error).message).toContain(`${proxy.host}/public/plain:1: the layer ${target} does not match its digest`);
      expectNoSecret(said);
    } finally {
      await proxy.close();
    }
  });

  it('a layer longer than its descriptor says is refused at that size (the descriptor bounds the download)', async () => {
    const target = plainImage.layers[0]!.digest;
    const proxy = await startProxy(registry.host, { rewrite: (pathname, body) => (pathname.endsWith(`/blobs/${target}`) ? Buffer.concat([body, Buffer.alloc(512)]) : null) });
    try {
      const { error } = await pull(`${proxy.host}/public/plain:1`, dockerConfig(undefined));
      expect(error).toBeInstanceOf(HostError);
      expect((error as Error).message).toBe(`${proxy.host}/public/plain:1: http://${proxy.host}/v2/public/plain/blobs/${target}: the answer is larger than the 2 KiB allowed for it`);
    } finally {
      await proxy.close();
    }
  });

  it('a manifest whose bytes do not match the digest asked for', async () => {
    const proxy = await startProxy(registry.host, { rewrite: (pathname, body) => (pathname.includes('/manifests/') ? Buffer.from(body.toString('utf8').replace('"schemaVersion":2', '"schemaVersion": 2')) : null) });
    try {
      const { error } = await pull(`${proxy.host}/public/base@${baseDigest}`, dockerConfig(undefined));
      expect((error as Error).message).toContain(`the manifest ${baseDigest} does not match its digest`);
    } finally {
      await proxy.close();
    }
  });

  it('garbage for a manifest (an HTML page): a clear error naming the reference', async () => {
    const proxy = await startProxy(registry.host, {
      answer: (request) => (request.url?.includes('/manifests/') ? { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>Sign in to the Wi-Fi</html>' } : null),
    });
    try {
      const { error } = await pull(`${proxy.host}/public/base:1`, dockerConfig(undefined));
      expect(error).toBeInstanceOf(ChainwatchError);
      expect((error as Error).message).toBe(`${proxy.host}/public/base:1: the manifest 1 is not JSON (content-type "text/html", 33 bytes): is this an OCI registry?`);
    } finally {
      await proxy.close();
    }
  });

  it('a layer redirected to another origin (a CDN) is followed, and the token is not sent there', async () => {
    const seen: { path: string; authorization: string | undefined }[] = [];
    const cdn = await startLocalServer((request, response) => {
      seen.push({ path: request.url ?? '', authorization: request.headers.authorization });
      const blob = base.layers.find((layer) => request.url === `/${layer.digest}`);
      if (blob) response.writeHead(200, { 'content-length': String(blob.bytes.length) }).end(blob.bytes);
      else response.writeHead(404).end();
    });
    const proxy = await startProxy(registry.host, {
      answer: (request) => {
        const digest = /\/blobs\/(sha256:[a-f0-9]{64})$/.exec(request.url ?? '')?.[1];
        return digest && base.layers.some((layer) => layer.digest === digest) && request.headers.authorization ? { status: 307, headers: { location: `${cdn.origin}/${digest}` } } : null;
      },
    });
    try {
      const { contents, error } = await pull(`${proxy.host}/public/base:1`, dockerConfig(undefined));
      expect(error).toBeUndefined();
      expect(contents!.files).toHaveLength(2);
      expect(seen.map((request) => request.path)).toEqual(base.layers.map((layer) => `/${layer.digest}`));
      expect(seen.every((request) => request.authorization === undefined)).toBe(true);
    } finally {
      await proxy.close();
      await cdn.close();
    }
  });

  it('a token that expires during the pull (a later 401) is asked for again', async () => {
    let expired = false;
    const proxy = await startProxy(registry.host, {
      answer: (request) => {
        if (expired || !request.url?.includes('/blobs/') || request.headers.authorization === undefined) return null;
        expired = true;
        return { status: 401, headers: { 'www-authenticate': `Bearer realm="${registry.tokens!.realm}",service="chainwatch-test-registry",scope="repository:public/base:pull",error="invalid_token"` }, body: '{"errors":[{"code":"UNAUTHORIZED"}]}' };
      },
    });
    try {
      const before = registry.tokens!.requests.length;
      const { contents, error } = await pull(`${proxy.host}/public/base:1`, dockerConfig(undefined));
      expect(error).toBeUndefined();
      expect(expired).toBe(true);
      expect(contents!.layers).toHaveLength(2);
      expect(registry.tokens!.requests.length - before).toBe(2);
    } finally {
      await proxy.close();
    }
  });

  it('a manifest larger than maxJsonBytes is not read', async () => {
    const { error } = await pull(`${registry.host}/public/base:1`, dockerConfig(undefined), { limits: { maxJsonBytes: 100 } });
    expect(error).toBeInstanceOf(HostError);
    expect((error as Error).message).toContain(`${registry.host}/public/base:1: http://${registry.host}/v2/public/base/manifests/1: the answer is larger than the 100 bytes allowed`);
  });

  it('Basic authentication: the credentials answer a Basic challenge; without them the refusal says the pull was anonymous', async () => {
    const plain = await startLocalRegistry();
    const expected = `Basic ${auth(USER, PASSWORD)}`;
    const proxy = await startProxy(plain.host, {
      answer: (request) => (request.headers.authorization === expected ? null : { status: 401, headers: { 'www-authenticate': 'Basic realm="test"' }, body: '{"errors":[{"code":"UNAUTHORIZED"}]}' }),
    });
    try {
      await plain.pushImage('team/app', '2', base);
      const ok = await pull(`${proxy.host}/team/app:2`, dockerConfig({ auths: { [proxy.host]: { auth: auth(USER, PASSWORD) } } }));
      expect(ok.error).toBeUndefined();
      expect(ok.contents!.files).toHaveLength(2);
      expectNoSecret(ok.said);
      const refused = await pull(`${proxy.host}/team/app:2`, dockerConfig(undefined));
      expect((refused.error as Error).message).toContain(`${proxy.host} refused access to repository:team/app:pull (HTTP 401) (no credentials`);
    } finally {
      await proxy.close();
      await plain.stop();
    }
  });

  it('a layer that inflates past maxLayerBytes stops there with an error naming the layer; the read goes on', async () => {
    const plain = await startLocalRegistry();
    try {
      const bomb = imageOf([{ entries: [{ name: 'zeros', type: 'file', size: 4 << 20 }], createdBy: 'RUN dd' }, ...BASE]);
      await plain.pushImage('team/bomb', '1', bomb);
      // One connection per host: a layer left half read must give its slot back, or the next layer waits for ever.
      const { contents, error } = await pull(`${plain.host}/team/bomb:1`, dockerConfig(undefined), { limits: { maxLayerBytes: 1 << 20 } }, { perHostConcurrency: 1 });
      expect(error).toBeUndefined();
      expect(contents!.errors.map((problem) => problem.message).join('\n')).toMatch(/layer 1 of 3 .* (inflates|declares) .*more than 1048576 bytes/);
      expect(contents!.os?.ecosystem).toBe('Debian:12');
    } finally {
      await plain.stop();
    }
  });
});

describe('a target on disk stays a path', () => {
  it('an existing layout directory is read as a path even with registry options', async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'chainwatch-layout-'));
    scratch.push(directory);
    const { writeLayout } = await import('./image.fixture.js');
    writeLayout(directory, base);
    const { contents, error } = await pull(directory, dockerConfig(undefined));
    expect(error).toBeUndefined();
    expect(contents!.manifestDigest).toBe(base.manifest.digest);
  });

});
