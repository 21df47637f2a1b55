/**
 * The registries' answers for `npm run bench -- audit`, on 127.0.0.1, in a
 * process of its own (the bench measures the CLI with spawnSync, which would
 * block a server in its own process; posture-bench.ts forks its fake GitHub
 * for the same reason). Started by audit-bench.ts with fork():
 *
 *   record: a proxy. `/u/<name>/<path>` is forwarded to the upstream `<name>`
 *     (the PyPI index's, npm registry's and conda channel alias's origins,
 *     from this machine's configuration; the PyPI files host is learnt from
 *     the index's pages), and every answer is kept in `directory`: one index
 *     file, bodies by hash. Upstream origins inside text bodies become
 *     PLACEHOLDER, so the answers do not depend on the port. An upstream that
 *     cannot be reached is kept as such.
 *   serve: the kept answers, the placeholder replaced by this server's origin;
 *     a conditional request whose validator matches gets a 304; an upstream
 *     that could not be reached, or a request never recorded (counted as a
 *     miss), gets its connection cut. Nothing leaves the machine.
 *
 * Messages: the child sends `{ type: 'ready', origin }`; the parent may send
 * `{ type: 'stats' }` (answered `{ type: 'stats', served, notModified, cut, misses }`)
 * and `{ type: 'close' }` (record mode writes the index first).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EnvHttpProxyAgent, request } from 'undici';
import { ACCEPTED_ENCODINGS, decodeBody } from '../src/http/decode.js';

/** Stands for this server's origin inside kept bodies and headers. */
const PLACEHOLDER = 'http://chainwatch-bench.invalid';
const TEXT_TYPES = /json|html|text|xml/i;
/** Response headers kept (what the HTTP client reads: types, validators, ranges, caching, redirects). */
const KEPT_HEADERS = ['content-type', 'etag', 'last-modified', 'cache-control', 'content-range', 'accept-ranges', 'location'];

export interface AnswersOptions {
  mode: 'record' | 'serve';
  directory: string;
  /** record: upstream name → origin (`https://host`). */
  upstreams?: Record<string, string>;
}

interface KeptAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body's file name under bodies/ (its SHA-256); null for an empty body. */
  body: string | null;
  /** The upstream could not be reached: the message. */
  error?: string;
}

interface AnswerIndex {
  recordedAt: string;
  upstreams: Record<string, string>;
  answers: Record<string, KeptAnswer>;
}

/** What a request is kept under: what the HTTP client's cache varies on. */
function answerKey(path: string, headers: IncomingMessage['headers']): string {
  return [path, String(headers.accept ?? ''), String(headers.range ?? '')].join('\u0000');
}

const options = JSON.parse(process.argv[2] ?? '{}') as AnswersOptions;
const indexFile = join(options.directory, 'index.json');
const bodies = join(options.directory, 'bodies');
mkdirSync(bodies, { recursive: true });
const index: AnswerIndex =
  options.mode === 'serve' ? (JSON.parse(readFileSync(indexFile, 'utf8')) as AnswerIndex) : { recordedAt: new Date().toISOString(), upstreams: { ...(options.upstreams ?? {}) }, answers: {} };
const stats = { served: 0, notModified: 0, cut: 0, misses: [] as string[] };
const dispatcher = options.mode === 'record' ? new EnvHttpProxyAgent() : null;
let origin = '';

/** Upstream origins in text become the placeholder's /u/<name> prefix, and back to this server's. */
function toPlaceholder(text: string): string {
  let out = text;
  for (const [name, upstream] of Object.entries(index.upstreams)) {
    out = out.split(`${upstream}/`).join(`${PLACEHOLDER}/u/${name}/`);
    out = out.split(`${upstream.replaceAll('/', '\\/')}\\/`).join(`${PLACEHOLDER.replaceAll('/', '\\/')}\\/u\\/${name}\\/`);
  }
  return out;
}

function fromPlaceholder(text: string): string {
  return text.split(PLACEHOLDER).join(origin).split(PLACEHOLDER.replaceAll('/', '\\/')).join(origin.replaceAll('/', '\\/'));
}

