import type { Ecosystem } from '../core/package.js';
import type { OsvRecord } from '../advisories/types.js';

export interface ImportStats {
  imported: number;
  skipped: number;
}

/**
 * The advisory database. SQLite implements it today (sqlite-store.ts); a
 * Postgres backend can implement the same interface later. Every write is a
 * transaction: a failed import leaves what was stored untouched.
 */
export interface AdvisoryStore {
  /** Inserts or replaces records (by id) in one transaction. */
  importRecords(records: Iterable<OsvRecord>, options?: { source?: string }): ImportStats;
  /** Every record with an `affected` entry for (ecosystem, normalised name). Withdrawn records included; the matcher skips them. */
  recordsFor(ecosystem: Ecosystem, normalizedName: string): OsvRecord[];
  getRecord(id: string): OsvRecord | null;
  deleteRecords(ids: Iterable<string>): number;
  count(): number;
  getMeta(key: string): string | null;
  setMeta(key: string, value: string): void;
  close(): void;
}
