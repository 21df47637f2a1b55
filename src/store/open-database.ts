import { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChainwatchError } from '../core/errors.js';
import { readInputBytesSync } from '../inventory/read-input.js';

/**
 * The one way chainwatch opens an SQLite file: the advisory database, the
 * graph history, the HTTP and GitHub caches and the PyPI summaries all call
 * `openDatabase(path, schema, options)`, which
 *   - opens the file (creating its folder), only if it is a regular file;
 *   - sets the connection up: WAL (scans read while an update writes),
 *     `synchronous = NORMAL` (crash-safe under WAL: a power cut can lose the
 *     last commit, never corrupt the file), a 5 s busy timeout (several
 *     processes share the caches), and the schema's own pragmas;
 *   - brings the schema up to date: `migrations[n]` upgrades version n to
 *     n + 1, all pending ones in one transaction, the version kept in
 *     `PRAGMA user_version`; a file from a newer chainwatch is refused;
 *   - turns every failure into a `ChainwatchError('store-error')` naming the
 *     database and carrying its path as location.
 *
 * Read-only opens never migrate nor switch the journal. They need more than
 * `new Database(path, { readonly })`: SQLite reads a WAL database through its
 * `-shm` (and `-wal`) files, creating them when they are missing, even for a
 * read-only connection. A shared advisory database that its readers may not
 * write (a file in a read-only image, a directory owned by another user) is
 * usually left without them (the last writer's close checkpoints and deletes
 * both), so a plain read-only open fails with "attempt to write a readonly
 * database". SQLite's answer is the `immutable=1` URI parameter, but
 * better-sqlite3 is built without URI filenames; its equivalent is a
 * snapshot: the file's bytes, its header switched from WAL to rollback (bytes
 * 18 and 19), deserialized into memory. It costs memory the size of the file
 * (about 250 MB for a full database) and only happens when nothing else can
 * work.
 */

/** How the file ends up open: `snapshot` is the in-memory copy described above. */
export type DatabaseOpenMode = 'read-write' | 'read-only' | 'snapshot';

export interface OpenDatabaseOptions {
  /** Open without writing (no migrations, no WAL switch); the file must exist. */
  readonly?: boolean;
  /**
   * Whether this process may write `target` (the file, or the directory
   * beside it where SQLite creates `-wal` and `-shm`). Default: `access(W_OK)`.
   * Injectable because root may write anything, so only a test that pretends
   * otherwise can take the non-writable paths as root.
   */
  isWritable?: (target: string) => boolean;
}

/** What a store tells openDatabase about its file. */
export interface DatabaseSchema {
  /** The database as errors name it: `advisory database`, `HTTP cache`. */
  name: string;
  /**
   * `migrations[n]` upgrades version n to n + 1: SQL, or a function for what
   * SQL cannot compute (hashing stored rows); the schema version is their number.
   */
  migrations: readonly (string | ((db: Database.Database) => void))[];
  /** Connection settings beyond the shared ones, applied on writable opens (`foreign_keys = ON`). */
  pragmas?: readonly string[];
  /**
   * The page size of a database this open creates (SQLite fixes it when the
   * first page is written, and cannot change it under WAL); existing files
   * keep theirs. Default: SQLite's (4096).
   */
  pageSize?: number;
  /**
   * Versions whose migration deletes rows that must not survive in free pages
   * or the WAL (they could hold secrets): migrating from one of them ends with
   * VACUUM and a truncating checkpoint.
   */
  vacuumAfterMigratingFrom?: readonly number[];
  /** Said when the file is too new or not writable: what the user can do (`delete the file to start afresh`). */
  advice?: { newer?: string; notWritable?: string };
  /**
   * A read-only open of a file an older chainwatch wrote migrates it first
   * when this user may write it, instead of refusing: the first command after
   * an upgrade may well be one that only reads (`chainwatch diff`).
   */
  migrateOnReadonlyOpen?: boolean;
}

/** An open database, ready for the store that asked for it. */
export interface StoreDatabase {
  readonly db: Database.Database;
  readonly path: string;
  readonly mode: DatabaseOpenMode;
  /** A `store-error` about this database, its path as location. */
  error(message: string, cause?: unknown): ChainwatchError;
  /**
   * Runs `work`; what SQLite throws (disk full, busy, a constraint) becomes a
   * `store-error` "<name>: <action> failed: …". Other errors pass unchanged:
   * a `ChainwatchError` already says what happened, and anything else (say
   * from the records an import is given) is not the store's to rename.
   */
  guard<T>(action: string, work: () => T): T;
  /** Closes the connection; a second call does nothing. */
  close(): void;
}

const BUSY_TIMEOUT_MS = 5000;

/** The largest file a snapshot may copy into memory (a Buffer's limit is 4 GiB). */
const MAX_SNAPSHOT_BYTES = 4096 * 1024 * 1024 - 1;

