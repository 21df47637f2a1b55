/**
 * `chainwatch scan` through main(), on records and lockfiles made here: the
 * coverage per ecosystem (issue 10: an ecosystem without advisories is not
 * checked, never clean), the age of the data, and the --fail-on gate with
 * severities taken from aliases.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../../test/cli-harness.js';

let dir: { path: string; remove(): void };
beforeEach(() => {
  dir = temporaryDirectory();
});
afterEach(() => dir.remove());

function write(relative: string, text: string): string {
  const path = join(dir.path, relative);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const HIGH = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N';
const today = new Date().toISOString();

interface RecordOptions {
  ecosystem?: string;
  fixed?: string;
  modified?: string;
  aliases?: string[];
  severity?: { type: string; score: string }[];
  affected?: boolean;
}

function osvRecord(id: string, name: string, options: RecordOptions = {}): string {
  return JSON.stringify({
    id,
    modified: options.modified ?? today,
    ...(options.aliases ? { aliases: options.aliases } : {}),
    ...(options.severity ? { severity: options.severity } : {}),
    affected:
      options.affected === false
        ? []
        : [{ package: { ecosystem: options.ecosystem ?? 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: options.fixed ?? '2.0' }] }] }],
  });
}

/** A folder of records for --advisories. */
function advisories(records: Record<string, string>): string {
  for (const [id, text] of Object.entries(records)) write(`advisories/${id}.json`, text);
  return join(dir.path, 'advisories');
}

interface JsonReport {
  findings: { id: string; severity: { level: string; source: string; score: number | null; borrowedFrom: string | null } }[];
  coverage: { ecosystem: string; packages: number; advisories: number; newest_modified: string | null; checked: boolean }[];
}

const packageLock = JSON.stringify({ lockfileVersion: 3, packages: { '': { name: 'app' }, 'node_modules/left-pad': { version: '1.3.0' } } });

describe('scan coverage per ecosystem (issue 10)', () => {
  it('an ecosystem with packages but no advisories is "not checked" and the scan exits 2, in every format', async () => {
    write('project/requirements.txt', 'demo==1.0\n');
    write('project/package-lock.json', packageLock);
    const base = ['scan', '--offline', '--no-local-db', '-a', advisories({ 'PYSEC-2024-1': osvRecord('PYSEC-2024-1', 'demo', { modified: '2024-10-01T00:00:00Z' }) }), '--max-age', '100000d'];
    const json = await runCli([...base, '-f', 'json', join(dir.path, 'project')]);
    expect(json.code).toBe(2);
    expect((JSON.parse(json.stdout) as JsonReport).coverage).toEqual([
      { ecosystem: 'PyPI', packages: 1, advisories: 1, newest_modified: '2024-10-01T00:00:00Z', checked: true },
      { ecosystem: 'npm', packages: 1, advisories: 0, newest_modified: null, checked: false },
    ]);
    expect(json.stderr).toContain('chainwatch: not checked: 1 npm package: the advisory sources hold no npm advisories (--ecosystem leaves npm out)');

    const table = await runCli([...base, join(dir.path, 'project')]);
    expect(table.code).toBe(2);
    expect(table.stdout).not.toContain('No known vulnerabilities found in 2 packages');
    expect(table.stdout).toContain('1 finding in 1 package from 2 files (2 packages scanned); not checked, no advisories for them: npm (1 package)');
    expect(table.stdout).toMatch(/^ {2}npm {3}1 package {2}not checked: the advisory sources hold no npm advisories$/m);

    const markdown = await runCli([...base, '-f', 'markdown', join(dir.path, 'project')]);
    expect(markdown.stdout).toContain('| npm | 1 | 0 | - | **not checked**: the advisory sources hold no npm advisories |');
  });

  it('--ecosystem leaving the unchecked ecosystem out makes the same scan pass', async () => {
    write('project/requirements.txt', 'demo==2.0\n');
    write('project/package-lock.json', packageLock);
    const run = await runCli(['scan', '--offline', '--no-local-db', '-a', advisories({ 'PYSEC-2024-1': osvRecord('PYSEC-2024-1', 'demo') }), '-e', 'PyPI', '-f', 'json', join(dir.path, 'project')]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonReport).coverage.map((entry) => [entry.ecosystem, entry.checked])).toEqual([['PyPI', true]]);
    expect(run.stderr).toBe('');
  });

  it('counts advisories from the local database', async () => {
    const db = join(dir.path, 'advisories.sqlite');
    write('records/PYSEC-2024-1.json', osvRecord('PYSEC-2024-1', 'demo'));
    write('records/GHSA-aaaa-bbbb-cccc.json', osvRecord('GHSA-aaaa-bbbb-cccc', 'left-pad', { ecosystem: 'npm' }));
    expect((await runCli(['db', 'import', '--db', db, join(dir.path, 'records')])).code).toBe(0);
    write('project/package-lock.json', packageLock);
    const run = await runCli(['scan', '--offline', '--db', db, '-f', 'json', join(dir.path, 'project')]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonReport).coverage).toEqual([{ ecosystem: 'npm', packages: 1, advisories: 1, newest_modified: today, checked: true }]);
  });

  it('warns, saying how old, when the newest advisory of a scanned ecosystem is older than --max-age (default 7 days)', async () => {
    write('project/requirements.txt', 'demo==2.0\n');
    const old = advisories({ 'PYSEC-2024-1': osvRecord('PYSEC-2024-1', 'demo', { modified: '2000-01-01T00:00:00Z' }) });
    const stale = await runCli(['scan', '--offline', '--no-local-db', '-a', old, join(dir.path, 'project')]);
    expect(stale.code).toBe(0);
    expect(stale.stderr).toMatch(/^chainwatch: warning: the PyPI advisories are \d{4,} days old \(newest modified 2000-01-01T00:00:00Z; --max-age 7d\): run `chainwatch db update`$/m);
    // Fresh data says nothing; an age the data is within says nothing either.
    const fresh = await runCli(['scan', '--offline', '--no-local-db', '-a', advisories({ 'PYSEC-2024-2': osvRecord('PYSEC-2024-2', 'other') }), join(dir.path, 'project')]);
    expect(fresh.stderr).toBe('');
    expect((await runCli(['scan', '--max-age', 'soon', join(dir.path, 'project')])).code).toBe(2);
  });
});

