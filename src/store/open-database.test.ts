import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createPackageMatcher } from '../advisories/match.js';
import type { OsvRecord } from '../advisories/types.js';
import { openGraphStore } from './graph-store.js';
import { openDatabase, type DatabaseSchema } from './open-database.js';
import { openSqliteStore, type SqliteAdvisoryStore } from './sqlite-store.js';

const RECORD: OsvRecord = {
  id: 'TEST-2024-1',
  modified: '2024-01-01T00:00:00Z',
  affected: [{ package: { ecosystem: 'PyPI', name: 'demo-package' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0' }] }] }],
};

const tempDirs: string[] = [];
const openStores: { close(): void }[] = [];

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-open-'));
  tempDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
  for (const dir of tempDirs.splice(0)) {
    chmodTree(dir);
    rmSync(dir, { recursive: true, force: true });
  }
});

/** Makes a tree writable again so a test run by an ordinary user can delete it. */
function chmodTree(dir: string): void {
  if (!existsSync(dir)) return;
  chmodSync(dir, 0o755);
  for (const entry of [path.join(dir, 'db'), path.join(dir, 'db', 'advisories.sqlite')]) if (existsSync(entry)) chmodSync(entry, 0o755);
}

/** A WAL database as `db update` leaves it: written, closed (which checkpoints and deletes -wal and -shm). */
function sharedDatabase(dir: string): string {
  mkdirSync(path.join(dir, 'db'), { recursive: true });
  const file = path.join(dir, 'db', 'advisories.sqlite');
  const store = openSqliteStore(file);
  store.importRecords([RECORD]);
  store.close();
  // WAL in the header (bytes 18 and 19), read without opening a connection that would create -wal and -shm.
  expect([...readFileSync(file).subarray(18, 20)]).toEqual([2, 2]);
  expect([existsSync(`${file}-wal`), existsSync(`${file}-shm`)]).toEqual([false, false]);
  return file;
}

function track<T extends { close(): void }>(store: T): T {
  openStores.push(store);
  return store;
}

const nothingWritable = () => false;

describe('opening a shared read-only advisory database (issue 7: "attempt to write a readonly database")', () => {
  it('reads a WAL database from an in-memory snapshot when nothing beside it may be written, and writes nothing there', () => {
    const file = sharedDatabase(tempDir());
    const before = readFileSync(file);
    const store = track(openSqliteStore(file, { readonly: true, isWritable: nothingWritable }));
    expect(store.openMode).toBe('snapshot');
    expect(store.count()).toBe(1);
    const matcher = createPackageMatcher(store);
    expect(matcher.match({ ecosystem: 'PyPI', name: 'demo-package', version: '1.0' }).findings.map((finding) => finding.id)).toEqual(['TEST-2024-1']);
    expect(() => store.setMeta('x', 'y')).toThrow(expect.objectContaining({ code: 'store-error' }));
    // A real read-only open would have created -shm and -wal here.
    expect([existsSync(`${file}-wal`), existsSync(`${file}-shm`)]).toEqual([false, false]);
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('opens it read-only as before when the folder may be written', () => {
    const file = sharedDatabase(tempDir());
    const store = track(openSqliteStore(file, { readonly: true, isWritable: (target) => target === path.dirname(file) }));
    expect(store.openMode).toBe('read-only');
    expect(store.count()).toBe(1);
  });

  it('opens it read-only when both -wal and -shm are already there, whoever may write', () => {
    const dir = tempDir();
    const file = sharedDatabase(dir);
    const writer = new Database(file);
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('later', 'commit');
    try {
      const store = track(openSqliteStore(file, { readonly: true, isWritable: nothingWritable }));
      expect(store.openMode).toBe('read-only');
      // The commit that still sits in -wal is seen.
      expect(store.getMeta('later')).toBe('commit');
    } finally {
      writer.close();
    }
  });

  it('refuses, asking for a checkpoint, a database whose -wal holds commits but whose -shm is gone', () => {
    const dir = tempDir();
    const file = sharedDatabase(dir);
    const writer = new Database(file);
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run('later', 'commit');
    // Copy what a reader would find if the -shm were lost: the file and its -wal.
    const copyDir = path.join(dir, 'copy');
    mkdirSync(copyDir);
    const copy = path.join(copyDir, 'advisories.sqlite');
    copyFileSync(file, copy);
    copyFileSync(`${file}-wal`, `${copy}-wal`);
    writer.close();
    let caught: unknown;
    try {
      openSqliteStore(copy, { readonly: true, isWritable: nothingWritable });
    } catch (error) {
      caught = error;
    }
    expect(caught).toMatchObject({ code: 'store-error', location: { path: copy } });
    expect((caught as Error).message).toMatch(/-wal file holds changes .* checkpoint/);
  });

  it('says clearly that a database this user may not write cannot be updated', () => {
    const file = sharedDatabase(tempDir());
    expect(() => openSqliteStore(file, { isWritable: nothingWritable })).toThrow(/^cannot write advisory database: this user may not write the file/);
    expect(() => openSqliteStore(file, { isWritable: (target) => target === file })).toThrow(/may not create files in .* -wal and -shm/);
  });

  it('refuses a FIFO as the database at once, read-only or not', () => {
    const fifo = path.join(tempDir(), 'advisories.sqlite');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    for (const readonly of [true, false]) {
      expect(() => openSqliteStore(fifo, { readonly })).toThrow(expect.objectContaining({ code: 'store-error', message: 'cannot open advisory database: it is not a regular file' }));
    }
  });

  it('reads the graph history the same way', () => {
    const file = path.join(tempDir(), 'graph.sqlite');
    openGraphStore(file).close();
    const history = track(openGraphStore(file, { readonly: true, isWritable: nothingWritable }));
    expect(history.listSnapshots()).toEqual([]);
    expect([existsSync(`${file}-wal`), existsSync(`${file}-shm`)]).toEqual([false, false]);
  });
});

/*
 * The same without pretending: the database file 0444 in a 0555 folder, read
 * by a user the permission bits apply to. Tests run as root in CI, and root
 * ignores permission bits, so the CLI then runs as `nobody` (uid 65534); run
 * by an ordinary user, it runs as that user. This proves that the default
 * writability check (access(2)) sees the folder as read-only and that `scan`
 * finds the advisory through the snapshot. Before the fix, the scan reported
 * the database as unreachable: "attempt to write a readonly database".
 */
describe('scan as a user who may not write the database or its folder', () => {
  const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
  const isRoot = process.getuid?.() === 0;

  it.skipIf(process.platform === 'win32')('finds the advisory through a snapshot', () => {
    const dir = tempDir();
    chmodSync(dir, 0o755);
    const file = sharedDatabase(dir);
    writeFileSync(path.join(dir, 'requirements.txt'), 'demo-package==1.0\n');
    const cli = path.join(dir, 'cli.mts');
    writeFileSync(cli, `import { main } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/cli/main.ts')).href)};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
    chmodSync(file, 0o444);
    chmodSync(path.dirname(file), 0o555);
    const run = spawnSync(process.execPath, ['--import', 'tsx', cli, 'scan', path.join(dir, 'requirements.txt'), '--db', file, '--offline', '--format', 'json'], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: dir, NO_COLOR: '1' },
      timeout: 60_000,
      ...(isRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(run.stderr).not.toMatch(/readonly database/);
    const report = JSON.parse(run.stdout) as { findings: { id: string }[]; sources: { name: string; reachable: boolean }[] };
    expect(report.findings.map((finding) => finding.id)).toEqual(['TEST-2024-1']);
    expect(report.sources).toEqual([expect.objectContaining({ name: `database ${file}`, reachable: true })]);
    // 0: no error and every source answered (an unreachable database is exit 2); without --fail-on a finding does not fail the run.
    expect(run.status).toBe(0);
    expect([existsSync(`${file}-wal`), existsSync(`${file}-shm`)]).toEqual([false, false]);
  });
});

export type { SqliteAdvisoryStore };

describe('openDatabase: one way to open, migrate and fail', () => {
  const schema = (migrations: readonly string[], extra: Partial<DatabaseSchema> = {}): DatabaseSchema => ({ name: 'test database', migrations, ...extra });
  const V1 = 'CREATE TABLE t (a TEXT);';
  const V2 = 'ALTER TABLE t ADD COLUMN b TEXT;';

  it('runs each pending migration once, in order, and keeps the version in user_version', () => {
    const file = path.join(tempDir(), 'nested', 'x.sqlite');
    const first = openDatabase(file, schema([V1]));
    first.db.prepare("INSERT INTO t (a) VALUES ('kept')").run();
    first.close();
    const second = openDatabase(file, schema([V1, V2]));
    expect(second.db.pragma('user_version', { simple: true })).toBe(2);
    expect(second.db.prepare('SELECT a, b FROM t').all()).toEqual([{ a: 'kept', b: null }]);
    expect(second.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(second.db.pragma('synchronous', { simple: true })).toBe(1);
    expect(second.db.pragma('busy_timeout', { simple: true })).toBe(5000);
    second.close();
    second.close();
  });

  it('runs the migrations in one transaction: a failing step leaves the file at its old version', () => {
    const file = path.join(tempDir(), 'x.sqlite');
    openDatabase(file, schema([V1])).close();
    expect(() => openDatabase(file, schema([V1, V2, 'THIS IS NOT SQL']))).toThrow(
      expect.objectContaining({ code: 'store-error', location: { path: file }, message: expect.stringMatching(/^cannot use test database: .*syntax error/) }),
    );
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare('SELECT name FROM pragma_table_info(?)').all('t')).toEqual([{ name: 'a' }]);
    raw.close();
  });

  it('refuses a newer file with the schema\'s advice, and a read-only open of an old one', () => {
    const file = path.join(tempDir(), 'x.sqlite');
    openDatabase(file, schema([V1, V2])).close();
    expect(() => openDatabase(file, schema([V1], { advice: { newer: 'delete the file to start afresh' } }))).toThrow(
      expect.objectContaining({ code: 'store-error', location: { path: file }, message: 'test database has schema version 2; this chainwatch understands up to 1; delete the file to start afresh' }),
    );
    expect(() => openDatabase(file, schema([V1, V2, 'CREATE TABLE u (c TEXT);']), { readonly: true })).toThrow(
      expect.objectContaining({ code: 'store-error', message: 'test database needs migrating (version 2); open it writable once' }),
    );
    // A read-only open of a current file neither migrates nor switches the journal.
    const reader = openDatabase(file, schema([V1, V2]), { readonly: true });
    expect(reader.mode).toBe('read-only');
    reader.close();
  });

  it('applies the schema\'s pragmas on writable opens', () => {
    const opened = openDatabase(':memory:', schema([V1], { pragmas: ['foreign_keys = ON'] }));
    expect(opened.db.pragma('foreign_keys', { simple: true })).toBe(1);
    opened.close();
  });

  it('vacuums after migrating from a version whose rows must not survive in free pages', () => {
    const file = path.join(tempDir(), 'x.sqlite');
    const old = openDatabase(file, schema([V1]));
    const insert = old.db.prepare('INSERT INTO t (a) VALUES (?)');
    for (let index = 0; index < 200; index++) insert.run(`SECRET-${index}-${'x'.repeat(100)}`);
    old.close();
    const migrated = openDatabase(file, schema([V1, 'DELETE FROM t;'], { vacuumAfterMigratingFrom: [1] }));
    migrated.close();
    expect(readFileSync(file).includes('SECRET-')).toBe(false);
  });

  it('guard() turns what SQLite throws into a store-error naming the action, and passes other errors unchanged', () => {
    const opened = openDatabase(':memory:', schema([V1]));
    expect(() => opened.guard('writing', () => opened.db.prepare('INSERT INTO missing VALUES (1)').run())).toThrow(
      expect.objectContaining({ code: 'store-error', message: expect.stringMatching(/^test database: writing failed: no such table: missing/) }),
    );
    const own = new Error('from the caller');
    expect(() => opened.guard('writing', () => { throw own; })).toThrow(own);
    opened.close();
  });
});
