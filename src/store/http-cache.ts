import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import { ChainwatchError } from '../core/errors.js';
import { restoreStoredUrl, storableUrl } from '../http/redact.js';

/**
 * The HTTP response cache: one SQLite table keyed by (method, url, vary) where
 * `vary` holds the request headers that change the answer (Accept, Range).
 * No credential reaches the file: only responses are stored, never request
 * headers (so no Authorization); response headers that carry credentials
 * (Set-Cookie...) are dropped; and the stored URLs (`url`, `final_url`) are
 * `storableUrl()`s: no user info, no conda `/t/<token>/` segment, no value
 * of a credential-named query parameter (`?token=`, `?access_token=`,
 * `?auth=`, signed-URL signatures), each replaced by `***`. So answers for
 * one URL asked with different credentials share one entry, as they already
 * do for different Authorization headers. `get()` fills the `***` of the
 * stored final URL back in from the URL being asked for.
 *
 * Schema version 2 (in `PRAGMA user_version`):
 *   responses(method, url, vary, status, headers JSON, body BLOB, etag,
 *             last_modified, final_url, stored_at) PRIMARY KEY (method, url, vary)
 * Version 2 empties the table of version 1, whose entries could hold tokens
 * in their URLs and answers that were never validated, then vacuums the file
 * so nothing of them is left in free pages.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE responses (
    method TEXT NOT NULL,
    url TEXT NOT NULL,
    vary TEXT NOT NULL,
    status INTEGER NOT NULL,
    headers TEXT NOT NULL,
    body BLOB NOT NULL,
    etag TEXT,
    last_modified TEXT,
    final_url TEXT NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (method, url, vary)
  ) WITHOUT ROWID;
  `,
  `DELETE FROM responses;`,
];

/** After migrating past this version, VACUUM: the rows deleted may have held secrets. */
const VACUUM_AFTER_VERSION = 1;

export const HTTP_CACHE_SCHEMA_VERSION = MIGRATIONS.length;

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
  readonly path: string;
  get(key: HttpCacheKey): CachedResponse | null;
  put(key: HttpCacheKey, response: CachedResponse): void;
  /** After a 304: new validators/headers (if any) and a new stored_at, body unchanged. */
  refresh(key: HttpCacheKey, update: { headers?: Record<string, string>; etag?: string | null; lastModified?: string | null; storedAt: string }): void;
  delete(key: HttpCacheKey): void;
  /** Number of stored responses. */
  size(): number;
  close(): void;
}

/** Response headers never written to the cache. */
const UNSTORED_HEADERS = new Set(['set-cookie', 'authorization', 'proxy-authorization', 'www-authenticate', 'proxy-authenticate', 'cookie']);

/**
 * `$CHAINWATCH_HTTP_CACHE`, else `http-cache.sqlite` beside the advisory
 * database: the directory of `$CHAINWATCH_DB` when set, else the user cache
 * directory (`env-paths('chainwatch').cache`, Linux `~/.cache/chainwatch/`).
 */
export function defaultHttpCachePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHAINWATCH_HTTP_CACHE?.trim();
  if (override) return override;
  const database = env.CHAINWATCH_DB?.trim();
  const directory = database ? path.dirname(path.resolve(database)) : envPaths('chainwatch', { suffix: '' }).cache;
  return path.join(directory, 'http-cache.sqlite');
}

/** A URL fit for a cache key or a stored final URL: `storableUrl()` (no credential of any kind). */
export function cacheableUrl(url: string): string {
  return storableUrl(url);
}

export function openHttpCache(cachePath: string | ':memory:'): HttpCache {
  const inMemory = cachePath === ':memory:';
  let db: Database.Database;
  try {
    if (!inMemory) mkdirSync(path.dirname(path.resolve(cachePath)), { recursive: true });
    db = new Database(cachePath);
  } catch (error) {
    throw cacheError(`cannot open HTTP cache: ${(error as Error).message}`, cachePath, error);
  }
  try {
    prepare(db, inMemory);
  } catch (error) {
    db.close();
    if (error instanceof ChainwatchError) throw new ChainwatchError(error.code, error.message, { location: { path: cachePath }, cause: error.cause });
    throw cacheError(`cannot use HTTP cache: ${(error as Error).message}`, cachePath, error);
  }
  return createCache(db, cachePath);
}

