import path from 'node:path';
import envPaths from 'env-paths';
import { normalizeName, type Ecosystem } from '../core/package.js';
import type { AdvisoryStoreOpener, AdvisoryUpdateStore, EcosystemCoverage, ImportStats } from '../advisories/store.js';
import { prepareRecord, type PreparedRecord } from '../advisories/prepared.js';
import type { OsvRecord } from '../advisories/types.js';
import { affectedKey, baseEcosystem } from './keys.js';
import { openDatabase, type DatabaseOpenMode, type DatabaseSchema, type OpenDatabaseOptions, type StoreDatabase } from './open-database.js';

/**
 * The SQLite advisory store: the interfaces src/advisories/store.ts declares.
 *
 * Tables (schema version 1, see MIGRATIONS):
 *   records(id PRIMARY KEY, modified, modified_key, withdrawn, json)
 *       one row per OSV record; `json` is the validated record, complete
 *       (unknown fields included), as compact JSON text;
 *   affected(ecosystem, name, id)   the lookup index: one row per affected
 *       package, keyed by ecosystem without release suffix + normalised name;
 *   aliases(alias, id)              CVE/GHSA/PYSEC cross references;
 *   sources(source, id)             which feed(s) delivered a record (e.g.
 *       `osv:PyPI`), so one feed can drop its records without touching
 *       another feed's copy of the same advisory;
 *   meta(key, value)                update cursors and other small facts.
 * The schema version lives in `PRAGMA user_version`.
 */

