import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildZip, type FixtureMember } from '../core/zip.fixture.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import { listZipEntries } from './advisory-sources.js';
import type { ChainwatchError } from '../core/errors.js';
import { importAdvisories, type ImportAdvisoriesResult } from './import.js';
import { iterateAdvisoryDirectory, iterateAdvisoryZipBytes } from './load.js';
import { PARALLEL_THRESHOLD } from './import-pool.js';

/**
 * The parallel import against the one-thread import of the same input: the
 * same database contents, row for row, the same errors in the same order,
 * the same counts. Inputs mix good records with every kind of bad one, so
 * both the worker path and the reference path for failures are exercised.
 */

const temporary: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-import-'));
  temporary.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function record(index: number): Record<string, unknown> {
  return {
    id: `REC-${index}`,
    modified: `2024-01-${String((index % 28) + 1).padStart(2, '0')}T00:00:00Z`,
    aliases: [`CVE-2024-${index}`, index % 3 === 0 ? 7 : `GHSA-${index}`],
    summary: index % 5 === 0 ? 12 : `record ${index}`,
    affected: [{ package: { ecosystem: index % 2 ? 'npm' : 'PyPI', name: `Pkg_${index % 40}` }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: `1.${index}` }] }], versions: ['1.0', null] }],
    [`extra_${index % 4}`]: { nested: [index] },
  };
}

function yamlRecord(index: number): string {
  return `id: YAML-${index}\nmodified: "2024-02-01T00:00:00Z"\nsummary: a summary that goes on\n  over two lines\naffected:\n- package:\n    ecosystem: PyPI\n    name: yaml-pkg-${index}\n  versions:\n  - 1.10\n  - "2.0"\n`;
}

/** Good records and each kind of bad one, several times over, past the threshold for threads. */
function zipMembers(): FixtureMember[] {
  const members: FixtureMember[] = [];
  for (let index = 0; index < PARALLEL_THRESHOLD + 40; index++) {
    members.push({ name: `REC-${index}.json`, data: Buffer.from(JSON.stringify(record(index))), method: index % 9 === 0 ? 0 : 8 });
    if (index % 50 === 0) {
      members.push({ name: `BAD-SYNTAX-${index}.json`, data: Buffer.from('{"id": "X",') });
      members.push({ name: `BAD-SCHEMA-${index}.json`, data: Buffer.from(JSON.stringify({ id: `S-${index}`, modified: 'yesterday' })) });
      members.push({ name: `BAD-UTF8-${index}.json`, data: Buffer.from([0x7b, 0xff, 0x7d]) });
      members.push({ name: `YAML-${index}.yaml`, data: Buffer.from(yamlRecord(index)) });
      // Outside the subset reader (an anchor): the library reads it on the thread.
      members.push({ name: `ANCHOR-${index}.yaml`, data: Buffer.from(`id: &i ANCHOR-${index}\nmodified: "2024-01-01T00:00:00Z"\nrelated:\n- *i\n`) });
      members.push({ name: `README-${index}.txt`, data: Buffer.from('not a record') });
      // The same id again, older: skipped.
      members.push({ name: `REC-${index}-again.json`, data: Buffer.from(JSON.stringify({ ...record(index), modified: '2020-01-01T00:00:00Z' })) });
    }
  }
  return members;
}

/** Corrupts a member's stored CRC in both headers: the member fails alone. */
function breakCrc(zip: Uint8Array, name: string): Uint8Array {
  const copy = Buffer.from(zip);
  const encoded = Buffer.from(name);
  for (let offset = 0; offset + 4 <= copy.length; offset++) {
    const signature = copy.readUInt32LE(offset);
    if (signature === 0x04034b50 && copy.subarray(offset + 30, offset + 30 + encoded.length).equals(encoded)) copy.writeUInt32LE((copy.readUInt32LE(offset + 14) ^ 1) >>> 0, offset + 14);
    if (signature === 0x02014b50 && copy.subarray(offset + 46, offset + 46 + encoded.length).equals(encoded)) copy.writeUInt32LE((copy.readUInt32LE(offset + 16) ^ 1) >>> 0, offset + 16);
  }
  return copy;
}

async function fromAsync<T>(items: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
}

function counts(imported: Imported): { imported: number; skipped: number; loaded: number } {
  return { imported: imported.result.imported, skipped: imported.result.skipped, loaded: imported.result.loaded };
}

interface Imported {
  result: ImportAdvisoriesResult;
  errors: string[];
  tables: Record<string, unknown[]>;
}

/**
 * `workers`: importAdvisories with that many threads; 'reference': the
 * one-record-at-a-time path (parseAdvisoryText, zod for failures,
 * AdvisoryStore.importRecords) the parallel import must equal.
 */
