/**
 * Record / replay for every registry test (STYLE rule 9: no network in tests).
 *
 * A cassette is JSON (optionally gzipped, `.json.gz`):
 *   { "version": 1, "recordedAt": "...", "note": "...", "interactions": [
 *       { "method": "GET", "url": "https://registry.npm.test/jupyterlab",
 *         "requestHeaders": { "accept": "application/json" },
 *         "status": 200, "headers": { "content-type": "application/json" },
 *         "body": "{...}" }                         // or "bodyBase64": "..."
 *   ] }
 * A bare list of interactions is accepted too. Hosts are placeholders under
 * `.test`: the recorder rewrites the real base URLs before anything is saved.
 *
 * Replay: `replayAgent(cassette)` is an undici MockAgent with network
 * disabled, one interceptor per interaction (repeated URLs answer in order),
 * and `assertAllUsed()` to fail a test that did not make every recorded request.
 * Record: `createRecorder(...)` / `recordInteractions(...)`, used by the
 * scripts in test/record/ (see src/http/readme.md).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { EnvHttpProxyAgent, MockAgent, request, type Dispatcher } from 'undici';
import { createHttpClient, type HttpClientOptions } from '../src/http/client.js';
import { ACCEPTED_ENCODINGS, decodeBody } from '../src/http/decode.js';
import type { HttpClient } from '../src/http/types.js';
import { openHttpCache } from '../src/store/http-cache.js';

export interface CassetteInteraction {
  /** Default GET. */
  method?: string;
  /** Absolute URL with a placeholder host (`https://registry.npm.test/...`). */
  url: string;
  /** Request headers that must match for this answer (e.g. `accept`, `range`, `if-none-match`); never credentials. */
  requestHeaders?: Record<string, string>;
  status: number;
  /** Response headers, lower-cased names. */
  headers?: Record<string, string>;
  /** Text body. */
  body?: string;
  /** Binary body (wheels, zips, compressed repodata). */
  bodyBase64?: string;
  /** Instead of an answer: the connection fails with this message (for retry tests). */
  networkError?: string;
}

export interface Cassette {
  version: 1;
  /** ISO time of recording. */
  recordedAt?: string;
  /** Where the data came from and how it was trimmed. */
  note?: string;
  interactions: CassetteInteraction[];
}

export type CassetteSource = string | URL | Cassette | CassetteInteraction[];

export interface ReplayAgent extends MockAgent {
  /** Fails (throws) listing every recorded interaction that was never requested. */
  assertAllUsed(): void;
  readonly cassette: Cassette;
}

export interface ReplayOptions {
  /** Let each interaction answer any number of times (assertAllUsed still wants each at least once). */
  persist?: boolean;
}

/** Reads a cassette file (`.json` or `.json.gz`), or normalises an in-memory one. */
export function loadCassette(source: CassetteSource): Cassette {
  if (Array.isArray(source)) return { version: 1, interactions: source };
  if (typeof source === 'object' && !(source instanceof URL)) return source;
  const file = source instanceof URL ? fileURLToPath(source) : source;
  const raw = readFileSync(file);
  const text = file.endsWith('.gz') ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
  const parsed = JSON.parse(text) as Cassette | CassetteInteraction[];
  const cassette = Array.isArray(parsed) ? { version: 1 as const, interactions: parsed } : parsed;
  if (!Array.isArray(cassette.interactions)) throw new Error(`${file}: not a cassette (no interactions list)`);
  return cassette;
}

export function replayAgent(source: CassetteSource, options: ReplayOptions = {}): ReplayAgent {
  const cassette = loadCassette(source);
  const agent = new MockAgent();
  agent.disableNetConnect();
  for (const interaction of cassette.interactions) {
    const url = new URL(interaction.url);
    const interceptor = agent.get(url.origin).intercept({
      path: `${url.pathname}${url.search}`,
      method: interaction.method ?? 'GET',
      ...(interaction.requestHeaders ? { headers: lowerCaseKeys(interaction.requestHeaders) } : {}),
    });
    const scope =
      interaction.networkError !== undefined
        ? interceptor.replyWithError(Object.assign(new Error(interaction.networkError), { code: 'ECONNRESET' }))
        : interceptor.reply(interaction.status, interactionBody(interaction), { headers: interaction.headers ?? {} });
    if (options.persist) scope.persist();
  }
  return Object.assign(agent, {
    cassette,
    assertAllUsed() {
      // undici counts an interceptor as pending until it has answered (a persisted one: at least once).
      const unused = agent.pendingInterceptors();
      if (unused.length === 0) return;
      const lines = unused.map((pending) => `  ${pending.method} ${pending.origin}${pending.path}`);
      throw new Error(`${unused.length} recorded interaction(s) were never requested:\n${lines.join('\n')}`);
    },
  });
}

