/**
 * Raw posture facts from the GitHub API (collect layer: I/O only, no
 * judgement). Octokit with its throttling and retry plugins; GraphQL pages of
 * 50 repositories for everything GraphQL has; REST only for what it lacks
 * (private vulnerability reporting, Dependabot alerts, Actions secrets'
 * names, the org's default workflow permissions, outside collaborators, the
 * recursive tree). REST answers are revalidated with their ETags (a 304 is
 * free against the rate limit); trees and blobs are kept by git object id
 * and never asked for again. See github.md.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import Bottleneck from 'bottleneck';
import { Octokit, RequestError } from 'octokit';
import { z } from 'zod';
import { systemClock, type Clock } from '../../core/clock.js';
import { HostError } from '../../core/errors.js';
import { silentSink, type EventSink } from '../../core/events.js';
import { scrubSecrets } from '../../http/redact.js';
import type { HttpClient } from '../../http/types.js';
import type { GithubCache } from '../../store/github-cache.js';
import {
  known,
  unavailable,
  type BranchProtectionFact,
  type CommitFact,
  type DependencyUpdatePullRequests,
  type Fact,
  type MemberFact,
  type OrgFacts,
  type ReleaseFact,
  type RepoFacts,
  type RepoFile,
} from '../types.js';
import { boundedFetch, formatDuration, GithubAnswerTimeout, GithubRequestStopped } from './bounded-fetch.js';
import {
  BlobNodeSchema,
  blobsQuery,
  GraphqlEnvelopeSchema,
  GraphqlErrorSchema,
  MEMBER_PAGE_SIZE,
  ORG_MEMBERS_QUERY,
  ORG_REPOSITORIES_QUERY,
  OrgMembersSchema,
  OrgRepositoriesSchema,
  PolicyRepositorySchema,
  REPOSITORY_PAGE_SIZE,
  REPOSITORY_QUERY,
  RepositoryNodeSchema,
  type BlobRequest,
  type GraphqlError,
  type PolicyRepositoryNode,
  type RepositoryNode,
} from './github-queries.js';

export const DEFAULT_GITHUB_API_URL = 'https://api.github.com';

export interface GithubAppCredentials {
  appId: number | string;
  /** PEM private key of the app. */
  privateKey: string;
  installationId: number;
}

export interface GithubCollectorOptions {
  /** Default: `$GH_TOKEN`, else `$GITHUB_TOKEN`. Never printed, logged or stored. */
  token?: string;
  /** A GitHub App installation instead of a token. */
  app?: GithubAppCredentials;
  /** REST base URL. Default `$GITHUB_API_URL`, else the public API. GraphQL is `<base>/graphql` (`/api/graphql` for `/api/v3` bases). */
  baseUrl?: string;
  /** ETags and git objects between runs; null/left out: nothing kept between runs. */
  cache?: GithubCache | null;
  clock?: Clock;
  events?: EventSink;
  env?: NodeJS.ProcessEnv;
  /** How rate-limit waits happen (injected in tests). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Rate-limit retries per request (default 3). */
  rateLimitRetries?: number;
  /**
   * Time spent waiting for rate limits over the collector's life (default
   * 900 s; concurrent waits for the same reset count once). A wait that would
   * pass it is not made: the request fails, and with it the organisation or
   * repository being collected, saying which limit resets when.
   */
  maxRateLimitWaitSeconds?: number;
  /** Back-off unit of the retry plugin for 5xx answers and timeouts (ms; default 1,000 → waits 1, 4, 9 s). */
  retryBaseMs?: number;
  /**
   * One attempt of a request, from sending it to the last byte of the answer
   * (default 30,000 ms). Past it the attempt is cut off and retried like a
   * 5xx (3 retries); then the request fails as a HostError with no status.
   */
  requestTimeoutMs?: number;
  /**
   * One collectOrg/collectRepo (each organisation of collectOrgs), rate-limit
   * waits not counted (default 3,600,000 ms). Past it the requests in flight
   * are cancelled and the collection fails as a HostError.
   */
  deadlineMs?: number;
  /** Largest answer read (default 64 MiB); a larger one fails the request, not retried. */
  maxResponseBytes?: number;
  /** Gap between GraphQL queries (ms; default 0: they run one at a time per lane, never in parallel). */
  graphqlIntervalMs?: number;
  /**
   * Organisations collected at once by collectOrgs (default 2). Each has its
   * own Octokit throttle (at most 10 REST requests in flight, GraphQL one at a
   * time), so the token sees at most 10 × lanes concurrent requests, well
   * under GitHub's 100.
   */
  lanes?: number;
  /** Newest commits per repository (default 30). */
  commitsPerRepository?: number;
  /** Newest releases per repository (default 10). */
  releasesPerRepository?: number;
  /** Newest pull requests looked at for Dependabot/Renovate statistics (default 30). */
  pullRequestsPerRepository?: number;
  /** A bot PR open longer than this is stale (default 30 days). */
  stalePullRequestDays?: number;
  /** Members' activity is looked for this far back (default 365 days, GitHub's maximum). */
  activityWindowDays?: number;
  /** Largest file whose text is fetched (default 512 KiB). */
  maxFileBytes?: number;
  /** Look up the OpenSSF Best Practices badge of each repository (left out: `bestPracticesBadge` is unavailable). */
  bestPractices?: BestPracticesOptions;
}

export interface BestPracticesOptions {
  /** The project's HTTP client (ETag cache, retries, offline mode). */
  client: HttpClient;
  /** Default `https://www.bestpractices.dev`. */
  baseUrl?: string;
  /** How repositories are named there (default `https://github.com`). */
  repositoryUrlBase?: string;
  /** At least this long between two requests (default 1,000 ms: the site asks for at most one a second). */
  intervalMs?: number;
  /**
   * One look-up, the client's own retries included (default 60,000 ms). A
   * look-up that takes longer makes the badge unavailable, and the site is not
   * asked again in this collector's life (a site that hangs would otherwise
   * cost this long per repository).
   */
  timeoutMs?: number;
}

export type BestPracticesLevel = 'none' | 'in_progress' | 'passing' | 'silver' | 'gold';

