/**
 * What the PyPI resolver keeps between runs, as uv keeps its parsed index
 * pages: each project's releases reduced to the fields resolution reads (a
 * page of thousands of files is megabytes of JSON to parse again), and each
 * file's dependencies once read (wheels are immutable). The HTTP cache still
 * holds the pages themselves; this holds what was made of them.
 *
 * Declared here, implemented by src/store/pypi-summary-store.ts
 * (`openSummaryStore`), opened by the front end and handed in.
 */

/** One distribution file, as stored. */
export interface StoredFile {
  filename: string;
  url: string;
  yanked: boolean;
  requiresPython?: string;
  uploadTime?: string;
  size?: number;
  /** The index advertises PEP 658 metadata for it. */
  coreMetadata?: boolean;
}

export interface StoredRelease {
  version: string;
  files: StoredFile[];
  /** The earliest upload time among the files, null when none has one. */
  earliestUpload: string | null;
}

/** A file's dependencies as read: `Requires-Dist` lines as written, or 'unknown'. */
export type StoredMetadata = { requiresDist: string[]; requiresPython?: string; caveat?: string } | 'unknown';

export interface SummaryStore {
  readonly path: string;
  /** The releases last stored for a project (null: the index had no such project) and when, in ms since the epoch. */
  getProject(indexUrl: string, name: string): { storedAt: number; releases: StoredRelease[] | null } | null;
  putProject(indexUrl: string, name: string, releases: StoredRelease[] | null, storedAt: number): void;
  getMetadata(fileUrl: string): StoredMetadata | null;
  putMetadata(fileUrl: string, metadata: StoredMetadata): void;
  /** Writes what putProject queued (it packs and writes while the event loop is idle). */
  flush(): void;
  /** Flushes, then closes the database. */
  close(): void;
}
