/**
 * What every route shares: the history (opened read-only once per process),
 * the views, how a `:run` is resolved, and how a body is sent: serialised
 * once, redacted (security.ts), cached per run and history state, with the
 * error shape `{"error":{"code","message"}}` for everything that fails.
 */
import { statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Context } from 'hono';
import { z } from '@hono/zod-openapi';
import type { loadAuditViews } from '../audit/index.js';
import type { loadAuditRenderers } from '../report/index.js';
import type { loadGraphStore } from '../store/index.js';
import { ErrorSchema } from './schemas.js';

export type RunsHistory = ReturnType<Awaited<ReturnType<typeof loadGraphStore>>['openGraphStore']>;
export type AuditViews = Awaited<ReturnType<typeof loadAuditViews>>;
export type AuditRenderers = Awaited<ReturnType<typeof loadAuditRenderers>>;

export type ErrorCode = 'invalid-argument' | 'unauthorized' | 'forbidden-host' | 'not-found' | 'internal-error';

const STATUS: Record<ErrorCode, 400 | 401 | 403 | 404 | 500> = { 'invalid-argument': 400, unauthorized: 401, 'forbidden-host': 403, 'not-found': 404, 'internal-error': 500 };

/** A failure a view or a check returns, sent with its status. */
export class ApiFailure {
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
  ) {}
}

export function errorResponse(c: Context, code: ErrorCode, message: string): Response {
  return c.body(JSON.stringify({ error: { code, message } }), STATUS[code], { 'Content-Type': 'application/json; charset=utf-8' });
}

/** A run as routes name it: an id, or `latest`. */
export const RUN_PARAMETER = z
  .string()
  .regex(/^(latest|[1-9][0-9]{0,15})$/, 'a run id (a whole number) or latest')
  .openapi({ param: { name: 'run', in: 'path' }, description: 'a run id, or `latest`: the newest audit run of the default identity', example: 'latest' });

/** A run id in a query. */
export function runQuery(name: string, description: string) {
  return z
    .string()
    .regex(/^[1-9][0-9]{0,15}$/, 'a run id (a whole number)')
    .openapi({ param: { name, in: 'query' }, description, example: '41' });
}

/** A long list's query: words, a column to sort by, the page (`limit=all` for an export). */
export const PAGE_QUERY = {
  q: z.string().max(500).optional().openapi({ param: { name: 'q', in: 'query' }, description: 'words every row kept holds, in any column, any case' }),
  sort: z
    .string()
    .regex(/^-?[A-Za-z0-9_.:-]{1,120}$/, 'a column key, `-key` for descending')
    .optional()
    .openapi({ param: { name: 'sort', in: 'query' }, description: 'the column to sort by (`-key`: descending); null values last', example: '-score' }),
  offset: z
    .string()
    .regex(/^[0-9]{1,9}$/, 'a row number from 0')
    .optional()
    .openapi({ param: { name: 'offset', in: 'query' }, description: 'the first row of the page (0 by default)' }),
  limit: z
    .string()
    .regex(/^(all|[1-9][0-9]{0,2}|1000)$/, 'rows in the page: 1 to 1000, or all')
    .optional()
    .openapi({ param: { name: 'limit', in: 'query' }, description: 'rows in the page: 1 to 1000 (100 by default), or `all` for an export' }),
};

/** The page a list query asks for. */
export function pageRequest(query: { q?: string | undefined; sort?: string | undefined; offset?: string | undefined; limit?: string | undefined }) {
  return { q: query.q, sort: query.sort, offset: Number(query.offset ?? 0), limit: query.limit === 'all' ? Infinity : Number(query.limit ?? 100) };
}

/** A list query as a cache key. */
export function pageKey(query: Record<string, string | undefined>): string {
  return Object.keys(query)
    .sort()
    .map((name) => `${name}=${query[name] ?? ''}`)
    .join('&');
}

