import path from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { GitObjectKind, GithubCache } from '../posture/collect/github/cache.js';
import { defaultHttpCachePath } from './http-cache.js';
import { openDatabase, type DatabaseSchema } from './open-database.js';

/**
 * What the GitHub posture collector keeps between runs (SQLite):
 *   - `responses`: per REST request and per credential, the ETag GitHub sent
 *     and the value the collector derived from the body, so a 304 answer
 *     (free against the rate limit) is as good as the body;
 *   - `objects`: git trees (path listings) and blobs (file texts) by object
 *     id. Git ids name their content, so an unchanged tree or file is never
 *     asked for again.
 * No credential is stored: `identity` is a one-way digest (or an app's
 * installation id), so that two tokens seeing different data never share an
 * entry. Contents are deflated.
 *
 * Schema version 1 (in `PRAGMA user_version`):
 *   responses(identity, key, etag, value, stored_at) PRIMARY KEY (identity, key)
 *   objects(kind, oid, content) PRIMARY KEY (kind, oid)
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE responses (
    identity TEXT NOT NULL,
    key TEXT NOT NULL,
    etag TEXT NOT NULL,
    value BLOB NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (identity, key)
  ) WITHOUT ROWID;
  CREATE TABLE objects (
    kind TEXT NOT NULL,
    oid TEXT NOT NULL,
    content BLOB NOT NULL,
    PRIMARY KEY (kind, oid)
  ) WITHOUT ROWID;
  `,
];

const SCHEMA: DatabaseSchema = { name: 'GitHub cache', migrations: MIGRATIONS, advice: { newer: 'delete the file to start afresh' } };


/** The cache the GitHub collector declares (posture/collect/github/cache.ts), and what its owner needs besides. */
export interface GithubCacheStore extends GithubCache {
  readonly path: string;
  counts(): { responses: number; objects: number };
  close(): void;
}

/** `$CHAINWATCH_GITHUB_CACHE`, else `github-cache.sqlite` beside the HTTP cache. */
export function defaultGithubCachePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHAINWATCH_GITHUB_CACHE?.trim();
  if (override) return override;
  return path.join(path.dirname(defaultHttpCachePath(env)), 'github-cache.sqlite');
}

export function openGithubCache(cachePath: string | ':memory:'): GithubCacheStore {
  const database = openDatabase(cachePath, SCHEMA);
  const { db, guard } = database;
  const selectResponse = db.prepare<[string, string], { etag: string; value: Buffer; stored_at: string }>('SELECT etag, value, stored_at FROM responses WHERE identity = ? AND key = ?');
  const upsertResponse = db.prepare(
    `INSERT INTO responses (identity, key, etag, value, stored_at) VALUES (@identity, @key, @etag, @value, @storedAt)
     ON CONFLICT (identity, key) DO UPDATE SET etag = excluded.etag, value = excluded.value, stored_at = excluded.stored_at`,
  );
  const touch = db.prepare('UPDATE responses SET stored_at = ? WHERE identity = ? AND key = ?');
  const selectObject = db.prepare<[string, string], { content: Buffer }>('SELECT content FROM objects WHERE kind = ? AND oid = ?');
  const insertObject = db.prepare('INSERT OR IGNORE INTO objects (kind, oid, content) VALUES (?, ?, ?)');
  const countResponses = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM responses');
  const countObjects = db.prepare<[], { count: number }>('SELECT count(*) AS count FROM objects');
  const insertObjects = db.transaction((kind: GitObjectKind, objects: Iterable<{ oid: string; content: string }>) => {
    for (const object of objects) insertObject.run(kind, object.oid, pack(object.content));
  });

  return {
    path: database.path,
    getResponse(identity, key) {
      const row = guard('read', () => selectResponse.get(identity, key));
      return row ? { etag: row.etag, value: unpack(row.value), storedAt: row.stored_at } : null;
    },
    putResponse(identity, key, response) {
      guard('write', () => upsertResponse.run({ identity, key, etag: response.etag, value: pack(response.value), storedAt: response.storedAt }));
    },
    touchResponse(identity, key, storedAt) {
      guard('write', () => touch.run(storedAt, identity, key));
    },
    getObject(kind, oid) {
      const row = guard('read', () => selectObject.get(kind, oid));
      return row ? unpack(row.content) : null;
    },
    putObjects(kind, objects) {
      guard('write', () => insertObjects(kind, objects));
    },
    counts() {
      return guard('read', () => ({ responses: countResponses.get()!.count, objects: countObjects.get()!.count }));
    },
    close() {
      database.close();
    },
  };
}

function pack(text: string): Buffer {
  return deflateRawSync(Buffer.from(text, 'utf8'), { level: 1 });
}

function unpack(content: Buffer): string {
  return inflateRawSync(content).toString('utf8');
}
