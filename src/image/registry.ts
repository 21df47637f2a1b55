/**
 * An image pulled from a registry over the OCI distribution API, as a
 * source for readImage (the same `OpenedImage` a layout or an archive gives):
 * the manifest by tag or digest (OCI and Docker v2 media types asked for),
 * an image index followed to the platform's manifest with the local
 * reader's own choice (`chooseIndexEntry`), the config, then each layer
 * streamed straight into the layer indexer: never held whole, never written.
 *
 * Every document and blob is checked against its digest as it arrives
 * (sha256 or sha512; a manifest asked for by tag against the registry's
 * `Docker-Content-Digest`, when it sends one): a mismatch fails the read,
 * naming the reference and the blob. Manifests and the config are bounded
 * by `maxJsonBytes`; a layer by the size its descriptor gives (and the
 * HTTP layer's `maxBytes`), its inflated size by the indexer's limits.
 *
 * `https://` always, except loopback registries (`localhost`, `127.0.0.1`,
 * `[::1]`) and those named in `insecureRegistries`, which are asked over
 * `http://` (as Docker does for loopback ones). Docker Hub is asked at its
 * API endpoint, `registry-1.docker.io`.
 */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { ChainwatchError, HostError } from '../core/errors.js';
import type { StreamingHttpClient } from '../http/types.js';
import { dockerCredentials, type DockerConfigOptions, type RegistryCredentials } from './docker-config.js';
import { DOCKER_HUB, DOCKER_HUB_ENDPOINT, formatReference, parseReference, type ImageReference } from './reference.js';
import { createRegistrySession, registryErrorOf, type RegistrySession } from './registry-auth.js';
import { ImageConfigSchema, ImageIndexSchema, ImageManifestSchema, INDEX_MEDIA_TYPES, type ImageIndex } from './schema.js';
import { chooseIndexEntry, parseJson, parsePlatform, platformOf, platformOfEntry, type OpenedImage } from './source.js';
import type { ImageLimits } from './types.js';

export interface RegistryOptions {
  /** The HTTP layer (createHttpClient); the caller closes it. */
  http: StreamingHttpClient;
  /** Registries (`host[:port]`) asked over plain http besides the loopback ones. */
  insecureRegistries?: readonly string[];
  /** Where DOCKER_CONFIG and HOME are read (default process.env). */
  env?: DockerConfigOptions['env'];
  /** Credentials to use instead of the Docker configuration's (null: anonymous). */
  credentials?: RegistryCredentials | null;
  /** Time allowed per request, a whole layer included (default 30 min). */
  deadlineMs?: number;
}

const MANIFEST_MEDIA_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

const DEFAULT_DEADLINE_MS = 30 * 60_000;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function hostOf(registry: string): string {
  return registry.replace(/:\d+$/, '');
}

function digestAlgorithm(digest: string): 'sha256' | 'sha512' | null {
  const match = /^(sha256|sha512):([a-f0-9]+)$/.exec(digest);
  if (!match) return null;
  return match[2]!.length === (match[1] === 'sha256' ? 64 : 128) ? (match[1] as 'sha256' | 'sha512') : null;
}

function digestOf(bytes: Buffer, algorithm: 'sha256' | 'sha512'): string {
  return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}