/** Each entry upgrades the schema from version `index` to `index + 1`. */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE records (
    id TEXT PRIMARY KEY NOT NULL,
    modified TEXT NOT NULL,
    modified_key TEXT NOT NULL,
    withdrawn TEXT,
    json TEXT NOT NULL
  );
  CREATE TABLE affected (
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (ecosystem, name, id)
  ) WITHOUT ROWID;
  CREATE INDEX affected_by_id ON affected (id);
  CREATE TABLE aliases (alias TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (alias, id)) WITHOUT ROWID;
  CREATE INDEX aliases_by_id ON aliases (id);
  CREATE TABLE sources (source TEXT NOT NULL, id TEXT NOT NULL, PRIMARY KEY (source, id)) WITHOUT ROWID;
  CREATE INDEX sources_by_id ON sources (id);
  `,
];

const SCHEMA: DatabaseSchema = {
  name: 'advisory database',
  migrations: MIGRATIONS,
  // 64 MiB of page cache: an import touches the same index pages again and again.
  pragmas: ['cache_size = -65536'],
  // Records are 1–3 kB of JSON: 4 kB pages held one or two each. 16 kB pages
  // pack them (220k-record export: 581 → 491 MB) and cut an import's CPU by
  // ~2 s of ~17; a scan reads no slower (measured: same output, same time).
  pageSize: 16384,
  advice: { notWritable: 'commands that only read it open it read-only' },
};


/** The source name used when importRecords() is called without one. */
export const DEFAULT_SOURCE = 'local';

/**
 * Every advisories/ interface, and what `db status` shows: where the file is,
 * how it was opened, records per source.
 */
export interface SqliteAdvisoryStore extends AdvisoryUpdateStore {
  readonly path: string;
  /** `snapshot`: a WAL database this user may not write beside, read from an in-memory copy (see open-database.ts). */
  readonly openMode: DatabaseOpenMode;
  /** Record count per source. */
  sourceCounts(): Record<string, number>;
}

/**
 * The page cache while an import transaction runs (KiB), instead of the
 * connection's 64 MiB: the transaction's dirty pages fill whatever cache
 * there is before they spill to the WAL, and during `db import` the worker
 * threads need that memory more (measured on the 220k-record export, whole
 * process: with 16 MB young generations in the workers, peak RSS 413 MB at
 * 64 MiB, 365–373 MB at 32 MiB, the same CPU on the writing thread).
 */
const IMPORT_CACHE_KIB = 32 * 1024;

/** Records per import transaction's savepoint in importRecordStream: bounds memory, not atomicity. */
const STREAM_BATCH = 500;

/**
 * Where the database lives unless told otherwise: `$CHAINWATCH_DB`, else
 * `advisories.sqlite` in the user's cache directory.
 */
export function defaultDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.CHAINWATCH_DB?.trim();
  if (override) return override;
  return path.join(envPaths('chainwatch', { suffix: '' }).cache, 'advisories.sqlite');
}

export function openSqliteStore(databasePath: string | ':memory:', options: OpenDatabaseOptions = {}): SqliteAdvisoryStore {
  return createStore(openDatabase(databasePath, SCHEMA, options));
}

/** The opener `scan` takes: a file read-only, or a temporary store in memory. */
export const sqliteAdvisoryStores: AdvisoryStoreOpener = {
  openReader: (databasePath) => openSqliteStore(databasePath, { readonly: true }),
  openTemporary: () => openSqliteStore(':memory:'),
};

/**
 * What `coverage()` asks, index-friendly without a schema change (a migration
 * would lock out read-only users of an older file until someone writes it).
 * - `ecosystem`: reads only the ecosystem's slice of the `affected` primary key
 *   (ecosystem, name, id), then each of its records by id; `modified` is the
 *   bare column of the row max() picked (SQLite guarantees it). An IN list
 *   rather than a DISTINCT join: measured 0.3 s against 0.55 s for 200,000
 *   npm records on a loaded 2-CPU machine; PyPI's 30,000 take 0.04 s.
 * - `ecosystems`: every distinct ecosystem by hopping along the primary key (a
 *   loose index scan), one lookup per ecosystem instead of reading every row.
 * @internal Exported for the test that checks their query plans.
 */
export const COVERAGE_QUERIES = {
  ecosystem: `SELECT count(*) FILTER (WHERE withdrawn IS NULL) AS advisories, max(modified_key), modified AS newest
    FROM records WHERE id IN (SELECT id FROM affected WHERE ecosystem = ?)`,
  ecosystems: `WITH RECURSIVE hop(ecosystem) AS (
      SELECT min(ecosystem) FROM affected
      UNION ALL SELECT (SELECT min(ecosystem) FROM affected WHERE ecosystem > hop.ecosystem) FROM hop WHERE hop.ecosystem IS NOT NULL
    ) SELECT ecosystem FROM hop WHERE ecosystem IS NOT NULL`,
} as const;

function parseStoredRecord(json: string): OsvRecord {
  return JSON.parse(json) as OsvRecord;
}

function createStore(database: StoreDatabase): SqliteAdvisoryStore {
  const { db, guard } = database;
  const readonly = db.readonly;
  const prepareWrite = <T extends unknown[] = unknown[]>(sql: string) => (readonly ? null : db.prepare<T>(sql));

  const selectModified = db.prepare<[string], { modified_key: string }>('SELECT modified_key FROM records WHERE id = ?');
  // The JSON arrives as text or as its UTF-8 bytes (a worker thread's packed batch); CAST stores and compares both as the same TEXT.
  const selectSameJson = db.prepare<[string | Buffer, string], { same: number }>('SELECT json = CAST(? AS TEXT) AS same FROM records WHERE id = ?');
  const insertRecord = prepareWrite<[string, string, string, string | null, string | Buffer]>(
    'INSERT OR REPLACE INTO records (id, modified, modified_key, withdrawn, json) VALUES (?, ?, ?, ?, CAST(? AS TEXT))',
  );
  // A record not stored yet (nearly every record of an import into a new file) is one insert, without a lookup first.
  const insertNewRecord = prepareWrite<[string, string, string, string | null, string | Buffer]>(
    'INSERT INTO records (id, modified, modified_key, withdrawn, json) VALUES (?, ?, ?, ?, CAST(? AS TEXT)) ON CONFLICT (id) DO NOTHING',
  );
  const deleteAffected = prepareWrite<[string]>('DELETE FROM affected WHERE id = ?');
  const insertAffected = prepareWrite<[string, string, string]>('INSERT OR IGNORE INTO affected (ecosystem, name, id) VALUES (?, ?, ?)');
  const deleteAliases = prepareWrite<[string]>('DELETE FROM aliases WHERE id = ?');
  const insertAlias = prepareWrite<[string, string]>('INSERT OR IGNORE INTO aliases (alias, id) VALUES (?, ?)');
  const insertSource = prepareWrite<[string, string]>('INSERT OR IGNORE INTO sources (source, id) VALUES (?, ?)');
  const deleteSourcesOf = prepareWrite<[string]>('DELETE FROM sources WHERE id = ?');
  const deleteRecord = prepareWrite<[string]>('DELETE FROM records WHERE id = ?');
  const deleteSourceRow = prepareWrite<[string, string]>('DELETE FROM sources WHERE source = ? AND id = ?');
  const countSourcesOf = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM sources WHERE id = ?');
  const selectFor = db.prepare<[string, string], { json: string }>(
    'SELECT r.json FROM affected a JOIN records r ON r.id = a.id WHERE a.ecosystem = ? AND a.name = ? ORDER BY r.id',
  );
  const selectRecord = db.prepare<[string], { json: string }>('SELECT json FROM records WHERE id = ?');
  const selectCount = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM records');
  const selectMeta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const upsertMeta = prepareWrite<[string, string]>('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
  const selectSource = db.prepare<[string], { id: string; modified: string }>(
    'SELECT r.id, r.modified FROM sources s JOIN records r ON r.id = s.id WHERE s.source = ?',
  );
  const selectSourceCounts = db.prepare<[], { source: string; n: number }>(
    'SELECT source, count(*) AS n FROM sources GROUP BY source ORDER BY source',
  );
  const selectIdsFor = db.prepare<[string, string], { id: string }>(
    'SELECT id FROM records WHERE id = ? UNION SELECT id FROM aliases WHERE alias = ? ORDER BY id',
  );
  const selectCoverage = db.prepare<[string], { advisories: number; newest: string | null }>(COVERAGE_QUERIES.ecosystem);
  const selectEcosystems = db.prepare<[], { ecosystem: string }>(COVERAGE_QUERIES.ecosystems);

  function writable<T>(statement: T | null): T {
    if (statement === null) throw database.error('advisory database was opened read-only');
    return statement;
  }

  function removeRecord(id: string): number {
    writable(deleteAffected).run(id);
    writable(deleteAliases).run(id);
    writable(deleteSourcesOf).run(id);
    return writable(deleteRecord).run(id).changes;
  }

  function indexRecord(record: PreparedRecord, replacing: boolean): void {
    if (replacing) {
      writable(deleteAffected).run(record.id);
      writable(deleteAliases).run(record.id);
    }
    const packages = record.packages;
    for (let index = 0; index + 1 < packages.length; index += 2) {
      const key = affectedKey(packages[index]!, packages[index + 1]!);
      writable(insertAffected).run(key.ecosystem, key.name, record.id);
    }
    for (const alias of record.aliases) writable(insertAlias).run(alias, record.id);
  }

  /** Writes one record for `source`; false when the stored copy is newer or the same (it still joins the source). */
  function writeRecord(record: PreparedRecord, source: string): boolean {
    const json = typeof record.json === 'string' ? record.json : Buffer.from(record.json.buffer, record.json.byteOffset, record.json.byteLength);
    writable(insertSource).run(source, record.id);
    if (writable(insertNewRecord).run(record.id, record.modified, record.modifiedKey, record.withdrawn, json).changes === 1) {
      indexRecord(record, false);
      return true;
    }
    const existing = selectModified.get(record.id)!;
    // Newest wins: the same advisory reaches us through several feeds (a
    // GHSA record sits in both the PyPI and npm exports), and an older copy
    // must not replace a newer one. An identical copy needs no write.
    if (existing.modified_key > record.modifiedKey || (existing.modified_key === record.modifiedKey && selectSameJson.get(json, record.id)?.same === 1)) {
      return false;
    }
    writable(insertRecord).run(record.id, record.modified, record.modifiedKey, record.withdrawn, json);
    indexRecord(record, true);
    return true;
  }

  function writeAll(records: Iterable<PreparedRecord>, source: string, total: ImportStats): void {
    for (const record of records) {
      if (writeRecord(record, source)) total.imported++;
      else total.skipped++;
    }
  }

  const importAll = db.transaction((records: Iterable<OsvRecord>, source: string): ImportStats => {
    const total: ImportStats = { imported: 0, skipped: 0 };
    for (const record of records) {
      if (writeRecord(prepareRecord(record), source)) total.imported++;
      else total.skipped++;
    }
    return total;
  });

  /** One transaction held open while `batches` arrive; what they throw (or SQLite) rolls everything back. */
  async function importBatches<T>(batches: AsyncIterable<readonly T[]>, source: string, write: (batch: readonly T[], total: ImportStats) => void): Promise<ImportStats> {
    if (readonly) throw database.error('advisory database was opened read-only');
    if (db.inTransaction) throw new Error('importRecordStream: the store is already inside a transaction');
    const total: ImportStats = { imported: 0, skipped: 0 };
    const cacheSize = db.pragma('cache_size', { simple: true }) as number;
    db.pragma(`cache_size = -${IMPORT_CACHE_KIB}`);
    guard('import', () => db.exec('BEGIN IMMEDIATE'));
    try {
      for await (const batch of batches) guard('import', () => write(batch, total));
      guard('import', () => db.exec('COMMIT'));
    } catch (error) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw error;
    } finally {
      db.pragma(`cache_size = ${cacheSize}`);
    }
    return total;
  }

  /** Groups an async stream of records into arrays of up to `size`. */
  async function* inBatches<T>(records: AsyncIterable<T>, size: number): AsyncGenerator<T[]> {
    let batch: T[] = [];
    for await (const record of records) {
      batch.push(record);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  return {
    path: database.path,
    openMode: database.mode,

    importRecords(records, options = {}) {
      return guard('import', () => importAll(records, options.source ?? DEFAULT_SOURCE));
    },

    importRecordStream(records, options = {}) {
      // Inside the open transaction, importAll's own transaction is a savepoint per batch.
      return importBatches(inBatches(records, STREAM_BATCH), options.source ?? DEFAULT_SOURCE, (batch, total) => {
        const stats = importAll(batch, options.source ?? DEFAULT_SOURCE);
        total.imported += stats.imported;
        total.skipped += stats.skipped;
      });
    },

    importPreparedBatches(batches, options = {}) {
      const source = options.source ?? DEFAULT_SOURCE;
      return importBatches(batches, source, (batch, total) => writeAll(batch, source, total));
    },

    recordsFor(ecosystem: Ecosystem, normalizedName: string) {
      const key = affectedKey(ecosystem, normalizeName(ecosystem, normalizedName));
      return selectFor.all(key.ecosystem, key.name).map((row) => parseStoredRecord(row.json));
    },

    getRecord(id) {
      const row = selectRecord.get(id);
      return row ? parseStoredRecord(row.json) : null;
    },

    deleteRecords(ids) {
      return guard('delete', () =>
        db.transaction(() => {
          let deleted = 0;
          for (const id of ids) deleted += removeRecord(id);
          return deleted;
        })(),
      );
    },

    count() {
      return selectCount.get()?.n ?? 0;
    },

    getMeta(key) {
      return selectMeta.get(key)?.value ?? null;
    },

    setMeta(key, value) {
      guard('set meta', () => writable(upsertMeta).run(key, value));
    },

    transaction(work) {
      return guard('transaction', () => db.transaction(work)());
    },

    sourceRecords(source) {
      const result = new Map<string, string>();
      for (const row of selectSource.iterate(source)) result.set(row.id, row.modified);
      return result;
    },

    detachFromSource(source, ids) {
      return guard('detach', () =>
        db.transaction(() => {
          let deleted = 0;
          for (const id of ids) {
            writable(deleteSourceRow).run(source, id);
            if ((countSourcesOf.get(id)?.n ?? 0) === 0) deleted += removeRecord(id);
          }
          return deleted;
        })(),
      );
    },

    sourceCounts() {
      const counts: Record<string, number> = {};
      for (const row of selectSourceCounts.iterate()) counts[row.source] = row.n;
      return counts;
    },

    idsFor(id) {
      return selectIdsFor.all(id, id).map((row) => row.id);
    },

    coverage(ecosystems) {
      const asked = ecosystems ?? selectEcosystems.all().map((row) => row.ecosystem);
      return asked.map((ecosystem): EcosystemCoverage => {
        const key = baseEcosystem(ecosystem);
        const row = selectCoverage.get(key);
        return { ecosystem: key, advisories: row?.advisories ?? 0, newestModified: row?.newest ?? null };
      });
    },

    close() {
      database.close();
    },
  };
}
