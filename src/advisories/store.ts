import type { PreparedRecord } from './prepared.js';
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
  /**
   * The same, for records that arrive asynchronously (files read one by one):
   * still one transaction, held open while `records` is read, so a directory
   * of 300,000 files never sits in memory at once and a failure (or what the
   * iterable throws, rethrown unchanged) leaves what was stored untouched.
   * Nothing else may use the store until the promise settles.
   */
  importRecordStream(records: AsyncIterable<OsvRecord>, options?: { source?: string }): Promise<ImportStats>;
  /**
   * The same for records already validated and serialised (prepareRecord),
   * arriving in batches: what a big import sends, so the thread holding the
   * transaction only writes. One transaction; what the iterable throws is
   * rethrown unchanged after everything is rolled back.
   */
  importPreparedBatches(batches: AsyncIterable<readonly PreparedRecord[]>, options?: { source?: string }): Promise<ImportStats>;
}

/**
 * What the database holds for one ecosystem: how many advisories and how
 * fresh they are. `scan` and `db status` use it to tell "no known
 * vulnerabilities" apart from "not checked".
 */
export interface EcosystemCoverage {
  /** OSV's spelling without a release suffix (`Debian`, not `Debian:12`). */
  ecosystem: string;
  /** Records with an `affected` entry in this ecosystem, withdrawn ones left out. */
  advisories: number;
  /** The newest `modified` among them, withdrawn ones included (a withdrawal is news too), as the record wrote it; null when there is none. */
  newestModified: string | null;
}

/**
 * Reading the database: what the matcher, `scan` and `graph` ask.
 * `recordsFor` gives every record with an `affected` entry for (ecosystem,
 * normalised name), withdrawn ones included (the matcher skips them).
 */
export interface AdvisoryReader extends RecordSource {
  getRecord(id: string): OsvRecord | null;
  /** Ids of the records whose id or aliases include `idOrAlias`, sorted. */
  idsFor(idOrAlias: string): string[];
  count(): number;
  /**
   * Per ecosystem: the given ones in the order given (an ecosystem without
   * records has 0 advisories), or every ecosystem the database has records
   * for, sorted, when none are given.
   */
  coverage(ecosystems?: readonly string[]): EcosystemCoverage[];
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
