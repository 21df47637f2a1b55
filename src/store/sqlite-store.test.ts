import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import envPaths from 'env-paths';
import { afterEach, describe, expect, it } from 'vitest';
import { ChainwatchError } from '../core/errors.js';
import { packJson, prepareRecord, type PreparedRecord } from '../advisories/prepared.js';
import type { OsvRecord } from '../advisories/types.js';
import { affectedKey, baseEcosystem } from './keys.js';
import { COVERAGE_QUERIES, DEFAULT_SOURCE, defaultDatabasePath, openSqliteStore, type SqliteAdvisoryStore } from './sqlite-store.js';
import { itWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const sharedOsv = sharedDataPath('osv');

function readGhsa(id: string): OsvRecord {
  return JSON.parse(readFileSync(path.join(sharedOsv, 'ghsa', `${id}.json`), 'utf8')) as OsvRecord;
}

function record(id: string, modified: string, packages: [string, string][], extra: Partial<OsvRecord> = {}): OsvRecord {
  return {
    id,
    modified,
    affected: packages.map(([ecosystem, name]) => ({ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }] }] })),
    ...extra,
  };
}

const openStores: SqliteAdvisoryStore[] = [];
const tempDirs: string[] = [];

function memoryStore(): SqliteAdvisoryStore {
  const store = openSqliteStore(':memory:');
  openStores.push(store);
  return store;
}

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-store-'));
  tempDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const store of openStores.splice(0)) store.close();
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('affectedKey', () => {
  it.each([
    ['PyPI', 'jupyter_server', 'PyPI', 'jupyter-server'],
    ['PyPI', 'Jupyter.Server', 'PyPI', 'jupyter-server'],
    ['npm', '@JupyterLab/Services', 'npm', '@JupyterLab/Services'],
    ['Debian:12', 'Git', 'Debian', 'git'],
    ['Debian:11', 'openssl', 'Debian', 'openssl'],
    // OSV's Python ecosystem is CPython itself, not PyPI.
    ['Python', 'CPython', 'Python', 'CPython'],
    ['Maven', ' org.apache:log4j ', 'Maven', 'org.apache:log4j'],
  ])('%s %s → %s %s', (ecosystem, name, expectedEcosystem, expectedName) => {
    expect(affectedKey(ecosystem, name)).toEqual({ ecosystem: expectedEcosystem, name: expectedName });
  });

  it('strips only the release suffix', () => {
    expect(baseEcosystem('Ubuntu:22.04:LTS')).toBe('Ubuntu');
  });
});