/** The error responses a route declares. */
export function errorResponses(...statuses: (400 | 401 | 404)[]) {
  const described: Record<number, string> = { 400: 'a bad run id, package URL or query', 401: 'the server has a token and the request did not carry it (`Authorization: Bearer <token>`)', 404: 'no such run or package' };
  return Object.fromEntries([...new Set([401, ...statuses])].map((status) => [status, { description: described[status]!, content: { 'application/json': { schema: ErrorSchema } } }]));
}

export function jsonResponse<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { 200: { description, content: { 'application/json': { schema } } } };
}

/** Bodies kept: at most this many bytes (the bench's posture of 30,000 repositories is some fifty megabytes). */
const CACHE_BYTES = 256 * 1024 * 1024;
/** Bodies from this size are sent gzipped to clients that accept it (compressed once, kept with the body). */
const GZIP_FROM_BYTES = 16 * 1024;

export interface Api {
  views: AuditViews;
  renderers: AuditRenderers;
  /** The run a path names (`latest` or an id), or the failure to send. */
  run(text: string): number | ApiFailure;
  /**
   * Sends what `build` makes from the history (an object, or JSON text
   * already made), or its failure. `key` names the body: it is cached until
   * the history's file changes.
   */
  send(c: Context, key: string, build: (history: RunsHistory) => unknown): Response;
  /**
   * What `build` makes from the history, kept while the history's state
   * lasts (the last KEPT_BUILDS of them): a long list prepared once and paged
   * by many requests. `light` answers (a run id) are kept apart and all kept,
   * so they never push a prepared list out.
   */
  memo<T>(key: string, build: (history: RunsHistory) => T, options?: { light?: boolean }): T;
}

/** Prepared lists kept between requests (a posture matrix of 30,000 repositories takes a second to build). */
const KEPT_BUILDS = 4;

interface CachedBody {
  raw: Uint8Array<ArrayBuffer>;
  gzip: Uint8Array<ArrayBuffer> | null;
}

/** Parsed parts and snapshots kept between requests (a posture part of 30,000 repositories takes a second to parse). */
const KEPT_READS = 8;

/**
 * The history read through a memo that lives as long as the history's
 * state: each run and run list read once, the last KEPT_READS parts and
 * snapshots kept parsed. The report reads a run's parts for the comparison
 * and again for the trends; every package page reads the same snapshot.
 * What is kept is never changed by the views (they copy what they shape).
 */
function readThrough(history: RunsHistory): RunsHistory {
  const memo = new Map<string, unknown>();
  const once = <T>(key: string, heavy: boolean, read: () => T): T => {
    if (memo.has(key)) {
      const value = memo.get(key) as T;
      memo.delete(key);
      memo.set(key, value);
      return value;
    }
    const value = read();
    memo.set(key, value);
    if (heavy) {
      const heavyKeys = [...memo.keys()].filter((entry) => entry.startsWith('part') || entry.startsWith('snapshot'));
      for (const old of heavyKeys.slice(0, Math.max(0, heavyKeys.length - KEPT_READS))) memo.delete(old);
    }
    return value;
  };
  return Object.assign(Object.create(history) as RunsHistory, {
    listRuns: (filter?: { identity?: string }) => once(`runs\u0000${filter?.identity ?? ''}`, false, () => history.listRuns(filter)),
    getRun: (id: number) => once(`run\u0000${id}`, false, () => history.getRun(id)),
    readPart: (id: number, name: string) => once(`part\u0000${id}\u0000${name}`, true, () => history.readPart(id, name)),
    loadSnapshot: (id: number) => once(`snapshot\u0000${id}`, true, () => history.loadSnapshot(id)),
  });
}

/**
 * What changes when the history does: the SQLite file and its write-ahead
 * log (an audit saving a run writes one or the other). A stat, where
 * listing the runs would read every part's length.
 */
function fileState(historyPath: string): string {
  const stamp = (file: string) => {
    try {
      const info = statSync(file);
      return `${info.mtimeMs}:${info.size}`;
    } catch {
      return '-';
    }
  };
  return `${stamp(historyPath)}|${stamp(`${historyPath}-wal`)}`;
}