/**
 * An HttpClient over a replay agent, set up for tests: in-memory cache, no
 * sleeping between retries, no jitter. Extra options override these.
 */
export function replayClient(source: CassetteSource, options: HttpClientOptions & ReplayOptions = {}): { client: HttpClient; agent: ReplayAgent } {
  const agent = replayAgent(source, { persist: options.persist });
  const client = createHttpClient({
    openCache: () => openHttpCache(':memory:'),
    sleep: async () => {},
    random: () => 0.5,
    ...options,
    dispatcher: agent,
  });
  return { client, agent };
}

function interactionBody(interaction: CassetteInteraction): Buffer {
  if (interaction.bodyBase64 !== undefined) return Buffer.from(interaction.bodyBase64, 'base64');
  return Buffer.from(interaction.body ?? '', 'utf8');
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

// ---------------------------------------------------------------------------
// Recording

/** A real URL prefix and the placeholder that replaces it (`https://registry.npm.test/`). */
export interface Rewrite {
  from: string;
  to: string;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** Decoded, with the real URLs still in it (what the record script parses to find the next URLs). */
  body: Buffer;
  /** The real URL. */
  url: string;
}

export interface RecorderOptions {
  /** Real prefixes → placeholders. Every recorded URL must end up on a `.test` host. */
  rewrites: Rewrite[];
  /** Default: a keep-alive agent that honours HTTP(S)_PROXY / NO_PROXY. */
  dispatcher?: Dispatcher;
  /** Request headers kept in the cassette for matching (default accept, range). Credentials are never kept. */
  matchHeaders?: string[];
  /** Response headers kept (default: content-type, etag, last-modified, location, content-range, accept-ranges, cache-control). */
  keepHeaders?: string[];
  /** Shrinks a body before it is saved (trim a packument to the fields used). Gets the real URL and the decoded body. */
  transformBody?: (url: string, body: Buffer, headers: Record<string, string>) => Buffer | string;
  /** Further strings that must not appear anywhere in the saved cassette (host names of the real registries are added automatically). */
  forbidden?: string[];
  note?: string;
  now?: () => Date;
}

export interface RecordRequest {
  /** Real URL (built from the configured endpoint, never a literal). */
  url: string;
  /** Sent, and the `matchHeaders` subset recorded; Authorization is sent and never recorded. */
  headers?: Record<string, string>;
}

export interface Recorder {
  /** Fetches a real URL (redirects followed, each hop recorded) and returns the final answer with real URLs. */
  fetch(requestToRecord: RecordRequest): Promise<RecordedResponse>;
  /** Applies a rewrite to a real URL: what a test will request. */
  placeholder(url: string): string;
  /** The cassette so far (already rewritten). */
  cassette(): Cassette;
  /** Checks the cassette for real hosts and writes it (`.gz` → gzipped). */
  save(file: string | URL): Cassette;
  close(): Promise<void>;
}

const DEFAULT_MATCH_HEADERS = ['accept', 'range'];
const DEFAULT_KEEP_HEADERS = ['content-type', 'etag', 'last-modified', 'location', 'content-range', 'accept-ranges', 'cache-control'];
const NEVER_RECORDED = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);
const TEXT_TYPES = /json|html|text|xml|javascript|yaml|toml/i;