describe('scan --fail-on with records that carry no severity (issue 10)', () => {
  it("takes the level from the GHSA record a PyPA record names as its alias, and says which findings failed and why", async () => {
    write('project/requirements.txt', 'demo==1.5\n');
    const folder = advisories({
      // PyPA records carry no CVSS; this one names its GHSA alias.
      'PYSEC-2024-1': osvRecord('PYSEC-2024-1', 'demo', { aliases: ['GHSA-aaaa-bbbb-cccc', 'CVE-2024-1'] }),
      // The GHSA record's range is narrower, so it does not match 1.5 itself: without borrowing the finding would be unknown.
      'GHSA-aaaa-bbbb-cccc': osvRecord('GHSA-aaaa-bbbb-cccc', 'demo', { fixed: '1.0', aliases: ['CVE-2024-1'], severity: [{ type: 'CVSS_V3', score: HIGH }] }),
    });
    const base = ['scan', '--offline', '--no-local-db', '-a', folder];
    const json = await runCli([...base, '-f', 'json', '--fail-on', 'high', join(dir.path, 'project')]);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as JsonReport).findings.map((finding) => [finding.id, finding.severity])).toEqual([
      ['GHSA-aaaa-bbbb-cccc', { level: 'high', score: 7.5, vector: HIGH, source: 'CVSS_V3', borrowedFrom: 'GHSA-aaaa-bbbb-cccc' }],
    ]);
    expect(json.stderr).toBe(
      [
        'chainwatch: --fail-on high: 1 finding fails the gate:',
        '  GHSA-aaaa-bbbb-cccc  PyPI demo 1.5  high (CVSS_V3 7.5 from GHSA-aaaa-bbbb-cccc, an alias: the matched records give none)',
        '',
      ].join('\n'),
    );
    expect((await runCli([...base, '--fail-on', 'critical', join(dir.path, 'project')])).code).toBe(0);
  });

  it("names a finding's own severity as coming from the matched records, and lists every failing finding", async () => {
    write('project/requirements.txt', 'demo==1.5\nother==0.1\n');
    const folder = advisories({
      'GHSA-dddd-eeee-ffff': osvRecord('GHSA-dddd-eeee-ffff', 'demo', { severity: [{ type: 'CVSS_V3', score: HIGH }] }),
      'PYSEC-2024-9': osvRecord('PYSEC-2024-9', 'other'),
    });
    const run = await runCli(['scan', '--offline', '--no-local-db', '-a', folder, '--fail-on', 'medium', join(dir.path, 'project')]);
    expect(run.code).toBe(1);
    expect(run.stderr.split('\n')).toEqual([
      'chainwatch: --fail-on medium: 2 findings fail the gate:',
      '  GHSA-dddd-eeee-ffff  PyPI demo 1.5  high (CVSS_V3 7.5 from the matched records)',
      '  PYSEC-2024-9  PyPI other 0.1  unknown (no record gives a severity, not even an alias; --unknown-severity fail)',
      '',
    ]);
  });

  it('a finding no record scores fails the gate by default, is listed, and passes with --unknown-severity ignore', async () => {
    write('project/requirements.txt', 'demo==1.5\n');
    const base = ['scan', '--offline', '--no-local-db', '-a', advisories({ 'PYSEC-2024-1': osvRecord('PYSEC-2024-1', 'demo', { aliases: ['CVE-2024-1'] }) }), '--fail-on', 'critical'];
    const failing = await runCli([...base, join(dir.path, 'project')]);
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain('chainwatch: --fail-on critical: 1 finding fails the gate:\n  PYSEC-2024-1  PyPI demo 1.5  unknown (no record gives a severity, not even an alias; --unknown-severity fail)\n');
    const ignored = await runCli([...base, '--unknown-severity', 'ignore', join(dir.path, 'project')]);
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toContain('chainwatch: --unknown-severity ignore: 1 finding of unknown severity let through:\n  PYSEC-2024-1  PyPI demo 1.5  unknown (no record gives a severity, not even an alias; --unknown-severity ignore)\n');
    expect((await runCli([...base, '--unknown-severity', 'maybe', join(dir.path, 'project')])).code).toBe(2);
  });

  it('documents --unknown-severity and --max-age in --help', async () => {
    // Commander wraps the help to the terminal: compare with the line breaks folded.
    const help = (await runCli(['scan', '--help'])).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('--unknown-severity <policy> with --fail-on, a finding whose severity no record gives, not even another record of the same vulnerability (an alias): fail (it could be critical) or ignore (listed on stderr) (default: "fail")');
    expect(help).toContain('--max-age <age> warn when the newest advisory of a scanned ecosystem is older than this: 7d, 36h, 2w (default: 7d)');
  });
});

