import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { MockAgent } from 'undici';
import { parse as parseYaml } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { collectingSink } from '../core/events.js';
import { buildZip, overlappingBomb } from '../core/zip.fixture.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { OsvRecord } from './types.js';
import {
  DEFAULT_OSV_BASE_URL,
  parseModifiedIndex,
  readUpdateState,
  resolveOsvBaseUrl,
  updateAdvisoryDatabase,
  type UpdateOptions,
  type UpdateResult,
} from './update.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const sharedOsv = sharedDataPath('osv');

function ghsa(id: string): OsvRecord {
  return JSON.parse(readFileSync(path.join(sharedOsv, 'ghsa', `${id}.json`), 'utf8')) as OsvRecord;
}
function pypa(folder: string, id: string): OsvRecord {
  return parseYaml(readFileSync(path.join(sharedOsv, 'pypa', 'vulns', folder, `${id}.yaml`), 'utf8')) as OsvRecord;
}

// Real records from ../shared/data/osv (CC-BY-4.0: github/advisory-database, pypa/advisory-database).
const ORIGIN = 'https://osv.test';
const BASE_URL = `${ORIGIN}/exports`;
const CLOCK = fixedClock('2025-01-01T00:00:00Z');

function exportZip(records: OsvRecord[], extra: Zippable = {}): Buffer {
  const files: Zippable = {};
  for (const record of records) files[`${record.id}.json`] = strToU8(JSON.stringify(record, null, 2));
  return Buffer.from(zipSync({ ...files, ...extra }));
}

function indexCsv(rows: [string, string][]): string {
  return rows.map(([modified, id]) => `${modified},${id}\n`).join('');
}

let agent: MockAgent;
let dir: string;
let storePath: string;
let sleeps: number[];

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-update-'));
  storePath = path.join(dir, 'advisories.sqlite');
  sleeps = [];
});

afterEach(async () => {
  agent.assertNoPendingInterceptors();
  await agent.close();
  rmSync(dir, { recursive: true, force: true });
});

type TestOptions = Omit<UpdateOptions, 'store'>;

function options(overrides: Partial<TestOptions> = {}): TestOptions {
  return {
    ecosystems: ['PyPI'],
    baseUrl: BASE_URL,
    dispatcher: agent,
    clock: CLOCK,
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 10_000, sleep: async (milliseconds) => void sleeps.push(milliseconds) },
    ...overrides,
  };
}

/** `db update` as the CLI runs it: the database opened for writing, closed afterwards. */
async function update(testOptions: TestOptions): Promise<UpdateResult> {
  const store = openSqliteStore(storePath);
  try {
    return await updateAdvisoryDatabase({ ...testOptions, store });
  } finally {
    store.close();
  }
}

function serve(urlPath: string, status: number, body: string | Buffer = '', headers: Record<string, string> = {}, times = 1): void {
  agent.get(ORIGIN).intercept({ path: `/exports${urlPath}`, method: 'GET' }).reply(status, body, { headers }).times(times);
}

/** Points the compression method of `entry` at an unsupported one, in its local header and central directory entry. */
function breakCompressionOf(zip: Uint8Array, entry: string): Buffer {
  const copy = Buffer.from(zip);
  const name = strToU8(entry);
  const matchesAt = (offset: number) => name.every((byte, index) => copy[offset + index] === byte);
  for (let offset = 0; offset + 4 <= copy.length; offset++) {
    const signature = copy.readUInt32LE(offset);
    if (signature === 0x04034b50 && matchesAt(offset + 30)) copy.writeUInt16LE(99, offset + 8);
    if (signature === 0x02014b50 && matchesAt(offset + 46)) copy.writeUInt16LE(99, offset + 10);
  }
  return copy;
}

/** The database file's bytes (and its WAL, if one was left behind) plus its record count. */
function fingerprint(): { sha256: string; records: number } {
  const hash = createHash('sha256').update(readFileSync(storePath));
  if (existsSync(`${storePath}-wal`)) hash.update(readFileSync(`${storePath}-wal`));
  const store = openSqliteStore(storePath, { readonly: true });
  try {
    return { sha256: hash.digest('hex'), records: store.count() };
  } finally {
    store.close();
  }
}

