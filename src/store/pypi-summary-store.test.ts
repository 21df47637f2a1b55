import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSummaryStorePath, openSummaryStore } from './pypi-summary-store.js';

const INDEX = 'https://pypi.test/simple/';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'chainwatch-summaries-'));
  cleanups.push(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

describe('openSummaryStore', () => {
  it('keeps metadata records and labextensions by file URL', () => {
    const store = openSummaryStore(':memory:');
    cleanups.push(() => store.close());
    const wheel = 'https://files.pypi.test/packages/aa/a-1.0-py3-none-any.whl';
    const record = { requiresDist: ['b>=1 ; extra == "x"'], requiresPython: '>=3.8', signals: { license: 'MIT', repositoryUrls: ['https://github.test/a/a'] } };
    store.putMetadata(wheel, record);
    store.putMetadata('https://files.pypi.test/x.tar.gz', { requiresDist: null, signals: null });
    expect(store.getMetadata(wheel)).toEqual(record);
    expect(store.getMetadata('https://files.pypi.test/x.tar.gz')).toEqual({ requiresDist: null, signals: null });
    expect(store.getMetadata('https://files.pypi.test/none')).toBeNull();
    const manifests = [{ path: 'a-1.0.data/data/share/jupyter/labextensions/a/package.json', name: 'a', version: '1.0.0', dependencies: { b: '^1' } }];
    store.putLabextensions(wheel, manifests);
    store.putLabextensions('https://files.pypi.test/gone.whl', null);
    expect(store.getLabextensions(wheel)).toEqual({ manifests });
    expect(store.getLabextensions('https://files.pypi.test/gone.whl')).toEqual({ manifests: null });
    expect(store.getLabextensions('https://files.pypi.test/never.whl')).toBeNull();
  });
});

describe('openSummaryStore writes in batches', () => {
  it('serves a held write at once, writes it at close, and keeps it across reopen', () => {
    const file = join(temporaryDirectory(), 'summaries.sqlite');
    const first = openSummaryStore(file);
    first.putMetadata('https://files.pypi.test/b.whl', { requiresDist: [], signals: null });
    const raw = new Database(file, { readonly: true });
    // Held, not yet written: another reader of the file does not see it.
    expect(raw.prepare('SELECT count(*) AS n FROM metadata').get()).toEqual({ n: 0 });
    expect(first.getMetadata('https://files.pypi.test/b.whl')).toEqual({ requiresDist: [], signals: null });
    first.close();
    expect(raw.prepare('SELECT count(*) AS n FROM metadata').get()).toEqual({ n: 1 });
    raw.close();
    const second = openSummaryStore(file);
    cleanups.push(() => second.close());
    expect(second.getMetadata('https://files.pypi.test/b.whl')).toEqual({ requiresDist: [], signals: null });
  });

  it('drops version 1\'s page summaries and its metadata records, which lacked the signals\' fields', () => {
    const file = join(temporaryDirectory(), 'v1.sqlite');
    const raw = new Database(file);
    raw.exec(`CREATE TABLE projects (index_url TEXT NOT NULL, name TEXT NOT NULL, stored_at INTEGER NOT NULL, releases TEXT, PRIMARY KEY (index_url, name)) WITHOUT ROWID;
      CREATE TABLE metadata (url TEXT PRIMARY KEY, record TEXT NOT NULL) WITHOUT ROWID;
      INSERT INTO projects VALUES ('${INDEX}', 'a', 1, '');
      INSERT INTO metadata VALUES ('https://files.pypi.test/a.whl', '{"requiresDist":[]}');`);
    raw.pragma('user_version = 1');
    raw.close();
    const store = openSummaryStore(file);
    cleanups.push(() => store.close());
    expect(store.getMetadata('https://files.pypi.test/a.whl')).toBeNull();
  });
});

describe('openSummaryStore opens through openDatabase', () => {
  it('refuses a file written by a newer chainwatch as a store-error naming the path', () => {
    const file = join(temporaryDirectory(), 'future.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 3');
    raw.close();
    expect(() => openSummaryStore(file)).toThrow(
      expect.objectContaining({ code: 'store-error', location: { path: file }, message: 'PyPI summary store has schema version 3; this chainwatch understands up to 2; delete the file to start afresh' }),
    );
  });

  it('lives beside the HTTP cache', () => {
    expect(defaultSummaryStorePath({ CHAINWATCH_HTTP_CACHE: '/data/http.sqlite' })).toBe(join('/data', 'pypi-summary.sqlite'));
  });
});
