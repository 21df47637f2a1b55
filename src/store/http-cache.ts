import path from 'node:path';
import envPaths from 'env-paths';
import type { CachedResponse, HttpCache, HttpCacheKey } from '../http/cache.js';
import { restoreStoredUrl, storableUrl } from '../http/redact.js';
import { openDatabase, type DatabaseSchema, type StoreDatabase } from './open-database.js';

/**
 * The HTTP response cache src/http/cache.ts declares: one SQLite table
 * keyed by (method, url, vary) where `vary` holds the request headers that
 * change the answer (Accept, Range).
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

const SCHEMA: DatabaseSchema = {
  name: 'HTTP cache',
  migrations: MIGRATIONS,
  // Version 2 deleted what version 1 held: the rows may have held secrets.
  vacuumAfterMigratingFrom: [1],
  advice: { newer: 'delete the file to start afresh' },
};


/** The cache in SQLite: what http/ needs, plus where it is and how many answers it holds. */
export interface SqliteHttpCache extends HttpCache {
  readonly path: string;
  /** Number of stored responses. */
  size(): number;
  /** Writes the batch held in memory now (close() does too). */
  flush(): void;
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

export function openHttpCache(cachePath: string | ':memory:'): SqliteHttpCache {
  return createCache(openDatabase(cachePath, SCHEMA));
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

/** A write the cache holds until its batch is written. */
type PendingWrite =
  | { kind: 'put'; row: StoredRow }
  | { kind: 'delete'; key: HttpCacheKey }
  | { kind: 'refresh'; key: HttpCacheKey; updates: RefreshRow[] };

interface StoredRow {
  method: string;
  url: string;
  vary: string;
  status: number;
  headers: string;
  body: Buffer;
  etag: string | null;
  lastModified: string | null;
  finalUrl: string;
  storedAt: string;
}

interface RefreshRow {
  method: string;
  url: string;
  vary: string;
  headers: string | null;
  etag: string | null;
  lastModified: string | null;
  storedAt: string;
}

/**
 * Writes are batched: held in memory (reads see them) and written in one
 * transaction when this many are held, when their bodies reach BATCH_BYTES,
 * BATCH_DELAY_MS after the first, or at close(). One transaction per answer
 * cost more than the answers' own writes on a cold resolution.
 */
const BATCH_WRITES = 256;
const BATCH_BYTES = 16 * 1024 * 1024;
const BATCH_DELAY_MS = 250;

function createCache(database: StoreDatabase): SqliteHttpCache {
  const { db, guard } = database;
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

  const pending = new Map<string, PendingWrite>();
  let pendingBytes = 0;
  let timer: NodeJS.Timeout | null = null;
  // A batch written by the timer has no caller to tell: the next write or close() throws its failure.
  let failure: unknown = null;
  let closed = false;

  const writeBatch = db.transaction((writes: PendingWrite[]) => {
    for (const write of writes) {
      if (write.kind === 'put') upsert.run(write.row);
      else if (write.kind === 'delete') remove.run(write.key.method, cacheableUrl(write.key.url), write.key.vary);
      else for (const update of write.updates) refresh.run(update);
    }
  });

  function flush(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.size > 0) {
      const writes = [...pending.values()];
      pending.clear();
      pendingBytes = 0;
      guard('write', () => writeBatch(writes));
    }
    if (failure !== null) {
      const error = failure;
      failure = null;
      throw error;
    }
  }

  function hold(keyText: string, write: PendingWrite, bytes: number): void {
    if (failure !== null) flush();
    pending.delete(keyText);
    pending.set(keyText, write);
    pendingBytes += bytes;
    if (pending.size >= BATCH_WRITES || pendingBytes >= BATCH_BYTES) {
      flush();
      return;
    }
    if (timer === null) {
      timer = setTimeout(() => {
        timer = null;
        try {
          flush();
        } catch (error) {
          failure ??= error;
        }
      }, BATCH_DELAY_MS);
      timer.unref();
    }
  }

  function keyTextOf(key: HttpCacheKey): string {
    return `${key.method}\n${cacheableUrl(key.url)}\n${key.vary}`;
  }

  function fromRow(row: ResponseRow, key: HttpCacheKey): CachedResponse {
    return {
      status: row.status,
      headers: JSON.parse(row.headers) as Record<string, string>,
      body: row.body,
      etag: row.etag,
      lastModified: row.last_modified,
      finalUrl: restoreStoredUrl(row.final_url, key.url),
      storedAt: row.stored_at,
    };
  }

  function applyRefresh(row: ResponseRow, update: RefreshRow): ResponseRow {
    return {
      ...row,
      headers: update.headers ?? row.headers,
      etag: update.etag ?? row.etag,
      last_modified: update.lastModified ?? row.last_modified,
      stored_at: update.storedAt,
    };
  }

  function rowOf(stored: StoredRow): ResponseRow {
    return { status: stored.status, headers: stored.headers, body: stored.body, etag: stored.etag, last_modified: stored.lastModified, final_url: stored.finalUrl, stored_at: stored.storedAt };
  }

  return {
    path: database.path,
    get(key) {
      const held = pending.get(keyTextOf(key));
      if (held?.kind === 'put') return fromRow(rowOf(held.row), key);
      if (held?.kind === 'delete') return null;
      let row = guard('read', () => select.get(key.method, cacheableUrl(key.url), key.vary));
      if (!row) return null;
      if (held?.kind === 'refresh') for (const update of held.updates) row = applyRefresh(row, update);
      return fromRow(row, key);
    },
    put(key, response) {
      const row: StoredRow = {
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
      };
      hold(keyTextOf(key), { kind: 'put', row }, response.body.length);
    },
    refresh(key, update) {
      const keyText = keyTextOf(key);
      const row: RefreshRow = {
        method: key.method,
        url: cacheableUrl(key.url),
        vary: key.vary,
        headers: update.headers ? JSON.stringify(storableHeaders(update.headers)) : null,
        etag: update.etag ?? null,
        lastModified: update.lastModified ?? null,
        storedAt: update.storedAt,
      };
      const held = pending.get(keyText);
      // A deleted entry has nothing to refresh; a held one takes the update at once.
      if (held?.kind === 'delete') return;
      if (held?.kind === 'put') {
        const refreshed = applyRefresh(rowOf(held.row), row);
        held.row = { ...held.row, headers: refreshed.headers, etag: refreshed.etag, lastModified: refreshed.last_modified, storedAt: refreshed.stored_at };
        return;
      }
      hold(keyText, { kind: 'refresh', key, updates: [...(held?.kind === 'refresh' ? held.updates : []), row] }, 0);
    },
    delete(key) {
      hold(keyTextOf(key), { kind: 'delete', key }, 0);
    },
    size() {
      flush();
      return guard('read', () => count.get()!.count);
    },
    flush,
    close() {
      if (closed) return;
      try {
        flush();
      } finally {
        closed = true;
        database.close();
      }
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