/** A PyPI page's files live on another host: forward that host too (learnt before the page is rewritten). */
function learnFileHosts(text: string, contentType: string): void {
  if (!contentType.startsWith('application/vnd.pypi.simple')) return;
  let files: { url?: unknown }[];
  try {
    files = (JSON.parse(text) as { files?: { url?: unknown }[] }).files ?? [];
  } catch {
    return;
  }
  const known = new Set(Object.values(index.upstreams));
  for (const file of files) {
    if (typeof file.url !== 'string' || !/^https?:/.test(file.url)) continue;
    const fileOrigin = new URL(file.url).origin;
    if (known.has(fileOrigin)) continue;
    known.add(fileOrigin);
    index.upstreams[`files${Object.keys(index.upstreams).length}`] = fileOrigin;
  }
}

function keepBody(body: Buffer): string | null {
  if (body.length === 0) return null;
  const name = createHash('sha256').update(body).digest('hex');
  const file = join(bodies, name);
  if (!existsSync(file)) writeFileSync(file, body);
  return name;
}

async function record(incoming: IncomingMessage, path: string): Promise<KeptAnswer> {
  const match = /^\/u\/([^/]+)(\/.*)$/.exec(path);
  const upstream = match ? index.upstreams[match[1]!] : undefined;
  if (!match || upstream === undefined) return { status: 404, headers: { 'content-type': 'text/plain' }, body: keepBody(Buffer.from(`no upstream for ${path}\n`)) };
  const headers: Record<string, string> = { 'accept-encoding': incoming.headers.range ? 'identity' : ACCEPTED_ENCODINGS };
  for (const name of ['accept', 'range', 'user-agent']) {
    const value = incoming.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  try {
    const answer = await request(`${upstream}${match[2]}`, { method: 'GET', headers, dispatcher: dispatcher! });
    const raw = Buffer.from(await answer.body.arrayBuffer());
    const encoding = answer.headers['content-encoding'];
    let body = await decodeBody(raw, Array.isArray(encoding) ? encoding.join(', ') : encoding);
    const kept: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = answer.headers[name];
      if (value !== undefined) kept[name] = toPlaceholder(Array.isArray(value) ? value.join(', ') : value);
    }
    const contentType = kept['content-type'] ?? '';
    if (TEXT_TYPES.test(contentType) && !body.includes(0)) {
      const text = body.toString('utf8');
      learnFileHosts(text, contentType);
      body = Buffer.from(toPlaceholder(text));
    }
    return { status: answer.statusCode, headers: kept, body: keepBody(body) };
  } catch (error) {
    return { status: 0, headers: {}, body: null, error: error instanceof Error ? error.message : String(error) };
  }
}

function send(response: ServerResponse, incoming: IncomingMessage, answer: KeptAnswer): void {
  if (answer.error !== undefined) {
    stats.cut++;
    response.destroy();
    return;
  }
  const headers = Object.fromEntries(Object.entries(answer.headers).map(([name, value]) => [name, fromPlaceholder(value)]));
  const validator = incoming.headers['if-none-match'];
  const since = incoming.headers['if-modified-since'];
  if (answer.status === 200 && ((validator !== undefined && validator === headers.etag) || (since !== undefined && since === headers['last-modified']))) {
    stats.notModified++;
    response.writeHead(304, headers).end();
    return;
  }
  let body = answer.body === null ? Buffer.alloc(0) : readFileSync(join(bodies, answer.body));
  if (TEXT_TYPES.test(headers['content-type'] ?? '') && !body.includes(0)) body = Buffer.from(fromPlaceholder(body.toString('utf8')));
  stats.served++;
  response.writeHead(answer.status, { ...headers, 'content-length': String(body.length) }).end(body);
}

const server = createServer((incoming, response) => {
  const path = incoming.url ?? '/';
  const key = answerKey(path, incoming.headers);
  if (options.mode === 'serve') {
    const answer = index.answers[key];
    if (answer === undefined) {
      stats.misses.push(path);
      response.destroy();
      return;
    }
    send(response, incoming, answer);
    return;
  }
  void (async () => {
    const answer = index.answers[key] ?? (await record(incoming, path));
    index.answers[key] = answer;
    send(response, incoming, answer);
  })();
});

server.listen(0, '127.0.0.1', () => {
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.send?.({ type: 'ready', origin });
});

process.on('message', (message: { type: string }) => {
  if (message.type === 'stats') process.send?.({ type: 'stats', ...stats });
  if (message.type === 'close') {
    if (options.mode === 'record') writeFileSync(indexFile, JSON.stringify(index));
    server.closeAllConnections();
    server.close(() => {
      process.send?.({ type: 'closed' });
      process.exit(0);
    });
  }
});
