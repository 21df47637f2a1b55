import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';
import { createPypaDatabase, loadPypaDatabase } from './pypa-db.js';

const temporary: string[] = [];
afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A checkout with the given files (path relative to the checkout → content). */
function checkout(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'chainwatch-pypa-'));
  temporary.push(root);
  for (const [relative, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
    writeFileSync(path.join(root, relative), content);
  }
  return root;
}

function record(id: string, aliases: string[], packageName: string, extra = ''): string {
  return [
    `id: ${id}`,
    'modified: 2024-01-03T22:31:36Z',
    aliases.length > 0 ? `aliases:\n${aliases.map((alias) => `- ${alias}`).join('\n')}` : 'aliases: []',
    'affected:',
    '- package:',
    '    ecosystem: PyPI',
    `    name: ${packageName}`,
    '  ranges:',
    '  - type: ECOSYSTEM',
    '    events:',
    '    - introduced: "0"',
    '    - fixed: 2.7.2',
    extra,
  ].join('\n');
}

describe('loadPypaDatabase on generated checkouts', () => {
  it('indexes ids and aliases, case-insensitively, and what each package has', async () => {
    const root = checkout({
      'vulns/jupyter-server/PYSEC-2023-155.yaml': record('PYSEC-2023-155', ['CVE-2023-39968', 'GHSA-r726-vmfq-j9j3'], 'jupyter-server'),
      'vulns/jupyter-server/PYSEC-2020-50.yaml': record('PYSEC-2020-50', ['CVE-2020-26215'], 'jupyter_server'),
      'vulns/jw.util/PYSEC-2021-1.yaml': record('PYSEC-2021-1', [], 'jw.util'),
      'vulns/notebook/PYSEC-2022-1.yaml': record('PYSEC-2022-1', ['CVE-2022-1'], 'notebook', 'withdrawn: 2023-01-01T00:00:00Z'),
      'vulns/.id-allocator': 'not a record',
      'vulns/notebook/README.txt': 'ignored: not a record file name',
    });
    const database = await loadPypaDatabase(root);
    expect(database.notes.map((note) => note.describe())).toEqual([]);
    expect(database.records.map((entry) => entry.path)).toEqual([
      'vulns/jupyter-server/PYSEC-2020-50.yaml',
      'vulns/jupyter-server/PYSEC-2023-155.yaml',
      'vulns/jw.util/PYSEC-2021-1.yaml',
      'vulns/notebook/PYSEC-2022-1.yaml',
    ]);
    expect(database.contains(['GHSA-R726-VMFQ-J9J3'])).toBe(true);
    expect(database.contains(['ghsa-r726-vmfq-j9j3', 'CVE-1999-0001'])).toBe(true);
    expect(database.contains(['cve-2023-39968'])).toBe(true);
    expect(database.contains(['PYSEC-2020-50'])).toBe(true);
    expect(database.contains(['GHSA-xxxx-xxxx-xxxx', 'CVE-1999-0001'])).toBe(false);
    expect(database.contains([])).toBe(false);
    // A withdrawn record still counts: the database has considered it.
    expect(database.contains(['CVE-2022-1'])).toBe(true);
    expect(database.find(['CVE-2022-1'])[0]).toMatchObject({ id: 'PYSEC-2022-1', withdrawn: true });
    expect(database.find(['CVE-2023-39968', 'GHSA-r726-vmfq-j9j3']).map((entry) => entry.id)).toEqual(['PYSEC-2023-155']);
    expect(database.recordsFor('Jupyter_Server').map((entry) => entry.id)).toEqual(['PYSEC-2020-50', 'PYSEC-2023-155']);
    // The repository's one directory that is not PEP 503-normalised is found by any spelling.
    expect(database.recordsFor('jw-util').map((entry) => entry.id)).toEqual(['PYSEC-2021-1']);
    expect(database.packages()).toEqual(['jupyter-server', 'jw-util', 'notebook']);
  });

  it('names every bad file in a note and indexes the rest', async () => {
    const deep = `id: PYSEC-2024-9\nmodified: 2024-01-01T00:00:00Z\naffected: ${'['.repeat(400)}${']'.repeat(400)}\n`;
    const root = checkout({
      'vulns/good/PYSEC-2024-1.yaml': record('PYSEC-2024-1', ['GHSA-aaaa-bbbb-cccc'], 'good'),
      'vulns/broken/PYSEC-2024-2.yaml': 'id: [unclosed\n',
      'vulns/nomodified/PYSEC-2024-3.yaml': 'id: PYSEC-2024-3\naliases: [CVE-2024-3]\n',
      'vulns/latin1/PYSEC-2024-4.yaml': Buffer.from([0x69, 0x64, 0x3a, 0x20, 0xe9, 0x0a]),
      'vulns/deep/PYSEC-2024-9.yaml': deep,
      'vulns/PYSEC-2024-5.yaml': record('PYSEC-2024-5', ['CVE-2024-5'], 'loose'),
    });
    symlinkSync(path.join(root, 'vulns/good/PYSEC-2024-1.yaml'), path.join(root, 'vulns/good/PYSEC-2024-6.yaml'));
    execFileSync('mkfifo', [path.join(root, 'vulns/good/PYSEC-2024-7.yaml')]);
    const database = await loadPypaDatabase(root);
    const notes = database.notes.map((note) => `${note.code} ${note.describe()}`);
    expect(notes).toEqual([
      expect.stringMatching(/^invalid-advisory vulns\/PYSEC-2024-5\.yaml: is outside the layout/),
      expect.stringMatching(/^parse-error vulns\/broken\/PYSEC-2024-2\.yaml(:\d+)?: invalid YAML/),
      expect.stringMatching(/^parse-error vulns\/deep\/PYSEC-2024-9\.yaml:3: invalid YAML: nested deeper than/),
      expect.stringMatching(/^unreadable-file vulns\/good\/PYSEC-2024-6\.yaml: skipped: not a regular file/),
      expect.stringMatching(/^unreadable-file vulns\/good\/PYSEC-2024-7\.yaml: skipped: not a regular file/),
      expect.stringMatching(/^invalid-encoding vulns\/latin1\/PYSEC-2024-4\.yaml:1: is not valid UTF-8/),
      expect.stringMatching(/^invalid-advisory vulns\/nomodified\/PYSEC-2024-3\.yaml(:\d+)?: invalid OSV record: modified/),
    ]);
    expect(database.records.map((entry) => entry.id)).toEqual(['PYSEC-2024-5', 'PYSEC-2024-1']);
    // Outside the layout, a record is still found by its ids and its affected package.
    expect(database.contains(['CVE-2024-5'])).toBe(true);
    expect(database.recordsFor('loose').map((entry) => entry.id)).toEqual(['PYSEC-2024-5']);
  });

  it('refuses a path that is no checkout', async () => {
    const root = checkout({ 'README.md': '# not the database' });
    await expect(loadPypaDatabase(root)).rejects.toMatchObject({ code: 'invalid-argument' });
    const file = checkout({ vulns: 'a file, not a directory' });
    await expect(loadPypaDatabase(file)).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('createPypaDatabase builds the same index from summaries', () => {
    const database = createPypaDatabase('/db', [
      { id: 'PYSEC-2024-1', aliases: ['GHSA-aaaa-bbbb-cccc'], path: 'vulns/a/PYSEC-2024-1.yaml', packages: ['a', 'b'], withdrawn: false },
    ]);
    expect(database.recordsFor('B').map((entry) => entry.id)).toEqual(['PYSEC-2024-1']);
    expect(database.contains(['GHSA-AAAA-BBBB-CCCC'])).toBe(true);
    expect(database.contains(['GHSA-aaaa-bbbb-cccd'])).toBe(false);
  });
});

describeWithSharedData('loadPypaDatabase on the real PyPA advisories in ../shared/data/osv/pypa', () => {
  it('indexes every record without a note, by id, alias and package', async () => {
    const database = await loadPypaDatabase(sharedDataPath('osv', 'pypa'));
    expect(database.notes.map((note) => note.describe())).toEqual([]);
    expect(database.records.length).toBeGreaterThan(2000);
    expect(database.find(['GHSA-r726-vmfq-j9j3']).map((entry) => entry.path)).toEqual(['vulns/jupyter-server/PYSEC-2023-155.yaml']);
    expect(database.contains(['CVE-2023-39968'])).toBe(true);
    expect(database.recordsFor('jupyter_server').map((entry) => entry.id)).toContain('PYSEC-2023-155');
    // Every record is filed under its own directory.
    for (const entry of database.records) expect(entry.packages).toContain(entry.path.split('/')[1]!.replace(/[-_.]+/g, '-').toLowerCase());
  });
});
