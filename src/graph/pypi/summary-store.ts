import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChainwatchError } from '../../core/errors.js';

/**
 * What the resolver keeps of PyPI between runs, as uv keeps its parsed index
 * pages: each project's releases reduced to the fields resolution reads
 * (a page of thousands of files is megabytes of JSON to parse again), and
 * each file's dependencies once read (wheels are immutable). The HTTP cache
 * still holds the pages themselves; this holds what was made of them.
 *
 * Schema version 1 (`PRAGMA user_version`):
 *   projects(index_url, name, stored_at, releases TEXT) — one line per
 *     release (not compressed: inflating cost more than reading the text)
 *   metadata(url, record TEXT) — JSON
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
];

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

// Files are stored as arrays, and a URL that ends with the file name without it: most of the bytes are URLs.
// Each release's files are a JSON text of their own, parsed only when the resolver looks at that release
// (it considers a few hundred of the thousands of releases a resolution loads).
type PackedFile = [filename: string, url: string, yanked: 0 | 1, requiresPython: string | null, uploadTime: string | null, size: number | null, coreMetadata: 0 | 1];

// One line per release: `version TAB earliest-upload TAB files-JSON` (JSON text never holds a raw tab or
// newline), so reading a project splits lines instead of parsing thousands of nested JSON strings.
function pack(releases: StoredRelease[]): string {
  const lines = releases.map((release) => [
    release.version,
    release.earliestUpload ?? '',
    JSON.stringify(release.files.map((file): PackedFile => [
      file.filename,
      file.url.endsWith(`/${file.filename}`) ? file.url.slice(0, -file.filename.length) : file.url,
      file.yanked ? 1 : 0,
      file.requiresPython ?? null,
      file.uploadTime ?? null,
      file.size ?? null,
      file.coreMetadata ? 1 : 0,
    ])),
  ].join('\t'));
  return lines.join('\n');
}

function unpackFiles(text: string): StoredFile[] {
  return (JSON.parse(text) as PackedFile[]).map(([filename, url, yanked, requiresPython, uploadTime, size, coreMetadata]) => ({
    filename,
    url: url.endsWith('/') ? `${url}${filename}` : url,
    yanked: yanked === 1,
    ...(requiresPython === null ? {} : { requiresPython }),
    ...(uploadTime === null ? {} : { uploadTime }),
    ...(size === null ? {} : { size }),
    ...(coreMetadata === 1 ? { coreMetadata: true } : {}),
  }));
}

function unpack(text: string): StoredRelease[] {
  if (text === '') return [];
  return text.split('\n').map((line) => {
    const first = line.indexOf('\t');
    const second = line.indexOf('\t', first + 1);
    if (first < 0 || second < 0) throw new Error('damaged release line');
    const files = line.slice(second + 1);
    let unpacked: StoredFile[] | undefined;
    return {
      version: line.slice(0, first),
      earliestUpload: second === first + 1 ? null : line.slice(first + 1, second),
      get files() {
        unpacked ??= unpackFiles(files);
        return unpacked;
      },
    };
  });
}

/** Opens (creating if needed) the store; `:memory:` for tests. */
export function openSummaryStore(storePath: string): SummaryStore {
  const inMemory = storePath === ':memory:';
  let db: Database.Database;
  try {
    if (!inMemory) mkdirSync(path.dirname(path.resolve(storePath)), { recursive: true });
    db = new Database(storePath);
    db.pragma('busy_timeout = 5000');
    if (!inMemory) db.pragma('journal_mode = WAL');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > MIGRATIONS.length) throw new Error(`schema version ${version} is newer than this chainwatch understands; delete the file`);
    if (version < MIGRATIONS.length) {
      db.transaction(() => {
        for (let index = version; index < MIGRATIONS.length; index++) db.exec(MIGRATIONS[index]!);
        db.pragma(`user_version = ${MIGRATIONS.length}`);
      })();
    }
  } catch (error) {
    throw new ChainwatchError('store-error', `cannot use the PyPI summary store: ${(error as Error).message}`, { location: { path: storePath }, cause: error });
  }
  const selectProject = db.prepare<[string, string], { stored_at: number; releases: string | null }>('SELECT stored_at, releases FROM projects WHERE index_url = ? AND name = ?');
  const upsertProject = db.prepare('INSERT OR REPLACE INTO projects (index_url, name, stored_at, releases) VALUES (?, ?, ?, ?)');
  const selectMetadata = db.prepare<[string], { record: string }>('SELECT record FROM metadata WHERE url = ?');
  const upsertMetadata = db.prepare('INSERT OR REPLACE INTO metadata (url, record) VALUES (?, ?)');
  // Packing a project is thousands of files of work that no answer waits for: putProject queues it
  // and the queue drains one project per turn of the event loop (while the resolver waits on the
  // network), or at flush()/close(). Reads see queued projects.
  const pending = new Map<string, { indexUrl: string; name: string; releases: StoredRelease[] | null; storedAt: number }>();
  let scheduled = false;
  let closed = false;
  const keyOf = (indexUrl: string, name: string) => `${indexUrl}\n${name}`;
  function writeOne(): boolean {
    const next = pending.entries().next();
    if (next.done) return false;
    const [key, entry] = next.value;
    pending.delete(key);
    upsertProject.run(entry.indexUrl, entry.name, entry.storedAt, entry.releases === null ? null : pack(entry.releases));
    return true;
  }
  function drain(): void {
    scheduled = false;
    if (closed || !writeOne()) return;
    if (pending.size > 0) schedule();
  }
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  }
  function flush(): void {
    while (writeOne());
  }
  return {
    path: storePath,
    getProject(indexUrl, name) {
      const queued = pending.get(keyOf(indexUrl, name));
      if (queued) return { storedAt: queued.storedAt, releases: queued.releases };
      const row = selectProject.get(indexUrl, name);
      if (!row) return null;
      try {
        return { storedAt: row.stored_at, releases: row.releases === null ? null : unpack(row.releases) };
      } catch {
        // A damaged entry is a miss, not a failure: the page is read again.
        return null;
      }
    },
    putProject(indexUrl, name, releases, storedAt) {
      const key = keyOf(indexUrl, name);
      pending.delete(key);
      pending.set(key, { indexUrl, name, releases, storedAt });
      schedule();
    },
    getMetadata(fileUrl) {
      const row = selectMetadata.get(fileUrl);
      if (!row) return null;
      try {
        return JSON.parse(row.record) as StoredMetadata;
      } catch {
        return null;
      }
    },
    putMetadata(fileUrl, metadata) {
      upsertMetadata.run(fileUrl, JSON.stringify(metadata));
    },
    flush,
    close() {
      if (closed) return;
      flush();
      closed = true;
      db.close();
    },
  };
}
