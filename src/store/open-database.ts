import { accessSync, closeSync, constants, existsSync, fstatSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ChainwatchError } from '../core/errors.js';
import { readInputBytesSync } from '../inventory/read-input.js';

/**
 * The one way chainwatch opens an SQLite file (the advisory database, the
 * graph history).
 *
 * Why more than `new Database(path)`: both databases use WAL, and SQLite
 * reads a WAL database through its `-shm` (and `-wal`) files, creating them
 * when they are missing, even for a read-only connection. A shared advisory
 * database that its readers may not write (a file in a read-only image, a
 * directory owned by another user) is usually left without them (the last
 * writer's close checkpoints and deletes both), so a plain read-only open
 * fails with "attempt to write a readonly database". SQLite's answer is the
 * `immutable=1` URI parameter, but better-sqlite3 is built without URI
 * filenames; its equivalent is a snapshot: the file's bytes, its header
 * switched from WAL to rollback (bytes 18 and 19), deserialized into memory.
 * It costs memory the size of the file (about 250 MB for a full database)
 * and only happens when nothing else can work.
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

export interface OpenedDatabase {
  db: Database.Database;
  mode: DatabaseOpenMode;
}

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

/**
 * Opens `databasePath` (or `:memory:`). `what` names the database in errors
 * ("advisory database", "graph history"). Failures are `store-error`s with
 * the path as location.
 */
export function openDatabaseFile(databasePath: string, what: string, options: OpenDatabaseOptions = {}): OpenedDatabase {
  const readonly = options.readonly === true;
  if (databasePath === ':memory:') return { db: new Database(':memory:'), mode: 'read-write' };
  const isWritable = options.isWritable ?? canWrite;
  const directory = path.dirname(path.resolve(databasePath));
  const exists = existsSync(databasePath);
  if (readonly && !exists) throw storeError(`cannot open ${what}: it does not exist`, databasePath);
  // A FIFO or device would block or never end; SQLite would open it all the same.
  const header = exists ? readHeader(databasePath, what) : null;
  if (!readonly) {
    if (exists && !isWritable(databasePath)) {
      throw storeError(`cannot write ${what}: this user may not write the file (commands that only read it open it read-only)`, databasePath);
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

function openWith(source: string | Buffer, what: string, options: Database.Options, shownPath = source as string): Database.Database {
  try {
    return new Database(source, options);
  } catch (error) {
    throw storeError(`cannot open ${what}: ${(error as Error).message}`, shownPath, error);
  }
}

function storeError(message: string, databasePath: string, cause?: unknown): ChainwatchError {
  return new ChainwatchError('store-error', message, { location: { path: databasePath }, ...(cause === undefined ? {} : { cause }) });
}
