import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { overlappingBomb } from '../../core/zip.fixture.js';
import { main } from '../main.js';
import { runCli, temporaryDirectory } from '../../../test/cli-harness.js';
import { describeWithSharedData, sharedDataPath } from '../../../test/shared-data.js';

const directories: { remove(): void }[] = [];
function tempDir(): string {
  const dir = temporaryDirectory();
  directories.push(dir);
  return dir.path;
}
afterEach(() => {
  for (const dir of directories.splice(0)) dir.remove();
});

/* A FIFO without a writer blocks a plain read for ever: a regression hangs these tests until their time limit. */

describe('advisory inputs that are not regular files (issue 7: FIFOs blocked for ever)', () => {
  it('db import <fifo> fails at once, naming it, and leaves the database empty', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'all.zip');
    execFileSync('mkfifo', [fifo]);
    const run = await runCli(['db', 'import', fifo, '--db', path.join(dir, 'advisories.sqlite')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${fifo}: is not a regular file`);
    expect(run.stdout).toContain(`${fifo}: 0 records imported`);
  });

  it('scan --advisories <fifo> fails at once, naming it', async () => {
    const dir = tempDir();
    const fifo = path.join(dir, 'advisories');
    execFileSync('mkfifo', [fifo]);
    writeFileSync(path.join(dir, 'requirements.txt'), 'demo-package==1.0\n');
    const run = await runCli(['scan', '--offline', '--no-local-db', '--advisories', fifo, '--format', 'json', path.join(dir, 'requirements.txt')]);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { sources: { name: string; reachable: boolean; error?: string }[] };
    expect(report.sources).toEqual([{ name: `advisories ${fifo}`, reachable: false, records: null, error: 'is not a regular file (a device, FIFO or socket is never read)' }]);
  });

  it('scan --advisories /dev/zero is refused without reading it', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'requirements.txt'), 'demo-package==1.0\n');
    const run = await runCli(['scan', '--offline', '--no-local-db', '--advisories', '/dev/zero', '--format', 'json', path.join(dir, 'requirements.txt')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('is not a regular file');
  });
});

describe('db import of a zip whose entries overlap (issue 7: 64 KB ran past 600 s and 2.4 GB)', () => {
  it('is refused at once, naming the zip', async () => {
    const dir = tempDir();
    const zip = path.join(dir, 'all.zip');
    writeFileSync(zip, overlappingBomb(1000, 16 * 1024 * 1024));
    const run = await runCli(['db', 'import', zip, '--db', path.join(dir, 'advisories.sqlite')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(new RegExp(`${zip.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: not a readable zip archive: entries "BOMB-\\d+\\.json" and "BOMB-\\d+\\.json" both start at offset 0`));
    expect(run.stdout).toContain('records imported');
  });
});

function writeTree(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
}

function pypaYaml(id: string, name: string, modified = '2024-10-01T00:00:00Z'): string {
  return `id: ${id}\nmodified: "${modified}"\naffected:\n- package:\n    name: ${name}\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: "0"\n    - fixed: "2.0"\n`;
}

function ghsaJson(id: string, ecosystem: string, name: string, modified = '2024-10-02T00:00:00Z'): string {
  return JSON.stringify({ id, modified, affected: [{ package: { ecosystem, name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.0.0' }] }] }] });
}

describe('db import of advisory database checkouts (issue 10)', () => {
  it('reads a pypa/advisory-database checkout from vulns/, counts what is no record in one line, and exits 0', async () => {
    const dir = tempDir();
    const checkout = path.join(dir, 'advisory-database');
    writeTree(checkout, {
      'README.md': '# PyPI Advisory Database\n',
      'triage/false_positives.yaml': 'ids:\n- CVE-2021-27928  # Affects server, not client.\npackages:\n- ampache\n',
      'vulns/.id-allocator': '2024-100\n',
      'vulns/demo/PYSEC-2024-1.yaml': pypaYaml('PYSEC-2024-1', 'demo'),
      'vulns/other/PYSEC-2024-2.yaml': pypaYaml('PYSEC-2024-2', 'other'),
    });
    const db = path.join(dir, 'advisories.sqlite');
    const run = await runCli(['db', 'import', checkout, '--db', db]);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `${checkout}: a pypa/advisory-database checkout: records read from vulns/`,
        `${checkout}: skipped 2 files that are no OSV record: README.md, triage/false_positives.yaml`,
        `${checkout}: 2 records imported, 0 unchanged, 0 errors`,
        `${db}: 2 records`,
        '',
      ].join('\n'),
      stderr: '',
    });
  });

  it('reads a github/advisory-database checkout from github-reviewed/ and unreviewed/', async () => {
    const dir = tempDir();
    const checkout = path.join(dir, 'gh');
    const files: Record<string, string> = { 'README.md': '# GitHub Advisory Database\n', 'CONTRIBUTING.md': 'x\n', 'LICENSE.md': 'CC-BY-4.0\n', 'SECURITY.md': 'x\n' };
    for (const [folder, id, ecosystem] of [['github-reviewed', 'GHSA-aaaa-bbbb-cccc', 'npm'], ['unreviewed', 'GHSA-dddd-eeee-ffff', 'PyPI'], ['github-reviewed', 'GHSA-gggg-hhhh-jjjj', 'Go']] as const) {
      files[`advisories/${folder}/2024/10/${id}/${id}.json`] = ghsaJson(id, ecosystem, 'demo');
    }
    writeTree(checkout, files);
    const db = path.join(dir, 'advisories.sqlite');
    const run = await runCli(['db', 'import', checkout, '--db', db]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(`${checkout}: a github/advisory-database checkout: records read from advisories/github-reviewed/, advisories/unreviewed/\n`);
    expect(run.stdout).toContain(`${checkout}: skipped 4 files that are no OSV record: CONTRIBUTING.md, LICENSE.md, README.md and 1 more\n`);
    expect(run.stdout).toContain(`${checkout}: 3 records imported, 0 unchanged, 0 errors\n`);
  });

  it('still exits 2, naming the file, when a record in the record folders is broken', async () => {
    const dir = tempDir();
    writeTree(dir, { 'vulns/demo/PYSEC-2024-1.yaml': 'id: PYSEC-2024-1\n', 'vulns/demo/PYSEC-2024-2.yaml': pypaYaml('PYSEC-2024-2', 'demo') });
    const run = await runCli(['db', 'import', dir, '--db', path.join(dir, 'advisories.sqlite')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(path.join(dir, 'vulns/demo/PYSEC-2024-1.yaml'));
    expect(run.stdout).toContain(`${dir}: 1 records imported, 0 unchanged, 1 errors`);
  });

  it('shows progress on a terminal while it imports', async () => {
    const dir = tempDir();
    const files: Record<string, string> = {};
    for (let index = 0; index < 300; index++) files[`vulns/p${index}/PYSEC-2024-${index}.yaml`] = pypaYaml(`PYSEC-2024-${index}`, `p${index}`);
    writeTree(dir, files);
    let stdout = '';
    let stderr = '';
    const code = await main(['db', 'import', dir, '--db', path.join(dir, 'advisories.sqlite')], {
      stdout: { write: (text: string) => (stdout += text) },
      // A terminal: the event renderer draws its progress bar only there.
      stderr: { write: (text: string) => (stderr += text), isTTY: true },
      stdin: Readable.from(['']),
      env: {},
      cwd: dir,
    });
    expect(code).toBe(0);
    expect(stdout).toContain('300 records imported');
    expect(stderr).toMatch(/import +\[[^\]]*\] (0|250)\/300/);
  });
});

describeWithSharedData('db import of the shared PyPA checkout', () => {
  it('imports osv/pypa as a pypa/advisory-database checkout with no errors and exit 0, and db status shows its coverage', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'advisories.sqlite');
    const checkout = sharedDataPath('osv', 'pypa');
    const run = await runCli(['db', 'import', checkout, '--db', db]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${checkout}: a pypa/advisory-database checkout: records read from vulns/\n`);
    expect(run.stdout).toContain(`${checkout}: 2661 records imported, 0 unchanged, 0 errors\n`);
    const status = await runCli(['db', 'status', '--db', db]);
    expect(status.code).toBe(0);
    // The snapshot is of 2024-10: far older than 7 days, whatever today is.
    expect(status.stdout).toMatch(/^ {2}PyPI {4}\d+ advisories, newest modified 2024-\d\d-\d\dT/m);
    expect(status.stdout).toContain('  npm     none: scans of npm packages are not checked\n');
    expect(status.stderr).toMatch(/^chainwatch: warning: the PyPI advisories are \d+ days old \(newest modified 2024-[^;]+; --max-age 7d\): run `chainwatch db update`$/m);
  });
});