export function createApi(options: { history: RunsHistory; historyPath: string; views: AuditViews; renderers: AuditRenderers; redact: (text: string) => string }): Api {
  const { history, historyPath, views, renderers, redact } = options;
  const cache = new Map<string, CachedBody>();
  const encoder = new TextEncoder();
  let cachedBytes = 0;
  const sizeOf = (entry: CachedBody) => entry.raw.length + (entry.gzip?.length ?? 0);
  const remember = (key: string, entry: CachedBody) => {
    if (sizeOf(entry) > CACHE_BYTES / 2) return;
    cache.set(key, entry);
    cachedBytes += sizeOf(entry);
    // Least recently used first: a Map iterates in insertion order and a hit moves its entry to the end.
    for (const [oldKey, oldEntry] of cache) {
      if (cachedBytes <= CACHE_BYTES) break;
      cache.delete(oldKey);
      cachedBytes -= sizeOf(oldEntry);
    }
  };
  // What is known of the history in its current state: `latest`, and which runs exist.
  let known = { state: '', latest: undefined as number | null | undefined, runs: new Map<number, boolean>(), reads: readThrough(history), builds: new Map<string, unknown>(), light: new Map<string, unknown>() };
  const current = () => {
    const state = fileState(historyPath);
    if (state !== known.state) {
      known = { state, latest: undefined, runs: new Map(), reads: readThrough(history), builds: new Map(), light: new Map() };
      cache.clear();
      cachedBytes = 0;
    }
    return known;
  };
  return {
    views,
    renderers,
    run(text) {
      const state = current();
      if (text === 'latest') {
        if (state.latest === undefined) state.latest = views.latestAuditRun(state.reads);
        return state.latest === null ? new ApiFailure('not-found', 'no audit run in the history yet: `chainwatch audit` saves one') : state.latest;
      }
      const id = Number(text);
      let exists = state.runs.get(id);
      if (exists === undefined) {
        exists = state.reads.getRun(id) !== null;
        state.runs.set(id, exists);
      }
      return exists ? id : new ApiFailure('not-found', `no run ${id} in the history`);
    },
    memo<T>(key: string, build: (history: RunsHistory) => T, options: { light?: boolean } = {}): T {
      const { reads, builds, light } = current();
      // A small answer (a run id) is kept apart: it must not push a prepared list out of the few kept.
      if (options.light === true) {
        if (!light.has(key)) light.set(key, build(reads));
        return light.get(key) as T;
      }
      if (builds.has(key)) {
        const value = builds.get(key) as T;
        builds.delete(key);
        builds.set(key, value);
        return value;
      }
      const value = build(reads);
      builds.set(key, value);
      for (const old of [...builds.keys()].slice(0, Math.max(0, builds.size - KEPT_BUILDS))) builds.delete(old);
      return value;
    },
    send(c, key, build) {
      const { reads } = current();
      let entry = cache.get(key);
      if (entry === undefined) {
        const built = build(reads);
        if (built instanceof ApiFailure) return errorResponse(c, built.code, built.message);
        // A run removed between resolving it and reading it.
        if (built === null || built === undefined) return errorResponse(c, 'not-found', 'no such run in the history');
        entry = { raw: encoder.encode(redact(typeof built === 'string' ? built : JSON.stringify(built))), gzip: null };
        remember(key, entry);
      } else {
        cache.delete(key);
        cache.set(key, entry);
      }
      const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', Vary: 'Accept-Encoding' };
      if (entry.raw.length >= GZIP_FROM_BYTES && /\bgzip\b/.test(c.req.header('accept-encoding') ?? '')) {
        if (entry.gzip === null) {
          // The fastest level: JSON this repetitive shrinks twenty-fold at any level, and the time is paid on a request.
          const compressed = gzipSync(entry.raw, { level: 1 });
          entry.gzip = new Uint8Array(compressed.buffer.slice(compressed.byteOffset, compressed.byteOffset + compressed.length)) as Uint8Array<ArrayBuffer>;
          if (cache.get(key) === entry) cachedBytes += entry.gzip.length;
        }
        return c.body(entry.gzip, 200, { ...headers, 'Content-Encoding': 'gzip' });
      }
      return c.body(entry.raw, 200, headers);
    },
  };
}