export function createRecorder(options: RecorderOptions): Recorder {
  const rewrites = [...options.rewrites].sort((a, b) => b.from.length - a.from.length);
  for (const rewrite of rewrites) {
    if (!new URL(rewrite.to).hostname.endsWith('.test')) throw new Error(`placeholder ${rewrite.to} is not under .test`);
  }
  const ownsDispatcher = options.dispatcher === undefined;
  const dispatcher = options.dispatcher ?? new EnvHttpProxyAgent();
  const matchHeaders = (options.matchHeaders ?? DEFAULT_MATCH_HEADERS).map((name) => name.toLowerCase()).filter((name) => !NEVER_RECORDED.has(name));
  const keepHeaders = new Set((options.keepHeaders ?? DEFAULT_KEEP_HEADERS).map((name) => name.toLowerCase()).filter((name) => !NEVER_RECORDED.has(name)));
  const forbidden = [...(options.forbidden ?? []), ...rewrites.map((rewrite) => new URL(rewrite.from).host)];
  const interactions: CassetteInteraction[] = [];

  function rewriteText(text: string): string {
    let out = text;
    for (const { from, to } of rewrites) {
      out = out.split(from).join(to);
      // The same URL inside JSON written with escaped slashes.
      out = out.split(from.replaceAll('/', '\\/')).join(to.replaceAll('/', '\\/'));
    }
    return out;
  }

  async function fetchOne(url: string, headers: Record<string, string>): Promise<RecordedResponse> {
    const sent: Record<string, string> = { 'accept-encoding': ACCEPTED_ENCODINGS, ...lowerCaseKeys(headers) };
    if (sent.range !== undefined) sent['accept-encoding'] = 'identity';
    const response = await request(url, { method: 'GET', headers: sent, dispatcher });
    const responseHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
    }
    const body = await decodeBody(Buffer.from(await response.body.arrayBuffer()), responseHeaders['content-encoding']);
    delete responseHeaders['content-encoding'];

    const stored = options.transformBody ? options.transformBody(url, body, responseHeaders) : body;
    const storedBuffer = typeof stored === 'string' ? Buffer.from(stored, 'utf8') : stored;
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(responseHeaders)) if (keepHeaders.has(name)) kept[name] = name === 'location' ? rewriteText(value) : value;
    const requestHeaders: Record<string, string> = {};
    for (const name of matchHeaders) if (sent[name] !== undefined) requestHeaders[name] = sent[name]!;
    const isText = TEXT_TYPES.test(responseHeaders['content-type'] ?? '') && !storedBuffer.includes(0);
    interactions.push({
      method: 'GET',
      url: rewriteText(url),
      ...(Object.keys(requestHeaders).length > 0 ? { requestHeaders } : {}),
      status: response.statusCode,
      headers: kept,
      ...(isText ? { body: rewriteText(storedBuffer.toString('utf8')) } : { bodyBase64: storedBuffer.toString('base64') }),
    });
    return { status: response.statusCode, headers: responseHeaders, body, url };
  }

  return {
    async fetch({ url, headers = {} }) {
      let current = url;
      for (let hop = 0; hop <= 10; hop++) {
        const answer = await fetchOne(current, headers);
        const location = answer.headers.location;
        if (![301, 302, 303, 307, 308].includes(answer.status) || location === undefined) return answer;
        const next = new URL(location, current);
        // Credentials stay with their origin.
        if (next.origin !== new URL(current).origin) headers = Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
        current = next.toString();
      }
      throw new Error(`too many redirects from ${rewriteText(url)}`);
    },
    placeholder: rewriteText,
    cassette: () => ({ version: 1, recordedAt: (options.now?.() ?? new Date()).toISOString(), ...(options.note ? { note: options.note } : {}), interactions: [...interactions] }),
    save(file) {
      const cassette = this.cassette();
      checkCassette(cassette, forbidden);
      const target = file instanceof URL ? fileURLToPath(file) : file;
      mkdirSync(path.dirname(target), { recursive: true });
      const text = `${JSON.stringify(cassette, null, 1)}\n`;
      writeFileSync(target, target.endsWith('.gz') ? gzipSync(text, { level: 9 }) : text);
      return cassette;
    },
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}

/** Every URL on a `.test` host, and none of the forbidden strings (real host names) anywhere. */
export function checkCassette(cassette: Cassette, forbidden: readonly string[]): void {
  for (const interaction of cassette.interactions) {
    const host = new URL(interaction.url).hostname;
    if (!host.endsWith('.test')) throw new Error(`cassette would contain a real host: ${host} (add a rewrite for it)`);
    const location = interaction.headers?.location;
    if (location !== undefined && /^https?:/i.test(location) && !new URL(location).hostname.endsWith('.test')) {
      throw new Error(`cassette would contain a redirect to a real host: ${new URL(location).hostname} (add a rewrite for it)`);
    }
  }
  const text = JSON.stringify(cassette);
  for (const needle of forbidden) {
    if (needle && text.includes(needle)) throw new Error(`cassette still contains ${JSON.stringify(needle)}: add a rewrite or trim the body`);
  }
}

/** Records `requests` in order and writes the cassette: the one-call form of createRecorder(). */
export async function recordInteractions(options: RecorderOptions & { requests: RecordRequest[]; cassettePath: string | URL }): Promise<Cassette> {
  const recorder = createRecorder(options);
  try {
    for (const requestToRecord of options.requests) await recorder.fetch(requestToRecord);
    return recorder.save(options.cassettePath);
  } finally {
    await recorder.close();
  }
}

/** An HttpClient whose every request goes through a recorder (for record scripts: real answers, rewritten and saved). */
export function recordingClient(recorder: Recorder): HttpClient {
  let requests = 0;
  return {
    async get(input) {
      requests++;
      const headers = { ...(input.headers ?? {}) };
      if (input.range) headers.range = `bytes=${input.range.start}-${input.range.end ?? ''}`;
      const answer = await recorder.fetch({ url: input.url, headers });
      return { status: answer.status, headers: answer.headers, body: answer.body, url: answer.url, fromCache: false };
    },
    failures: () => [],
    stats: () => ({ requests, cacheHits: 0, notModified: 0, retries: 0, bytes: 0 }),
    close: async () => {},
  };
}
