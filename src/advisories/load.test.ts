import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { strToU8, zipSync, type Zippable } from 'fflate';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collectingSink } from '../core/events.js';
import { buildZip, overlappingBomb } from '../core/zip.fixture.js';
import { INPUT_LIMITS } from '../inventory/read-input.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import {
  advisoryFormatOf,
  advisoryZipLimits,
  importAdvisories,
  iterateAdvisoryZipBytes,
  listZipEntries,
  loadAdvisoryDirectory,
  loadAdvisoryZip,
  parseAdvisoryText,
  PARALLEL_THRESHOLD,
  planAdvisoryDirectory,
  type LoadResult,
} from './load.js';
import type { OsvRecord } from './types.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const sharedOsv = sharedDataPath('osv');
const GHSA_IDS = ['GHSA-4952-p58q-6crx', 'GHSA-4m77-cmpx-vjc4', 'GHSA-hrw6-wg82-cm62'];

function ghsaText(id: string): string {
  return readFileSync(path.join(sharedOsv, 'ghsa', `${id}.json`), 'utf8');
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainwatch-load-'));
  tempDirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function byId(result: LoadResult): Map<string, OsvRecord> {
  return new Map(result.records.map((record) => [record.id, record]));
}

function describeErrors(result: LoadResult): string[] {
  return result.errors.map((error) => `${error.code} ${error.describe()}`);
}

describe('advisoryFormatOf', () => {
  it.each([
    ['PYSEC-2021-76.yaml', 'yaml'],
    ['x.YML', 'yaml'],
    ['GHSA-x.json', 'json'],
    ['.id-allocator', null],
    ['readme.md', null],
  ])('%s → %s', (name, expected) => {
    expect(advisoryFormatOf(name)).toBe(expected);
  });
});

describeWithSharedData('loadAdvisoryDirectory on the shared OSV data', () => {
  let inThread: LoadResult;
  beforeAll(async () => {
    inThread = await loadAdvisoryDirectory(sharedOsv, { workers: 0 });
  }, 120_000);

  it('loads all 2,661 PyPA YAML records and the 3 GHSA JSON records without errors', () => {
    expect(describeErrors(inThread)).toEqual([]);
    expect(inThread.records).toHaveLength(2664);
    // Sorted by path: ghsa/ before pypa/.
    expect(inThread.records.slice(0, 3).map((record) => record.id)).toEqual(GHSA_IDS);
    expect(inThread.records.filter((record) => record.withdrawn !== undefined)).toHaveLength(10);
  });

  it('reads a PyPA YAML record field by field', () => {
    const record = byId(inThread).get('PYSEC-2021-76')!;
    expect(record.modified).toBe('2021-03-26T20:01:00Z');
    expect(record.published).toBe('2021-02-26T03:15:00Z');
    expect(record.aliases).toEqual(['CVE-2021-21330', 'GHSA-v6wp-4m6f-gcjg']);
    expect(record.affected).toHaveLength(1);
    const affected = record.affected![0]!;
    expect(affected.package).toEqual({ name: 'aiohttp', ecosystem: 'PyPI', purl: 'pkg:pypi/aiohttp' });
    expect(affected.ranges).toEqual([
      { type: 'GIT', repo: 'https://github.com/aio-libs/aiohttp', events: [{ introduced: '0' }, { fixed: '2545222a3853e31ace15d87ae0e2effb7da0c96b' }] },
      { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '3.7.4' }] },
    ]);
    expect(affected.versions).toHaveLength(210);
    expect(affected.versions?.slice(0, 3)).toEqual(['0.1', '0.2', '0.3']);
    expect(affected.versions?.at(-1)).toBe('3.7.3');
    expect(record.references).toHaveLength(7);
    expect(record.references?.[2]).toEqual({ type: 'PACKAGE', url: 'https://pypi.test/project/aiohttp/' });
  });

  it.each([
    // Unquoted timestamps stay text (the core schema has no timestamp type).
    ['PYSEC-2024-1', 'modified', '2024-01-03T22:31:36Z'],
    ['PYSEC-2020-342', 'modified', '2023-11-07T20:24:23.946863Z'],
    ['PYSEC-2023-73', 'withdrawn', '2023-06-06T10:37:00Z'],
  ])('%s has %s %s', (id, field, expected) => {
    expect(byId(inThread).get(id)?.[field as 'modified' | 'withdrawn']).toBe(expected);
  });

  it('keeps credits and severity from the YAML', () => {
    const records = byId(inThread);
    expect(records.get('PYSEC-2024-1')?.credits).toEqual([
      { name: 'Mike Fiedler', type: 'ANALYST' },
      { name: 'Mike Fiedler', type: 'COORDINATOR' },
    ]);
    expect(records.get('PYSEC-2020-342')?.severity).toEqual([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }]);
  });

  it('gives the same result on worker threads', async () => {
    const parallel = await loadAdvisoryDirectory(sharedOsv, { workers: 2 });
    expect(parallel.errors).toEqual([]);
    expect(parallel.records).toEqual(inThread.records);
  });
});

