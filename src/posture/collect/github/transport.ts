/**
 * How the GitHub collector talks to GitHub: Octokit with its throttling and
 * retry plugins over a fetch that bounds every attempt in time and size
 * (../bounded-fetch.ts) and counts requests; rate-limit waits, capped in
 * total and said once per stretch; lanes (one Octokit throttle each) and the
 * deadline of each collection; GitHub's failures turned into HostErrors with
 * no secret in them. REST, GraphQL, trees and blobs all go through it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import Bottleneck from 'bottleneck';
import { Octokit, RequestError } from 'octokit';
import { z } from 'zod';
import { HostError } from '../../../core/errors.js';
import { formatDuration, silentSink } from '../../../core/events.js';
import { scrubSecrets } from '../../../http/redact.js';
import { boundedFetch, GithubAnswerTimeout, GithubHostUnreachable, GithubRequestStopped } from '../bounded-fetch.js';
import { DEFAULT_GITHUB_API_URL, type GithubCollectorOptions, type GithubRequestStats } from './options.js';

/** Set by the collector's fetch on a 304 it turned into a 200 (never sent by GitHub). */
export const NOT_MODIFIED_HEADER = 'x-chainwatch-not-modified';
/** Retries of the retry plugin (5xx, timeouts), so a request is tried this many times plus one. */
const RETRIES = 3;

/** GitHub's error body: only its message is read. */
export const ErrorBodySchema = z.object({ message: z.string() }).partial();

let collectorCount = 0;

/** What the collection under way runs with (one per collectOrg/collectRepo). */
export interface Lane {
  octokit: Octokit;
  /** Aborted when the collection passes its deadline or is over. */
  signal: AbortSignal;
}

interface Deadline {
  signal: AbortSignal;
  /** Rejects with a HostError when the deadline passes. */
  passed: Promise<never>;
  extend(milliseconds: number): void;
  /** Clears the timer and cancels whatever is still in flight. */
  end(): void;
}

export type LogLevel = 'debug' | 'info' | 'warn';

export interface GithubTransport {
  /** REST base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly graphqlUrl: string;
  /** Whose answers these are, for the cache: a digest of the token, or the app installation; never a credential. */
  readonly identity: string;
  /** Counted as requests go (the other modules add their own counts). */
  readonly stats: GithubRequestStats;
  /** How many collections run at once (`lanes`). */
  readonly laneCount: number;
  /** The lane of the collection under way (each collectOrg/collectRepo runs in one). */
  lane(): Lane;
  /** Runs one collection in the next lane, under its own deadline; nothing it started outlives it. */
  inLane<T>(what: string, work: () => Promise<T>): Promise<T>;
  /** Removes every credential from a text. */
  scrub(text: string): string;
  /** A log event, its message and data scrubbed. */
  log(level: LogLevel, message: string, data?: Record<string, unknown>): void;
  /** Any failure of a request as a HostError naming `what`, with no cause (a transport error can carry request headers). */
  hostError(error: unknown, what: string): HostError;
  /** A 403/429 that is a rate limit (not waited out), as opposed to a refusal. */
  isRateLimitAnswer(error: RequestError): boolean;
}

