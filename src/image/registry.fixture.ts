/**
 * A real OCI registry for tests: Debian's `docker-registry` (CNCF
 * distribution 2.8) started on 127.0.0.1 with a generated configuration
 * (filesystem storage in a temporary directory), optionally behind token
 * authentication served by a small token server here, which signs ES256
 * JWTs with a key whose self-signed certificate (made with the `openssl`
 * CLI) is the registry's `rootcertbundle`. Distribution verifies a token's
 * `x5c` chain against that bundle, then `iss`, `aud` (the service), `exp`,
 * `nbf` and the `access` claims (type, name, actions).
 *
 * Images are pushed over the API as any client would (monolithic blob
 * uploads: POST /v2/<name>/blobs/uploads/, PUT <location>&digest=…; then the
 * manifest), with a token the test mints itself. Nothing leaves 127.0.0.1;
 * everything is removed on stop. When docker-registry or openssl is missing,
 * start fails (the tests must not skip).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash, createPrivateKey, randomUUID, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FixtureImage } from './image.fixture.js';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

const base64url = (bytes: Buffer | string) => Buffer.from(bytes).toString('base64url');

export interface Access {
  type: 'repository';
  name: string;
  actions: string[];
}

export interface TokenServer {
  /** `http://127.0.0.1:port/token` */
  realm: string;
  /** Every token request: whether it carried credentials and what it asked. */
  requests: { authorized: boolean; scope: string | null }[];
  /** Every token handed out (the tests look for them in what chainwatch says). */
  issued: string[];
  mint(access: Access[], subject?: string): string;
  close(): Promise<void>;
}

interface TokenServerOptions {
  key: KeyObject;
  certificate: Buffer;
  issuer: string;
  service: string;
  /** user → password; a request with other credentials is refused (401). */
  users: Record<string, string>;
  /** Repositories anyone may pull without credentials. */
  publicPrefix: string;
}

async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenServer['requests'] = [];
  const issued: string[] = [];
  const mint = (access: Access[], subject = '') => {
    const now = Math.floor(Date.now() / 1000);
    const header = base64url(JSON.stringify({ typ: 'JWT', alg: 'ES256', x5c: [options.certificate.toString('base64')] }));
    const claims = base64url(JSON.stringify({ iss: options.issuer, sub: subject, aud: options.service, exp: now + 300, nbf: now - 10, iat: now, jti: randomUUID(), access }));
    const signature = sign('sha256', Buffer.from(`${header}.${claims}`), { key: options.key, dsaEncoding: 'ieee-p1363' });
    return `${header}.${claims}.${base64url(signature)}`;
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const scope = url.searchParams.get('scope');
    const authorization = request.headers.authorization;
    requests.push({ authorized: authorization !== undefined, scope });
    let user: string | null = null;
    if (authorization !== undefined) {
      const decoded = authorization.startsWith('Basic ') ? Buffer.from(authorization.slice(6), 'base64').toString('utf8') : '';
      const cut = decoded.indexOf(':');
      const name = decoded.slice(0, cut);
      if (cut <= 0 || options.users[name] !== decoded.slice(cut + 1)) {
        response.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ details: 'incorrect username or password' }));
        return;
      }
      user = name;
    }
    const access: Access[] = [];
    const match = /^repository:([^:]+):(.+)$/.exec(scope ?? '');
    if (match) {
      const actions = match[2]!.split(',').filter((action) => user !== null || (action === 'pull' && match[1]!.startsWith(options.publicPrefix)));
      if (actions.length > 0) access.push({ type: 'repository', name: match[1]!, actions });
    }
    const token = mint(access, user ?? '');
    issued.push(token);
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, access_token: token, expires_in: 300 }));
  });
  const address = await listen(server);
  return { realm: `http://${address}/token`, requests, issued, mint, close: () => close(server) };
}

export interface LocalRegistry {
  /** `127.0.0.1:port`, as a reference names it. */
  host: string;
  /** Null when the registry has no authentication. */
  tokens: TokenServer | null;
  /** Pushes the image's blobs and its manifest, tagged. Returns the manifest's digest. */
  pushImage(repository: string, tag: string, image: FixtureImage): Promise<string>;
  /** Pushes each image (manifest by digest) and an OCI index of them under `tag`. */
  pushIndex(repository: string, tag: string, images: { image: FixtureImage; platform: { os: string; architecture: string; variant?: string } }[]): Promise<string>;
  stop(): Promise<void>;
}

export interface LocalRegistryOptions {
  /** Token authentication with these users (user → password), `public/` repositories pullable anonymously. Absent: no authentication. */
  users?: Record<string, string>;
}

/** Key and self-signed certificate for the token server, made by openssl (P-256). */
function signingKey(directory: string): { key: KeyObject; certificate: Buffer; certificateFile: string } {
  const keyFile = path.join(directory, 'token.key');
  const certificateFile = path.join(directory, 'token.crt');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', keyFile, '-out', certificateFile, '-days', '2', '-subj', '/CN=chainwatch test token issuer'], { stdio: 'pipe' });
  return { key: createPrivateKey(readFileSync(keyFile)), certificate: new X509Certificate(readFileSync(certificateFile)).raw, certificateFile };
}

