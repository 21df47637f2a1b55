/**
 * What the GitHub collector can be given, and what it counts. See ../github.md.
 */
import type { Clock } from '../../../core/clock.js';
import type { EventSink } from '../../../core/events.js';
import type { HttpClient } from '../../../http/types.js';
import type { GithubCache } from './cache.js';

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
  /**
   * The fetch every request goes through, under the time and size limits (default the global one).
   * @internal A test seam: tests give one whose resolver fails, so no DNS query leaves the machine.
   */
  fetch?: typeof fetch;
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
  /** Newest commits per repository (default COMMITS_PER_REPOSITORY, 100, as the local collector reads; GraphQL gives at most 100). */
  commitsPerRepository?: number;
  /** Newest releases per repository (default RELEASES_PER_REPOSITORY, 40, as many tags as the local collector reads). */
  releasesPerRepository?: number;
  /** Newest pull requests per repository, of every author (default 30; the probes pick the update bots' and decide what is stale). */
  pullRequestsPerRepository?: number;
  /** Members' activity is looked for this far back (default 365 days, GitHub's maximum). */
  activityWindowDays?: number;
  /** Largest file whose text is fetched (default MAX_POSTURE_FILE_BYTES, 512 KiB, as the local collector reads). */
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
