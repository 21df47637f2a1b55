/**
 * One HTTP layer for every registry client (PyPI, npm, conda, OSV, GitHub):
 * keep-alive, a per-host concurrency limit, retries with backoff honouring
 * Retry-After on 429/5xx, conditional requests (ETag / Last-Modified) with the
 * response cache in the SQLite store, an offline mode served from that cache,
 * and a list of the sources that failed. Registry clients never call undici
 * directly: they get an HttpClient.
 */

import type { Readable } from 'node:stream';

export interface HttpRequest {
  url: string;
  /** Extra request headers (Accept, Authorization from the ecosystem's own config...). Never logged. */
  headers?: Record<string, string>;
  /** A short name for the source this request belongs to (`pypi`, `npm`, `conda-forge`), for the failure list. */
  source: string;
  /**
   * `revalidate` (default): serve from cache after a 304, else fetch.
   * `prefer-cache`: use a cached response without asking when one exists (immutable files: wheels, metadata by hash, tarballs).
   * `no-store`: neither read nor write the cache.
   */
  cache?: 'revalidate' | 'prefer-cache' | 'no-store';
  /** Byte range, for reading a wheel's central directory without downloading it all. */
  range?: { start: number; end?: number };
  /**
   * Most bytes accepted for the body, counted on the wire and again after
   * decompression, while it streams in; past it the request fails with a
   * HostError and nothing is cached (default: the client's `maxBytes`, 64 MiB).
   */
  maxBytes?: number;
  /**
   * Time allowed for the whole request, from its first attempt to the last
   * byte of the body, across redirects, retries and their waits; past it the
   * request is aborted with a HostError (default: the client's `deadlineMs`, 120 s).
   */
  deadlineMs?: number;
  /**
   * Checks a 200/203 answer before it is cached or handed back: `true` when
   * it is usable, else `false` or the reason, read after the URL in the
   * error (e.g. "answered an HTML page where JSON was expected"); or
   * `{ cache: false }` for an answer usable now but not worth keeping. A
   * fresh answer that fails is not cached and the request fails with a
   * HostError naming the reason; a cached one that fails is deleted and asked
   * for again (offline: the request fails). Callers that parse what they get
   * (JSON, repodata...) must pass one, so that only answers that parsed are
   * ever cached. It may keep what it parsed, to be read only once.
   */
  validate?: (response: HttpResponse) => boolean | string | { cache: false };
  /**
   * Keep a trimmed form of the answer in the cache instead of its body (a
   * resolver reads a few fields of a page of megabytes). `form` names the
   * form and its version; it is part of the cache key, so answers kept whole
   * and trimmed ones never mix. `trim(response)` runs on a 200/203 answer
   * that passed `validate` and gives the bytes to keep (null: keep nothing).
   * A cached answer then comes back with `form` set and those bytes as its
   * body, `validate` seeing it first as it sees every cached answer. Other
   * statuses (404, 410, 206) are kept as they came.
   */
  keep?: { form: string; trim(response: HttpResponse): Buffer | null };
  /**
   * How long a cached answer is served without asking (`revalidate` mode),
   * for this request: the client's `maxAgeMs` otherwise.
   */
  maxAgeMs?: number;
}

export interface HttpResponse {
  /** Final status after redirects and retries (200, 206, 404, 410...). 304s are resolved to the cached 200. */
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
  /** The URL that answered, after redirects. */
  url: string;
  /** True when the body came from the cache (304 revalidation, prefer-cache, or offline). */
  fromCache: boolean;
  /** Set when `body` is the trimmed form the request's `keep` made (a cached answer), not the bytes the server sent. */
  form?: string;
}

export interface SourceFailure {
  source: string;
  /** A redacted sentence: no credentials, no tokens. */
  error: string;
  /** The first URL that failed (redacted). */
  url: string;
}

export interface HttpStats {
  /** Requests that went to the network (including 304 revalidations). */
  requests: number;
  /** Answers served without a full download (304 or prefer-cache or offline). */
  cacheHits: number;
  /** Responses that were 304 Not Modified. */
  notModified: number;
  retries: number;
  bytes: number;
}

export interface HttpClient {
  /**
   * GET a URL. Absent things (404/410) are responses, not errors. A host that
   * cannot be reached, or keeps answering 429/5xx after the retries, raises a
   * HostError (src/core/errors.ts) and is recorded in failures(). Offline, a
   * request with no cached response raises a HostError with status undefined.
   */
  get(request: HttpRequest): Promise<HttpResponse>;
  failures(): SourceFailure[];
  stats(): HttpStats;
  close(): Promise<void>;
  /**
   * Loads what a request needs (the HTTP library, 0.1 s) now, for a caller
   * about to wait on something else anyway; the first request does it
   * otherwise. Optional: fakes need not have it.
   */
  prepare?(): Promise<void>;
}

/** A request whose 200 body is streamed (`StreamingHttpClient.stream`): never cached, so no cache mode or validator. */
export type HttpStreamRequest = Pick<HttpRequest, 'url' | 'headers' | 'source' | 'maxBytes' | 'deadlineMs'>;

export interface HttpStreamResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The URL that answered, after redirects. */
  url: string;
  /** A 200's body as it arrives (errors are HostErrors); any other status's body, read whole. Destroy it to stop early. */
  body: Readable;
}

/** The client createHttpClient() makes: get() plus a streamed GET for bodies too large to hold (image layers). */
export interface StreamingHttpClient extends HttpClient {
  /**
   * GET with the body as a stream: retries, redirects, the per-host limit
   * (its slot held until the body closes), `maxBytes` counted as it streams,
   * the deadline over the whole body. Never cached; offline it fails.
   */
  stream(request: HttpStreamRequest): Promise<HttpStreamResponse>;
}
