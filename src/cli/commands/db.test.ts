import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { overlappingBomb } from '../../core/zip.fixture.js';
import { runCli, temporaryDirectory } from '../../../test/cli-harness.js';

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