describe('db status coverage (issue 10)', () => {
  it('lists advisories and the newest modification per ecosystem, names the ones without any, and warns past --max-age', async () => {
    const dir = tempDir();
    const today = new Date().toISOString();
    writeTree(dir, {
      'records/PYSEC-2024-1.json': ghsaJson('PYSEC-2024-1', 'PyPI', 'demo', today),
      'records/GHSA-aaaa-bbbb-cccc.json': ghsaJson('GHSA-aaaa-bbbb-cccc', 'npm', 'demo', '2000-01-01T00:00:00Z'),
      'records/GO-2024-1.json': ghsaJson('GO-2024-1', 'Go', 'example.test/demo', today),
    });
    const db = path.join(dir, 'advisories.sqlite');
    expect((await runCli(['db', 'import', path.join(dir, 'records'), '--db', db])).code).toBe(0);
    const status = await runCli(['db', 'status', '--db', db]);
    expect(status.code).toBe(0);
    expect(status.stdout.split('\n').slice(2)).toEqual([
      'Advisories per ecosystem:',
      '  Debian  none: scans of Debian packages are not checked',
      `  Go      1 advisory, newest modified ${today}`,
      `  PyPI    1 advisory, newest modified ${today}`,
      '  Ubuntu  none: scans of Ubuntu packages are not checked',
      '  conda   none: scans of conda packages are not checked',
      '  npm     1 advisory, newest modified 2000-01-01T00:00:00Z',
      '',
    ]);
    expect(status.stderr).toMatch(/^chainwatch: warning: the npm advisories are \d{4,} days old \(newest modified 2000-01-01T00:00:00Z; --max-age 7d\): run `chainwatch db update`\n$/);
    expect((await runCli(['db', 'status', '--db', db, '--max-age', '100000d'])).stderr).toBe('');
  });
});