/** Requests as the collector made them (retries included). */
export interface GithubRequestStats {
  requests: number;
  rest: number;
  graphql: number;
  /** REST answers 304 (not counted against the rate limit). */
  notModified: number;
  /** Requests per route (`GET /repos/{owner}/{repo}/actions/secrets`, `POST /graphql`...). */
  byRoute: Record<string, number>;
  rateLimitWaits: number;
  waitedMilliseconds: number;
  treesFromCache: number;
  blobsFromCache: number;
  blobsFetched: number;
  /** GraphQL points GitHub reported as spent. */
  graphqlPoints: number;
}

export interface GithubCollector {
  collectOrg(org: string): Promise<{ org: OrgFacts; repos: RepoFacts[] }>;
  /** Several organisations, `lanes` at a time; results in the order given. */
  collectOrgs(orgs: readonly string[]): Promise<{ org: OrgFacts; repos: RepoFacts[] }[]>;
  collectRepo(owner: string, name: string): Promise<RepoFacts>;
  stats(): GithubRequestStats;
}

/** Paths whose text posture checks read. Lockfiles and other paths are listed in `paths` only. */
export function isPostureFile(path: string): boolean {
  if (/(^|\/)(node_modules|vendor|third_party)\//.test(path)) return false;
  if (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) return true;
  if (/^\.github\/dependabot\.ya?ml$/.test(path)) return true;
  if (/^(\.github\/|\.gitlab\/)?renovate\.json5?$|^\.renovaterc(\.json5?)?$/.test(path)) return true;
  if (/^(\.github\/|docs\/)?security\.(md|markdown|rst|adoc|txt)$/i.test(path)) return true;
  if (/^(\.github\/actions\/.+\/)?action\.ya?ml$/.test(path)) return true;
  const base = path.slice(path.lastIndexOf('/') + 1);
  return /^(package\.json|pyproject\.toml|setup\.py|setup\.cfg|Pipfile|environment\.ya?ml|requirements[^/]*\.txt|Dockerfile(\.[^/]+)?|[^/]+\.dockerfile|docker-compose[^/]*\.ya?ml|compose\.ya?ml|go\.mod|Cargo\.toml|pom\.xml|build\.gradle(\.kts)?|Gemfile|composer\.json|meta\.ya?ml|\.pre-commit-config\.ya?ml|\.gitmodules)$/.test(
    base,
  );
}

/** Manifests and Dockerfiles, as opposed to the configuration files posture checks read first. */
function isManifest(path: string): boolean {
  return !/^\.github\/|^(\.gitlab\/)?renovate\.json5?$|^\.renovaterc|^(docs\/)?security\.[a-z]+$/i.test(path);
}

const SECURITY_POLICY_PATH = /^(\.github\/|docs\/)?security\.(md|markdown|rst|adoc|txt)$/i;
const BOT_AUTHORS = new Set(['dependabot', 'dependabot[bot]', 'dependabot-preview', 'dependabot-preview[bot]', 'renovate', 'renovate[bot]', 'renovate-bot']);
/** Files fetched per repository at most, shallowest first. */
const MAX_FILES_PER_REPOSITORY = 300;
/** Blobs per GraphQL query, and their summed size. */
const BLOBS_PER_QUERY = 100;
const BLOB_BYTES_PER_QUERY = 2 * 1024 * 1024;
/** Characters of file text kept in memory between repositories when a store is there to fall back on. */
const MEMORY_CHARACTERS = 64 * 1024 * 1024;
/** Set by the collector's fetch on a 304 it turned into a 200 (never sent by GitHub). */
const NOT_MODIFIED_HEADER = 'x-chainwatch-not-modified';
/** Retries of the retry plugin (5xx, timeouts), so a request is tried this many times plus one. */
const RETRIES = 3;
/** Pages of one REST list (Link `next`) read at most: 10,000 entries at 100 a page. */
const MAX_REST_PAGES = 100;
/** Pages of an organisation's repositories read at most: 100,000 repositories at 50 a page. */
const MAX_REPOSITORY_PAGES = 2000;
/** Pages of an organisation's members read at most. */
const MAX_MEMBER_PAGES = 1000;

let collectorCount = 0;

interface TreeListing {
  truncated: boolean;
  /** [path, blob oid, size] of every blob. */
  entries: [string, string, number][];
}

type RestOutcome<T> = { kind: 'value'; value: T; status: number } | { kind: 'absent'; status: number; message: string };
/** A list whose pagination had to be stopped: what was read is not all there is. */
type ListOutcome<T> = RestOutcome<T[]> | { kind: 'incomplete'; reason: string };

/** What the collection under way runs with (one per collectOrg/collectRepo). */
interface Lane {
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

interface RepoWork {
  node: RepositoryNode;
  tree: Fact<TreeListing>;
  selected: [string, string, number][];
  privateVulnerabilityReporting: Fact<boolean>;
  alerts: { enabled: Fact<boolean>; open: Fact<number> };
  secretNames: Fact<string[]>;
  bestPracticesBadge: Fact<BestPracticesLevel>;
}

const TreeSchema = z.object({
  truncated: z.boolean().default(false),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string(), size: z.number().optional() }).nullable()).default([]),
});
const PrivateVulnerabilityReportingSchema = z.object({ enabled: z.boolean() });
const SecretsSchema = z.object({ secrets: z.array(z.object({ name: z.string() }).nullable()).default([]) });
const WorkflowPermissionsSchema = z.object({ default_workflow_permissions: z.enum(['read', 'write']) });
const UserListSchema = z.array(z.object({ login: z.string() }).nullable());
const ErrorBodySchema = z.object({ message: z.string() }).partial();
const BestPracticesProjectsSchema = z.array(z.object({ repo_url: z.string().nullable().optional(), badge_level: z.string().nullable().optional() }).nullable());
const BADGE_LEVELS: readonly string[] = ['in_progress', 'passing', 'silver', 'gold'];

