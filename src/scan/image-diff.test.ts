/**
 * `chainwatch diff --image OLD NEW` on two tags of one image built byte by
 * byte: a base layer shared, the application layer rebuilt with other pins.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../test/cli-harness.js';
import { imageOf, writeLayout, writeOciArchive, type FixtureLayer } from '../image/image.fixture.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

const BASE: FixtureLayer = {
  createdBy: 'ADD rootfs.tar.xz /',
  entries: [
    { name: 'etc/os-release', text: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n' },
    { name: 'var/lib/dpkg/status', text: 'Package: git\nStatus: install ok installed\nVersion: 1:2.39.2-1.1\n' },
  ],
};
const app = (requirements: string): FixtureLayer => ({ createdBy: 'COPY requirements.txt /srv/', entries: [{ name: 'srv/requirements.txt', text: requirements }] });

const advisories = join(scratch.path, 'advisories');
mkdirSync(advisories);
const record = (id: string, name: string, fixed: string) => ({
  id,
  modified: '2024-06-06T21:26:53Z',
  affected: [{ package: { ecosystem: 'PyPI', name }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed }] }] }],
});
writeFileSync(join(advisories, 'GHSA-aaaa.json'), JSON.stringify(record('GHSA-aaaa-aaaa-aaaa', 'jupyter-server', '2.14.1')));
writeFileSync(join(advisories, 'GHSA-bbbb.json'), JSON.stringify(record('GHSA-bbbb-bbbb-bbbb', 'tornado', '6.4.1')));
writeFileSync(join(advisories, 'DSA-1.json'), JSON.stringify({ id: 'DSA-TEST-1', modified: '2025-01-01T00:00:00Z', affected: [{ package: { ecosystem: 'Debian:12', name: 'git' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:2.39.5-0+deb12u1' }] }] }] }));

const old = writeLayout(join(scratch.path, 'old'), imageOf([BASE, app('jupyter-server==2.14.0\nrequests==2.31.0\n')]));
const next = writeOciArchive(join(scratch.path, 'new.tar'), imageOf([BASE, app('jupyter-server==2.14.2\ntornado==6.4.0\n')]));
const base = ['diff', '--image', '--offline', '--no-local-db', '-a', advisories];

describe('diff --image', () => {
  it('lists advisories that appeared and were resolved, and packages added, removed and changed', async () => {
    const run = await runCli([...base, old, next, '-f', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout) as {
      schema: string;
      findings: { appeared: { id: string; package: { name: string } }[]; resolved: { id: string; package: { name: string } }[] };
      packages: { added: { name: string; version: string; layer: number | null }[]; removed: { name: string }[]; changed: { name: string; from: string[]; to: string[] }[]; unchanged: number };
    };
    expect(diff.schema).toBe('chainwatch.image-diff/1');
    expect(diff.findings.appeared.map((entry) => `${entry.id} ${entry.package.name}`)).toEqual(['GHSA-bbbb-bbbb-bbbb tornado']);
    expect(diff.findings.resolved.map((entry) => `${entry.id} ${entry.package.name}`)).toEqual(['GHSA-aaaa-aaaa-aaaa jupyter-server']);
    expect(diff.packages.added.map((pkg) => `${pkg.name} ${pkg.version} ${pkg.layer}`)).toEqual(['tornado 6.4.0 1']);
    expect(diff.packages.removed.map((pkg) => pkg.name)).toEqual(['requests']);
    expect(diff.packages.changed).toEqual([{ ecosystem: 'PyPI', name: 'jupyter-server', from: ['2.14.0'], to: ['2.14.2'] }]);
    // git is in both, with the same version and the same finding: neither changed.
    expect(diff.packages.unchanged).toBe(1);
  });

  it('writes the same changes as a table and as Markdown', async () => {
    const table = await runCli([...base, old, next]);
    expect(table.stdout).toContain('Advisories that appeared (1)\n  unknown GHSA-bbbb-bbbb-bbbb PyPI tornado 6.4.0 (fixed in 6.4.1)');
    expect(table.stdout).toContain('Versions changed (1)\n  PyPI jupyter-server 2.14.0 → 2.14.2');
    const markdown = await runCli([...base, old, next, '-f', 'markdown']);
    expect(markdown.stdout).toContain('## Packages removed (1)');
  });

  it('says what is wrong with an image that cannot be read, and exits 2', async () => {
    const run = await runCli([...base, old, join(scratch.path, 'missing.tar')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('missing.tar');
    const one = await runCli([...base, old]);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('two images');
  });
});