const BAD_FILES: Record<string, string> = {
  'broken/bad-syntax.yaml': 'id: BAD-1\nmodified: "2024-01-01T00:00:00Z"\naffected: [\n  - x\n',
  'broken/bad-syntax.json': '{\n  "id": "BAD-2",\n  "modified":\n}\n',
  'broken/missing-name.yaml':
    'id: BAD-3\nmodified: "2024-01-01T00:00:00Z"\naffected:\n- package:\n    ecosystem: PyPI\n  ranges: []\n',
  'broken/numeric-fixed.json':
    '{\n "id": "BAD-4",\n "modified": "2024-01-01T00:00:00Z",\n "affected": [\n  {"ranges": [{"type": "ECOSYSTEM", "events": [\n   {"fixed": 1.5}\n  ]}]}\n ]\n}\n',
  'broken/no-modified.yaml': 'id: BAD-5\nsummary: nothing else\n',
  'broken/empty.json': '',
};

const EXPECTED_BAD: string[] = [
  'parse-error broken/bad-syntax.json:4:',
  'parse-error broken/bad-syntax.yaml:4:',
  'parse-error broken/empty.json:1:',
  'invalid-advisory broken/missing-name.yaml:5: invalid OSV record: affected[0].package.name:',
  'invalid-advisory broken/no-modified.yaml:1: invalid OSV record: modified:',
  'invalid-advisory broken/numeric-fixed.json:6: invalid OSV record: affected[0].ranges[0].events[0].fixed:',
];

function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
}

function relativeErrors(result: LoadResult, root: string): string[] {
  return result.errors.map((error) => `${error.code} ${path.relative(root, error.location!.path)}:${error.location!.line}: ${error.message}`);
}