describe('openSqliteStore', () => {
  itWithSharedData('indexes GHSA jupyter_server and PyPA jupyter-server under one key', () => {
    const store = memoryStore();
    const ghsa = readGhsa('GHSA-hrw6-wg82-cm62');
    const pypa = record('PYSEC-2022-211', '2023-01-01T00:00:00Z', [['PyPI', 'jupyter-server']]);
    const stats = store.importRecords([ghsa, pypa]);
    expect(stats).toEqual({ imported: 2, skipped: 0 });
    expect(store.recordsFor('PyPI', 'jupyter-server').map((found) => found.id)).toEqual(['GHSA-hrw6-wg82-cm62', 'PYSEC-2022-211']);
    // A caller that forgot to normalise still finds them.
    expect(store.recordsFor('PyPI', 'Jupyter_Server').map((found) => found.id)).toEqual(['GHSA-hrw6-wg82-cm62', 'PYSEC-2022-211']);
    expect(store.recordsFor('npm', 'jupyter-server')).toEqual([]);
  });

  itWithSharedData('returns the stored record complete, unknown fields included', () => {
    const store = memoryStore();
    const ghsa = readGhsa('GHSA-4952-p58q-6crx');
    store.importRecords([{ ...ghsa, x_unknown: { kept: true } } as OsvRecord]);
    expect(store.getRecord('GHSA-4952-p58q-6crx')).toEqual({ ...ghsa, x_unknown: { kept: true } });
    expect(store.getRecord('GHSA-0000-0000-0000')).toBeNull();
    // One record with seven affected entries for two packages: one row per package.
    expect(store.recordsFor('PyPI', 'jupyterlab').map((found) => found.id)).toEqual(['GHSA-4952-p58q-6crx']);
    expect(store.recordsFor('PyPI', 'notebook').map((found) => found.id)).toEqual(['GHSA-4952-p58q-6crx']);
  });

  it('indexes Debian records without their release suffix', () => {
    const store = memoryStore();
    store.importRecords([record('DSA-1-1', '2024-01-01T00:00:00Z', [['Debian:12', 'git'], ['Debian:11', 'git']])]);
    expect(store.recordsFor('Debian', 'git').map((found) => found.id)).toEqual(['DSA-1-1']);
  });

  it('replacing a record by id replaces its index rows', () => {
    const store = memoryStore();
    store.importRecords([record('PYSEC-1', '2024-01-01T00:00:00Z', [['PyPI', 'alpha']], { aliases: ['CVE-1'] })]);
    const stats = store.importRecords([record('PYSEC-1', '2024-02-01T00:00:00Z', [['PyPI', 'beta']], { aliases: ['CVE-2'] })]);
    expect(stats).toEqual({ imported: 1, skipped: 0 });
    expect(store.count()).toBe(1);
    expect(store.recordsFor('PyPI', 'alpha')).toEqual([]);
    expect(store.recordsFor('PyPI', 'beta').map((found) => found.modified)).toEqual(['2024-02-01T00:00:00Z']);
    expect(store.idsFor('CVE-1')).toEqual([]);
    expect(store.idsFor('CVE-2')).toEqual(['PYSEC-1']);
  });

  it.each([
    ['an older copy', '2023-12-31T23:59:59Z', [['PyPI', 'gamma']] as [string, string][], { imported: 0, skipped: 1 }, 'alpha'],
    ['an identical copy', '2024-01-01T00:00:00Z', [['PyPI', 'alpha']] as [string, string][], { imported: 0, skipped: 1 }, 'alpha'],
    ['same time, new content', '2024-01-01T00:00:00Z', [['PyPI', 'gamma']] as [string, string][], { imported: 1, skipped: 0 }, 'gamma'],
    ['a newer copy (finer fraction)', '2024-01-01T00:00:00.000001Z', [['PyPI', 'gamma']] as [string, string][], { imported: 1, skipped: 0 }, 'gamma'],
  ])('importing %s', (_label, modified, packages, expectedStats, expectedPackage) => {
    const store = memoryStore();
    store.importRecords([record('PYSEC-1', '2024-01-01T00:00:00Z', [['PyPI', 'alpha']])]);
    expect(store.importRecords([record('PYSEC-1', modified, packages)])).toEqual(expectedStats);
    expect(store.recordsFor('PyPI', expectedPackage).map((found) => found.id)).toEqual(['PYSEC-1']);
  });

  itWithSharedData('finds records by id or alias', () => {
    const store = memoryStore();
    store.importRecords([readGhsa('GHSA-4952-p58q-6crx'), readGhsa('GHSA-4m77-cmpx-vjc4')]);
    expect(store.idsFor('CVE-2021-32797')).toEqual(['GHSA-4952-p58q-6crx']);
    expect(store.idsFor('GHSA-4m77-cmpx-vjc4')).toEqual(['GHSA-4m77-cmpx-vjc4']);
    expect(store.idsFor('CVE-1999-0001')).toEqual([]);
  });

  itWithSharedData('deletes records with their index rows', () => {
    const store = memoryStore();
    store.importRecords([readGhsa('GHSA-4952-p58q-6crx'), readGhsa('GHSA-4m77-cmpx-vjc4'), readGhsa('GHSA-hrw6-wg82-cm62')]);
    expect(store.deleteRecords(['GHSA-4952-p58q-6crx', 'GHSA-none'])).toBe(1);
    expect(store.count()).toBe(2);
    expect(store.recordsFor('PyPI', 'jupyterlab').map((found) => found.id)).toEqual(['GHSA-4m77-cmpx-vjc4']);
    expect(store.idsFor('CVE-2021-32797')).toEqual([]);
  });

  it('keeps a record until the last source that delivered it lets go', () => {
    const store = memoryStore();
    const shared = record('GHSA-x', '2024-01-01T00:00:00Z', [['PyPI', 'a'], ['npm', 'a']]);
    store.importRecords([shared, record('PYSEC-only', '2024-01-01T00:00:00Z', [['PyPI', 'b']])], { source: 'osv:PyPI' });
    store.importRecords([shared], { source: 'osv:npm' });
    store.importRecords([record('LOCAL-1', '2024-01-01T00:00:00Z', [['PyPI', 'c']])]);
    expect(store.sourceCounts()).toEqual({ [DEFAULT_SOURCE]: 1, 'osv:PyPI': 2, 'osv:npm': 1 });
    expect([...store.sourceRecords('osv:PyPI').entries()].sort()).toEqual([
      ['GHSA-x', '2024-01-01T00:00:00Z'],
      ['PYSEC-only', '2024-01-01T00:00:00Z'],
    ]);
    expect(store.detachFromSource('osv:PyPI', ['GHSA-x', 'PYSEC-only'])).toBe(1);
    expect(store.getRecord('GHSA-x')?.id).toBe('GHSA-x');
    expect(store.getRecord('PYSEC-only')).toBeNull();
    expect(store.sourceCounts()).toEqual({ [DEFAULT_SOURCE]: 1, 'osv:npm': 1 });
  });

  it('rolls a failed import back completely', () => {
    const store = memoryStore();
    store.importRecords([record('KEEP-1', '2024-01-01T00:00:00Z', [['PyPI', 'keep']])]);
    function* failing(): Generator<OsvRecord> {
      yield record('NEW-1', '2024-01-01T00:00:00Z', [['PyPI', 'new']]);
      yield record('KEEP-1', '2025-01-01T00:00:00Z', [['PyPI', 'moved']]);
      throw new Error('source broke mid-way');
    }
    expect(() => store.importRecords(failing())).toThrow('source broke mid-way');
    expect(store.count()).toBe(1);
    expect(store.recordsFor('PyPI', 'new')).toEqual([]);
    expect(store.recordsFor('PyPI', 'keep').map((found) => found.modified)).toEqual(['2024-01-01T00:00:00Z']);
  });

  it('rolls a failed streamed import back completely, and keeps a finished one', async () => {
    const store = memoryStore();
    store.importRecords([record('KEEP-1', '2024-01-01T00:00:00Z', [['PyPI', 'keep']])]);
    // More records than one savepoint batch, so the failure comes after batches were written.
    async function* failing(): AsyncGenerator<OsvRecord> {
      for (let index = 0; index < 1200; index++) yield record(`NEW-${index}`, '2024-01-01T00:00:00Z', [['PyPI', `new-${index}`]]);
      yield record('KEEP-1', '2025-01-01T00:00:00Z', [['PyPI', 'moved']]);
      await Promise.resolve();
      throw new Error('source broke mid-way');
    }
    await expect(store.importRecordStream(failing())).rejects.toThrow('source broke mid-way');
    expect(store.count()).toBe(1);
    expect(store.recordsFor('PyPI', 'new-0')).toEqual([]);
    expect(store.recordsFor('PyPI', 'keep').map((found) => found.modified)).toEqual(['2024-01-01T00:00:00Z']);

    async function* fine(): AsyncGenerator<OsvRecord> {
      for (let index = 0; index < 1200; index++) yield record(`NEW-${index}`, '2024-01-01T00:00:00Z', [['PyPI', `new-${index}`]]);
      yield record('KEEP-1', '2024-01-01T00:00:00Z', [['PyPI', 'keep']]);
    }
    expect(await store.importRecordStream(fine(), { source: 'local:checkout' })).toEqual({ imported: 1200, skipped: 1 });
    expect(store.count()).toBe(1201);
    expect(store.sourceCounts()).toEqual({ [DEFAULT_SOURCE]: 1, 'local:checkout': 1201 });
  });

  it('stores prepared batches whose JSON comes as UTF-8 bytes exactly as text, recognises them as unchanged, and rolls a failed batch stream back', async () => {
    const records = [
      record('BYTES-1', '2024-01-01T00:00:00Z', [['PyPI', 'Bytes_Pkg']], { aliases: ['CVE-1'], summary: 'é ’ \u{1F600}' }),
      record('BYTES-2', '2024-01-01T00:00:00Z', [['npm', '@scope/x']]),
    ];
    const asText = memoryStore();
    asText.importRecords(records);
    const asBytes = memoryStore();
    const prepared = records.map(prepareRecord);
    packJson(prepared);
    expect(prepared.every((entry) => entry.json instanceof Uint8Array)).toBe(true);
    async function* batches(): AsyncGenerator<PreparedRecord[]> {
      yield prepared;
    }
    expect(await asBytes.importPreparedBatches(batches())).toEqual({ imported: 2, skipped: 0 });
    for (const id of ['BYTES-1', 'BYTES-2']) expect(asBytes.getRecord(id)).toEqual(asText.getRecord(id));
    expect(asBytes.recordsFor('PyPI', 'bytes-pkg').map((found) => found.id)).toEqual(['BYTES-1']);
    expect(asBytes.idsFor('CVE-1')).toEqual(['BYTES-1']);
    // The same bytes again: identical to the stored text, so unchanged.
    expect(await asBytes.importPreparedBatches(batches())).toEqual({ imported: 0, skipped: 2 });

    async function* failing(): AsyncGenerator<PreparedRecord[]> {
      yield [prepareRecord(record('LOST-1', '2024-01-01T00:00:00Z', [['PyPI', 'lost']]))];
      throw new Error('thread failed');
    }
    await expect(asBytes.importPreparedBatches(failing())).rejects.toThrow('thread failed');
    expect(asBytes.getRecord('LOST-1')).toBeNull();
    expect(asBytes.count()).toBe(2);
  });

  it('creates new database files with 16 kB pages and leaves an existing file its own', () => {
    const fresh = path.join(tempDir(), 'fresh.sqlite');
    openSqliteStore(fresh).close();
    const older = path.join(tempDir(), 'older.sqlite');
    const seed = new Database(older);
    seed.pragma('page_size = 4096');
    seed.exec('CREATE TABLE placeholder (x)');
    seed.exec('DROP TABLE placeholder');
    seed.close();
    const reopened = openSqliteStore(older);
    reopened.importRecords([record('A-1', '2024-01-01T00:00:00Z', [['PyPI', 'a']])]);
    reopened.close();
    const pageSize = (file: string): number => {
      const db = new Database(file, { readonly: true });
      try {
        return db.pragma('page_size', { simple: true }) as number;
      } finally {
        db.close();
      }
    };
    expect(pageSize(fresh)).toBe(16384);
    expect(pageSize(older)).toBe(4096);
    const reader = openSqliteStore(older, { readonly: true });
    openStores.push(reader);
    expect(reader.count()).toBe(1);
  });

  it('refuses a streamed import into a read-only store', async () => {
    const file = path.join(tempDir(), 'advisories.sqlite');
    openSqliteStore(file).close();
    const reader = openSqliteStore(file, { readonly: true });
    openStores.push(reader);
    async function* none(): AsyncGenerator<OsvRecord> {}
    await expect(reader.importRecordStream(none())).rejects.toThrow(ChainwatchError);
  });

  it('counts advisories and the newest modification per ecosystem', () => {
    const store = memoryStore();
    store.importRecords([
      // One record, two PyPI packages and one npm package: one advisory for each ecosystem.
      record('GHSA-1', '2024-03-01T00:00:00Z', [['PyPI', 'a'], ['PyPI', 'b'], ['npm', 'a']]),
      // The newest PyPI record is withdrawn: it is no advisory, but it is the newest news.
      record('PYSEC-2', '2024-05-01T10:00:00.5+02:00', [['PyPI', 'c']], { withdrawn: '2024-05-01T00:00:00Z' }),
      // A finer fraction, written with its own spelling: compared as instants, not as text.
      record('PYSEC-3', '2024-05-01T08:00:00.499999Z', [['PyPI', 'd']]),
      record('DSA-4', '2023-01-01T00:00:00Z', [['Debian:12', 'git'], ['Debian:11', 'git']]),
      record('GO-5', '2022-01-01T00:00:00Z', [['Go', 'example.test/x']]),
    ]);
    expect(store.coverage(['PyPI', 'npm', 'Debian:12', 'conda'])).toEqual([
      { ecosystem: 'PyPI', advisories: 2, newestModified: '2024-05-01T10:00:00.5+02:00' },
      { ecosystem: 'npm', advisories: 1, newestModified: '2024-03-01T00:00:00Z' },
      { ecosystem: 'Debian', advisories: 1, newestModified: '2023-01-01T00:00:00Z' },
      { ecosystem: 'conda', advisories: 0, newestModified: null },
    ]);
    expect(store.coverage().map((entry) => entry.ecosystem)).toEqual(['Debian', 'Go', 'PyPI', 'npm']);
    expect(memoryStore().coverage()).toEqual([]);
  });

  it('answers coverage from the primary key, never by reading every row', () => {
    const file = path.join(tempDir(), 'plan.sqlite');
    openSqliteStore(file).close();
    const raw = new Database(file, { readonly: true });
    const plan = (sql: string, ...parameters: string[]) => (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((step) => step.detail);
    const perEcosystem = plan(COVERAGE_QUERIES.ecosystem, 'PyPI');
    const ecosystems = plan(COVERAGE_QUERIES.ecosystems);
    raw.close();
    expect(perEcosystem).toEqual(expect.arrayContaining([expect.stringMatching(/^SEARCH affected USING PRIMARY KEY \(ecosystem=\?\)/), expect.stringMatching(/^SEARCH records USING INDEX \S+ \(id=\?\)/)]));
    for (const step of [...perEcosystem, ...ecosystems]) expect(step).not.toMatch(/^SCAN (records|affected)\b/);
  });

  it('rolls a failed transaction back, meta included', () => {
    const store = memoryStore();
    store.setMeta('cursor', 'one');
    expect(() =>
      store.transaction(() => {
        store.setMeta('cursor', 'two');
        store.importRecords([record('NEW-1', '2024-01-01T00:00:00Z', [['PyPI', 'new']])]);
        throw new Error('abort');
      }),
    ).toThrow('abort');
    expect(store.getMeta('cursor')).toBe('one');
    expect(store.count()).toBe(0);
    expect(store.getMeta('absent')).toBeNull();
  });

  itWithSharedData('creates a WAL database with the current schema version and reopens it with its data', () => {
    const file = path.join(tempDir(), 'nested', 'advisories.sqlite');
    const store = openSqliteStore(file);
    store.importRecords([readGhsa('GHSA-hrw6-wg82-cm62')]);
    store.setMeta('osv:PyPI:modified', '2024-06-06T21:26:53Z');
    store.close();
    store.close(); // closing twice is harmless

    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    // Schema version 1: one migration so far (a new one must update this line on purpose).
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare('SELECT ecosystem, name, id FROM affected').all()).toEqual([
      { ecosystem: 'PyPI', name: 'jupyter-server', id: 'GHSA-hrw6-wg82-cm62' },
    ]);
    raw.close();

    const reopened = openSqliteStore(file, { readonly: true });
    openStores.push(reopened);
    expect(reopened.count()).toBe(1);
    expect(reopened.getMeta('osv:PyPI:modified')).toBe('2024-06-06T21:26:53Z');
    expect(() => reopened.setMeta('x', 'y')).toThrow(ChainwatchError);
  });

  it('refuses a database from a newer chainwatch', () => {
    const file = path.join(tempDir(), 'future.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    let caught: unknown;
    try {
      openSqliteStore(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ChainwatchError);
    expect((caught as ChainwatchError).code).toBe('store-error');
    expect((caught as ChainwatchError).location).toEqual({ path: file });
  });

  it('reports a file that is no database as a store error', () => {
    const file = path.join(tempDir(), 'not-a-db.sqlite');
    writeFileSync(file, 'this is not SQLite\n'.repeat(200));
    expect(() => openSqliteStore(file)).toThrow(expect.objectContaining({ code: 'store-error' }));
  });
});

describe('a killed import', () => {
  /*
   * The guarantee `db import` and `db update` rely on: SIGKILL in the middle
   * of an import leaves the old state or the new one, never half of it and
   * never a damaged file. The child signals from inside the transaction (after
   * 1,000 of its 50,000 records) and is killed at once.
   */
  it('leaves the old state, intact, when the process dies inside the transaction', async () => {
    const root = path.resolve(fileURLToPath(new URL('../..', import.meta.url)));
    const dir = tempDir();
    const file = path.join(dir, 'advisories.sqlite');
    const seeded = openSqliteStore(file);
    seeded.importRecords([record('OLD-1', '2024-01-01T00:00:00Z', [['PyPI', 'old']])]);
    seeded.close();
    const child = path.join(dir, 'import.mts');
    writeFileSync(
      child,
      `import { openSqliteStore } from ${JSON.stringify(pathToFileURL(path.join(root, 'src/store/sqlite-store.ts')).href)};
const store = openSqliteStore(${JSON.stringify(file)});
function* records() {
  for (let index = 0; index < 50_000; index++) {
    if (index === 1_000) process.stdout.write('inside\\n');
    yield { id: 'NEW-' + index, modified: '2024-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'PyPI', name: 'p' + index } }] };
  }
}
store.importRecords(records());
store.close();
process.stdout.write('done\\n');
`,
    );
    const running = spawn(process.execPath, ['--import', 'tsx', child], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const exited = new Promise<NodeJS.Signals | null>((resolve) => running.on('exit', (_code, signal) => resolve(signal)));
    running.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('inside')) running.kill('SIGKILL');
    });
    expect(await exited).toBe('SIGKILL');
    expect(output).not.toContain('done');
    const raw = new Database(file);
    try {
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      raw.close();
    }
    const store = openSqliteStore(file, { readonly: true });
    openStores.push(store);
    expect(store.count()).toBe(1);
    expect(store.getRecord('OLD-1')?.id).toBe('OLD-1');
  });
});

describe('defaultDatabasePath', () => {
  it.each([
    [{ CHAINWATCH_DB: '/data/cw.sqlite' }, '/data/cw.sqlite'],
    [{ CHAINWATCH_DB: '   ' }, path.join(envPaths('chainwatch', { suffix: '' }).cache, 'advisories.sqlite')],
    [{}, path.join(envPaths('chainwatch', { suffix: '' }).cache, 'advisories.sqlite')],
  ])('%j → %s', (env, expected) => {
    expect(defaultDatabasePath(env)).toBe(expected);
  });

  it('lives in a chainwatch folder without a suffix', () => {
    expect(path.basename(path.dirname(defaultDatabasePath({})))).toBe('chainwatch');
  });
});