/** Opens `text` (an image reference) on its registry, ready for readImage's layer loop. */
export async function openRegistryImage(text: string, options: { platform: string; limits: ImageLimits; registry: RegistryOptions }): Promise<OpenedImage> {
  const reference = parseReference(text);
  const name = formatReference(reference);
  const { registry: registryOptions, limits } = options;
  const insecure = new Set((registryOptions.insecureRegistries ?? []).map((entry) => entry.toLowerCase()));
  const plainHttp = (registry: string) => LOOPBACK.has(hostOf(registry).toLowerCase()) || insecure.has(registry.toLowerCase());
  const endpoint = reference.registry === DOCKER_HUB ? DOCKER_HUB_ENDPOINT : reference.registry;
  const base = `${plainHttp(reference.registry) ? 'http' : 'https'}://${endpoint}/v2/${reference.repository}`;
  const credentials = registryOptions.credentials !== undefined ? registryOptions.credentials : dockerCredentials(reference.registry, { env: registryOptions.env ?? process.env });
  const session = createRegistrySession({
    http: registryOptions.http,
    registry: reference.registry,
    scope: `repository:${reference.repository}:pull`,
    credentials,
    allowsPlainHttp: (url) => plainHttp(url.host),
    source: `image registry ${reference.registry}`,
    deadlineMs: registryOptions.deadlineMs ?? DEFAULT_DEADLINE_MS,
  });
  const pull = createPull(reference, name, base, session, limits);

  const wanted = parsePlatform(options.platform);
  let document = await pull.manifest(reference.digest ?? reference.tag ?? 'latest');
  let platform: string | null = null;
  for (let depth = 0; document.kind === 'index'; depth++) {
    if (depth >= 3) throw new ChainwatchError('parse-error', `${name}: image indexes nest more than three deep`);
    const entry = chooseIndexEntry(document.index, wanted);
    platform = platformOfEntry(entry) ?? platform;
    document = await pull.manifest(entry.digest);
  }
  const manifest = parseJson(ImageManifestSchema, document.bytes, `${name} manifest ${document.digest}`);
  const configBytes = await pull.document(manifest.config.digest, manifest.config.size, 'config');
  const config = parseJson(ImageConfigSchema, configBytes, `${name} config ${manifest.config.digest}`);
  const layers = manifest.layers.map((layer) => ({ digest: layer.digest, locator: layer.digest, size: layer.size }));
  for (const layer of layers) if (digestAlgorithm(layer.digest) === null) throw new ChainwatchError('unsupported-format', `${name}: the layer digest ${JSON.stringify(layer.digest.slice(0, 100))} is not sha256 or sha512`);
  return {
    platform: platform ?? platformOf(config),
    manifestDigest: document.digest,
    config,
    layers: layers.map(({ digest, locator }) => ({ digest, locator })),
    async forEachLayer(visit) {
      const seen = new Set<string>();
      for (const layer of layers) {
        if (seen.has(layer.digest)) continue;
        seen.add(layer.digest);
        await pull.layer(layer.digest, layer.size, limits, visit);
      }
    },
  };
}

type ManifestDocument = { kind: 'index'; index: ImageIndex; bytes: Buffer; digest: string } | { kind: 'manifest'; bytes: Buffer; digest: string };