describeWithSharedData('loadAdvisoryDirectory on bad input', () => {
  it('reports each bad file with its line and loads the rest', async () => {
    const root = tempDir();
    writeTree(root, {
      ...BAD_FILES,
      'good/GHSA-hrw6-wg82-cm62.json': ghsaText('GHSA-hrw6-wg82-cm62'),
      'good/deep/er/NUM-1.yml': 'id: NUM-1\nmodified: "2024-01-01T00:00:00Z"\naffected:\n- versions:\n  - 1.10\n  - 2.0\n  - 007\n',
      'notes.txt': 'not an advisory',
      '.git/config.json': '{ "not": "an advisory" }',
      '.id-allocator': 'x',
    });
    const result = await loadAdvisoryDirectory(root);
    expect(result.records.map((record) => record.id)).toEqual(['GHSA-hrw6-wg82-cm62', 'NUM-1']);
    // Numbers in YAML stay as written: 1.10 is version "1.10", not 1.1.
    expect(result.records[1]!.affected![0]!.versions).toEqual(['1.10', '2.0', '007']);
    const errors = relativeErrors(result, root);
    expect(errors).toHaveLength(EXPECTED_BAD.length);
    EXPECTED_BAD.forEach((prefix, index) => expect(errors[index]!.startsWith(prefix), `${errors[index]} starts with ${prefix}`).toBe(true));
  });

  it('reports a missing directory as an error value', async () => {
    const missing = path.join(tempDir(), 'nope');
    const result = await loadAdvisoryDirectory(missing);
    expect(result.records).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.location?.path])).toEqual([['unreadable-file', missing]]);
  });

  it('reports the same errors, lines and records on worker threads', async () => {
    const root = tempDir();
    const files: Record<string, string> = {
      ...BAD_FILES,
      // The workers read with the calling thread's own options: numbers stay as written, a repeated key keeps its last value.
      'numbers/NUM-1.yaml': 'id: NUM-1\nmodified: "2024-01-01T00:00:00Z"\naffected:\n- versions:\n  - 1.10\n  - 007\n  - 0x1F\n  - .inf\n',
      'numbers/DUP-1.yaml': 'id: DUP-0\nmodified: "2024-01-01T00:00:00Z"\nid: DUP-1\n',
    };
    for (let index = 0; index < PARALLEL_THRESHOLD; index++) {
      files[`many/REC-${String(index).padStart(4, '0')}.yaml`] = `id: REC-${index}\nmodified: "2024-01-01T00:00:00Z"\naliases:\n- CVE-2024-${index}\n`;
    }
    writeTree(root, files);
    const inThread = await loadAdvisoryDirectory(root, { workers: 0 });
    const parallel = await loadAdvisoryDirectory(root, { workers: 3 });
    expect(inThread.records).toHaveLength(PARALLEL_THRESHOLD + 2);
    expect(parallel.records).toEqual(inThread.records);
    const parallelById = new Map(parallel.records.map((record) => [record.id, record]));
    expect(parallelById.get('NUM-1')?.affected?.[0]?.versions).toEqual(['1.10', '007', '0x1F', '.inf']);
    expect(parallelById.has('DUP-1')).toBe(true);
    expect(relativeErrors(parallel, root)).toEqual(relativeErrors(inThread, root));
    expect(relativeErrors(parallel, root)).toHaveLength(EXPECTED_BAD.length);
  });
});

/** Points the compression method of `entry` at an unsupported one, in its local header and central directory entry. */
function breakCompressionOf(zip: Uint8Array, entry: string): Uint8Array {
  const copy = new Uint8Array(zip);
  const view = new DataView(copy.buffer);
  const name = strToU8(entry);
  const matchesAt = (offset: number) => name.every((byte, index) => copy[offset + index] === byte);
  for (let offset = 0; offset + 4 <= copy.length; offset++) {
    const signature = view.getUint32(offset, true);
    if (signature === 0x04034b50 && matchesAt(offset + 30)) view.setUint16(offset + 8, 99, true);
    if (signature === 0x02014b50 && matchesAt(offset + 46)) view.setUint16(offset + 10, 99, true);
  }
  return copy;
}

function exportZip(extra: Zippable = {}): Uint8Array {
  const files: Zippable = {};
  for (const id of GHSA_IDS) files[`${id}.json`] = strToU8(ghsaText(id));
  return zipSync({ ...files, ...extra });
}

describeWithSharedData('loadAdvisoryZip', () => {
  it('loads the flat <ID>.json entries and names bad ones archive!/entry', async () => {
    const file = path.join(tempDir(), 'all.zip');
    writeFileSync(file, exportZip({ 'BAD-2.json': strToU8(BAD_FILES['broken/bad-syntax.json']!), 'README.txt': strToU8('hello') }));
    const result = await loadAdvisoryZip(file);
    expect(result.records.map((record) => record.id)).toEqual(GHSA_IDS);
    expect(result.records[2]).toEqual(JSON.parse(ghsaText(GHSA_IDS[2]!)));
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path: `${file}!/BAD-2.json`, line: 4 }]]);
  });

  it('reports a truncated archive once, naming the archive', async () => {
    const file = path.join(tempDir(), 'all.zip');
    const whole = exportZip();
    writeFileSync(file, whole.subarray(0, whole.length - 40));
    const result = await loadAdvisoryZip(file);
    expect(result.records).toEqual([]);
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['unreadable-file', { path: file }]]);
  });

  it('reports a missing file as an error value', async () => {
    const file = path.join(tempDir(), 'missing.zip');
    const result = await loadAdvisoryZip(file);
    expect(result.errors.map((error) => [error.code, error.location])).toEqual([['unreadable-file', { path: file }]]);
  });

  it('isolates an entry that cannot be inflated', () => {
    const zip = breakCompressionOf(exportZip(), `${GHSA_IDS[1]}.json`);
    const results = [...iterateAdvisoryZipBytes(zip, 'all.zip')];
    expect(results.filter((result) => result.ok).map((result) => result.ok && result.value.id)).toEqual([GHSA_IDS[0], GHSA_IDS[2]]);
    expect(results.filter((result) => !result.ok).map((result) => !result.ok && [result.error.code, result.error.location])).toEqual([
      ['unreadable-file', { path: `all.zip!/${GHSA_IDS[1]}.json` }],
    ]);
  });

  it('yields every record in directory order', () => {
    const files: Zippable = {};
    for (let index = 0; index < 50; index++) files[`REC-${index}.json`] = strToU8(JSON.stringify({ id: `REC-${index}`, modified: '2024-01-01T00:00:00Z' }));
    const results = [...iterateAdvisoryZipBytes(zipSync(files), 'all.zip')];
    expect(results.map((result) => result.ok && result.value.id)).toEqual(Array.from({ length: 50 }, (_, index) => `REC-${index}`));
  });
});

