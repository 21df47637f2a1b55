/**
 * The CLI end to end, in-process: real files on disk, real SQLite databases,
 * the shared OSV records — never the network (`--offline` or `--advisories`).
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../test/cli-harness.js';
import { describeWithSharedData, sharedData } from '../../test/shared-data.js';

const advisories = join(sharedData, 'osv');
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

interface JsonReport {
  findings: { package: { ecosystem: string; name: string; version: string }; id: string; ids: string[]; severity: { level: string; source: string; score: number | null }; fixed: string[]; locations: { path: string; line: number | null }[] }[];
  packages: { name: string; version: string }[];
  errors: { path: string; line: number | null; code: string }[];
  sources: { name: string; reachable: boolean }[];
}

describeWithSharedData('chainwatch scan', () => {
  it('finds the advisories of pinned PyPI packages, merged across GHSA/PYSEC/CVE ids, with file and line', async () => {
    write('requirements.txt', '# pins\njupyter_server==1.23.0\nrequests==2.31.0\n');
    const run = await runCli(['scan', '--offline', '--no-local-db', '--advisories', advisories, '--format', 'json', dir.path]);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as JsonReport;
    // Read from ../shared/data/osv: jupyter-server 1.23.0 is below the fixes of PYSEC-2023-155 and
    // PYSEC-2023-157 (both fixed in 2.7.2) and of GHSA-hrw6-wg82-cm62 (fixed in 2.14.1, CVSS 3.1 7.5);
    // every older record was fixed at or below 1.17.0.
    const byId = new Map(report.findings.map((finding) => [finding.id, finding]));
    expect([...byId.keys()].sort()).toEqual(['GHSA-64x5-55rw-9974', 'GHSA-hrw6-wg82-cm62', 'GHSA-r726-vmfq-j9j3']);
    expect(byId.get('GHSA-r726-vmfq-j9j3')!.ids).toEqual(['CVE-2023-39968', 'GHSA-r726-vmfq-j9j3', 'PYSEC-2023-155']);
    expect(byId.get('GHSA-r726-vmfq-j9j3')!.fixed).toEqual(['2.7.2']);
    expect(byId.get('GHSA-hrw6-wg82-cm62')!.severity).toMatchObject({ level: 'high', source: 'CVSS_V3', score: 7.5 });
    expect(byId.get('GHSA-hrw6-wg82-cm62')!.locations).toEqual([{ path: join(dir.path, 'requirements.txt').replace(/\\/g, '/'), line: 2, layer: null }]);
    expect(report.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['jupyter_server@1.23.0', 'requests@2.31.0']);
    expect(report.sources).toEqual([expect.objectContaining({ reachable: true })]);
  });

  it('exits 1 when a finding reaches --fail-on and 0 when none does', async () => {
    write('requirements.txt', 'jupyter-server==2.14.0\n');
    const base = ['scan', '--offline', '--no-local-db', '--advisories', advisories, dir.path];
    // 2.14.0 is affected only by GHSA-hrw6-wg82-cm62 (high, 7.5).
    expect((await runCli([...base, '--fail-on', 'high'])).code).toBe(1);
    expect((await runCli([...base, '--fail-on', 'critical'])).code).toBe(0);
    write('requirements.txt', 'jupyter-server==2.14.1\n');
    expect((await runCli([...base, '--fail-on', 'low'])).code).toBe(0);
  });

  it('reports a malformed file with its path and line, still scans the others, and exits 2', async () => {
    write('a/requirements.txt', 'notebook==6.4.0\n');
    write('b/package-lock.json', '{\n  "lockfileVersion": 3,\n  "packages": {\n    "node_modules/x": { "version": \n');
    const run = await runCli(['scan', '--offline', '--no-local-db', '--advisories', advisories, '-f', 'json', dir.path]);
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as JsonReport;
    expect(report.findings.some((finding) => finding.package.name === 'notebook')).toBe(true);
    expect(report.errors).toEqual([expect.objectContaining({ path: expect.stringMatching(/b\/package-lock\.json$/), code: 'parse-error' })]);
    expect(report.errors[0]!.line).toBeGreaterThanOrEqual(4);
    expect(run.stderr).toMatch(/package-lock\.json:\d+:/);
  });

  it('exits 2 and names the source when no advisories can be had (offline, no database)', async () => {
    write('requirements.txt', 'notebook==6.4.0\n');
    const run = await runCli(['scan', '--offline', '--db', join(dir.path, 'missing.sqlite'), dir.path]);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/Unreachable advisory sources/);
    expect(run.stdout).toContain('missing.sqlite');
    expect(existsSync(join(dir.path, 'missing.sqlite'))).toBe(false);
  });

  it('skips node_modules unless asked', async () => {
    write('node_modules/dep/package-lock.json', JSON.stringify({ lockfileVersion: 3, packages: { 'node_modules/left-pad': { version: '1.3.0' } } }));
    const plain = JSON.parse((await runCli(['scan', '--offline', '--no-local-db', '-a', advisories, '-f', 'json', dir.path])).stdout) as JsonReport;
    expect(plain.packages).toEqual([]);
    const asked = JSON.parse((await runCli(['scan', '--offline', '--no-local-db', '-a', advisories, '-f', 'json', '--include-dir', 'node_modules', dir.path])).stdout) as JsonReport;
    expect(asked.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['left-pad@1.3.0']);
  });

  it.each([
    ['sarif', (text: string) => expect(JSON.parse(text)).toMatchObject({ version: '2.1.0', runs: [expect.objectContaining({ results: expect.any(Array) })] })],
    ['cyclonedx', (text: string) => expect(JSON.parse(text)).toMatchObject({ bomFormat: 'CycloneDX', specVersion: '1.6', vulnerabilities: expect.any(Array) })],
    ['markdown', (text: string) => expect(text).toMatch(/GHSA-hrw6-wg82-cm62/)],
    ['table', (text: string) => expect(text).toMatch(/GHSA-hrw6-wg82-cm62/)],
  ])('renders --format %s on stdout', async (format, check) => {
    write('requirements.txt', 'jupyter-server==2.14.0\n');
    const run = await runCli(['scan', '--offline', '--no-local-db', '-a', advisories, '-f', format, dir.path]);
    expect(run.code).toBe(0);
    check(run.stdout);
  });

  it('writes --output atomically and keeps stdout empty', async () => {
    write('requirements.txt', 'jupyter-server==2.14.0\n');
    const output = join(dir.path, 'report.json');
    const run = await runCli(['scan', '--offline', '--no-local-db', '-a', advisories, '-f', 'json', '-o', output, join(dir.path, 'requirements.txt')]);
    expect(run.stdout).toBe('');
    expect((JSON.parse(readFileSync(output, 'utf8')) as JsonReport).findings).toHaveLength(1);
  });

  it('rejects a bad option value with exit 2', async () => {
    expect((await runCli(['scan', '--fail-on', 'severe', dir.path])).code).toBe(2);
    expect((await runCli(['scan', '--format', 'xml', dir.path])).code).toBe(2);
  });

  it('never prints a secret from the environment, even when it is part of a path', async () => {
    const token = 'ghp_0123456789abcdefghijABCDEFGHIJ012345';
    const secretDir = join(dir.path, token);
    mkdirSync(secretDir);
    writeFileSync(join(secretDir, 'package-lock.json'), '{ not json');
    for (const format of ['table', 'json', 'sarif', 'markdown']) {
      const run = await runCli(['scan', '--offline', '--no-local-db', '-a', advisories, '-f', format, dir.path], { env: { GH_TOKEN: token } });
      expect(run.code).toBe(2);
      expect(run.stdout + run.stderr).not.toContain(token);
      expect(run.stdout + run.stderr).toContain('***');
    }
  });
});

describeWithSharedData('chainwatch db', () => {
  it('imports a directory of OSV records into a new database, then scans with it', async () => {
    const db = join(dir.path, 'advisories.sqlite');
    const imported = await runCli(['db', 'import', '--db', db, advisories]);
    expect(imported.code).toBe(0);
    // 2,661 PyPA records + 3 GHSA records in ../shared/data/osv.
    expect(imported.stdout).toContain(`${db}: 2664 records`);
    write('project/requirements.txt', 'jupyter-server==2.14.0\n');
    const run = await runCli(['scan', '--offline', '--db', db, '-f', 'json', join(dir.path, 'project')]);
    expect(run.code).toBe(0);
    expect((JSON.parse(run.stdout) as JsonReport).findings.map((finding) => finding.id)).toEqual(['GHSA-hrw6-wg82-cm62']);
  });

  it('a failed import of a missing path exits 2 and leaves the database as it was', async () => {
    const db = join(dir.path, 'advisories.sqlite');
    await runCli(['db', 'import', '--db', db, advisories]);
    const before = statSync(db).size;
    const run = await runCli(['db', 'import', '--db', db, join(dir.path, 'nope.zip')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(`${db}: 2664 records`);
    expect(statSync(db).size).toBe(before);
  });
});

describe('chainwatch versions sort', () => {
  it.each([
    ['PyPI', '4.0.11rc1\n4.0.10\n1!0.1\n1.0.post1\n1.0\n', '1.0\n1.0.post1\n4.0.10\n4.0.11rc1\n1!0.1\n'],
    ['npm', '1.0.0\n1.0.0-rc.1\n0.9.0\n1.0.0-alpha\n', '0.9.0\n1.0.0-alpha\n1.0.0-rc.1\n1.0.0\n'],
    ['Debian', '1:1.0-1\n1.0-1\n1.0~rc1-1\n', '1.0~rc1-1\n1.0-1\n1:1.0-1\n'],
    ['conda', '1.0\n1.0a1\n1.0dev\n1.0.post1\n', '1.0dev\n1.0a1\n1.0\n1.0.post1\n'],
  ])('%s: ascending', async (ecosystem, input, expected) => {
    const run = await runCli(['versions', 'sort', '--ecosystem', ecosystem], { stdin: input });
    expect(run).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it('reports unparseable lines on stderr with their line and exits 2', async () => {
    const run = await runCli(['versions', 'sort', '-e', 'npm'], { stdin: '1.0.0\nnot.a.version\n0.1.0\n' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('0.1.0\n1.0.0\n');
    expect(run.stderr).toMatch(/^stdin:2: .*not\.a\.version/m);
  });
});

describe('the command tree', () => {
  // main() registers only the command its arguments name; `help <command>` registers them all.
  it.each([['scan'], ['db'], ['advisories'], ['versions', 'sort']])('`%s --help` is the same with one command registered as with all', async (...command) => {
    const alone = await runCli([...command, '--help']);
    const all = await runCli(['help', ...command]);
    expect(alone.code).toBe(0);
    expect(alone.stdout).toContain(`Usage: chainwatch ${command.join(' ')}`);
    if (command.length === 1) expect(alone.stdout).toBe(all.stdout);
  });

  it('lists every command under --help, and --version needs none', async () => {
    const help = await runCli(['--help']);
    for (const name of ['scan', 'versions', 'db', 'graph', 'concerns', 'diff', 'runs', 'posture', 'fix', 'audit', 'report', 'serve', 'advisories']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${name}\\b`, 'm'));
    }
    const version = await runCli(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('rejects an unknown option of a command as before, and suggests a command for a typo', async () => {
    expect((await runCli(['scan', '--bogus'])).stderr).toContain("error: unknown option '--bogus'");
    const typo = await runCli(['scna']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain('(Did you mean scan?)');
  });
});