export function createGithubCollector(options: GithubCollectorOptions = {}): GithubCollector {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const events = options.events ?? silentSink;
  const cache = options.cache ?? null;
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
  const commitsPerRepository = options.commitsPerRepository ?? 30;
  const releasesPerRepository = options.releasesPerRepository ?? 10;
  const pullRequestsPerRepository = options.pullRequestsPerRepository ?? 30;
  const staleMilliseconds = (options.stalePullRequestDays ?? 30) * 86_400_000;
  const activityWindowDays = Math.min(365, options.activityWindowDays ?? 365);
  const maxFileBytes = options.maxFileBytes ?? 512 * 1024;
  const rateLimitRetries = options.rateLimitRetries ?? 3;
  const maxWaitMilliseconds = (options.maxRateLimitWaitSeconds ?? 900) * 1000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const deadlineMs = options.deadlineMs ?? 3_600_000;
  const memoryObjects = new Map<string, string>();
  let memoryCharacters = 0;

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
  const log = (level: 'debug' | 'info' | 'warn', message: string, data?: Record<string, unknown>): void =>
    events.emit({ type: 'log', level, message: scrub(message), ...(data ? { data: JSON.parse(scrub(JSON.stringify(data))) as Record<string, unknown> } : {}) });

  const bounded = boundedFetch({ timeoutMs: requestTimeoutMs, maxBytes: options.maxResponseBytes ?? 64 * 1024 * 1024 });
  /** Epoch seconds at which each spent rate limit (`core`, `graphql`...) resets, from GitHub's headers. */
  const limitResets = new Map<string, number>();

  const countingFetch: typeof fetch = async (input, init) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const route = routeOf(url.pathname, baseUrl);
    const method = (init?.method ?? 'GET').toUpperCase();
    stats.requests++;
    if (route === '/graphql') stats.graphql++;
    else stats.rest++;
    const key = `${method} ${route}`;
    stats.byRoute[key] = (stats.byRoute[key] ?? 0) + 1;
    const response = await bounded(input, init);
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
  const octokit = (): Octokit => lane().octokit;

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

  // ------------------------------------------------------------------ REST

  function cacheKey(pathAndQuery: string): string {
    return `GET ${pathAndQuery}`;
  }

  /** A GET revalidated with the cached ETag; 4xx answers come back as `absent`, rate limits and 5xx throw. */
  async function conditionalGet<T>(
    pathAndQuery: string,
    derive: (data: unknown, headers: Record<string, string | number | undefined>) => T,
    { revalidate = true }: { revalidate?: boolean } = {},
  ): Promise<RestOutcome<T>> {
    const key = cacheKey(pathAndQuery);
    const cached = revalidate ? (cache?.getResponse(identity, key) ?? null) : null;
    try {
      const response = await octokit().request(`GET ${pathAndQuery}`, { headers: cached ? { 'if-none-match': cached.etag } : {}, request: { signal: lane().signal } });
      if (cached && response.headers[NOT_MODIFIED_HEADER] === '1') {
        cache?.touchResponse(identity, key, clock.now().toISOString());
        return { kind: 'value', value: JSON.parse(cached.value) as T, status: 304 };
      }
      const value = derive(response.data, response.headers as Record<string, string | number | undefined>);
      const etag = response.headers.etag;
      if (cache && revalidate && typeof etag === 'string') cache.putResponse(identity, key, { etag, value: JSON.stringify(value), storedAt: clock.now().toISOString() });
      return { kind: 'value', value, status: response.status };
    } catch (error) {
      if (error instanceof RequestError && error.status === 304 && cached) {
        cache?.touchResponse(identity, key, clock.now().toISOString());
        return { kind: 'value', value: JSON.parse(cached.value) as T, status: 304 };
      }
      if (error instanceof RequestError && error.status >= 400 && error.status < 500 && !isRateLimitAnswer(error)) {
        const body = ErrorBodySchema.safeParse(error.response?.data);
        return { kind: 'absent', status: error.status, message: scrub(body.success ? (body.data.message ?? '') : '') };
      }
      throw hostError(error, `GET ${pathAndQuery}`);
    }
  }

  /**
   * Every page of a paginated GET (Link `next`), each page revalidated on its
   * own. A `next` that points to a page already read (a loop), or more than
   * MAX_REST_PAGES pages, stops the listing: the list is then incomplete.
   */
  async function conditionalGetAll<T>(firstPath: string, derive: (data: unknown) => T[]): Promise<ListOutcome<T>> {
    const items: T[] = [];
    const seen = new Set<string>([firstPath]);
    let next: string | null = firstPath;
    let status = 200;
    for (let page = 0; next !== null; page++) {
      if (page >= MAX_REST_PAGES) {
        const reason = `GitHub listed more than ${MAX_REST_PAGES} pages for ${listName(firstPath)}: stopped there, so the list is incomplete`;
        log('warn', reason, { event: 'github-pagination-stopped', list: listName(firstPath), pages: page });
        return { kind: 'incomplete', reason };
      }
      const outcome: RestOutcome<{ items: T[]; next: string | null }> = await conditionalGet(next, (data, headers) => ({
        items: derive(data),
        next: nextLink(headers.link, baseUrl),
      }));
      if (outcome.kind === 'absent') return outcome;
      for (const item of outcome.value.items) items.push(item);
      status = outcome.status;
      next = outcome.value.next;
      if (next !== null && seen.has(next)) {
        const reason = `GitHub's Link header for ${listName(firstPath)} pointed back to a page already read after ${page + 1} page(s): stopped there, so the list may be incomplete`;
        log('warn', reason, { event: 'github-pagination-loop', list: listName(firstPath), pages: page + 1 });
        return { kind: 'incomplete', reason };
      }
      if (next !== null) seen.add(next);
    }
    return { kind: 'value', value: items, status };
  }

  function answered<T>(outcome: RestOutcome<T> | { kind: 'incomplete'; reason: string }, explain: string): Fact<T> {
    if (outcome.kind === 'value') return known(outcome.value);
    if (outcome.kind === 'incomplete') return unavailable(outcome.reason);
    return unavailable(`GitHub answered ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''}: ${explain}`);
  }

  // --------------------------------------------------------------- GraphQL

  async function graphql(query: string, variables: Record<string, unknown>, what: string): Promise<{ data: Record<string, unknown>; errors: GraphqlError[] }> {
    let response;
    try {
      response = await octokit().request({ method: 'POST', url: graphqlUrl, query, variables, request: { signal: lane().signal } });
    } catch (error) {
      throw hostError(error, `GraphQL ${what}`);
    }
    const envelope = GraphqlEnvelopeSchema.safeParse(response.data);
    if (!envelope.success) throw new HostError('github', `GraphQL ${what}: the answer is not a GraphQL response`, { status: response.status });
    const errors = (envelope.data.errors ?? []).map((entry) => {
      const parsed = GraphqlErrorSchema.safeParse(entry);
      return parsed.success ? { ...parsed.data, message: scrub(parsed.data.message) } : { message: 'unreadable GraphQL error' };
    });
    const data = envelope.data.data;
    if (!data) throw new HostError('github', `GraphQL ${what}: ${errors.map((entry) => entry.message).join('; ') || 'no data'}`, { status: response.status });
    const rateLimit = z.object({ cost: z.number() }).safeParse(data.rateLimit);
    if (rateLimit.success) stats.graphqlPoints += rateLimit.data.cost;
    return { data, errors };
  }

  function errorAt(errors: readonly GraphqlError[], ...path: (string | number)[]): GraphqlError | undefined {
    return errors.find((entry) => entry.path !== undefined && path.every((segment, index) => entry.path![index] === segment));
  }

  // --------------------------------------------------------------- objects

  /**
   * Objects already read in this collector's lifetime stay in memory (up to
   * ~64 M characters): repositories of one organisation share many files
   * (copied workflows), and each is then read from the store once.
   */
  function remember(key: string, content: string): void {
    if (memoryCharacters + content.length > MEMORY_CHARACTERS && cache) return;
    memoryObjects.set(key, content);
    memoryCharacters += content.length;
  }

  function getObject(kind: 'tree' | 'blob', oid: string): string | null {
    const key = `${kind}:${oid}`;
    const remembered = memoryObjects.get(key);
    if (remembered !== undefined || !cache) return remembered ?? null;
    const stored = cache.getObject(kind, oid);
    if (stored !== null && kind === 'blob') remember(key, stored);
    return stored;
  }

  function putObjects(kind: 'tree' | 'blob', objects: { oid: string; content: string }[]): void {
    if (objects.length === 0) return;
    cache?.putObjects(kind, objects);
    if (kind === 'blob' || !cache) for (const object of objects) remember(`${kind}:${object.oid}`, object.content);
  }

  async function treeOf(owner: string, name: string, treeOid: string): Promise<Fact<TreeListing>> {
    const stored = getObject('tree', treeOid);
    if (stored !== null) {
      stats.treesFromCache++;
      return known(JSON.parse(stored) as TreeListing);
    }
    const outcome = await conditionalGet(`/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/git/trees/${treeOid}?recursive=1`, (data) => {
      const parsed = TreeSchema.safeParse(data);
      if (!parsed.success) return null;
      const entries: [string, string, number][] = [];
      for (const entry of parsed.data.tree) if (entry && entry.type === 'blob') entries.push([entry.path, entry.sha, entry.size ?? 0]);
      return { truncated: parsed.data.truncated, entries };
      // Kept by tree id in the objects table instead: a tree id names its content.
    }, { revalidate: false });
    if (outcome.kind === 'absent') return unavailable(`GitHub answered ${outcome.status} for the tree${outcome.message ? ` (${outcome.message})` : ''}`);
    if (!outcome.value) return unavailable('GitHub answered the tree in an unexpected shape');
    putObjects('tree', [{ oid: treeOid, content: JSON.stringify(outcome.value) }]);
    return known(outcome.value);
  }

  async function fetchBlobs(requests: readonly (BlobRequest & { size: number })[]): Promise<void> {
    const wanted = new Map<string, BlobRequest & { size: number }>();
    for (const request of requests) {
      if (wanted.has(request.oid)) continue;
      if (getObject('blob', request.oid) !== null) {
        stats.blobsFromCache++;
        continue;
      }
      wanted.set(request.oid, request);
    }
    let batch: (BlobRequest & { size: number })[] = [];
    let batchBytes = 0;
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const { query, aliases } = blobsQuery(batch);
      batch = [];
      batchBytes = 0;
      const { data } = await graphql(query, {}, 'file contents');
      const found: { oid: string; content: string }[] = [];
      for (const [alias] of aliases) {
        const [repositoryAlias, blobAlias] = alias.split('.') as [string, string];
        const node = BlobNodeSchema.safeParse((data[repositoryAlias] as Record<string, unknown> | null | undefined)?.[blobAlias] ?? null);
        if (!node.success || !node.data || node.data.text === null || node.data.isBinary || node.data.isTruncated) continue;
        found.push({ oid: node.data.oid, content: node.data.text });
      }
      stats.blobsFetched += found.length;
      putObjects('blob', found);
    };
    for (const request of wanted.values()) {
      if (batch.length >= BLOBS_PER_QUERY || (batch.length > 0 && batchBytes + request.size > BLOB_BYTES_PER_QUERY)) await flush();
      batch.push(request);
      batchBytes += request.size;
    }
    await flush();
  }

  // -------------------------------------------------------- best practices

  let lastBadgeRequest = Number.NEGATIVE_INFINITY;
  let badgeQueue: Promise<unknown> = Promise.resolve();
  /** Set when a look-up took too long: the site is not asked again. */
  let badgeSiteSilent: string | null = null;

  /**
   * The repository's OpenSSF Best Practices level, one request at a time,
   * `intervalMs` apart. The HttpClient has no way to cancel a request: a
   * look-up is raced against its time limit and the collection's deadline,
   * and one that loses is given up (the client's own timeouts end it).
   */
  function bestPracticesBadge(nameWithOwner: string): Promise<Fact<BestPracticesLevel>> {
    const settings = options.bestPractices;
    if (!settings) return Promise.resolve(unavailable('not looked up: no OpenSSF Best Practices client was given'));
    const repositoryUrl = `${(settings.repositoryUrlBase ?? 'https://github.com').replace(/\/+$/, '')}/${nameWithOwner}`;
    const signal = lane().signal;
    const timeoutMs = settings.timeoutMs ?? 60_000;
    const lookup = badgeQueue.then(async (): Promise<Fact<BestPracticesLevel>> => {
      if (badgeSiteSilent) return unavailable(`not looked up: ${badgeSiteSilent}`);
      if (signal.aborted) return unavailable('not looked up: the collection was over');
      const wait = lastBadgeRequest + (settings.intervalMs ?? 1000) - clock.now().getTime();
      if (wait > 0) await sleep(wait);
      lastBadgeRequest = clock.now().getTime();
      const url = `${(settings.baseUrl ?? 'https://www.bestpractices.dev').replace(/\/+$/, '')}/projects.json?url=${encodeURIComponent(repositoryUrl)}`;
      try {
        const response = await withTimeLimit(settings.client.get({ url, source: 'openssf-best-practices', headers: { accept: 'application/json' } }), timeoutMs, signal);
        if (response === 'timeout') {
          badgeSiteSilent = `the OpenSSF Best Practices site gave no answer within ${formatDuration(timeoutMs / 1000)} earlier in this run`;
          log('warn', `the OpenSSF Best Practices site gave no answer within ${formatDuration(timeoutMs / 1000)}: not asked again in this run`, { event: 'best-practices-timeout' });
          return unavailable(`the OpenSSF Best Practices site gave no answer within ${formatDuration(timeoutMs / 1000)}`);
        }
        if (response === 'stopped') return unavailable('not looked up: the collection was over');
        if (response.status !== 200) return unavailable(`the OpenSSF Best Practices site answered ${response.status}`);
        const projects = BestPracticesProjectsSchema.safeParse(JSON.parse(response.body.toString('utf8')));
        if (!projects.success) return unavailable('the OpenSSF Best Practices site answered in an unexpected shape');
        // The search also matches home pages: only the project registered for this repository counts.
        const project = projects.data.find((entry) => entry?.repo_url?.replace(/\/+$/, '').toLowerCase() === repositoryUrl.toLowerCase());
        if (!project) return known('none');
        return BADGE_LEVELS.includes(project.badge_level ?? '') ? known(project.badge_level as BestPracticesLevel) : unavailable(`unknown badge level ${JSON.stringify(project.badge_level)}`);
      } catch (error) {
        return unavailable(`the OpenSSF Best Practices site could not be asked: ${scrub((error as Error).message)}`);
      }
    });
    badgeQueue = lookup;
    return lookup;
  }

  // ---------------------------------------------------------- repositories

  async function repositoryWork(node: RepositoryNode): Promise<RepoWork> {
    const [owner, name] = splitName(node.nameWithOwner);
    const treeOid = node.defaultBranchRef?.target?.tree?.oid;
    const tree: Fact<TreeListing> = node.isEmpty ? known({ truncated: false, entries: [] }) : treeOid ? await treeOf(owner, name, treeOid) : unavailable('GitHub gave no tree for the default branch');
    const selected = tree.available
      ? tree.value.entries
          .filter(([path, , size]) => isPostureFile(path) && size <= maxFileBytes)
          // Configuration first, then manifests shallowest first: a monorepo's hundreds of package.json never crowd out a workflow.
          .sort(([a], [b]) => Number(isManifest(a)) - Number(isManifest(b)) || a.split('/').length - b.split('/').length || (a < b ? -1 : a > b ? 1 : 0))
          .slice(0, MAX_FILES_PER_REPOSITORY)
      : [];
    const hasWorkflows = tree.available && tree.value.entries.some(([path]) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path));
    const repoPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
    const [pvr, alerts, secretNames, badge] = await Promise.all([
      conditionalGet(`${repoPath}/private-vulnerability-reporting`, (data) => PrivateVulnerabilityReportingSchema.parse(data).enabled),
      conditionalGetAll(`${repoPath}/dependabot/alerts?state=open&per_page=100`, (data) => z.array(z.unknown()).parse(data).map(() => 1)),
      node.isArchived
        ? Promise.resolve(unavailable<string[]>('not looked up: the repository is archived, so none of its workflows run'))
        : !hasWorkflows
          ? Promise.resolve(unavailable<string[]>('not looked up: the repository has no workflows, so no workflow uses a secret'))
          : conditionalGetAll(`${repoPath}/actions/secrets?per_page=100`, (data) =>
              SecretsSchema.parse(data)
                .secrets.filter((secret): secret is { name: string } => secret !== null)
                .map((secret) => secret.name),
            ).then((outcome) => answered(outcome, 'listing Actions secrets needs admin access or the "Secrets" read permission')),
      bestPracticesBadge(node.nameWithOwner),
    ]);
    const alertsOff = alerts.kind === 'absent' && alerts.status === 403 && /disabled/i.test(alerts.message);
    const alertsUnreadable = 'the token cannot read Dependabot alerts (it needs the security_events scope or the "Dependabot alerts" read permission)';
    return {
      node,
      tree,
      selected,
      privateVulnerabilityReporting:
        pvr.kind === 'value'
          ? known(pvr.value)
          : answered(pvr, 'private vulnerability reporting is off for this token or cannot be read (it needs admin or security manager access)'),
      alerts: {
        enabled: alerts.kind === 'value' ? known(true) : alertsOff ? known(false) : answered(alerts, alertsUnreadable),
        open: alerts.kind === 'value' ? known(alerts.value.length) : alertsOff ? unavailable('Dependabot alerts are off for this repository') : answered(alerts, alertsUnreadable),
      },
      secretNames,
      bestPracticesBadge: badge,
    };
  }

  function policyFile(node: PolicyRepositoryNode, failure: string | null): Fact<RepoFile | null> {
    if (failure) return unavailable(failure);
    if (!node) return known(null);
    for (const [key, path] of [
      ['root', 'SECURITY.md'],
      ['dotGithub', '.github/SECURITY.md'],
      ['docs', 'docs/SECURITY.md'],
    ] as const) {
      const text = node[key]?.text;
      if (typeof text === 'string') return known({ path, text });
    }
    return known(null);
  }

  function repoFacts(work: RepoWork, orgPolicy: Fact<RepoFile | null>, errors: readonly GraphqlError[], errorPath: (string | number)[]): RepoFacts {
    const { node } = work;
    const files: RepoFile[] = [];
    for (const [path, oid] of work.selected) {
      const text = getObject('blob', oid);
      if (text !== null) files.push({ path, text });
    }
    const ownPolicy = files.some((file) => SECURITY_POLICY_PATH.test(file.path));
    const head = node.defaultBranchRef;
    const history = head?.target?.history;
    const commits: Fact<CommitFact[]> = node.isEmpty
      ? known([])
      : history
        ? known(
            history.nodes
              .filter((commit) => commit !== null)
              .map((commit) => ({
                sha: commit.oid,
                date: isoDate(commit.committedDate),
                author: commit.author?.user?.login ?? commit.author?.name ?? '',
                verified: commit.signature?.isValid ?? false,
              })),
          )
        : unavailable('GitHub gave no commit history for the default branch');
    const releases: Fact<ReleaseFact[]> = node.releases
      ? known(node.releases.nodes.filter((release) => release !== null && !release.isDraft).map((release) => ({ tag: release!.tagName, date: isoDate(release!.publishedAt ?? release!.createdAt) })))
      : unavailable('GitHub gave no releases');
    return {
      repo: node.nameWithOwner,
      source: 'api',
      defaultBranch: head ? known(head.name) : unavailable(node.isEmpty ? 'the repository is empty: it has no default branch yet' : 'GitHub gave no default branch'),
      archived: known(node.isArchived),
      empty: known(node.isEmpty),
      fork: known(node.isFork),
      paths: !work.tree.available
        ? unavailable(work.tree.reason)
        : work.tree.value.truncated
          ? unavailable('GitHub truncated the tree listing (more than 100,000 entries or 7 MB)')
          : known(work.tree.value.entries.map(([path]) => path).sort()),
      files,
      orgSecurityPolicy: ownPolicy ? known(null) : orgPolicy,
      privateVulnerabilityReporting: work.privateVulnerabilityReporting,
      dependabotAlerts: work.alerts.enabled,
      dependencyUpdatePullRequests: pullRequestStats(node),
      branchProtection: branchProtection(node, errors, errorPath),
      commits,
      releases,
      openAdvisories: work.alerts.open,
      bestPracticesBadge: work.bestPracticesBadge,
      secretNames: work.secretNames,
    };
  }

  function pullRequestStats(node: RepositoryNode): Fact<DependencyUpdatePullRequests> {
    if (!node.pullRequests) return unavailable('GitHub gave no pull requests');
    const now = clock.now().getTime();
    const stats: DependencyUpdatePullRequests = { opened: 0, merged: 0, stale: 0 };
    for (const pull of node.pullRequests.nodes) {
      if (!pull || !BOT_AUTHORS.has(pull.author?.login ?? '')) continue;
      stats.opened++;
      if (pull.mergedAt || pull.state === 'MERGED') stats.merged++;
      else if (pull.state === 'OPEN' && now - Date.parse(pull.createdAt) > staleMilliseconds) stats.stale++;
    }
    return known(stats);
  }

  function branchProtection(node: RepositoryNode, errors: readonly GraphqlError[], errorPath: (string | number)[]): Fact<BranchProtectionFact> {
    const head = node.defaultBranchRef;
    if (!head) return unavailable(node.isEmpty ? 'the repository is empty: it has no default branch to protect' : 'GitHub gave no default branch');
    const admin = node.viewerPermission === 'ADMIN';
    const rule = head.branchProtectionRule ?? null;
    if (!rule && !admin) return unavailable(`reading branch protection rules needs admin access (the token has ${node.viewerPermission ?? 'unknown'} access)`);
    if (!node.rulesets) {
      const error = errorAt(errors, ...errorPath, 'rulesets');
      return unavailable(`GitHub did not list the rulesets${error ? ` (${error.message})` : ''}`);
    }
    const rulesets: BranchProtectionFact['rulesets'] = [];
    for (const ruleset of node.rulesets.nodes) {
      if (!ruleset || (ruleset.target ?? 'BRANCH') !== 'BRANCH') continue;
      if (!rulesetTargets(ruleset.conditions.refName, `refs/heads/${head.name}`, head.name)) continue;
      if (ruleset.conditions.repositoryName && !namePatternsMatch(ruleset.conditions.repositoryName, node.name)) continue;
      rulesets.push({
        name: ruleset.name,
        enforcement: ruleset.enforcement.toLowerCase() as 'active' | 'evaluate' | 'disabled',
        rules: (ruleset.rules?.nodes ?? []).filter((entry) => entry !== null).map((entry) => entry.type.toLowerCase()),
      });
    }
    return known({
      branch: head.name,
      classic: rule
        ? {
            requiredReviews: rule.requiresApprovingReviews ? (rule.requiredApprovingReviewCount ?? 0) : 0,
            dismissStaleReviews: rule.dismissesStaleReviews,
            requireCodeOwnerReviews: rule.requiresCodeOwnerReviews,
            requiredStatusChecks: rule.requiresStatusChecks,
            enforceAdmins: rule.isAdminEnforced,
            allowForcePushes: rule.allowsForcePushes,
            allowDeletions: rule.allowsDeletions,
          }
        : null,
      rulesets,
    });
  }

  function parseRepositoryNodes(nodes: readonly unknown[], what: string): { parsed: { node: RepositoryNode; index: number }[] } {
    const parsed: { node: RepositoryNode; index: number }[] = [];
    nodes.forEach((raw, index) => {
      if (raw === null) return;
      const node = RepositoryNodeSchema.safeParse(raw);
      if (node.success) parsed.push({ node: node.data, index });
      else log('warn', `${what}: skipped a repository GitHub described in an unexpected shape: ${node.error.issues[0]?.message ?? ''}`);
    });
    return { parsed };
  }

  async function finish(
    items: { node: RepositoryNode; work: Promise<RepoWork>; errors: GraphqlError[]; errorPath: (string | number)[] }[],
    orgPolicy: Fact<RepoFile | null>,
    task: string,
  ): Promise<RepoFacts[]> {
    let done = 0;
    const works = await Promise.all(
      items.map((item) =>
        item.work.then((work) => {
          events.emit({ type: 'progress', task, done: ++done, total: items.length, detail: work.node.nameWithOwner });
          return work;
        }),
      ),
    );
    const blobs: (BlobRequest & { size: number })[] = [];
    for (const work of works) {
      const [owner, name] = splitName(work.node.nameWithOwner);
      for (const [, oid, size] of work.selected) blobs.push({ owner, name, oid, size });
    }
    await fetchBlobs(blobs);
    return works.map((work, index) => repoFacts(work, orgPolicy, items[index]!.errors, items[index]!.errorPath));
  }

  // --------------------------------------------------------- organisations

  async function collectMembers(org: string, orgId: string): Promise<Fact<MemberFact[]>> {
    const since = new Date(clock.now().getTime() - activityWindowDays * 86_400_000).toISOString();
    const members: MemberFact[] = [];
    const cursors = new Set<string>();
    let after: string | null = null;
    for (let page = 0; ; page++) {
      if (page >= MAX_MEMBER_PAGES) {
        const reason = `GitHub listed more than ${MAX_MEMBER_PAGES} pages of members of ${org}: stopped there, so the list is incomplete`;
        log('warn', reason, { event: 'github-pagination-stopped', list: `members of ${org}`, pages: page });
        return unavailable(reason);
      }
      const { data, errors } = await graphql(ORG_MEMBERS_QUERY, { org, orgId, after, since, pageSize: MEMBER_PAGE_SIZE }, `members of ${org}`);
      const parsed = OrgMembersSchema.safeParse(data);
      if (!parsed.success || !parsed.data.organization) {
        return unavailable(`GitHub did not list the members of ${org}${errors[0] ? ` (${errors[0].message})` : ''}`);
      }
      const connection = parsed.data.organization.membersWithRole;
      for (const edge of connection.edges) {
        if (!edge) continue;
        const collection = edge.node.contributionsCollection;
        let newest: string | undefined;
        if (collection) {
          for (const nodes of [
            ...collection.commitContributionsByRepository.map((entry) => entry.contributions.nodes),
            collection.issueContributions.nodes,
            collection.pullRequestContributions.nodes,
            collection.pullRequestReviewContributions.nodes,
          ]) {
            for (const entry of nodes) {
              const date = entry === null ? undefined : isoDate(entry.occurredAt);
              if (date !== undefined && (newest === undefined || date > newest)) newest = date;
            }
          }
        }
        members.push({
          login: edge.node.login,
          role: edge.role === 'ADMIN' ? 'admin' : 'member',
          lastActivity: newest ? known(newest) : unavailable(collection ? `no contribution to ${org} seen since ${since.slice(0, 10)}` : 'GitHub did not give the contributions'),
        });
      }
      if (!connection.pageInfo.hasNextPage || !connection.pageInfo.endCursor) break;
      if (cursors.has(connection.pageInfo.endCursor)) {
        const reason = `GitHub's member list of ${org} gave a page cursor again after ${page + 1} page(s): stopped there, so the list may be incomplete`;
        log('warn', reason, { event: 'github-pagination-loop', list: `members of ${org}`, pages: page + 1 });
        return unavailable(reason);
      }
      cursors.add(connection.pageInfo.endCursor);
      after = connection.pageInfo.endCursor;
    }
    return known(members);
  }

  async function orgRestFacts(org: string): Promise<Pick<OrgFacts, 'defaultWorkflowPermissions' | 'outsideCollaborators'>> {
    const orgPath = `/orgs/${encodeURIComponent(org)}`;
    const [permissions, outside] = await Promise.all([
      conditionalGet(`${orgPath}/actions/permissions/workflow`, (data) => WorkflowPermissionsSchema.parse(data).default_workflow_permissions),
      conditionalGetAll(`${orgPath}/outside_collaborators?per_page=100`, (data) =>
        UserListSchema.parse(data)
          .filter((user) => user !== null)
          .map((user) => user.login),
      ),
    ]);
    return {
      defaultWorkflowPermissions: answered(permissions, 'reading the default workflow permissions needs an organisation owner (or the "Administration" read permission)'),
      outsideCollaborators: answered(outside, 'listing outside collaborators needs an organisation owner'),
    };
  }

  function repositoryVariables(): Record<string, unknown> {
    return { commits: commitsPerRepository, releases: releasesPerRepository, pullRequests: pullRequestsPerRepository };
  }

  return {
    stats: () => ({ ...stats, byRoute: { ...stats.byRoute } }),

    collectOrg(org) {
      return inLane(org, () => collectOrg(org));
    },

    async collectOrgs(orgs) {
      const results: { org: OrgFacts; repos: RepoFacts[] }[] = new Array(orgs.length);
      let next = 0;
      await Promise.all(
        lanes.map(async () => {
          while (next < orgs.length) {
            const index = next++;
            results[index] = await inLane(orgs[index]!, () => collectOrg(orgs[index]!));
          }
        }),
      );
      return results;
    },

    collectRepo(owner, name) {
      return inLane(`${owner}/${name}`, () => collectRepo(owner, name));
    },
  };

  async function collectOrg(org: string): Promise<{ org: OrgFacts; repos: RepoFacts[] }> {
    const task = `github ${org}`;
    const items: { node: RepositoryNode; work: Promise<RepoWork>; errors: GraphqlError[]; errorPath: (string | number)[] }[] = [];
    const restFacts = orgRestFacts(org);
    // Attach a handler now: the promise is awaited only after the listing.
    restFacts.catch(() => {});
    let after: string | null = null;
    const cursors = new Set<string>();
    const listed = new Set<string>();
    let repeated = 0;
    let orgId = '';
    let twoFactorRequired: Fact<boolean> = unavailable('GitHub did not answer');
    let orgPolicy: Fact<RepoFile | null> = unavailable('GitHub did not answer');
    for (let page = 0; ; page++) {
      const withOrg = page === 0;
      const { data, errors } = await graphql(ORG_REPOSITORIES_QUERY, { org, after, pageSize: REPOSITORY_PAGE_SIZE, withOrg, ...repositoryVariables() }, `repositories of ${org}`);
      const parsed = OrgRepositoriesSchema.safeParse(data);
      if (!parsed.success) throw new HostError('github', `GraphQL repositories of ${org}: unexpected answer (${parsed.error.issues[0]?.message ?? ''})`);
      const organization = parsed.data.organization;
      if (!organization) {
        const notFound = errors.find((entry) => entry.type === 'NOT_FOUND');
        throw new HostError('github', notFound ? `no GitHub organisation named ${org}` : `GitHub did not list the repositories of ${org}: ${errors[0]?.message ?? 'no data'}`, {
          status: notFound ? 404 : undefined,
        });
      }
      if (withOrg) {
        orgId = organization.id;
        const required = organization.requiresTwoFactorAuthentication;
        twoFactorRequired = typeof required === 'boolean' ? known(required) : unavailable('only organisation owners can see whether two-factor authentication is required');
        const policy = PolicyRepositorySchema.safeParse(parsed.data.policyRepository ?? null);
        const policyError = errors.find((entry) => entry.path?.[0] === 'policyRepository' && entry.type !== 'NOT_FOUND');
        orgPolicy = policyFile(policy.success ? policy.data : null, policyError ? `GitHub did not give ${org}/.github (${policyError.message})` : policy.success ? null : 'unexpected answer for the .github repository');
      }
      const { parsed: nodes } = parseRepositoryNodes(organization.repositories.nodes, `repositories of ${org}`);
      for (const { node, index } of nodes) {
        // A repository listed twice (a broken or hostile listing) is collected once.
        if (listed.has(node.nameWithOwner.toLowerCase())) {
          repeated++;
          continue;
        }
        listed.add(node.nameWithOwner.toLowerCase());
        const work = repositoryWork(node);
        work.catch(() => {});
        items.push({ node, work, errors, errorPath: ['organization', 'repositories', 'nodes', index] });
      }
      events.emit({ type: 'progress', task: `${task} listing`, done: items.length, total: organization.repositories.totalCount });
      const { hasNextPage, endCursor } = organization.repositories.pageInfo;
      if (!hasNextPage || !endCursor) break;
      const stop = cursors.has(endCursor)
        ? `GitHub's repository list of ${org} gave a page cursor again after ${page + 1} page(s)`
        : page + 1 >= MAX_REPOSITORY_PAGES
          ? `GitHub listed more than ${MAX_REPOSITORY_PAGES} pages of repositories of ${org}`
          : null;
      if (stop) {
        log('warn', `${stop}: stopped listing there; ${items.length} of the ${organization.repositories.totalCount} repositories GitHub counts are collected`, {
          event: cursors.has(endCursor) ? 'github-pagination-loop' : 'github-pagination-stopped',
          list: `repositories of ${org}`,
          pages: page + 1,
        });
        break;
      }
      cursors.add(endCursor);
      after = endCursor;
    }
    if (repeated > 0) log('warn', `GitHub listed ${repeated} repositories of ${org} more than once: each is collected once`, { event: 'github-repeated-repositories', org, repeated });
    const repos = await finish(items, orgPolicy, task);
    const members = await collectMembers(org, orgId);
    const rest = await restFacts;
    return { org: { org, twoFactorRequired, members, ...rest }, repos };
  }

  async function collectRepo(owner: string, name: string): Promise<RepoFacts> {
    const { data, errors } = await graphql(REPOSITORY_QUERY, { owner, name, ...repositoryVariables() }, `${owner}/${name}`);
    if (!data.repository) {
      const notFound = errors.find((entry) => entry.type === 'NOT_FOUND' && entry.path?.[0] === 'repository');
      throw new HostError('github', notFound ? `no GitHub repository ${owner}/${name}` : `GitHub did not give ${owner}/${name}: ${errors[0]?.message ?? 'no data'}`, {
        status: notFound ? 404 : undefined,
      });
    }
    const { parsed } = parseRepositoryNodes([data.repository], `${owner}/${name}`);
    const node = parsed[0]?.node;
    if (!node) throw new HostError('github', `GitHub described ${owner}/${name} in an unexpected shape`);
    const policy = PolicyRepositorySchema.safeParse(data.policyRepository ?? null);
    const policyError = errors.find((entry) => entry.path?.[0] === 'policyRepository' && entry.type !== 'NOT_FOUND');
    const orgPolicy = policyFile(policy.success ? policy.data : null, policyError ? `GitHub did not give ${owner}/.github (${policyError.message})` : null);
    const [facts] = await finish([{ node, work: repositoryWork(node), errors, errorPath: ['repository'] }], orgPolicy, `github ${owner}/${name}`);
    return facts!;
  }
}