export function createGithubTransport(options: GithubCollectorOptions): GithubTransport {
  const env = options.env ?? process.env;
  const events = options.events ?? silentSink;
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const baseUrl = (options.baseUrl ?? env.GITHUB_API_URL?.trim() ?? DEFAULT_GITHUB_API_URL).replace(/\/+$/, '') || DEFAULT_GITHUB_API_URL;
  const graphqlUrl = `${baseUrl.replace(/\/api\/v3$/, '/api')}/graphql`;
  const token = options.app ? undefined : (options.token ?? (env.GH_TOKEN?.trim() || undefined) ?? (env.GITHUB_TOKEN?.trim() || undefined));
  const secrets = [token, options.app?.privateKey].filter((secret): secret is string => Boolean(secret));
  // Cache entries are per credential, without storing it: a digest of the token, or the app installation.
  const identity = options.app
    ? `app:${options.app.appId}:${options.app.installationId}`
    : token
      ? `token:${createHash('sha256').update(`chainwatch github cache\0${token}`).digest('hex').slice(0, 24)}`
      : 'anonymous';
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const maxWaitMilliseconds = (options.maxRateLimitWaitSeconds ?? 900) * 1000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? 3_600_000;

  const stats: GithubRequestStats = {
    requests: 0,
    rest: 0,
    graphql: 0,
    notModified: 0,
    byRoute: {},
    rateLimitWaits: 0,
    waitedMilliseconds: 0,
    treesFromCache: 0,
    blobsFromCache: 0,
    blobsFetched: 0,
    graphqlPoints: 0,
  };

  const scrub = (text: string): string => scrubSecrets(text, secrets);
  const log = (level: LogLevel, message: string, data?: Record<string, unknown>): void =>
    events.emit({ type: 'log', level, message: scrub(message), ...(data ? { data: JSON.parse(scrub(JSON.stringify(data))) as Record<string, unknown> } : {}) });

  const bounded = boundedFetch({ timeoutMs: requestTimeoutMs, maxBytes: options.maxResponseBytes ?? 64 * 1024 * 1024, ...(options.fetch ? { fetch: options.fetch } : {}) });
  /**
   * Hosts that could not be reached at all (DNS, connection refused, no route): asked once, not
   * once per repository and retry. Every later request to one fails at once with the first error.
   */
  const unreachable = new Map<string, GithubHostUnreachable>();
  /** Epoch seconds at which each spent rate limit (`core`, `graphql`...) resets, from GitHub's headers. */
  const limitResets = new Map<string, number>();

  const countingFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const unreachableBefore = unreachable.get(url.host);
    if (unreachableBefore) throw unreachableBefore;
    const route = routeOf(url.pathname, baseUrl);
    const method = (init?.method ?? 'GET').toUpperCase();
    stats.requests++;
    if (route === '/graphql') stats.graphql++;
    else stats.rest++;
    const key = `${method} ${route}`;
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    let response: Response;
    try {
      response = await bounded(input, init);
    } catch (error) {
      if (error instanceof GithubHostUnreachable && !unreachable.has(error.host)) {
        unreachable.set(error.host, error);
        log('info', `${error.message}: nothing more is asked of it in this run`, { event: 'github-host-unreachable', host: error.host, code: error.code });
      }
      throw error;
    }
    if (response.headers.get('x-ratelimit-remaining') === '0') {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      if (Number.isFinite(reset)) limitResets.set(response.headers.get('x-ratelimit-resource') ?? (route === '/graphql' ? 'graphql' : 'core'), reset);
    }
    if (response.status === 304) {
      stats.notModified++;
      // Octokit throws on 304, and the throttling and retry plugins then handle a failure; for a run
      // where most answers are 304 that costs more than the requests. The caller sees the marker instead.
      const headers = new Headers(response.headers);
      headers.set('content-type', 'application/json; charset=utf-8');
      headers.set(NOT_MODIFIED_HEADER, '1');
      return new Response('null', { status: 200, headers });
    }
    return response;
  };

  // Rate-limit waits, counted in wall-clock time: the concurrent requests that meet the same
  // spent limit all wait for the same reset, and that costs the time once. Real time, not the
  // injected clock: GitHub's reset times, and the throttling plugin's waits, are on it.
  let waitingUntil = Number.NEGATIVE_INFINITY;
  let lastRefusal = '';
  const deadlines = new Set<Deadline>();

  const onLimit = async (kind: 'primary' | 'secondary', retryAfter: number, request: { method: string; url: string }, retryCount: number): Promise<boolean> => {
    const route = routeOf(new URL(request.url, baseUrl).pathname, baseUrl);
    const resource = route === '/graphql' ? 'graphql' : 'core';
    const reset = kind === 'primary' ? limitResets.get(resource) : undefined;
    const what =
      kind === 'primary'
        ? `GitHub rate limit: waiting ${formatDuration(retryAfter)} for ${resource}${reset === undefined ? '' : ` (resets at ${new Date(reset * 1000).toISOString()})`}`
        : `GitHub secondary rate limit: waiting ${formatDuration(retryAfter)} before retrying ${request.method} ${route}`;
    const data = { event: 'github-rate-limit-wait', kind, resource, route, waitSeconds: retryAfter, ...(reset === undefined ? {} : { resetsAt: new Date(reset * 1000).toISOString() }) };
    if (retryCount >= rateLimitRetries) {
      lastRefusal = `still rate-limited after ${rateLimitRetries} waits`;
      log('warn', `${what.replace(': waiting', ': not waiting')}: ${lastRefusal}`, { ...data, waited: false });
      return false;
    }
    const now = Date.now();
    const end = reset === undefined ? now + retryAfter * 1000 : Math.max(now, reset * 1000);
    const extra = Math.max(0, end - Math.max(now, waitingUntil));
    if (stats.waitedMilliseconds + extra > maxWaitMilliseconds) {
      lastRefusal = `that would pass the ${formatDuration(maxWaitMilliseconds / 1000)} allowed for rate-limit waits${stats.waitedMilliseconds > 0 ? ` (${formatDuration(stats.waitedMilliseconds / 1000)} waited already)` : ''}`;
      log('warn', `${what.replace(': waiting', ': not waiting')}: ${lastRefusal}`, { ...data, waited: false, maxWaitSeconds: maxWaitMilliseconds / 1000 });
      return false;
    }
    stats.rateLimitWaits++;
    if (extra > 0) {
      // Said once per stretch of waiting, not once per request that waits in it.
      log('warn', what, { ...data, waited: true });
      stats.waitedMilliseconds += extra;
      waitingUntil = end;
      for (const deadline of deadlines) deadline.extend(extra);
    }
    await sleep(retryAfter * 1000);
    return true;
  };

  const createOctokit = (): Octokit =>
    new Octokit({
      baseUrl,
      userAgent: 'chainwatch',
      ...(options.app
        ? { authStrategy: createAppAuth, auth: { appId: options.app.appId, privateKey: options.app.privateKey, installationId: options.app.installationId } }
        : token
          ? { auth: token }
          : {}),
      request: { fetch: countingFetch },
      log: {
        debug: () => {},
        info: () => {},
        warn: (message: string) => log('warn', `octokit: ${message}`),
        error: (message: string) => log('warn', `octokit: ${message}`),
      },
      throttle: {
        id: `chainwatch-github-${++collectorCount}`,
        // The handlers below wait (through the injectable sleep); Bottleneck then retries at once.
        retryAfterBaseValue: 0,
        write: new Bottleneck.Group({ maxConcurrent: 1, minTime: options.graphqlIntervalMs ?? 0 }),
        onRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => onLimit('primary', retryAfter, request, retryCount),
        onSecondaryRateLimit: (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) =>
          onLimit('secondary', retryAfter, request, retryCount),
      },
      retry: { doNotRetry: [304, 400, 401, 403, 404, 409, 410, 422, 429, 451], retries: RETRIES, retryAfterBaseValue: options.retryBaseMs ?? 1000 },
    });
  const lanes = Array.from({ length: Math.max(1, options.lanes ?? 2) }, createOctokit);
  const laneOf = new AsyncLocalStorage<Lane>();
  let nextLane = 0;
  const idle = new AbortController().signal;
  /** The lane of the collection under way (each collectOrg/collectRepo runs in one). */
  const lane = (): Lane => laneOf.getStore() ?? { octokit: lanes[0]!, signal: idle };

  /** Runs one collection in the next lane, under its own deadline; nothing it started outlives it. */
  async function inLane<T>(what: string, work: () => Promise<T>): Promise<T> {
    const deadline = startDeadline(deadlineMs, `GitHub collection of ${what} did not finish within ${formatDuration(deadlineMs / 1000)} (rate-limit waits not counted)`);
    deadlines.add(deadline);
    try {
      return await Promise.race([laneOf.run({ octokit: lanes[nextLane++ % lanes.length]!, signal: deadline.signal }, work), deadline.passed]);
    } finally {
      deadlines.delete(deadline);
      deadline.end();
    }
  }

  // ---------------------------------------------------------------- failures

  function hostError(error: unknown, what: string): HostError {
    if (error instanceof HostError) return error;
    // The cause is left out of every HostError: a transport error can carry request headers.
    if (error instanceof GithubRequestStopped) return new HostError('github', scrub(`${what}: ${error.message}`), { retryable: error.retryable });
    if (error instanceof RequestError && error.cause instanceof GithubAnswerTimeout) {
      return new HostError('github', scrub(`${what}: GitHub gave ${error.cause.message} (tried ${RETRIES + 1} times)`), { retryable: true });
    }
    const limited = rateLimitAnswer(error);
    if (limited) return new HostError('github', scrub(`${what}: ${limited.sentence}`), { status: limited.status, retryable: true });
    const status = error instanceof RequestError ? error.status : typeof (error as { status?: unknown })?.status === 'number' ? (error as { status: number }).status : undefined;
    const body = error instanceof RequestError ? ErrorBodySchema.safeParse(error.response?.data) : null;
    const detail = body?.success && body.data.message ? body.data.message : ((error as Error)?.message ?? String(error));
    const retryable = status === undefined || status === 403 || status === 429 || status >= 500;
    return new HostError('github', scrub(`${what}: ${status === undefined ? '' : `HTTP ${status}: `}${detail}`), { ...(status === undefined ? {} : { status }), retryable });
  }

  /** A rate-limit answer the collector did not wait out, as a sentence: which limit, when it resets, why no wait. */
  function rateLimitAnswer(error: unknown): { sentence: string; status: number } | null {
    const response = (error as { response?: { status?: unknown; headers?: Record<string, unknown>; data?: unknown } } | null)?.response;
    if (!response?.headers) return null;
    const headers = response.headers;
    const graphqlLimited = error instanceof Error && !(error instanceof RequestError) && /GraphQL Rate Limit/i.test(error.message);
    if (!(error instanceof RequestError && isRateLimitAnswer(error)) && !graphqlLimited) return null;
    const status = error instanceof RequestError ? error.status : typeof response.status === 'number' ? response.status : 200;
    const why = lastRefusal ? `: ${lastRefusal}` : '';
    let sentence: string;
    if (headers['x-ratelimit-remaining'] === '0' || graphqlLimited) {
      const resource = typeof headers['x-ratelimit-resource'] === 'string' ? headers['x-ratelimit-resource'] : graphqlLimited ? 'graphql' : 'core';
      const reset = Number(headers['x-ratelimit-reset']);
      const when = Number.isFinite(reset) && reset > 0 ? ` until ${new Date(reset * 1000).toISOString()}` : '';
      sentence = `GitHub's ${resource} rate limit is spent${when}; not waited for${why}`;
    } else {
      const after = Number(headers['retry-after']);
      sentence = `GitHub's secondary rate limit${Number.isFinite(after) && after > 0 ? ` asked for a wait of ${formatDuration(after)}` : ''}; not waited for${why}`;
    }
    return { sentence, status };
  }

  function isRateLimitAnswer(error: RequestError): boolean {
    const message = ErrorBodySchema.safeParse(error.response?.data);
    const text = message.success ? (message.data.message ?? '') : '';
    return error.status === 429 || error.response?.headers['x-ratelimit-remaining'] === '0' || /rate limit/i.test(text);
  }

  return {
    baseUrl,
    graphqlUrl,
    identity,
    stats,
    laneCount: lanes.length,
    lane,
    inLane,
    scrub,
    log,
    hostError,
    isRateLimitAnswer,
  };
}

