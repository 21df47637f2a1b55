/**
 * The response cache as the HTTP client needs it. Declared here, implemented
 * by src/store/ (SQLite, `openHttpCache`; a Postgres backend could implement
 * the same) and handed to `createHttpClient` by the front end, so http/ never
 * imports store/.
 *
 * What is stored is the client's decision (only answers the caller's
 * `validate` accepted, within their size limit); the cache's duty is that no
 * credential reaches it: an implementation stores responses only, never
 * request headers, drops credential response headers (`set-cookie`,
 * `authorization`…) and keys and stores URLs as `storableUrl()`s
 * (./redact.ts), filling the `***` of a stored final URL back in from the
 * URL asked for (`restoreStoredUrl`).
 */

export interface HttpCacheKey {
  method: string;
  url: string;
  /** Request headers that select the representation, serialised (`accept=application/json`). Empty when none. */
  vary: string;
}

export interface CachedResponse {
  status: number;
  /** Lower-cased names; never credentials. */
  headers: Record<string, string>;
  body: Buffer;
  etag: string | null;
  lastModified: string | null;
  /** The URL that answered, after redirects. */
  finalUrl: string;
  /** ISO time the response was stored or last revalidated. */
  storedAt: string;
}

export interface HttpCache {
  get(key: HttpCacheKey): CachedResponse | null;
  put(key: HttpCacheKey, response: CachedResponse): void;
  /** After a 304: new validators/headers (if any) and a new stored_at, body unchanged. */
  refresh(key: HttpCacheKey, update: { headers?: Record<string, string>; etag?: string | null; lastModified?: string | null; storedAt: string }): void;
  delete(key: HttpCacheKey): void;
  /**
   * Writes what the cache holds back (an implementation may batch its
   * writes; reads see them at once). The client calls it when it is closed,
   * also for a cache it does not own; close() does it too.
   */
  flush?(): void;
  close(): void;
}