function createPull(reference: ImageReference, name: string, base: string, session: RegistrySession, limits: ImageLimits) {
  const failure = (code: 'parse-error' | 'unsupported-format' | 'input-too-large', message: string) => new ChainwatchError(code, `${name}: ${message}`, { location: { path: name } });
  const hostFailure = (status: number, what: string, body: Buffer) => {
    const said = registryErrorOf(body, session.secrets());
    const absent = status === 404 ? ' (not found)' : '';
    return new HostError(`image registry ${reference.registry}`, `${name}: the registry answered HTTP ${status}${absent} for ${what}${said ? ` (${said})` : ''}`, { status, retryable: status >= 500 });
  };

  async function manifest(selector: string): Promise<ManifestDocument> {
    const url = `${base}/manifests/${selector}`;
    const answer = await session.get(url, { accept: MANIFEST_MEDIA_TYPES.join(', '), maxBytes: limits.maxJsonBytes });
    const what = `the manifest ${selector}`;
    if (answer.status !== 200) throw hostFailure(answer.status, what, answer.body);
    const type = (answer.headers['content-type'] ?? '').split(';')[0]!.trim();
    if (type.startsWith('application/vnd.docker.distribution.manifest.v1')) throw failure('unsupported-format', `${what} is a Docker schema 1 manifest (${type}), which chainwatch does not read; push the image again with a current client`);
    const expected = digestAlgorithm(selector) !== null ? selector : (answer.headers['docker-content-digest'] ?? null);
    const algorithm = expected === null ? 'sha256' : digestAlgorithm(expected);
    if (algorithm === null) throw failure('parse-error', `${what}: the registry gave the digest ${JSON.stringify(expected!.slice(0, 100))}, which is not sha256 or sha512`);
    const digest = digestOf(answer.body, algorithm);
    if (expected !== null && digest !== expected) throw failure('parse-error', `${what} does not match its digest: expected ${expected}, got ${digest} (corrupted or tampered in transit?)`);
    let value: unknown;
    try {
      value = JSON.parse(answer.body.toString('utf8'));
    } catch {
      throw failure('parse-error', `${what} is not JSON (content-type ${JSON.stringify(type.slice(0, 100))}, ${answer.body.length} bytes): is this an OCI registry?`);
    }
    const mediaType = typeof (value as { mediaType?: unknown } | null)?.mediaType === 'string' ? (value as { mediaType: string }).mediaType : type;
    const isIndex = INDEX_MEDIA_TYPES.has(mediaType) || INDEX_MEDIA_TYPES.has(type) || (Array.isArray((value as { manifests?: unknown } | null)?.manifests) && !Array.isArray((value as { layers?: unknown }).layers));
    if (isIndex) return { kind: 'index', index: parseJson(ImageIndexSchema, answer.body, `${name} index ${digest}`), bytes: answer.body, digest };
    return { kind: 'manifest', bytes: answer.body, digest };
  }

  /** A small blob (the config) read whole, bounded and checked. */
  async function document(digest: string, size: number | undefined, what: string): Promise<Buffer> {
    const algorithm = digestAlgorithm(digest);
    if (algorithm === null) throw failure('unsupported-format', `the ${what} digest ${JSON.stringify(digest.slice(0, 100))} is not sha256 or sha512`);
    if (size !== undefined && size > limits.maxJsonBytes) throw failure('input-too-large', `the ${what} ${digest} is ${size} bytes, more than the ${limits.maxJsonBytes} allowed`);
    const answer = await session.get(`${base}/blobs/${digest}`, { maxBytes: limits.maxJsonBytes });
    if (answer.status !== 200) throw hostFailure(answer.status, `the ${what} ${digest}`, answer.body);
    const got = digestOf(answer.body, algorithm);
    if (got !== digest) throw failure('parse-error', `the ${what} blob does not match its digest: expected ${digest}, got ${got} (corrupted or tampered in transit?)`);
    return answer.body;
  }

  /** One layer streamed into `visit`, checked as it passes; a mismatch or a broken transfer fails the read once `visit` is done. */
  async function layer(digest: string, size: number | undefined, imageLimits: ImageLimits, visit: (locator: string, stream: Readable) => Promise<void>): Promise<void> {
    const algorithm = digestAlgorithm(digest)!;
    // A gzip layer is smaller than what it inflates to: the inflated limit bounds it too.
    const answer = await session.stream(`${base}/blobs/${digest}`, { maxBytes: Math.min(size ?? Number.MAX_SAFE_INTEGER, imageLimits.maxLayerBytes) });
    if (answer.status !== 200) {
      const chunks: Buffer[] = [];
      for await (const chunk of answer.body) chunks.push(chunk as Buffer);
      throw hostFailure(answer.status, `the layer ${digest}`, Buffer.concat(chunks));
    }
    const declared = Number(answer.headers['content-length']);
    if (size !== undefined && Number.isFinite(declared) && declared !== size) {
      answer.body.destroy();
      throw failure('parse-error', `the layer ${digest} is ${size} bytes in the manifest, but the registry sends ${declared}`);
    }
    let problem: ChainwatchError | null = null;
    const checked = checking(digest, algorithm, size, (error) => (problem ??= failure('parse-error', error)));
    answer.body.on('error', (error) => {
      problem ??= error instanceof ChainwatchError ? error : failure('parse-error', `the layer ${digest} could not be read: ${error.message}`);
      checked.destroy(problem);
    });
    checked.on('close', () => {
      if (!answer.body.destroyed) answer.body.destroy();
    });
    answer.body.pipe(checked);
    await visit(digest, checked);
    if (problem !== null) throw problem;
  }

  /** The HTTP layer's and the session's HostErrors say the URL or the registry; here they say the reference too. */
  const naming =
    <Arguments extends unknown[], Result>(work: (...args: Arguments) => Promise<Result>) =>
    async (...args: Arguments): Promise<Result> => {
      try {
        return await work(...args);
      } catch (error) {
        if (error instanceof HostError && !error.message.startsWith(`${name}: `)) throw new HostError(error.source, `${name}: ${error.message}`, { status: error.status, retryable: error.retryable, cause: error });
        throw error;
      }
    };

  return { manifest: naming(manifest), document: naming(document), layer: naming(layer) };
}

/** Passes a blob through, hashing it; at its end, a digest or size that differs from the descriptor's is an error. */
function checking(digest: string, algorithm: 'sha256' | 'sha512', size: number | undefined, onMismatch: (message: string) => ChainwatchError): Transform {
  const hash: Hash = createHash(algorithm);
  let received = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      if (size !== undefined && received !== size) {
        done(onMismatch(`the layer ${digest} is ${size} bytes in the manifest, but the registry sent ${received}`));
        return;
      }
      const got = `${algorithm}:${hash.digest('hex')}`;
      if (got !== digest) done(onMismatch(`the layer ${digest} does not match its digest: got ${got} (corrupted or tampered in transit?)`));
      else done();
    },
  });
}