describeWithSharedData('parseAdvisoryText', () => {
  it('strips a byte order mark', () => {
    const result = parseAdvisoryText(`\uFEFF${ghsaText(GHSA_IDS[0]!)}`, 'json', 'x.json');
    expect(result.ok && result.value.id).toBe(GHSA_IDS[0]);
  });
});

describeWithSharedData('importAdvisories', () => {
  it('imports a directory tree in one go and reports its bad files', async () => {
    const root = tempDir();
    writeTree(root, {
      'broken/bad-syntax.json': BAD_FILES['broken/bad-syntax.json']!,
      'a/GHSA-4952-p58q-6crx.json': ghsaText('GHSA-4952-p58q-6crx'),
      'b/GHSA-hrw6-wg82-cm62.json': ghsaText('GHSA-hrw6-wg82-cm62'),
    });
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'directory', path: root });
      expect({ loaded: result.loaded, imported: result.imported, skipped: result.skipped }).toEqual({ loaded: 2, imported: 2, skipped: 0 });
      expect(result.errors.map((error) => error.code)).toEqual(['parse-error']);
      expect(store.recordsFor('PyPI', 'notebook').map((record) => record.id)).toEqual(['GHSA-4952-p58q-6crx']);
      expect(store.sourceCounts()).toEqual({ [`local:${path.resolve(root)}`]: 2 });
      // The same tree again changes nothing.
      const again = await importAdvisories(store, { kind: 'directory', path: root });
      expect({ imported: again.imported, skipped: again.skipped }).toEqual({ imported: 0, skipped: 2 });
    } finally {
      store.close();
    }
  });

  it('streams an export zip into the store under the given source name', async () => {
    const file = path.join(tempDir(), 'all.zip');
    writeFileSync(file, exportZip({ 'BAD-2.json': strToU8('{') }));
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'zip', path: file }, { sourceName: 'osv:PyPI' });
      expect({ loaded: result.loaded, imported: result.imported, skipped: result.skipped }).toEqual({ loaded: 3, imported: 3, skipped: 0 });
      expect(result.errors.map((error) => error.location?.path)).toEqual([`${file}!/BAD-2.json`]);
      expect(store.sourceCounts()).toEqual({ 'osv:PyPI': 3 });
      expect(store.recordsFor('PyPI', 'jupyter_server').map((record) => record.id)).toEqual(['GHSA-hrw6-wg82-cm62']);
    } finally {
      store.close();
    }
  });

  it('reports an unreadable zip without touching the store', async () => {
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'zip', path: path.join(tempDir(), 'missing.zip') });
      expect(result).toMatchObject({ loaded: 0, imported: 0, skipped: 0 });
      expect(result.errors.map((error) => error.code)).toEqual(['unreadable-file']);
      expect(store.count()).toBe(0);
    } finally {
      store.close();
    }
  });
});

