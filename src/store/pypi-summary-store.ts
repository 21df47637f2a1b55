import path from 'node:path';
import type { StoredFile, StoredMetadata, StoredRelease, SummaryStore } from '../graph/pypi/summary-store.js';
import { defaultHttpCachePath } from './http-cache.js';
import { openDatabase, type DatabaseSchema } from './open-database.js';

/**
 * The PyPI summaries src/graph/pypi/summary-store.ts declares, in SQLite.
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

const SCHEMA: DatabaseSchema = { name: 'PyPI summary store', migrations: MIGRATIONS, advice: { newer: 'delete the file to start afresh' } };

/** `pypi-summary.sqlite`, beside the HTTP cache. */
export function defaultSummaryStorePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(defaultHttpCachePath(env)), 'pypi-summary.sqlite');
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
  const database = openDatabase(storePath, SCHEMA);
  const { db, guard } = database;
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
    guard('write', () => upsertProject.run(entry.indexUrl, entry.name, entry.storedAt, entry.releases === null ? null : pack(entry.releases)));
    return true;
  }
  // A write that fails while the event loop is idle has no caller to tell: the next flush() or close() throws it.
  let failure: unknown = null;
  function drain(): void {
    scheduled = false;
    if (closed) return;
    try {
      if (!writeOne()) return;
    } catch (error) {
      failure ??= error;
      return;
    }
    if (pending.size > 0) schedule();
  }
  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    setImmediate(drain);
  }
  function flush(): void {
    while (writeOne());
    if (failure !== null) {
      const error = failure;
      failure = null;
      throw error;
    }
  }
  return {
    path: database.path,
    getProject(indexUrl, name) {
      const queued = pending.get(keyOf(indexUrl, name));
      if (queued) return { storedAt: queued.storedAt, releases: queued.releases };
      const row = guard('read', () => selectProject.get(indexUrl, name));
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
      const row = guard('read', () => selectMetadata.get(fileUrl));
      if (!row) return null;
      try {
        return JSON.parse(row.record) as StoredMetadata;
      } catch {
        return null;
      }
    },
    putMetadata(fileUrl, metadata) {
      guard('write', () => upsertMetadata.run(fileUrl, JSON.stringify(metadata)));
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