export function canWrite(target: string): boolean {
  try {
    accessSync(target, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Opens `databasePath` (or `:memory:`) for `schema`, migrated when writable. Failures are `store-error`s with the path as location. */
export function openDatabase(databasePath: string, schema: DatabaseSchema, options: OpenDatabaseOptions = {}): StoreDatabase {
  const { db, mode } = openFile(databasePath, schema, options);
  try {
    prepare(db, databasePath, schema, options.readonly === true);
  } catch (error) {
    db.close();
    if (error instanceof ChainwatchError) throw error;
    throw storeError(`cannot use ${schema.name}: ${(error as Error).message}`, databasePath, error);
  }
  return {
    db,
    path: databasePath,
    mode,
    error: (message, cause) => storeError(message, databasePath, cause),
    guard(action, work) {
      try {
        return work();
      } catch (error) {
        if (error instanceof Database.SqliteError) throw storeError(`${schema.name}: ${action} failed: ${error.message}`, databasePath, error);
        throw error;
      }
    },
    close() {
      if (db.open) db.close();
    },
  };
}

function prepare(db: Database.Database, databasePath: string, schema: DatabaseSchema, readonly: boolean): void {
  const latest = schema.migrations.length;
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > latest) {
    const advice = schema.advice?.newer === undefined ? '' : `; ${schema.advice.newer}`;
    throw storeError(`${schema.name} has schema version ${version}; this chainwatch understands up to ${latest}${advice}`, databasePath);
  }
  if (readonly) {
    if (version < latest) throw storeError(`${schema.name} needs migrating (version ${version}); open it writable once`, databasePath);
    return;
  }
  // Before WAL: a new file takes its page size from the first write, and WAL freezes it.
  if (version === 0 && schema.pageSize !== undefined && databasePath !== ':memory:') db.pragma(`page_size = ${schema.pageSize}`);
  // Pragmas that already hold are not written again, so reopening leaves the file's bytes as they are.
  if (databasePath !== ':memory:' && db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  for (const pragma of schema.pragmas ?? []) db.pragma(pragma);
  if (version === latest) return;
  db.transaction(() => {
    for (let step = version; step < latest; step++) {
      const migration = schema.migrations[step]!;
      if (typeof migration === 'string') db.exec(migration);
      else migration(db);
    }
    db.pragma(`user_version = ${latest}`);
  })();
  if (databasePath !== ':memory:' && version > 0 && schema.vacuumAfterMigratingFrom?.includes(version)) {
    // Deleted rows stay readable in free pages and in the WAL until rewritten.
    db.exec('VACUUM');
    db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

function openFile(databasePath: string, schema: DatabaseSchema, options: OpenDatabaseOptions): { db: Database.Database; mode: DatabaseOpenMode } {
  const what = schema.name;
  const readonly = options.readonly === true;
  if (databasePath === ':memory:') return { db: openWith(':memory:', what, {}), mode: 'read-write' };
  const isWritable = options.isWritable ?? canWrite;
  const directory = path.dirname(path.resolve(databasePath));
  const exists = existsSync(databasePath);
  if (readonly && !exists) throw storeError(`cannot open ${what}: it does not exist`, databasePath);
  // A FIFO or device would block or never end; SQLite would open it all the same.
  let header = exists ? readHeader(databasePath, what) : null;
  if (!readonly) {
    if (exists && !isWritable(databasePath)) {
      const advice = schema.advice?.notWritable === undefined ? '' : ` (${schema.advice.notWritable})`;
      throw storeError(`cannot write ${what}: this user may not write the file${advice}`, databasePath);
    }
    try {
      mkdirSync(directory, { recursive: true });
    } catch (error) {
      throw storeError(`cannot create the folder of ${what}: ${(error as Error).message}`, databasePath, error);
    }
    if (!isWritable(directory)) {
      throw storeError(`cannot write ${what}: this user may not create files in ${directory} (SQLite keeps its -wal and -shm files there)`, databasePath);
    }
    return { db: openWith(databasePath, what, {}), mode: 'read-write' };
  }
  const version = storedVersion(header!);
  if (schema.migrateOnReadonlyOpen && version > 0 && version < schema.migrations.length && isWritable(databasePath) && isWritable(directory)) {
    openDatabase(databasePath, schema, { isWritable }).close();
    header = readHeader(databasePath, what);
  }
  const mode = readonlyMode(databasePath, header!, directory, isWritable, what);
  if (mode === 'read-only') return { db: openWith(databasePath, what, { readonly: true, fileMustExist: true }), mode };
  const bytes = (() => {
    try {
      return readInputBytesSync(databasePath, { maxBytes: MAX_SNAPSHOT_BYTES });
    } catch (error) {
      throw storeError(`cannot read ${what} into memory: ${(error as Error).message}`, databasePath, error);
    }
  })();
  // Rollback instead of WAL: the file is complete (no -wal content, checked above) and the copy is never written.
  bytes[18] = 1;
  bytes[19] = 1;
  return { db: openWith(bytes, what, { readonly: true }, databasePath), mode };
}

/**
 * A WAL database this user cannot create `-wal`/`-shm` beside is read from a
 * snapshot, unless both files exist (SQLite then reads them as they are). A
 * non-empty `-wal` without its `-shm` holds commits a snapshot would miss:
 * that is an error asking for a checkpoint, not stale answers.
 */
function readonlyMode(databasePath: string, header: Uint8Array, directory: string, isWritable: (target: string) => boolean, what: string): DatabaseOpenMode {
  const wal = header.length >= 20 && (header[18] === 2 || header[19] === 2);
  if (!wal || isWritable(directory)) return 'read-only';
  const shm = existsSync(`${databasePath}-shm`);
  const walBytes = existsSync(`${databasePath}-wal`) ? statSync(`${databasePath}-wal`).size : null;
  if (shm && walBytes !== null) return 'read-only';
  if (walBytes !== null && walBytes > 0) {
    throw storeError(
      `cannot read ${what}: its -wal file holds changes not yet written into it, and without a -shm file, which this user may not create in ${directory}, they cannot be read; open it once as a user who may write it to checkpoint`,
      databasePath,
    );
  }
  return 'snapshot';
}

/**
 * `PRAGMA user_version` as the file's header holds it (4 bytes big-endian at
 * offset 60). A newer version committed only to the WAL is missed; the
 * writable open that follows then finds nothing to migrate.
 */
function storedVersion(header: Uint8Array): number {
  if (header.length < 64) return 0;
  return ((header[60]! << 24) | (header[61]! << 16) | (header[62]! << 8) | header[63]!) >>> 0;
}

/** The first 100 bytes (the SQLite header), opened without blocking; anything but a regular file is an error. */
function readHeader(databasePath: string, what: string): Uint8Array {
  let descriptor: number;
  try {
    descriptor = openSync(databasePath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    throw storeError(`cannot open ${what}: ${(error as Error).message}`, databasePath, error);
  }
  try {
    if (!fstatSync(descriptor).isFile()) throw storeError(`cannot open ${what}: it is not a regular file`, databasePath);
    const header = Buffer.alloc(100);
    const length = readSync(descriptor, header, 0, header.length, 0);
    return header.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

/** better-sqlite3's compiled addon, once looked up: its path or the loaded addon, or null to let better-sqlite3 find it. */
let addon: string | object | null | undefined;

/**
 * better-sqlite3's addon, handed over as `nativeBinding`: left to itself,
 * better-sqlite3 asks the `bindings` package, which reads a stack trace to
 * find the package and probes a dozen paths (6–8 ms of a scan's start-up,
 * measured). Where its install put it (build/Release), the path; where
 * bindings would look first (build/, build/Debug/) or elsewhere, bindings
 * itself, told the package's folder, so the same file is loaded either way,
 * also from the scan bundle (dist/cli/scan-main.cjs), which holds
 * better-sqlite3's JavaScript but must not let bindings take the bundle for
 * the package.
 */
function nativeBinding(): string | object | null {
  if (addon !== undefined) return addon;
  addon = null;
  try {
    const manifest = createRequire(import.meta.url).resolve('better-sqlite3/package.json');
    const root = path.dirname(manifest);
    const release = path.join(root, 'build', 'Release', 'better_sqlite3.node');
    const earlier = [path.join(root, 'build', 'better_sqlite3.node'), path.join(root, 'build', 'Debug', 'better_sqlite3.node')];
    if (existsSync(release) && !earlier.some((candidate) => existsSync(candidate))) addon = release;
    else {
      const bindings = createRequire(manifest)('bindings') as (options: { bindings: string; module_root: string }) => object;
      addon = bindings({ bindings: 'better_sqlite3.node', module_root: root });
    }
  } catch {
    // better-sqlite3 then fails to load as it always did, and says why.
  }
  return addon;
}

function openWith(source: string | Buffer, what: string, options: Database.Options, shownPath = source as string): Database.Database {
  const binding = nativeBinding();
  try {
    // @types/better-sqlite3 omits the loaded-addon form better-sqlite3 takes.
    return new Database(source, { timeout: BUSY_TIMEOUT_MS, ...(binding === null ? {} : { nativeBinding: binding as string }), ...options });
  } catch (error) {
    throw storeError(`cannot open ${what}: ${(error as Error).message}`, shownPath, error);
  }
}

function storeError(message: string, databasePath: string, cause?: unknown): ChainwatchError {
  return new ChainwatchError('store-error', message, { location: { path: databasePath }, ...(cause === undefined ? {} : { cause }) });
}