describe('zips whose end record under-counts their entries', () => {
  it('reads every entry of a zip of more than 65,535 entries written without ZIP64 (count stored modulo 65,536)', () => {
    const files: Zippable = {};
    for (let index = 0; index < 65_537; index += 1) files[`R-${index}.json`] = new Uint8Array(0);
    // fflate writes no ZIP64 records: its end record says 65,537 mod 65,536 = 1 entry.
    const listing = listZipEntries(zipSync(files, { level: 0 }), 'all.zip');
    expect(listing.ok && listing.value.length).toBe(65_537);
  });

  it('is an error naming both counts when they disagree otherwise', () => {
    const files: Zippable = {};
    for (let index = 0; index < 3; index += 1) files[`R-${index}.json`] = strToU8('{}');
    const bytes = zipSync(files);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const end = bytes.length - 22;
    view.setUint16(end + 8, 2, true);
    view.setUint16(end + 10, 2, true);
    const listing = listZipEntries(bytes, 'all.zip');
    expect(listing.ok).toBe(false);
    if (!listing.ok) expect(listing.error.message).toMatch(/lists 2 entries but the central directory holds 3/);
  });
});

function fifoAt(file: string): void {
  execFileSync('mkfifo', [file]);
}

const minimalRecord = (id: string) => JSON.stringify({ id, modified: '2024-01-01T00:00:00Z' });

describe('only regular files are read (issue 7: FIFOs blocked for ever, /dev/zero never ended)', () => {
  it('refuses a FIFO given as an export zip at once, naming it', async () => {
    const fifo = path.join(tempDir(), 'all.zip');
    fifoAt(fifo);
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'zip', path: fifo });
      expect(result.errors.map((error) => [error.code, error.describe()])).toEqual([
        ['unreadable-file', `${fifo}: is not a regular file (a device, FIFO or socket is never read)`],
      ]);
      expect(store.count()).toBe(0);
    } finally {
      store.close();
    }
  });

  it('refuses /dev/zero without reading it', async () => {
    const result = await loadAdvisoryZip('/dev/zero');
    expect(result.errors.map((error) => [error.code, error.location?.path])).toEqual([['unreadable-file', '/dev/zero']]);
  });

  it('skips FIFOs and symbolic links inside a tree with an error naming each, and loads the rest', async () => {
    const root = tempDir();
    writeTree(root, { 'a/GOOD-1.json': minimalRecord('GOOD-1'), 'outside.json': minimalRecord('OUTSIDE-1') });
    fifoAt(path.join(root, 'a', 'PIPE-1.json'));
    symlinkSync(path.join(root, 'outside.json'), path.join(root, 'a', 'LINK-1.json'));
    symlinkSync('/dev/zero', path.join(root, 'a', 'ZERO-1.json'));
    fifoAt(path.join(root, 'a', 'pipe.txt')); // not an advisory name: ignored like any other file
    for (const workers of [0, 2]) {
      const result = await loadAdvisoryDirectory(root, { workers });
      expect(result.records.map((record) => record.id)).toEqual(['GOOD-1', 'OUTSIDE-1']);
      expect(result.errors.map((error) => [error.code, path.relative(root, error.location!.path), error.message])).toEqual([
        ['unreadable-file', 'a/LINK-1.json', 'skipped: a symbolic link, not a regular file'],
        ['unreadable-file', 'a/PIPE-1.json', 'skipped: a FIFO, not a regular file'],
        ['unreadable-file', 'a/ZERO-1.json', 'skipped: a symbolic link, not a regular file'],
      ]);
    }
  });

  it('refuses an advisory file larger than INPUT_LIMITS.advisory', async () => {
    const root = tempDir();
    writeTree(root, { 'GOOD-1.json': minimalRecord('GOOD-1') });
    writeFileSync(path.join(root, 'HUGE-1.json'), Buffer.alloc(INPUT_LIMITS.advisory + 1, 0x20));
    const result = await loadAdvisoryDirectory(root, { workers: 0 });
    expect(result.records.map((record) => record.id)).toEqual(['GOOD-1']);
    expect(result.errors.map((error) => [error.code, path.basename(error.location!.path)])).toEqual([['input-too-large', 'HUGE-1.json']]);
  });
});