function readStore<T>(read: (store: ReturnType<typeof openSqliteStore>) => T): T {
  const store = openSqliteStore(storePath, { readonly: true });
  try {
    return read(store);
  } finally {
    store.close();
  }
}

describeWithSharedData('updateAdvisoryDatabase', () => {
  // Real records from the shared data, read only when the suite runs.
  const GHSA_4952 = ghsa('GHSA-4952-p58q-6crx');
  const GHSA_4M77 = ghsa('GHSA-4m77-cmpx-vjc4');
  const GHSA_HRW6 = ghsa('GHSA-hrw6-wg82-cm62');
  const AIOHTTP = pypa('aiohttp', 'PYSEC-2021-76');
  const JUPYTER_SERVER = pypa('jupyter-server', 'PYSEC-2022-211');
  const REDIS_WITHDRAWN = pypa('redis', 'PYSEC-2023-73');
  const SEED = [GHSA_4952, GHSA_4M77, GHSA_HRW6, AIOHTTP, JUPYTER_SERVER];

  async function seed(): Promise<void> {
    serve('/PyPI/all.zip', 200, exportZip(SEED));
    const result = await update(options());
    expect(result.ecosystems[0]?.reachable).toBe(true);
  }

  it('downloads all.zip the first time and records the cursor', async () => {
    serve('/PyPI/all.zip', 200, exportZip(SEED));
    const events = collectingSink();
    const result = await update(options({ events }));
    expect(result).toEqual({
      records: 5,
      ecosystems: [
        {
          ecosystem: 'PyPI',
          name: 'osv:PyPI',
          reachable: true,
          mode: 'full',
          downloaded: 5,
          imported: 5,
          skipped: 0,
          deleted: 0,
          records: 5,
          errors: [],
        },
      ],
    });
    readStore((store) => {
      expect(store.recordsFor('PyPI', 'jupyter-server').map((record) => record.id)).toEqual(['GHSA-hrw6-wg82-cm62', 'PYSEC-2022-211']);
      expect(store.getRecord('PYSEC-2021-76')).toEqual(AIOHTTP);
      // The newest `modified` among the five: GHSA-hrw6-wg82-cm62's.
      expect(readUpdateState(store, 'PyPI')).toEqual({ modified: '2024-06-06T21:26:53Z', updatedAt: '2025-01-01T00:00:00.000Z' });
    });
    expect(events.events).toContainEqual({ type: 'log', level: 'info', message: 'PyPI: downloading all.zip' });
  });

  it('afterwards fetches only what modified_id.csv says changed, and drops what it no longer lists', async () => {
    await seed();
    const changed = { ...JUPYTER_SERVER, modified: '2024-07-01T00:00:00Z', summary: 'Token leak through the REST API' };
    serve(
      '/PyPI/modified_id.csv',
      200,
      indexCsv([
        ['2024-07-01T00:00:00Z', 'PYSEC-2022-211'],
        ['2024-06-06T21:26:53Z', 'GHSA-hrw6-wg82-cm62'],
        ['2024-01-26T21:34:15Z', 'GHSA-4m77-cmpx-vjc4'],
        // Older than the cursor but new to us (it moved into this ecosystem): fetched too.
        ['2023-06-27T18:49:56.911238Z', 'PYSEC-2023-73'],
        ['2022-04-08T21:47:10Z', 'GHSA-4952-p58q-6crx'],
      ]),
    );
    serve('/PyPI/PYSEC-2022-211.json', 200, JSON.stringify(changed));
    serve('/PyPI/PYSEC-2023-73.json', 200, JSON.stringify(REDIS_WITHDRAWN));
    const result = await update(options());
    expect(result.ecosystems[0]).toEqual({
      ecosystem: 'PyPI',
      name: 'osv:PyPI',
      reachable: true,
      mode: 'incremental',
      downloaded: 2,
      imported: 2,
      skipped: 0,
      deleted: 1,
      records: 5,
      errors: [],
    });
    expect(result.records).toBe(5);
    readStore((store) => {
      expect(store.getRecord('PYSEC-2021-76')).toBeNull();
      expect(store.recordsFor('PyPI', 'aiohttp')).toEqual([]);
      expect(store.getRecord('PYSEC-2022-211')?.summary).toBe('Token leak through the REST API');
      expect(store.getRecord('PYSEC-2023-73')?.withdrawn).toBe('2023-06-06T10:37:00Z');
      expect(readUpdateState(store, 'PyPI')?.modified).toBe('2024-07-01T00:00:00Z');
    });

    // Nothing changed since: one request for the index, nothing else.
    serve(
      '/PyPI/modified_id.csv',
      200,
      indexCsv([
        ['2024-07-01T00:00:00Z', 'PYSEC-2022-211'],
        ['2024-06-06T21:26:53Z', 'GHSA-hrw6-wg82-cm62'],
        ['2024-01-26T21:34:15Z', 'GHSA-4m77-cmpx-vjc4'],
        ['2023-06-27T18:49:56.911238Z', 'PYSEC-2023-73'],
        ['2022-04-08T21:47:10Z', 'GHSA-4952-p58q-6crx'],
      ]),
    );
    const quiet = await update(options());
    expect(quiet.ecosystems[0]).toMatchObject({ reachable: true, mode: 'incremental', downloaded: 0, imported: 0, deleted: 0, records: 5 });
  });

  it('leaves the database byte-for-byte untouched when offline', async () => {
    await seed();
    const before = fingerprint();
    // No interceptor: the mock agent refuses the connection like a machine without network.
    const result = await update(options());
    expect(result.ecosystems).toEqual([
      expect.objectContaining({ ecosystem: 'PyPI', reachable: false, mode: 'none', imported: 0, errors: [] }),
    ]);
    expect(result.ecosystems[0]?.error).toMatch(/^https:\/\/osv\.test\/exports\/PyPI\/modified_id\.csv could not be reached after 1 attempt\(s\): /);
    expect(result.records).toBe(5);
    expect(fingerprint()).toEqual(before);
    // Offline failures are not retried: they only make an offline run slow.
    expect(sleeps).toEqual([]);
  });

  it('retries 5xx with back-off, then gives up without touching the database', async () => {
    await seed();
    const before = fingerprint();
    serve('/PyPI/modified_id.csv', 500, 'oops', {}, 3);
    const result = await update(options());
    expect(result.ecosystems[0]).toMatchObject({ reachable: false, error: 'https://osv.test/exports/PyPI/modified_id.csv answered HTTP 500 after 3 attempt(s)' });
    expect(sleeps).toEqual([1, 2]);
    expect(fingerprint()).toEqual(before);
  });

  it('leaves the database untouched when all.zip arrives truncated', async () => {
    await seed();
    const before = fingerprint();
    const whole = exportZip([...SEED, REDIS_WITHDRAWN]);
    serve('/PyPI/all.zip', 200, whole.subarray(0, Math.floor(whole.length * 0.7)));
    const result = await update(options({ full: true }));
    expect(result.ecosystems[0]).toMatchObject({ reachable: false, mode: 'none', imported: 0 });
    expect(result.ecosystems[0]?.error).toMatch(/^PyPI\/all\.zip is not a readable zip/);
    expect(fingerprint()).toEqual(before);
  });

  it('leaves the database untouched when one of the changed records cannot be fetched', async () => {
    await seed();
    const before = fingerprint();
    serve(
      '/PyPI/modified_id.csv',
      200,
      indexCsv([
        ['2024-08-01T00:00:00Z', 'PYSEC-2022-211'],
        ['2024-07-01T00:00:00Z', 'PYSEC-2023-73'],
      ]),
    );
    serve('/PyPI/PYSEC-2022-211.json', 200, JSON.stringify({ ...JUPYTER_SERVER, modified: '2024-08-01T00:00:00Z' }));
    serve('/PyPI/PYSEC-2023-73.json', 503, 'busy', {}, 3);
    const result = await update(options({ concurrency: 1 }));
    expect(result.ecosystems[0]).toMatchObject({
      reachable: false,
      error: 'https://osv.test/exports/PyPI/PYSEC-2023-73.json answered HTTP 503 after 3 attempt(s)',
    });
    expect(fingerprint()).toEqual(before);
  });

  it('honours Retry-After on 429 and doubles its own delay on 503', async () => {
    serve('/PyPI/all.zip', 429, '', { 'retry-after': '3' });
    serve('/PyPI/all.zip', 503, '');
    serve('/PyPI/all.zip', 200, exportZip([GHSA_HRW6]));
    const result = await update(options());
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, imported: 1 });
    expect(sleeps).toEqual([3000, 2]);
  });

  it('gives up at once when Retry-After asks for longer than it may wait', async () => {
    serve('/PyPI/all.zip', 503, '', { 'retry-after': '3600' });
    const result = await update(options());
    expect(result.ecosystems[0]).toMatchObject({ reachable: false, error: 'https://osv.test/exports/PyPI/all.zip answered HTTP 503 and asked to wait 3600 s (more than the 10 s allowed)' });
    expect(sleeps).toEqual([]);
  });

  it('applies the ecosystems that worked and reports the one that did not', async () => {
    serve('/PyPI/all.zip', 200, exportZip([GHSA_HRW6, JUPYTER_SERVER]));
    serve('/npm/all.zip', 404, 'Not Found');
    const result = await update(options({ ecosystems: ['PyPI', 'npm'] }));
    expect(result.ecosystems.map((entry) => [entry.ecosystem, entry.reachable, entry.mode, entry.imported])).toEqual([
      ['PyPI', true, 'full', 2],
      ['npm', false, 'none', 0],
    ]);
    expect(result.ecosystems[1]?.error).toBe('https://osv.test/exports/npm/all.zip does not exist (no OSV export for npm?)');
    readStore((store) => {
      expect(store.count()).toBe(2);
      expect(readUpdateState(store, 'npm')).toBeNull();
      expect(store.sourceCounts()).toEqual({ 'osv:PyPI': 2 });
    });
  });

  it('keeps records the index does not list when the index is damaged', async () => {
    await seed();
    serve('/PyPI/modified_id.csv', 200, `${indexCsv([['2024-07-01T00:00:00Z', 'PYSEC-2023-73']])}garbage line\n`);
    serve('/PyPI/PYSEC-2023-73.json', 200, JSON.stringify(REDIS_WITHDRAWN));
    const events = collectingSink();
    const result = await update(options({ events }));
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, mode: 'incremental', imported: 1, deleted: 0, records: 6 });
    expect(events.events.some((event) => event.type === 'log' && event.level === 'warn' && event.message.includes('incomplete'))).toBe(true);
  });

  it('reports bad downloaded records and keeps going', async () => {
    await seed();
    serve(
      '/PyPI/modified_id.csv',
      200,
      indexCsv([
        ['2024-09-01T00:00:00Z', 'PYSEC-2022-211'],
        ['2024-08-01T00:00:00Z', 'PYSEC-2023-73'],
        ['2024-07-01T00:00:00Z', 'PYSEC-9999-1'],
        ...SEED.filter((record) => record.id !== 'PYSEC-2022-211').map((record): [string, string] => [record.modified, record.id]),
      ]),
    );
    serve('/PyPI/PYSEC-2022-211.json', 200, JSON.stringify({ ...JUPYTER_SERVER, modified: 'not a date' }));
    serve('/PyPI/PYSEC-2023-73.json', 200, JSON.stringify({ ...REDIS_WITHDRAWN, id: 'PYSEC-2023-74' }));
    serve('/PyPI/PYSEC-9999-1.json', 404, 'gone');
    const result = await update(options({ concurrency: 1 }));
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, imported: 0, deleted: 0, records: 5 });
    expect(result.ecosystems[0]?.errors.map((error) => [error.code, error.location?.path])).toEqual([
      ['invalid-advisory', 'PyPI/PYSEC-2022-211.json'],
      ['invalid-advisory', 'PyPI/PYSEC-2023-73.json'],
      ['invalid-advisory', 'PyPI/PYSEC-9999-1.json'],
    ]);
    // The stored copy of the record that came back broken is kept as it was.
    readStore((store) => expect(store.getRecord('PYSEC-2022-211')).toEqual(JUPYTER_SERVER));
  });

  it('reports a bad entry of all.zip by archive path and keeps the previous copy of it', async () => {
    await seed();
    const broken = exportZip(
      SEED.filter((record) => record.id !== 'PYSEC-2021-76'),
      { 'PYSEC-2021-76.json': strToU8('{"id": "PYSEC-2021-76", "modified": ') },
    );
    serve('/PyPI/all.zip', 200, broken);
    const result = await update(options({ full: true }));
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, mode: 'full', downloaded: 5, imported: 0, skipped: 4, deleted: 0, records: 5 });
    expect(result.ecosystems[0]?.errors.map((error) => [error.code, error.location?.path])).toEqual([
      ['parse-error', 'PyPI/all.zip!/PYSEC-2021-76.json'],
    ]);
    readStore((store) => expect(store.getRecord('PYSEC-2021-76')).toEqual(AIOHTTP));
  });

  it('rolls back an ecosystem whose all.zip has an entry that cannot be inflated, keeping the others', async () => {
    await seed();
    const before = fingerprint();
    serve('/PyPI/all.zip', 200, breakCompressionOf(exportZip([...SEED, REDIS_WITHDRAWN]), 'PYSEC-2022-211.json'));
    serve('/npm/all.zip', 200, exportZip([]));
    const result = await update(options({ ecosystems: ['PyPI', 'npm'], full: true }));
    expect(result.ecosystems.map((entry) => [entry.ecosystem, entry.reachable, entry.imported, entry.downloaded])).toEqual([
      ['PyPI', false, 0, 0],
      ['npm', true, 0, 0],
    ]);
    expect(result.ecosystems[0]?.error).toMatch(/^cannot inflate zip entry/);
    readStore((store) => {
      expect(store.count()).toBe(5);
      expect(store.getRecord('PYSEC-2023-73')).toBeNull();
      expect(readUpdateState(store, 'PyPI')?.modified).toBe('2024-06-06T21:26:53Z');
      // npm's empty export was applied: its cursor exists now.
      expect(readUpdateState(store, 'npm')).toEqual({ modified: '1970-01-01T00:00:00Z', updatedAt: '2025-01-01T00:00:00.000Z' });
    });
    expect(fingerprint()).not.toEqual(before);
  });

  it('refuses an all.zip whose directory points every entry at one member, leaving the database untouched', async () => {
    await seed();
    const before = fingerprint();
    serve('/PyPI/all.zip', 200, Buffer.from(overlappingBomb(1000, 16 * 1024 * 1024)));
    const result = await update(options({ full: true }));
    expect(result.ecosystems[0]).toMatchObject({ reachable: false, mode: 'none', imported: 0 });
    expect(result.ecosystems[0]?.error).toMatch(/^PyPI\/all\.zip is not a readable zip .*both start at offset 0/);
    expect(fingerprint()).toEqual(before);
  });

  it('reports 150,000 bad entries of all.zip one by one (no push(...list) of them)', async () => {
    const count = 150_000;
    // Entries that are not UTF-8: the cheapest bad record, so the test stays fast.
    const members = Array.from({ length: count }, (_, index) => ({ name: `BAD-${index}.json`, data: Buffer.from([0xff]), method: 0 as const }));
    serve('/PyPI/all.zip', 200, Buffer.from(buildZip([...members, { name: 'GOOD-1.json', data: Buffer.from('{"id":"GOOD-1","modified":"2024-01-01T00:00:00Z"}') }])));
    const result = await update(options());
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, mode: 'full', imported: 1, downloaded: count + 1 });
    expect(result.ecosystems[0]?.errors).toHaveLength(count);
    expect(result.ecosystems[0]?.errors[0]?.describe()).toBe('PyPI/all.zip!/BAD-0.json: entry is not UTF-8 text');
  });

  it('reports a downloaded record that is not UTF-8 instead of mangling it', async () => {
    await seed();
    serve('/PyPI/modified_id.csv', 200, indexCsv([['2025-01-01T00:00:00Z', 'PYSEC-2099-1']]));
    serve('/PyPI/PYSEC-2099-1.json', 200, Buffer.concat([Buffer.from('{"id":"PYSEC-2099-1","modified":"2025-01-01T00:00:00Z","summary":"'), Buffer.from([0xff]), Buffer.from('"}')]));
    const result = await update(options());
    expect(result.ecosystems[0]?.errors.map((error) => [error.code, error.location?.path])).toEqual([['invalid-encoding', 'PyPI/PYSEC-2099-1.json']]);
  });

  it('switches to all.zip when too much changed for one request per record', async () => {
    await seed();
    serve(
      '/PyPI/modified_id.csv',
      200,
      indexCsv([
        ['2024-09-01T00:00:00Z', 'PYSEC-2022-211'],
        ['2024-08-01T00:00:00Z', 'PYSEC-2023-73'],
      ]),
    );
    serve('/PyPI/all.zip', 200, exportZip([JUPYTER_SERVER, REDIS_WITHDRAWN]));
    const result = await update(options({ fullDownloadThreshold: 1 }));
    // all.zip is the whole truth: the four records it lacks leave this source.
    expect(result.ecosystems[0]).toMatchObject({ reachable: true, mode: 'full', imported: 1, skipped: 1, deleted: 4, records: 2 });
  });

  it('never puts credentials from the base URL into results', async () => {
    const result = await update(options({ baseUrl: 'https://reader:s3cret-token@osv.test/exports?key=k3y-value' }));
    const text = JSON.stringify(result);
    expect(result.ecosystems[0]?.reachable).toBe(false);
    expect(text).not.toContain('s3cret-token');
    expect(text).not.toContain('k3y-value');
    // The user info went into an Authorization header, so the URL shown has none.
    expect(text).toContain('https://osv.test/exports/PyPI/all.zip?key=***');
  });
});