describe('scan: the first run creates the advisory database', () => {
  it('leaves no empty database behind when the exports cannot be reached, and downloads them when they can', async () => {
    const { startLocalServer } = await import('../../../test/local-server.js');
    const { buildZip } = await import('../../core/zip.fixture.js');
    const { existsSync } = await import('node:fs');
    let serving = false;
    const exports = await startLocalServer((request, response) => {
      if (serving && request.url === '/PyPI/all.zip') {
        response.writeHead(200, { 'content-type': 'application/zip' });
        response.end(Buffer.from(buildZip([{ name: 'GHSA-first-0001.json', data: Buffer.from(osvRecord('GHSA-first-0001', 'jinja2', { fixed: '3.1.5' })) }])));
      } else {
        response.writeHead(404).end();
      }
    });
    try {
      write('requirements.txt', 'jinja2==3.1.4\n');
      const database = join(dir.path, 'cache', 'advisories.sqlite');
      mkdirSync(join(dir.path, 'cache'));
      const unreached = await runCli(['scan', '--db', database, '--osv-url', exports.origin, '--format', 'json', dir.path], { cwd: dir.path });
      expect(unreached.code).toBe(2);
      expect(unreached.stderr).toContain('advisory source not available: osv:PyPI');
      expect(existsSync(database)).toBe(false);

      serving = true;
      const downloaded = await runCli(['scan', '--db', database, '--osv-url', exports.origin, '--format', 'json', dir.path], { cwd: dir.path });
      expect(downloaded.code).toBe(0);
      expect((JSON.parse(downloaded.stdout) as { findings: { id: string }[] }).findings.map((finding) => finding.id)).toEqual(['GHSA-first-0001']);
      expect(existsSync(database)).toBe(true);
    } finally {
      await exports.close();
    }
  });
});
