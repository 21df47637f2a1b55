import path from 'node:path';
import type { StoredMetadata, SummaryStore } from '../graph/pypi/summary-store.js';
import type { LabextensionManifest } from '../graph/resolver.js';
import { defaultHttpCachePath } from './http-cache.js';
import { openDatabase, type DatabaseSchema } from './open-database.js';

/**
 * The PyPI summaries src/graph/pypi/summary-store.ts declares, in SQLite:
 * what never changes for a distribution file, by its URL.
 *
 * Schema version 2 (`PRAGMA user_version`):
 *   metadata(url, record TEXT) — JSON: dependencies and the signals' fields of the core metadata
 *   labextensions(url, record TEXT) — JSON: the labextension manifests in a wheel, or null
 * Version 2 drops version 1's `projects` table (page summaries now live in
 * the HTTP cache, as the trimmed form of the page's answer) and empties
 * `metadata`, whose records lacked the signals' fields.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (
    index_url TEXT NOT NULL,
    name TEXT NOT NULL,
    stored_at INTEGER NOT NULL,
    releases TEXT,
    PRIMARY KEY (index_url, name)
  ) WITHOUT ROWID;
  CREATE TABLE metadata (
    url TEXT PRIMARY KEY,
    record TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
  `
  DROP TABLE projects;
  DELETE FROM metadata;
  CREATE TABLE labextensions (
    url TEXT PRIMARY KEY,
    record TEXT NOT NULL
  ) WITHOUT ROWID;
  `,
];

const SCHEMA: DatabaseSchema = { name: 'PyPI summary store', migrations: MIGRATIONS, advice: { newer: 'delete the file to start afresh' } };

/** `pypi-summary.sqlite`, beside the HTTP cache. */
export function defaultSummaryStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(defaultHttpCachePath(env)), 'pypi-summary.sqlite');
}

/** Writes held until this many are queued, or BATCH_DELAY_MS after the first, or flush()/close(): one transaction each. */
const BATCH_WRITES = 256;
const BATCH_DELAY_MS = 250;

type Table = 'metadata' | 'labextensions';

/** Opens (creating if needed) the store; `:memory:` for tests. */
export function openSummaryStore(storePath: string): SummaryStore {
  const database = openDatabase(storePath, SCHEMA);
  const { db, guard } = database;
  const selectMetadata = db.prepare<[string], { record: string }>('SELECT record FROM metadata WHERE url = ?');
  const selectLabextensions = db.prepare<[string], { record: string }>('SELECT record FROM labextensions WHERE url = ?');
  const upsertMetadata = db.prepare<[string, string]>('INSERT OR REPLACE INTO metadata (url, record) VALUES (?, ?)');
  const upsertLabextensions = db.prepare<[string, string]>('INSERT OR REPLACE INTO labextensions (url, record) VALUES (?, ?)');
  // Held writes, by table and URL (reads see them); written in one transaction per batch.
  const pending = new Map<string, { table: Table; url: string; record: string }>();
  let timer: NodeJS.Timeout | null = null;
  // A batch written by the timer has no caller to tell: the next flush() or close() throws its failure.
  let failure: unknown = null;
  let closed = false;
  const writeBatch = db.transaction((writes: { table: Table; url: string; record: string }[]) => {
    for (const write of writes) (write.table === 'metadata' ? upsertMetadata : upsertLabextensions).run(write.url, write.record);
  });

  function writeHeld(): void {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (pending.size === 0) return;
    const writes = [...pending.values()];
    pending.clear();
    guard('write', () => writeBatch(writes));
  }

  function flush(): void {
    writeHeld();
    if (failure !== null) {
      const error = failure;
      failure = null;
      throw error;
    }
  }

  function hold(table: Table, url: string, record: string): void {
    const key = `${table}\n${url}`;
    pending.delete(key);
    pending.set(key, { table, url, record });
    if (pending.size >= BATCH_WRITES) {
      writeHeld();
      return;
    }
    if (timer === null && !closed) {
      timer = setTimeout(() => {
        timer = null;
        try {
          writeHeld();
        } catch (error) {
          failure ??= error;
        }
      }, BATCH_DELAY_MS);
      timer.unref();
    }
  }

  function read(table: Table, url: string): unknown {
    const held = pending.get(`${table}\n${url}`);
    const text = held?.record ?? guard('read', () => (table === 'metadata' ? selectMetadata : selectLabextensions).get(url))?.record;
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A damaged entry is a miss, not a failure: the file is read again.
      return undefined;
    }
  }

  return {
    path: database.path,
    getMetadata(fileUrl) {
      const record = read('metadata', fileUrl) as StoredMetadata | undefined;
      return record && typeof record === 'object' && 'signals' in record ? record : null;
    },
    putMetadata(fileUrl, metadata) {
      hold('metadata', fileUrl, JSON.stringify(metadata));
    },
    getLabextensions(fileUrl) {
      const record = read('labextensions', fileUrl) as LabextensionManifest[] | null | undefined;
      return record === undefined ? null : { manifests: record };
    },
    putLabextensions(fileUrl, manifests) {
      hold('labextensions', fileUrl, JSON.stringify(manifests));
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