export async function startLocalRegistry(options: LocalRegistryOptions = {}): Promise<LocalRegistry> {
  if (!existsSync(REGISTRY_BINARY)) throw new Error(`${REGISTRY_BINARY} is missing: install Debian's docker-registry package (apt-get install -y docker-registry) to run the registry tests`);
  const directory = mkdtempSync(path.join(os.tmpdir(), 'chainwatch-registry-'));
  let child: ChildProcess | null = null;
  let tokens: TokenServer | null = null;
  try {
    const port = await freePort();
    const host = `127.0.0.1:${port}`;
    const service = 'chainwatch-test-registry';
    const issuer = 'chainwatch-test-issuer';
    let auth = '';
    if (options.users) {
      const { key, certificate, certificateFile } = signingKey(directory);
      tokens = await startTokenServer({ key, certificate, issuer, service, users: options.users, publicPrefix: 'public/' });
      auth = `auth:\n  token:\n    realm: ${tokens.realm}\n    service: ${service}\n    issuer: ${issuer}\n    rootcertbundle: ${certificateFile}\n`;
    }
    const config = path.join(directory, 'config.yml');
    writeFileSync(
      config,
      `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(directory, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: ${host}\n  secret: chainwatch-test-upload-secret\n${auth}`,
    );
    const stderr: Buffer[] = [];
    child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    await waitUntilUp(host, exited, () => Buffer.concat(stderr).toString('utf8'));
    const admin = (repository: string): Record<string, string> => (tokens ? { authorization: `Bearer ${tokens.mint([{ type: 'repository', name: repository, actions: ['pull', 'push'] }], 'admin')}` } : {});
    const pushBlob = async (repository: string, bytes: Buffer) => {
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const started = await fetch(`http://${host}/v2/${repository}/blobs/uploads/`, { method: 'POST', headers: admin(repository) });
      if (started.status !== 202) throw new Error(`starting an upload to ${repository}: HTTP ${started.status} ${await started.text()}`);
      const location = new URL(started.headers.get('location')!, `http://${host}`);
      location.searchParams.set('digest', digest);
      const put = await fetch(location, { method: 'PUT', headers: { ...admin(repository), 'content-type': 'application/octet-stream' }, body: bytes });
      if (put.status !== 201) throw new Error(`uploading ${digest} to ${repository}: HTTP ${put.status} ${await put.text()}`);
    };
    const pushManifest = async (repository: string, reference: string, bytes: Buffer, mediaType: string) => {
      const put = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, { method: 'PUT', headers: { ...admin(repository), 'content-type': mediaType }, body: bytes });
      if (put.status !== 201) throw new Error(`putting the manifest ${reference} of ${repository}: HTTP ${put.status} ${await put.text()}`);
      return put.headers.get('docker-content-digest') ?? '';
    };
    const pushBlobsOf = async (repository: string, image: FixtureImage) => {
      for (const blob of [...image.layers, image.config]) await pushBlob(repository, blob.bytes);
    };
    const running = child;
    return {
      host,
      tokens,
      async pushImage(repository, tag, image) {
        await pushBlobsOf(repository, image);
        return pushManifest(repository, tag, image.manifest.bytes, 'application/vnd.oci.image.manifest.v1+json');
      },
      async pushIndex(repository, tag, images) {
        for (const { image } of images) {
          await pushBlobsOf(repository, image);
          await pushManifest(repository, image.manifest.digest, image.manifest.bytes, 'application/vnd.oci.image.manifest.v1+json');
        }
        const index = Buffer.from(
          JSON.stringify({
            schemaVersion: 2,
            mediaType: 'application/vnd.oci.image.index.v1+json',
            manifests: images.map(({ image, platform }) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: image.manifest.digest, size: image.manifest.bytes.length, platform })),
          }),
        );
        return pushManifest(repository, tag, index, 'application/vnd.oci.image.index.v1+json');
      },
      async stop() {
        await stopProcess(running, exited);
        await tokens?.close();
        rmSync(directory, { recursive: true, force: true });
      },
    };
  } catch (error) {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await tokens?.close();
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

async function waitUntilUp(host: string, exited: Promise<number | null>, stderr: () => string): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  for (let attempt = 0; attempt < 200; attempt++) {
    if (gone !== undefined) throw new Error(`docker-registry exited (${gone}) before answering: ${stderr().slice(0, 2000)}`);
    try {
      const answer = await fetch(`http://${host}/v2/`);
      if (answer.status === 200 || answer.status === 401) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`docker-registry did not answer on ${host} within 10 s: ${stderr().slice(0, 2000)}`);
}

async function stopProcess(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface ProxyRule {
  /** An answer given instead of the registry's (null: forward). */
  answer?: (request: IncomingMessage) => { status: number; headers?: Record<string, string>; body?: Buffer | string } | null;
  /** The registry's body, changed on its way back (null: unchanged). */
  rewrite?: (pathname: string, body: Buffer) => Buffer | null;
}

/** A proxy on 127.0.0.1 in front of `target` (`127.0.0.1:port`) that can answer or rewrite (a corrupted blob, a garbage manifest, Basic auth). */
export async function startProxy(target: string, rule: ProxyRule): Promise<{ host: string; close(): Promise<void> }> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const own = rule.answer?.(request) ?? null;
    if (own !== null) {
      response.writeHead(own.status, own.headers ?? {}).end(own.body ?? '');
      return;
    }
    const headers = { ...request.headers, host: target };
    const upstream = httpRequest(`http://${target}${request.url ?? '/'}`, { method: request.method ?? 'GET', headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        const changed = rule.rewrite?.(new URL(request.url ?? '/', 'http://x').pathname, body) ?? body;
        const outgoing = { ...answer.headers, 'content-length': String(changed.length) };
        response.writeHead(answer.statusCode ?? 502, outgoing).end(changed);
      });
    });
    upstream.on('error', () => response.writeHead(502).end());
    request.pipe(upstream);
  });
  const host = await listen(server);
  return { host, close: () => close(server) };
}
