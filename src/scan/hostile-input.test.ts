/**
 * A hostile requirements file in a pull request, end to end through the CLI:
 * includes of the runner's environment and of files outside the checkout,
 * links that lead out, devices and FIFOs. No secret may appear in any output
 * format, on stderr, or in any file the run wrote; the rest of the scan goes on.
 */
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../test/cli-harness.js';
import { REPORT_FORMATS } from '../report/types.js';

const SECRET = 'MY_DB_PASSWORD=hunter2-secret-value';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

const outside = join(scratch.path, 'outside');
const project = join(scratch.path, 'project');
const reports = join(scratch.path, 'reports');
// One record is enough to show the scan went on, and keeps each run short: GHSA-hrw6-wg82-cm62's
// id and range (jupyter-server fixed in 2.14.1), written here so the test needs no shared data.
const advisories = join(scratch.path, 'advisories');
for (const directory of [outside, join(project, 'app'), reports, advisories]) mkdirSync(directory, { recursive: true });
const record = {
  id: 'GHSA-hrw6-wg82-cm62',
  modified: '2024-06-06T21:26:53Z',
  affected: [{ package: { ecosystem: 'PyPI', name: 'jupyter-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.14.1' }] }] }],
};
writeFileSync(join(advisories, 'GHSA-hrw6-wg82-cm62.json'), JSON.stringify(record));
writeFileSync(join(outside, 'secret.txt'), `${SECRET}\n`);
writeFileSync(join(outside, 'poetry.lock'), `${SECRET}\n`);
writeFileSync(
  join(project, 'app', 'requirements.txt'),
  [
    '-r /proc/self/environ', // 1
    '-r ../../outside/secret.txt', // 2
    `-r ${join(outside, 'secret.txt')}`, // 3
    '-c leak.txt', // 4: a link inside the tree to the secret
    '-r /dev/zero', // 5
    '-r /dev/stdin', // 6
    '-r pipe.txt', // 7
    'jupyter-server==2.14.0', // 8
    '',
  ].join('\n'),
);
symlinkSync(join(outside, 'secret.txt'), join(project, 'app', 'leak.txt'));
symlinkSync(join(outside, 'poetry.lock'), join(project, 'app', 'poetry.lock'));
execFileSync('mkfifo', [join(project, 'app', 'pipe.txt')]);

/** `NAME=value` entries of this process's initial environment, long enough not to appear by chance. */
const environment = readFileSync('/proc/self/environ', 'latin1')
  .split('\u0000')
  .filter((entry) => entry.indexOf('=') >= 4 && entry.length - entry.indexOf('=') > 8);

function expectNoSecret(text: string, where: string): void {
  expect(text, where).not.toContain('hunter2');
  for (const entry of environment) expect(text.includes(entry), `${where} quotes the environment entry ${entry.slice(0, entry.indexOf('='))}`).toBe(false);
}

function filesUnder(directory: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(path));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

const base = ['scan', '--offline', '--no-local-db', '-a', advisories, project];
const env = { CHAINWATCH_DB: join(scratch.path, 'cache', 'advisories.sqlite'), HOME: scratch.path, XDG_CACHE_HOME: join(scratch.path, 'cache') };

describe('a hostile requirements file through `chainwatch scan`', () => {
  it.each(REPORT_FORMATS.flatMap((format) => [[format, 'stdout'] as const, [format, 'file'] as const]))(
    '--format %s to %s: every include outside the tree is refused by line, the secret appears nowhere, the scan goes on',
    async (format, to) => {
      const output = join(reports, `report-${format}`);
      const run = await runCli([...base, '-f', format, ...(to === 'file' ? ['-o', output] : [])], { cwd: project, env });
      expect(run.code).toBe(2);
      const report = to === 'file' ? readFileSync(output, 'utf8') : run.stdout;
      expectNoSecret(run.stdout, 'stdout');
      expectNoSecret(run.stderr, 'stderr');
      expectNoSecret(report, 'the report');
      // The scan went on: the pin on line 8 was matched (GHSA-hrw6-wg82-cm62 affects 2.14.0).
      expect(report).toContain('GHSA-hrw6-wg82-cm62');
      // The errors name the file and line (the table and other formats on stderr, or in the report).
      const said = report + run.stderr;
      if (format !== 'cyclonedx') {
        for (const line of [1, 2, 3, 4, 5, 6, 7]) expect(said).toContain(`app/requirements.txt:${line}`);
      }
    },
    30_000,
  );

  it('json: each refusal names the path as written and the reason; the links and the FIFO are named too', async () => {
    const run = await runCli([...base, '-f', 'json'], { cwd: project, env });
    const report = JSON.parse(run.stdout) as { errors: { path: string; line?: number; code: string; message: string }[] };
    expect(report.errors.map((error) => `${error.path}:${error.line ?? ''} ${error.message}`)).toEqual([
      'app/poetry.lock: is a symbolic link to a file outside the scanned tree; it is not read',
      'app/requirements.txt:1 cannot read included requirements file "/proc/self/environ": is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)',
      'app/requirements.txt:2 cannot read included requirements file "../../outside/secret.txt": is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)',
      expect.stringMatching(/^app\/requirements\.txt:3 cannot read included requirements file "\/.*": is outside the scanned tree/) as unknown as string,
      'app/requirements.txt:4 cannot read included requirements file "leak.txt": is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)',
      'app/requirements.txt:5 cannot read included requirements file "/dev/zero": is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)',
      'app/requirements.txt:6 cannot read included requirements file "/dev/stdin": is outside the scanned tree (only files inside the scanned directory are read, symbolic links resolved)',
      'app/requirements.txt:7 cannot read included requirements file "pipe.txt": is not a regular file (a device, FIFO or socket is never read)',
    ]);
  }, 30_000);

  it('a FIFO or device named as a target is an error naming it, and the other targets are still scanned', async () => {
    const run = await runCli(['scan', '--offline', '--no-local-db', '-a', advisories, '-f', 'json', join(project, 'app', 'pipe.txt'), '/dev/zero', join(project, 'app', 'requirements.txt')], { cwd: project, env });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { errors: { path: string; message: string }[]; packages: { name: string }[] };
    const notRegular = report.errors.filter((error) => error.message === 'is not a regular file (a device, FIFO or socket is never read)');
    expect(notRegular.map((error) => error.path).sort()).toEqual(['/dev/zero', 'app/pipe.txt']);
    expect(report.packages.map((pkg) => pkg.name)).toEqual(['jupyter-server']);
  }, 30_000);

  it('no file the runs wrote holds the secret', () => {
    const written = filesUnder(scratch.path).filter((path) => !path.startsWith(outside) && !path.startsWith(advisories) && lstatSync(path).isFile());
    // The reports of every format, plus the fixtures inside the tree.
    expect(written.filter((path) => path.startsWith(reports))).toHaveLength(REPORT_FORMATS.length);
    for (const path of written) expectNoSecret(readFileSync(path, 'latin1'), path);
  });
});