async function importInto(dir: string, source: { kind: 'zip' | 'directory'; path: string }, workers: number | 'reference'): Promise<Imported> {
  const file = path.join(dir, `workers-${workers}.sqlite`);
  rmSync(file, { force: true });
  const store = openSqliteStore(file);
  let result: ImportAdvisoriesResult;
  try {
    if (workers === 'reference') {
      const results = source.kind === 'zip' ? iterateAdvisoryZipBytes(readFileSync(source.path), source.path) : await fromAsync(iterateAdvisoryDirectory(source.path, { workers: 0 }));
      const errors: ChainwatchError[] = [];
      let loaded = 0;
      const stats = store.importRecords(
        (function* () {
          for (const entry of results) {
            if (entry.ok) {
              loaded++;
              yield entry.value;
            } else errors.push(entry.error);
          }
        })(),
        { source: 'test' },
      );
      result = { ...stats, loaded, errors, notRecords: [], layout: null };
    } else result = await importAdvisories(store, source, { workers, sourceName: 'test' });
  } finally {
    store.close();
  }
  const db = new Database(file, { readonly: true });
  try {
    const tables: Record<string, unknown[]> = {};
    for (const [name, sql] of Object.entries({
      records: 'SELECT id, modified, modified_key, withdrawn, json, typeof(json) AS type FROM records ORDER BY id',
      affected: 'SELECT * FROM affected ORDER BY 1, 2, 3',
      aliases: 'SELECT * FROM aliases ORDER BY 1, 2',
      sources: 'SELECT * FROM sources ORDER BY 1, 2',
    })) {
      tables[name] = db.prepare(sql).all();
    }
    return { result, errors: result.errors.map((error) => `${error.code} ${error.describe()}`), tables };
  } finally {
    db.close();
  }
}

describe('importAdvisories on worker threads', () => {
  let zipFile: string;
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-import-shared-'));
    zipFile = path.join(dir, 'all.zip');
    writeFileSync(zipFile, breakCrc(buildZip(zipMembers()), 'REC-7.json'));
    return () => rmSync(dir, { recursive: true, force: true });
  });

  it('writes exactly what the one-thread import writes, and reports the same errors, from an export zip', async () => {
    const serial = await importInto(dir, { kind: 'zip', path: zipFile }, 'reference');
    expect(serial.result.imported).toBeGreaterThan(PARALLEL_THRESHOLD);
    expect(serial.result.skipped).toBeGreaterThan(0);
    expect(serial.errors.some((error) => error.includes('REC-7.json') && error.includes('CRC-32'))).toBe(true);
    expect(serial.errors.filter((error) => error.startsWith('parse-error')).length).toBeGreaterThan(0);
    expect(serial.errors.filter((error) => error.startsWith('invalid-advisory')).length).toBeGreaterThan(0);
    expect(serial.tables.records!.some((row) => (row as { id: string }).id.startsWith('ANCHOR-'))).toBe(true);
    expect(new Set(serial.tables.records!.map((row) => (row as { type: string }).type))).toEqual(new Set(['text']));
    for (const workers of [0, 2]) {
      const imported = await importInto(dir, { kind: 'zip', path: zipFile }, workers);
      expect(imported.errors).toEqual(serial.errors);
      expect(counts(imported)).toEqual(counts(serial));
      expect(imported.tables).toEqual(serial.tables);
    }
  });

  it('writes exactly what the one-thread import writes from a directory of JSON and YAML files', async () => {
    const tree = path.join(tempDir(), 'tree');
    for (const member of zipMembers()) {
      const folder = path.join(tree, member.name.slice(0, 3));
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, member.name), member.data);
    }
    const serial = await importInto(path.dirname(tree), { kind: 'directory', path: tree }, 'reference');
    expect(serial.result.imported).toBeGreaterThan(PARALLEL_THRESHOLD);
    for (const workers of [0, 3]) {
      const imported = await importInto(path.dirname(tree), { kind: 'directory', path: tree }, workers);
      expect(imported.errors).toEqual(serial.errors);
      expect(counts(imported)).toEqual(counts(serial));
      expect(imported.tables).toEqual(serial.tables);
    }
  });

  it('refuses a zip whose local headers make members overlap, as a whole and before writing anything, naming what a whole read names', async () => {
    // The directory alone looks fine; member 100's local header claims a long extra field, so its data runs into member 101.
    const members = zipMembers().slice(0, PARALLEL_THRESHOLD + 10);
    const zip = Buffer.from(buildZip(members));
    const listing = listZipEntries(zip, 'x');
    expect(listing.ok).toBe(true);
    let offset = 0;
    for (let index = 0; index < 100; index++) {
      const data = members[index]!.method === 0 ? members[index]!.data : zlib.deflateRawSync(members[index]!.data, { level: 9 });
      offset += 30 + Buffer.byteLength(members[index]!.name) + data.length;
    }
    expect(zip.readUInt32LE(offset)).toBe(0x04034b50);
    zip.writeUInt16LE(200, offset + 28);
    const file = path.join(tempDir(), 'overlap.zip');
    writeFileSync(file, zip);
    const expected = listZipEntries(zip, file);
    expect(expected.ok).toBe(false);
    for (const workers of [0, 2]) {
      const imported = await importInto(path.dirname(file), { kind: 'zip', path: file }, workers);
      expect(imported.errors).toEqual([`unreadable-file ${expected.ok ? '' : expected.error.describe()}`]);
      expect(imported.result).toMatchObject({ imported: 0, skipped: 0, loaded: 0 });
      expect(imported.tables.records).toEqual([]);
    }
  });
});
