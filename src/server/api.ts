/**
 * What every route shares: the history (opened read-only once per process),
 * the views, how a `:run` is resolved, and how a body is sent: serialised
 * once, redacted (security.ts), cached per run and history state, with the
 * error shape `{"error":{"code","message"}}` for everything that fails.
 */
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

/** The error responses a route declares. */
export function errorResponses(...statuses: (400 | 401 | 404)[]) {
  const described: Record<number, string> = { 400: 'a bad run id, package URL or query', 401: 'the server has a token and the request did not carry it (`Authorization: Bearer <token>`)', 404: 'no such run or package' };
  return Object.fromEntries([...new Set([401, ...statuses])].map((status) => [status, { description: described[status]!, content: { 'application/json': { schema: ErrorSchema } } }]));
}

export function jsonResponse<Schema extends z.ZodType>(schema: Schema, description: string) {
  return { 200: { description, content: { 'application/json': { schema } } } };
}

/** Bodies kept: at most this many bytes (the bench's posture of 30,000 repositories is tens of megabytes). */
const CACHE_BYTES = 192 * 1024 * 1024;

export interface Api {
  history: RunsHistory;
  views: AuditViews;
  renderers: AuditRenderers;
  /** The run a path names (`latest` or an id), or the failure to send. */
  run(text: string): number | ApiFailure;
  /**
   * Sends what `build` makes (an object, or JSON text already made), or its
   * failure. `key` names the body; it is cached until the history gains or
   * loses a run.
   */
  send(c: Context, key: string, build: () => unknown): Response;
}

export function createApi(history: RunsHistory, views: AuditViews, renderers: AuditRenderers, redact: (text: string) => string): Api {
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  const encoder = new TextEncoder();
  let cachedBytes = 0;
  const remember = (key: string, body: Uint8Array<ArrayBuffer>) => {
    if (body.length > CACHE_BYTES / 4) return;
    cache.set(key, body);
    cachedBytes += body.length;
    // Oldest first: a Map iterates in insertion order.
    for (const [oldKey, oldBody] of cache) {
      if (cachedBytes <= CACHE_BYTES) break;
      cache.delete(oldKey);
      cachedBytes -= oldBody.length;
    }
  };
  const state = () => {
    const runs = history.listRuns();
    return `${runs.length}:${runs.at(-1)?.id ?? 0}`;
  };
  return {
    history,
    views,
    renderers,
    run(text) {
      if (text === 'latest') {
        const id = views.latestAuditRun(history);
        return id === null ? new ApiFailure('not-found', 'no audit run in the history yet: `chainwatch audit` saves one') : id;
      }
      const id = Number(text);
      return history.getRun(id) ? id : new ApiFailure('not-found', `no run ${id} in the history`);
    },
    send(c, key, build) {
      const fullKey = `${state()}\u0000${key}`;
      let body = cache.get(fullKey);
      if (body === undefined) {
        const built = build();
        if (built instanceof ApiFailure) return errorResponse(c, built.code, built.message);
        // A run removed between resolving it and reading it.
        if (built === null || built === undefined) return errorResponse(c, 'not-found', 'no such run in the history');
        body = encoder.encode(redact(typeof built === 'string' ? built : JSON.stringify(built)));
        remember(fullKey, body);
      } else {
        // Recently used: move to the end, the last to go.
        cache.delete(fullKey);
        cache.set(fullKey, body);
      }
      return c.body(body, 200, { 'Content-Type': 'application/json; charset=utf-8' });
    },
  };
}