describe('records nested without bound (issue 7: stack overflows aborted the whole load)', () => {
  const DEPTH = 100_000;
  const deepJson = (id: string, field: string) => `{"id":"${id}","modified":"2024-01-01T00:00:00Z","${field}":${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}`;
  const deepYaml = (id: string) => `id: ${id}\nmodified: "2024-01-01T00:00:00Z"\ndatabase_specific: ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}\n`;

  it('fails each deep record alone, naming file and id, and imports the rest', async () => {
    const root = tempDir();
    writeTree(root, {
      'DEEP-1.json': deepJson('DEEP-1', 'database_specific'),
      'DEEP-2.json': deepJson('DEEP-2', 'affected'),
      'DEEP-3.yaml': deepYaml('DEEP-3'),
      'GOOD-1.json': minimalRecord('GOOD-1'),
    });
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'directory', path: root });
      expect(result.imported).toBe(1);
      expect(result.errors.map((error) => [error.code, path.basename(error.location!.path)])).toEqual([
        ['invalid-advisory', 'DEEP-1.json'],
        ['invalid-advisory', 'DEEP-2.json'],
        ['parse-error', 'DEEP-3.yaml'],
      ]);
      expect(result.errors[0]!.message).toMatch(/^invalid OSV record DEEP-1: lists and objects nested more than 64 levels deep \(at database_specific\[0\]\[0\]/);
      expect(result.errors[1]!.message).toMatch(/^invalid OSV record DEEP-2: /);
      expect(store.getRecord('GOOD-1')?.id).toBe('GOOD-1');
    } finally {
      store.close();
    }
  });

  it('does the same inside an export zip', () => {
    const zip = buildZip([
      { name: 'DEEP-1.json', data: Buffer.from(deepJson('DEEP-1', 'aliases')) },
      { name: 'GOOD-1.json', data: Buffer.from(minimalRecord('GOOD-1')) },
    ]);
    const results = [...iterateAdvisoryZipBytes(zip, 'all.zip')];
    expect(results.map((result) => (result.ok ? result.value.id : `${result.error.code} ${result.error.location?.path}`))).toEqual([
      'invalid-advisory all.zip!/DEEP-1.json',
      'GOOD-1',
    ]);
  });

  it('still accepts records nested as deep as real ones get', () => {
    let nested: unknown = 'x';
    for (let level = 0; level < 60; level++) nested = { level: nested };
    const result = parseAdvisoryText(JSON.stringify({ id: 'OK-1', modified: '2024-01-01T00:00:00Z', database_specific: nested }), 'json', 'OK-1.json');
    expect(result.ok).toBe(true);
  });
});

describe('hostile export zips (issue 7: a 64 KB zip ran past 600 s and 2.4 GB)', () => {
  it('refuses a zip whose directory points every entry at one member, quickly and without touching the store', async () => {
    // Each entry would inflate one 16 MiB member again: about 1,000 of them, 16 GB in all.
    const bomb = overlappingBomb(1000, INPUT_LIMITS.advisory);
    expect(bomb.length).toBeLessThan(128 * 1024);
    const file = path.join(tempDir(), 'all.zip');
    writeFileSync(file, bomb);
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'zip', path: file });
      expect(result.errors.map((error) => [error.code, error.location?.path])).toEqual([['unreadable-file', file]]);
      expect(result.errors[0]!.message).toMatch(/both start at offset 0/);
      expect({ loaded: result.loaded, imported: result.imported }).toEqual({ loaded: 0, imported: 0 });
      expect(store.count()).toBe(0);
    } finally {
      store.close();
    }
  });

  it('refuses a zip whose entries together would inflate past the total limit before inflating any', () => {
    const limits = advisoryZipLimits(0);
    // Each entry declares the largest record allowed; together they pass the 1 GiB floor. The data itself is two bytes.
    const count = Math.floor(limits.maxTotalBytes / limits.maxMemberBytes) + 1;
    const members = Array.from({ length: count }, (_, index) => ({ name: `R-${index}.json`, data: Buffer.from('{}') }));
    const zip = buildZip(members, (placed) => placed.map((member) => ({ ...member, uncompressedSize: limits.maxMemberBytes })));
    const listing = listZipEntries(zip, 'all.zip');
    expect(listing.ok).toBe(false);
    if (!listing.ok) expect(listing.error.describe()).toMatch(/^all\.zip: not a readable zip archive: its members would inflate to \d+ bytes, more than the limit of 1073741824 bytes/);
  });

  it('fails an entry declared larger than a record file may be, alone', () => {
    const zip = buildZip(
      [
        { name: 'BIG-1.json', data: Buffer.from(minimalRecord('BIG-1')) },
        { name: 'GOOD-1.json', data: Buffer.from(minimalRecord('GOOD-1')) },
      ],
      (placed) => [{ ...placed[0]!, uncompressedSize: INPUT_LIMITS.advisory + 1 }, placed[1]!],
    );
    const results = [...iterateAdvisoryZipBytes(zip, 'all.zip')];
    expect(results.map((result) => (result.ok ? result.value.id : `${result.error.location?.path}: ${result.error.message}`))).toEqual([
      `all.zip!/BIG-1.json: cannot inflate zip entry: the member is larger than ${INPUT_LIMITS.advisory} bytes`,
      'GOOD-1',
    ]);
  });
});

