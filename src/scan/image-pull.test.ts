/**
 * `chainwatch scan --image REF` and `diff --image REF REF` pulled from a real
 * OCI registry (Debian's docker-registry on 127.0.0.1, with token
 * authentication, started here): credentials come from the Docker
 * configuration named by DOCKER_CONFIG and never appear in what the CLI says.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../test/cli-harness.js';
import { imageOf, type FixtureLayer } from '../image/image.fixture.js';
import { startLocalRegistry, type LocalRegistry } from '../image/registry.fixture.js';

const USER = 'council';
const PASSWORD = 'Pull-Secret-7731';
const scratch = temporaryDirectory();
let registry: LocalRegistry;

const layer = (pins: string): FixtureLayer => ({
  createdBy: 'COPY requirements.txt /srv/',
  entries: [
    { name: 'etc/os-release', text: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'srv/requirements.txt', text: pins },
  ],
});

const advisories = join(scratch.path, 'advisories');
mkdirSync(advisories);
writeFileSync(
  join(advisories, 'GHSA-test.json'),
  JSON.stringify({ id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-06-06T21:26:53Z', affected: [{ package: { ecosystem: 'PyPI', name: 'jupyter-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.14.1' }] }] }] }),
);
const dockerConfig = join(scratch.path, 'docker');
mkdirSync(dockerConfig);
writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: {} }));
const base = ['--offline', '--no-local-db', '-a', advisories];

beforeAll(async () => {
  registry = await startLocalRegistry({ users: { [USER]: PASSWORD } });
  await registry.pushImage('private/app', '1', imageOf([layer('jupyter-server==2.14.0\n')]));
  await registry.pushImage('private/app', '2', imageOf([layer('jupyter-server==2.14.1\n')]));
  writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
}, 60_000);

afterAll(async () => {
  await registry?.stop();
  scratch.remove();
});

function expectNoSecret(text: string): void {
  for (const secret of [PASSWORD, Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), ...registry.tokens!.issued]) expect(text).not.toContain(secret);
}

describe('scan --image with a registry reference', () => {
  it('pulls the image with the Docker configuration’s credentials and scans it', async () => {
    const run = await runCli(['scan', ...base, '--image', `${registry.host}/private/app:1`, '-f', 'json'], { env: { DOCKER_CONFIG: dockerConfig } });
    expectNoSecret(run.stdout + run.stderr);
    const report = JSON.parse(run.stdout) as { findings: { id: string; locations: { path: string; layer: number | null }[] }[]; image: { source: string; manifest_digest: string | null } };
    expect(report.image.source).toBe(`${registry.host}/private/app:1`);
    expect(report.image.manifest_digest).toMatch(/^sha256:/);
    expect(report.findings.map((finding) => `${finding.id} ${finding.locations[0]?.path}@${finding.locations[0]?.layer}`)).toEqual(['GHSA-aaaa-bbbb-cccc /srv/requirements.txt@0']);
    expect(run.code).toBe(0);
  });

  it('says the registry refused, without the credentials, when they are wrong', async () => {
    const wrong = join(scratch.path, 'wrong');
    mkdirSync(wrong);
    writeFileSync(join(wrong, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth: Buffer.from(`${USER}:not-${PASSWORD}`).toString('base64') } } }));
    const run = await runCli(['scan', ...base, '--image', `${registry.host}/private/app:1`, '-f', 'json'], { env: { DOCKER_CONFIG: wrong } });
    expect(run.code).toBe(2);
    expectNoSecret(run.stdout + run.stderr);
    expect(run.stdout + run.stderr).not.toContain(`not-${PASSWORD}`);
    const report = JSON.parse(run.stdout) as { errors: { message: string }[] };
    expect(report.errors[0]?.message).toContain(`${registry.host}/private/app:1`);
  });

  it('diff --image compares two tags pulled from the registry', async () => {
    const run = await runCli(['diff', '--image', ...base, `${registry.host}/private/app:1`, `${registry.host}/private/app:2`, '-f', 'json'], { env: { DOCKER_CONFIG: dockerConfig } });
    expectNoSecret(run.stdout + run.stderr);
    expect(run.code).toBe(0);
    const diff = JSON.parse(run.stdout) as { findings: { resolved: { id: string }[] }; packages: { changed: { name: string; from: string[]; to: string[] }[] } };
    expect(diff.findings.resolved.map((entry) => entry.id)).toEqual(['GHSA-aaaa-bbbb-cccc']);
    expect(diff.packages.changed).toEqual([{ ecosystem: 'PyPI', name: 'jupyter-server', from: ['2.14.0'], to: ['2.14.1'] }]);
  });
});
