/**
 * REST GETs as the collector makes them: revalidated with the ETag kept in
 * the cache (a 304 is free against the rate limit, and the value derived from
 * the earlier body is used), 4xx answers as `absent` (a feature that is off,
 * or a token that may not look), Link pagination followed with loops and
 * runaway lists stopped.
 */
import { RequestError } from 'octokit';
import type { Clock } from '../../../../core/clock.js';
import { known, unavailable, type Fact } from '../../../types.js';
import type { GithubCache } from '../cache.js';
import { ErrorBodySchema, NOT_MODIFIED_HEADER, type GithubTransport } from '../transport.js';

/** Pages of one REST list (Link `next`) read at most: 10,000 entries at 100 a page. */
const MAX_REST_PAGES = 100;

export type RestOutcome<T> = { kind: 'value'; value: T; status: number } | { kind: 'absent'; status: number; message: string };
/** A list whose pagination had to be stopped: what was read is not all there is. */
export type ListOutcome<T> = RestOutcome<T[]> | { kind: 'incomplete'; reason: string };

export interface RestClient {
  /** A GET revalidated with the cached ETag (`revalidate: false`: neither asked with one nor kept); 4xx answers come back as `absent`, rate limits and 5xx throw. */
  get<T>(pathAndQuery: string, derive: (data: unknown, headers: Record<string, string | number | undefined>) => T, options?: { revalidate?: boolean }): Promise<RestOutcome<T>>;
  /** Every page of a paginated GET (Link `next`), each page revalidated on its own. */
  getAll<T>(firstPath: string, derive: (data: unknown) => T[]): Promise<ListOutcome<T>>;
}

export function createRestClient({ transport, cache, clock }: { transport: GithubTransport; cache: GithubCache | null; clock: Clock }): RestClient {
  return { get: conditionalGet, getAll: conditionalGetAll };

  /** A GET revalidated with the cached ETag; 4xx answers come back as `absent`, rate limits and 5xx throw. */
  async function conditionalGet<T>(
    pathAndQuery: string,
    derive: (data: unknown, headers: Record<string, string | number | undefined>) => T,
    { revalidate = true }: { revalidate?: boolean } = {},
  ): Promise<RestOutcome<T>> {
    const key = cacheKey(pathAndQuery);
    const cached = revalidate ? (cache?.getResponse(transport.identity, key) ?? null) : null;
    try {
      const lane = transport.lane();
      const response = await lane.octokit.request(`GET ${pathAndQuery}`, { headers: cached ? { 'if-none-match': cached.etag } : {}, request: { signal: lane.signal } });
      if (cached && response.headers[NOT_MODIFIED_HEADER] === '1') {
        cache?.touchResponse(transport.identity, key, clock.now().toISOString());
        return { kind: 'value', value: JSON.parse(cached.value) as T, status: 304 };
      }
      const value = derive(response.data, response.headers as Record<string, string | number | undefined>);
      const etag = response.headers.etag;
      if (cache && revalidate && typeof etag === 'string') cache.putResponse(transport.identity, key, { etag, value: JSON.stringify(value), storedAt: clock.now().toISOString() });
      return { kind: 'value', value, status: response.status };
    } catch (error) {
      if (error instanceof RequestError && error.status === 304 && cached) {
        cache?.touchResponse(transport.identity, key, clock.now().toISOString());
        return { kind: 'value', value: JSON.parse(cached.value) as T, status: 304 };
      }
      if (error instanceof RequestError && error.status >= 400 && error.status < 500 && !transport.isRateLimitAnswer(error)) {
        const body = ErrorBodySchema.safeParse(error.response?.data);
        return { kind: 'absent', status: error.status, message: transport.scrub(body.success ? (body.data.message ?? '') : '') };
      }
      throw transport.hostError(error, `GET ${pathAndQuery}`);
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
        transport.log('warn', reason, { event: 'github-pagination-stopped', list: listName(firstPath), pages: page });
        return { kind: 'incomplete', reason };
      }
      const outcome: RestOutcome<{ items: T[]; next: string | null }> = await conditionalGet(next, (data, headers) => ({
        items: derive(data),
        next: nextLink(headers.link, transport.baseUrl),
      }));
      if (outcome.kind === 'absent') return outcome;
      for (const item of outcome.value.items) items.push(item);
      status = outcome.status;
      next = outcome.value.next;
      if (next !== null && seen.has(next)) {
        const reason = `GitHub's Link header for ${listName(firstPath)} pointed back to a page already read after ${page + 1} page(s): stopped there, so the list may be incomplete`;
        transport.log('warn', reason, { event: 'github-pagination-loop', list: listName(firstPath), pages: page + 1 });
        return { kind: 'incomplete', reason };
      }
      if (next !== null) seen.add(next);
    }
    return { kind: 'value', value: items, status };
  }
}

/** A REST outcome as a fact: an absence or a stopped list is unavailable, saying what GitHub answered and what it would take. */
export function answered<T>(outcome: RestOutcome<T> | { kind: 'incomplete'; reason: string }, explain: string): Fact<T> {
  if (outcome.kind === 'value') return known(outcome.value);
  if (outcome.kind === 'incomplete') return unavailable(outcome.reason);
  return unavailable(`GitHub answered ${outcome.status}${outcome.message ? ` (${outcome.message})` : ''}: ${explain}`);
}

function cacheKey(pathAndQuery: string): string {
  return `GET ${pathAndQuery}`;
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

/** `/repos/o/r/dependabot/alerts?state=open&per_page=100` → `GET /repos/o/r/dependabot/alerts`, for messages. */
function listName(pathAndQuery: string): string {
  const query = pathAndQuery.indexOf('?');
  return `GET ${query === -1 ? pathAndQuery : pathAndQuery.slice(0, query)}`;
}