describe('parseAdvisoryText on YAML nested too deep', () => {
  it('is a syntax error at the line where it goes too deep, before the YAML parser sees it', () => {
    const result = parseAdvisoryText(`id: PYSEC-0000-1\naffected:\n  - ${'['.repeat(100_000)}\n`, 'yaml', 'vulns/deep.yaml');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.describe()).toBe('vulns/deep.yaml:3: invalid YAML: nested deeper than 256 levels');
  });
});

/** A PyPA-style YAML record (the database's own layout: vulns/<package>/<ID>.yaml). */
function pypaYaml(id: string, name: string, fixed: string): string {
  return [
    `id: ${id}`,
    'modified: "2024-10-01T00:00:00Z"',
    'aliases:',
    `- CVE-${id.slice(6)}`,
    'affected:',
    '- package:',
    `    name: ${name}`,
    '    ecosystem: PyPI',
    '  ranges:',
    '  - type: ECOSYSTEM',
    '    events:',
    '    - introduced: "0"',
    `    - fixed: ${fixed}`,
    '',
  ].join('\n');
}

function ghsaJson(id: string, name: string): string {
  return JSON.stringify({
    id,
    modified: '2024-10-02T00:00:00Z',
    affected: [{ package: { ecosystem: 'npm', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }],
    severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }],
  });
}