/** `/repos/jupyter/nbformat/actions/secrets` → `/repos/{owner}/{repo}/actions/secrets` (for counting, never for requests). */
function routeOf(pathname: string, baseUrl: string): string {
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  let path = basePath && pathname.startsWith(basePath) ? pathname.slice(basePath.length) : pathname;
  if (path.endsWith('/graphql')) return '/graphql';
  path = path
    .replace(/^\/repos\/[^/]+\/[^/]+/, '/repos/{owner}/{repo}')
    .replace(/^\/orgs\/[^/]+/, '/orgs/{org}')
    .replace(/\/git\/trees\/[^/]+$/, '/git/trees/{tree_sha}')
    .replace(/^\/app\/installations\/[^/]+/, '/app/installations/{installation_id}');
  return path || '/';
}

/**
 * A deadline on real time (its timer is a real one): `extend` moves it (the
 * collector adds the time spent waiting for rate limits); when it passes, its
 * signal aborts and `passed` rejects with a HostError. A deadline that is not
 * finite never passes.
 */
function startDeadline(milliseconds: number, message: string): Deadline {
  const controller = new AbortController();
  let endsAt = Date.now() + milliseconds;
  let timer: NodeJS.Timeout | undefined;
  let reject: (error: HostError) => void = () => {};
  const passed = new Promise<never>((_, fail) => (reject = fail));
  // Attached now: when nobody races against it any more, a late rejection is not an unhandled one.
  passed.catch(() => {});
  const arm = (): void => {
    // setTimeout takes at most 2^31 - 1 ms; a longer deadline is re-armed when that passes.
    timer = setTimeout(
      () => {
        if (Date.now() < endsAt) return arm();
        controller.abort(new GithubRequestStopped(message, true));
        reject(new HostError('github', message, { retryable: true }));
      },
      Math.min(2 ** 31 - 1, Math.max(0, endsAt - Date.now())),
    );
  };
  if (Number.isFinite(milliseconds)) arm();
  return {
    signal: controller.signal,
    passed,
    extend(extra) {
      endsAt += extra;
    },
    end() {
      clearTimeout(timer);
      if (!controller.signal.aborted) controller.abort(new GithubRequestStopped('the collection is over', true));
    },
  };
}