function prepare(db: Database.Database, inMemory: boolean): void {
  // Several chainwatch processes may share the cache: wait for a writer instead of failing at once.
  db.pragma('busy_timeout = 5000');
  if (!inMemory && db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  if (db.pragma('synchronous', { simple: true }) !== 1) db.pragma('synchronous = NORMAL');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new ChainwatchError('store-error', `HTTP cache schema version ${version} is newer than this chainwatch understands (${MIGRATIONS.length}); delete the file to start afresh`);
  }
  if (version === MIGRATIONS.length) return;
  db.transaction(() => {
    for (let index = version; index < MIGRATIONS.length; index++) db.exec(MIGRATIONS[index]!);
    db.pragma(`user_version = ${MIGRATIONS.length}`);
  })();
  if (version >= 1 && version <= VACUUM_AFTER_VERSION && !inMemory) {
    // Deleted rows stay readable in free pages and in the WAL until rewritten.
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

interface ResponseRow {
  status: number;
  headers: string;
  body: Buffer;
  etag: string | null;
  last_modified: string | null;
  final_url: string;
  stored_at: string;
}

function createCache(db: Database.Database, cachePath: string): HttpCache {
  const select = db.prepare<[string, string, string], ResponseRow>(
    'SELECT status, headers, body, etag, last_modified, final_url, stored_at FROM responses WHERE method = ? AND url = ? AND vary = ?',
  );
  const upsert = db.prepare(
    `INSERT INTO responses (method, url, vary, status, headers, body, etag, last_modified, final_url, stored_at)
     VALUES (@method, @url, @vary, @status, @headers, @body, @etag, @lastModified, @finalUrl, @storedAt)
     ON CONFLICT (method, url, vary) DO UPDATE SET status = excluded.status, headers = excluded.headers, body = excluded.body,
       etag = excluded.etag, last_modified = excluded.last_modified, final_url = excluded.final_url, stored_at = excluded.stored_at`,
  );
  const refresh = db.prepare(
    `UPDATE responses SET headers = COALESCE(@headers, headers), etag = COALESCE(@etag, etag),
       last_modified = COALESCE(@lastModified, last_modified), stored_at = @storedAt
     WHERE method = @method AND url = @url AND vary = @vary`,
  );
  const remove = db.prepare('DELETE FROM responses WHERE method = ? AND url = ? AND vary = ?');
  const count = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM responses');

  function run<T>(what: string, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw cacheError(`HTTP cache ${what} failed: ${(error as Error).message}`, cachePath, error);
    }
  }

  return {
    path: cachePath,
    get(key) {
      const row = run('read', () => select.get(key.method, cacheableUrl(key.url), key.vary));
      if (!row) return null;
      return {
        status: row.status,
        headers: JSON.parse(row.headers) as Record<string, string>,
        body: row.body,
        etag: row.etag,
        lastModified: row.last_modified,
        finalUrl: restoreStoredUrl(row.final_url, key.url),
        storedAt: row.stored_at,
      };
    },
    put(key, response) {
      run('write', () =>
        upsert.run({
          method: key.method,
          url: cacheableUrl(key.url),
          vary: key.vary,
          status: response.status,
          headers: JSON.stringify(storableHeaders(response.headers)),
          body: response.body,
          etag: response.etag,
          lastModified: response.lastModified,
          finalUrl: cacheableUrl(response.finalUrl),
          storedAt: response.storedAt,
        }),
      );
    },
    refresh(key, update) {
      run('write', () =>
        refresh.run({
          method: key.method,
          url: cacheableUrl(key.url),
          vary: key.vary,
          headers: update.headers ? JSON.stringify(storableHeaders(update.headers)) : null,
          etag: update.etag ?? null,
          lastModified: update.lastModified ?? null,
          storedAt: update.storedAt,
        }),
      );
    },
    delete(key) {
      run('write', () => remove.run(key.method, cacheableUrl(key.url), key.vary));
    },
    size() {
      return run('read', () => count.get()!.count);
    },
    close() {
      if (db.open) db.close();
    },
  };
}

function storableHeaders(headers: Record<string, string>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!UNSTORED_HEADERS.has(lower)) kept[lower] = value;
  }
  return kept;
}

function cacheError(message: string, cachePath: string, cause: unknown): ChainwatchError {
  return new ChainwatchError('store-error', message, { location: { path: cachePath }, cause });
}