describe('parseModifiedIndex', () => {
  it.each([
    ['newest first, no header', '2024-07-01T00:00:00.123456789Z,PYSEC-1\n2024-06-01T00:00:00Z,GHSA-x\n', [['2024-07-01T00:00:00.123456789Z', 'PYSEC-1'], ['2024-06-01T00:00:00Z', 'GHSA-x']], []],
    ['CRLF and blank lines', '2024-07-01T00:00:00Z,PYSEC-1\r\n\r\n2024-06-01T00:00:00Z,PYSEC-2\r\n', [['2024-07-01T00:00:00Z', 'PYSEC-1'], ['2024-06-01T00:00:00Z', 'PYSEC-2']], []],
    ['a header line', 'modified,id\n2024-07-01T00:00:00Z,PYSEC-1\n', [['2024-07-01T00:00:00Z', 'PYSEC-1']], []],
    ['quoted fields', '"2024-07-01T00:00:00Z","PYSEC-1"\n', [['2024-07-01T00:00:00Z', 'PYSEC-1']], []],
    ['the all-ecosystems form (prefix) and junk', '2024-07-01T00:00:00Z,PyPI/PYSEC-1\nnonsense\n2024-07-01T00:00:00Z,\n', [], [1, 2, 3]],
    ['an empty file', '', [], []],
  ])('%s', (_label, text, rows, badLines) => {
    const index = parseModifiedIndex(text);
    expect(index.rows.map((row) => [row.modified, row.id])).toEqual(rows);
    expect(index.badLines).toEqual(badLines);
  });
});

describe('resolveOsvBaseUrl', () => {
  it.each([
    [{ flag: 'https://flag.test', config: 'https://config.test', env: { CHAINWATCH_OSV_URL: 'https://env.test' } }, 'https://flag.test'],
    [{ config: 'https://config.test', env: { CHAINWATCH_OSV_URL: 'https://env.test' } }, 'https://env.test'],
    [{ config: 'https://config.test', env: {} }, 'https://config.test'],
    [{ flag: ' ', env: { CHAINWATCH_OSV_URL: '' } }, DEFAULT_OSV_BASE_URL],
  ])('%j → %s', (sources, expected) => {
    expect(resolveOsvBaseUrl(sources)).toBe(expected);
  });
});
