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
  it('keeps releases (URLs rebuilt from their directory) and metadata records', () => {
    const store = openSummaryStore(':memory:');
    cleanups.push(() => store.close());
    const releases = [
      {
        version: '1.0',
        earliestUpload: '2024-01-01T00:00:00Z',
        files: [
          { filename: 'a-1.0-py3-none-any.whl', url: 'https://files.pypi.test/packages/aa/a-1.0-py3-none-any.whl', yanked: false, requiresPython: '>=3.8', uploadTime: '2024-01-01T00:00:00Z', size: 10, coreMetadata: true },
          { filename: 'a-1.0.tar.gz', url: 'https://files.pypi.test/elsewhere/archive.tar.gz', yanked: true },
        ],
      },
    ];
    store.putProject(INDEX, 'a', releases, 1234);
    store.putProject(INDEX, 'missing', null, 99);
    const stored = store.getProject(INDEX, 'a')!;
    expect(stored.storedAt).toBe(1234);
    // Files are unpacked when first read.
    expect(stored.releases!.map((release) => ({ version: release.version, earliestUpload: release.earliestUpload, files: release.files }))).toEqual(releases);
    expect(store.getProject(INDEX, 'missing')).toEqual({ storedAt: 99, releases: null });
    expect(store.getProject('https://other.test/simple/', 'a')).toBeNull();
    store.putMetadata('https://files.pypi.test/packages/aa/a-1.0-py3-none-any.whl', { requiresDist: ['b>=1 ; extra == "x"'], requiresPython: '>=3.8' });
    store.putMetadata('https://files.pypi.test/x.tar.gz', 'unknown');
    expect(store.getMetadata('https://files.pypi.test/packages/aa/a-1.0-py3-none-any.whl')).toEqual({ requiresDist: ['b>=1 ; extra == "x"'], requiresPython: '>=3.8' });
    expect(store.getMetadata('https://files.pypi.test/x.tar.gz')).toBe('unknown');
    expect(store.getMetadata('https://files.pypi.test/none')).toBeNull();
  });
});

describe('openSummaryStore writes projects in the background', () => {
  it('serves a queued project at once and keeps it across close and reopen', () => {
    const file = join(temporaryDirectory(), 'summaries.sqlite');
    const releases = [{ version: '2.0', earliestUpload: null, files: [{ filename: 'b-2.0.tar.gz', url: 'https://files.pypi.test/b-2.0.tar.gz', yanked: false }] }];
    const first = openSummaryStore(file);
    first.putProject(INDEX, 'b', releases, 5);
    expect(first.getProject(INDEX, 'b')).toEqual({ storedAt: 5, releases });
    first.close();
    const second = openSummaryStore(file);
    cleanups.push(() => second.close());
    const stored = second.getProject(INDEX, 'b')!;
    expect(stored.storedAt).toBe(5);
    expect(stored.releases!.map((release) => ({ version: release.version, earliestUpload: release.earliestUpload, files: release.files }))).toEqual(releases);
  });
});

describe('openSummaryStore opens through openDatabase', () => {
  it('refuses a file written by a newer chainwatch as a store-error naming the path', () => {
    const file = join(temporaryDirectory(), 'future.sqlite');
    const raw = new Database(file);
    raw.pragma('user_version = 2');
    raw.close();
    expect(() => openSummaryStore(file)).toThrow(
      expect.objectContaining({ code: 'store-error', location: { path: file }, message: 'PyPI summary store has schema version 2; this chainwatch understands up to 1; delete the file to start afresh' }),
    );
  });

  it('lives beside the HTTP cache', () => {
    expect(defaultSummaryStorePath({ CHAINWATCH_HTTP_CACHE: '/data/http.sqlite' })).toBe(join('/data', 'pypi-summary.sqlite'));
  });
});