describe('importAdvisories of advisory database checkouts (issue 10: triage/false_positives.yaml failed the import)', () => {
  it('reads a pypa/advisory-database checkout from vulns/ only and counts the other files as no records', async () => {
    const root = tempDir();
    writeTree(root, {
      'README.md': '# PyPI advisory database\n',
      'LICENSE': 'CC-BY-4.0\n',
      // Valid YAML that is no OSV record: parsed as one, it failed the whole import with exit 2.
      'triage/false_positives.yaml': 'ids:\n- CVE-2021-27928  # Affects server, not client.\npackages:\n- ampache\n',
      'tools/config.json': '{"a": 1}\n',
      '.github/workflows/pr.yaml': 'on: push\n',
      'vulns/.id-allocator': '2024-100\n',
      'vulns/jupyter-server/PYSEC-2024-1.yaml': pypaYaml('PYSEC-2024-1', 'jupyter-server', '2.14.1'),
      'vulns/notebook/PYSEC-2024-2.yaml': pypaYaml('PYSEC-2024-2', 'notebook', '7.0.0'),
      'vulns/notebook/notes.txt': 'not a record\n',
    });
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'directory', path: root });
      expect(result.errors.map((error) => error.describe())).toEqual([]);
      expect(result).toMatchObject({ loaded: 2, imported: 2, skipped: 0, layout: { name: 'pypa/advisory-database', recordFolders: ['vulns'] } });
      expect(result.notRecords).toEqual(['LICENSE', 'README.md', 'tools/config.json', 'triage/false_positives.yaml', 'vulns/notebook/notes.txt']);
      expect(store.recordsFor('PyPI', 'jupyter_server').map((record) => record.id)).toEqual(['PYSEC-2024-1']);
    } finally {
      store.close();
    }
  });

  it('reads a github/advisory-database checkout from github-reviewed/ and unreviewed/, whichever it has', async () => {
    const root = tempDir();
    writeTree(root, {
      'README.md': '# GitHub Advisory Database\n',
      'advisories/github-reviewed/2024/10/GHSA-aaaa-bbbb-cccc/GHSA-aaaa-bbbb-cccc.json': ghsaJson('GHSA-aaaa-bbbb-cccc', 'left-pad'),
      'advisories/unreviewed/2024/10/GHSA-dddd-eeee-ffff/GHSA-dddd-eeee-ffff.json': ghsaJson('GHSA-dddd-eeee-ffff', 'right-pad'),
      'advisories/other/notes.json': '{"not": "a record"}',
    });
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'directory', path: root });
      expect(result.errors).toEqual([]);
      expect(result).toMatchObject({ loaded: 2, imported: 2, layout: { name: 'github/advisory-database', recordFolders: ['advisories/github-reviewed', 'advisories/unreviewed'] } });
      expect(result.notRecords).toEqual(['README.md', 'advisories/other/notes.json']);
      // A sparse checkout with only the reviewed folder is the same layout.
      rmSync(path.join(root, 'advisories/unreviewed'), { recursive: true });
      const sparse = await importAdvisories(store, { kind: 'directory', path: root });
      expect(sparse).toMatchObject({ loaded: 1, skipped: 1, layout: { recordFolders: ['advisories/github-reviewed'] } });
    } finally {
      store.close();
    }
  });

  it('still reports a broken record inside the record folders as an error', async () => {
    const root = tempDir();
    writeTree(root, { 'vulns/x/PYSEC-2024-3.yaml': 'id: PYSEC-2024-3\n', 'vulns/x/PYSEC-2024-4.yaml': pypaYaml('PYSEC-2024-4', 'x', '1.0') });
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'directory', path: root });
      expect(result.errors.map((error) => `${error.code} ${path.relative(root, error.location!.path)}`)).toEqual(['invalid-advisory vulns/x/PYSEC-2024-3.yaml']);
      expect(result.imported).toBe(1);
    } finally {
      store.close();
    }
  });

  it('a plain directory of records is read whole; files without an advisory name are counted', async () => {
    const root = tempDir();
    writeTree(root, { 'README.md': 'mine\n', 'vulns.md': 'no folder named vulns here\n', 'a/PYSEC-2024-5.yaml': pypaYaml('PYSEC-2024-5', 'a', '1.0') });
    const store = openSqliteStore(':memory:');
    try {
      const result = await importAdvisories(store, { kind: 'directory', path: root });
      expect(result).toMatchObject({ loaded: 1, layout: null, notRecords: ['README.md', 'vulns.md'] });
    } finally {
      store.close();
    }
  });

  it('reports progress over the files of the record folders, ending at the total', async () => {
    const root = tempDir();
    const files: Record<string, string> = { 'triage/false_positives.yaml': 'ids: []\n' };
    for (let index = 0; index < 300; index++) files[`vulns/p${index % 7}/PYSEC-2024-${1000 + index}.yaml`] = pypaYaml(`PYSEC-2024-${1000 + index}`, `p${index % 7}`, '1.0');
    writeTree(root, files);
    const events = collectingSink();
    const store = openSqliteStore(':memory:');
    try {
      // Two workers: the parallel path reports the same progress as the in-thread one.
      for (const workers of [0, 2]) {
        events.events.length = 0;
        const result = await importAdvisories(store, { kind: 'directory', path: root }, { events, workers });
        expect(result.loaded).toBe(300);
        const progress = events.events.flatMap((event) => (event.type === 'progress' ? [[event.task, event.done, event.total]] : []));
        expect(progress).toEqual([['import', 0, 300], ['import', 250, 300], ['import', 300, 300]]);
      }
    } finally {
      store.close();
    }
  });
});

describeWithSharedData('planAdvisoryDirectory on the shared OSV data', () => {
  it('sees osv/pypa as a pypa/advisory-database checkout, and osv/ (both databases side by side) as a plain tree', async () => {
    const pypa = await planAdvisoryDirectory(path.join(sharedOsv, 'pypa'));
    expect({ files: pypa.files.length, layout: pypa.layout, notRecords: pypa.notRecords, errors: pypa.errors }).toEqual({
      files: 2661,
      layout: { name: 'pypa/advisory-database', recordFolders: ['vulns'] },
      notRecords: [],
      errors: [],
    });
    const both = await planAdvisoryDirectory(sharedOsv);
    expect({ files: both.files.length, layout: both.layout, notRecords: both.notRecords }).toEqual({ files: 2664, layout: null, notRecords: [] });
  });
});