function splitName(nameWithOwner: string): [string, string] {
  const slash = nameWithOwner.indexOf('/');
  return [nameWithOwner.slice(0, slash), nameWithOwner.slice(slash + 1)];
}

/** ISO 8601 in UTC, as `Date#toISOString` writes it. */
function isoDate(text: string): string {
  const time = Date.parse(text);
  return Number.isNaN(time) ? text : new Date(time).toISOString();
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

/** `/repos/o/r/dependabot/alerts?state=open&per_page=100` → `GET /repos/o/r/dependabot/alerts`, for messages. */
function listName(pathAndQuery: string): string {
  const query = pathAndQuery.indexOf('?');
  return `GET ${query === -1 ? pathAndQuery : pathAndQuery.slice(0, query)}`;
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

/** `work`, or 'timeout' when it takes longer than `milliseconds`, or 'stopped' when `signal` aborts first. */
async function withTimeLimit<T>(work: Promise<T>, milliseconds: number, signal: AbortSignal): Promise<T | 'timeout' | 'stopped'> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = (): void => {};
  try {
    return await Promise.race([
      work,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), milliseconds))),
      new Promise<'stopped'>((resolve) => {
        onAbort = () => resolve('stopped');
        if (signal.aborted) onAbort();
        else signal.addEventListener('abort', onAbort, { once: true });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
    // The work goes on after losing: its failure, if any, is nobody's to handle.
    work.catch(() => {});
  }
}

/** The Link header's `next` target as a path and query under the base URL. */
function nextLink(link: string | number | undefined, baseUrl: string): string | null {
  if (typeof link !== 'string') return null;
  const match = /<([^>]+)>\s*;\s*rel="next"/.exec(link);
  if (!match) return null;
  const target = new URL(match[1]!);
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const path = basePath && target.pathname.startsWith(basePath) ? target.pathname.slice(basePath.length) : target.pathname;
  return `${path}${target.search}`;
}

/** GitHub's ruleset ref conditions: `~DEFAULT_BRANCH`, `~ALL`, or fnmatch patterns on full ref names. */
export function rulesetTargets(refName: { include: string[]; exclude: string[] } | null, ref: string, defaultBranch: string): boolean {
  if (!refName) return false;
  const matches = (pattern: string): boolean =>
    pattern === '~ALL' || (pattern === '~DEFAULT_BRANCH' && ref === `refs/heads/${defaultBranch}`) || globMatches(pattern, ref);
  return refName.include.some(matches) && !refName.exclude.some(matches);
}

function namePatternsMatch(condition: { include: string[]; exclude: string[] }, name: string): boolean {
  const matches = (pattern: string): boolean => pattern === '~ALL' || globMatches(pattern, name);
  return condition.include.some(matches) && !condition.exclude.some(matches);
}

/**
 * fnmatch as GitHub applies it to ref names (File::FNM_PATHNAME): `*` stays
 * within one path segment, `**` crosses them, `?` is one character, `[...]` a set.
 */
export function globMatches(pattern: string, text: string): boolean {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const character = pattern[index]!;
    if (character === '*') {
      if (pattern[index + 1] === '*') {
        source += '.*';
        index++;
      } else source += '[^/]*';
    } else if (character === '?') source += '[^/]';
    else if (character === '[') {
      const end = pattern.indexOf(']', index + 1);
      if (end === -1) source += '\\[';
      else {
        source += `[${pattern.slice(index + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\')}]`;
        index = end;
      }
    } else source += character.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`).test(text);
}
