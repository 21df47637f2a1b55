import type { OsvRecord } from './types.js';
import type { RecordSource } from './match.js';

/**
 * The advisory database as this area needs it. Declared here, implemented by
 * src/store/ (SQLite, `openSqliteStore`; a Postgres backend can implement the
 * same), opened by the front end and handed in: advisories/ never imports
 * store/. Every write is a transaction: a failed import leaves what was
 * stored untouched.
 */

export interface ImportStats {
  imported: number;
  skipped: number;
}

/** Where validated records go (`db import`, `--advisories`). */
export interface AdvisoryImportSink {
  /**
   * Inserts or replaces records (by id) in one transaction, tagged with
   * `source` (default `local`); an older or identical copy of a stored record
   * is `skipped` and still joins the source. `records` may be a generator
   * that reads while the transaction is open; what it throws is rethrown.
   */
  importRecords(records: Iterable<OsvRecord>, options?: { source?: string }): ImportStats;
}

/**
 * Reading the database: what the matcher, `scan` and `graph` ask.
 * `recordsFor` gives every record with an `affected` entry for (ecosystem,
 * normalised name), withdrawn ones included (the matcher skips them).
 */
export interface AdvisoryReader extends RecordSource {
  getRecord(id: string): OsvRecord | null;
  count(): number;
  getMeta(key: string): string | null;
  close(): void;
}

/** The whole database: reading, importing and small writes. */
export interface AdvisoryStore extends AdvisoryReader, AdvisoryImportSink {
  deleteRecords(ids: Iterable<string>): number;
  setMeta(key: string, value: string): void;
}

/** What `db update` needs on top: one feed's changes applied atomically. */
export interface AdvisoryUpdateStore extends AdvisoryStore {
  /** Runs `work` in one transaction (a savepoint when nested): if it throws, nothing it wrote stays. `work` must be synchronous. */
  transaction<T>(work: () => T): T;
  /** id → `modified` of every record the source delivered. */
  sourceRecords(source: string): Map<string, string>;
  /** Removes `ids` from `source`; records no other source holds are deleted. Returns how many records were deleted. */
  detachFromSource(source: string, ids: Iterable<string>): number;
}

/** How a pipeline opens advisory stores; the front end hands one in. */
export interface AdvisoryStoreOpener {
  /** The database at `path`, read-only (a shared database this user may not write included). */
  openReader(path: string): AdvisoryReader;
  /** An empty store of its own, for records loaded for one run (`scan --advisories`); gone when closed. */
  openTemporary(): AdvisoryStore;
}
