/**
 * `chainwatch scan --image` end to end on images built byte by byte
 * (image.fixture.ts): the image's kept files go through the extractors,
 * every location carries the layer its file came from, the table groups
 * findings by layer, JSON names the image and each location's layer, and the
 * CycloneDX SBOM says which layer each component came from. The real image
 * built from the Debian archive is read in test/images/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, temporaryDirectory } from '../../test/cli-harness.js';
import { imageOf, writeDockerSave, writeLayout, type FixtureLayer } from '../image/image.fixture.js';

const scratch = temporaryDirectory();
afterAll(() => scratch.remove());

const OS_RELEASE = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const DPKG = 'Package: git\nStatus: install ok installed\nVersion: 1:2.39.2-1.1\nSource: git\n\nPackage: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\n';

const LAYERS: FixtureLayer[] = [
  {
    createdBy: 'ADD rootfs.tar.xz /',
    entries: [
      { name: 'etc/os-release', text: OS_RELEASE },
      { name: 'var/lib/dpkg/status', text: DPKG },
      // Pins that say nothing of what is installed: documentation, and a distribution's own test requirements.
      { name: 'usr/share/doc/python3-pip/requirements.txt', text: 'sphinx==4.2.0\n' },
      { name: 'usr/lib/python3/dist-packages/pip/_vendor/requirements.txt', text: 'urllib3==1.0.0\n' },
    ],
  },
  {
    createdBy: 'RUN pip install -r /srv/requirements.txt',
    entries: [
      { name: 'srv/requirements.txt', text: 'jupyter-server==2.14.0\nrequests==2.31.0\n' },
      { name: 'opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json', text: '{"name":"zlib","version":"1.3.1"}' },
    ],
  },
  {
    createdBy: 'RUN rm /srv/requirements.txt && echo "jupyter-server==2.14.0" > /srv/pinned.txt',
    entries: [
      { name: 'srv/.wh.requirements.txt', text: '' },
      { name: 'srv/requirements-pinned.txt', text: 'jupyter-server==2.14.0\n' },
    ],
  },
];

const advisories = join(scratch.path, 'advisories');
mkdirSync(advisories, { recursive: true });
const records = [
  {
    id: 'GHSA-hrw6-wg82-cm62',
    modified: '2024-06-06T21:26:53Z',
    summary: 'jupyter-server: test record',
    affected: [{ package: { ecosystem: 'PyPI', name: 'jupyter-server' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.14.1' }] }] }],
  },
  {
    // In the shape of a Debian security tracker record: by source package and release.
    id: 'DSA-TEST-1',
    modified: '2025-01-15T00:00:00Z',
    affected: [{ package: { ecosystem: 'Debian:12', name: 'git' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:2.39.5-0+deb12u1' }] }] }],
  },
  {
    // The same package in another release's record: the image says it is Debian 12, so this one does not apply.
    id: 'DSA-TEST-11',
    modified: '2025-01-15T00:00:00Z',
    affected: [{ package: { ecosystem: 'Debian:11', name: 'git' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1:2.39.9-0+deb11u1' }] }] }],
  },
];
for (const record of records) writeFileSync(join(advisories, `${record.id}.json`), JSON.stringify(record));

const layout = writeLayout(join(scratch.path, 'layout'), imageOf(LAYERS));
const dockerSave = writeDockerSave(join(scratch.path, 'saved.tar'), imageOf(LAYERS), LAYERS);
const base = ['scan', '--offline', '--no-local-db', '-a', advisories];

interface JsonReport {
  findings: { id: string; package: { name: string }; locations: { path: string; layer: number | null }[] }[];
  packages: { ecosystem: string; name: string; version: string; locations: { path: string; line: number | null; layer: number | null }[] }[];
  image: { source: string; platform: string | null; os: { ecosystem: string | null } | null; layers: { index: number; digest: string; created_by: string | null }[] } | null;
  errors: unknown[];
}

describe('scan --image', () => {
  it('reads the final filesystem: packages with their layer, files a later layer deleted left out, documentation and vendored pins not read', async () => {
    const run = await runCli([...base, '--image', layout, '-f', 'json'], { cwd: scratch.path });
    const report = JSON.parse(run.stdout) as JsonReport;
    const listed = report.packages.map((pkg) => `${pkg.ecosystem} ${pkg.name} ${pkg.version} ${pkg.locations.map((location) => `${location.path}@${location.layer}`).join(',')}`);
    expect(listed).toEqual([
      'Debian bash 5.2.15-2+b2 /var/lib/dpkg/status@0',
      'Debian git 1:2.39.2-1.1 /var/lib/dpkg/status@0',
      'PyPI jupyter-server 2.14.0 /srv/requirements-pinned.txt@2',
      'conda zlib 1.3.1 /opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json@1',
    ]);
    expect(report.errors).toEqual([]);
    expect(report.image?.os?.ecosystem).toBe('Debian:12');
    expect(report.image?.platform).toBe('linux/amd64');
    expect(report.image?.layers.map((layer) => layer.created_by)).toEqual(LAYERS.map((layer) => layer.createdBy));
    expect(report.findings.map((finding) => `${finding.id} ${finding.package.name} ${finding.locations.map((location) => location.layer).join(',')}`)).toEqual([
      'DSA-TEST-1 git 0',
      'GHSA-hrw6-wg82-cm62 jupyter-server 2',
    ]);
    // conda has no advisories anywhere: the run says so by its exit code, as any scan does.
    expect(run.code).toBe(2);
  });

  it('reads a docker save tarball the same way', async () => {
    const fromLayout = JSON.parse((await runCli([...base, '--image', layout, '-f', 'json'], { cwd: scratch.path })).stdout) as JsonReport;
    const fromSave = JSON.parse((await runCli([...base, '--image', dockerSave, '-f', 'json'], { cwd: scratch.path })).stdout) as JsonReport;
    expect(fromSave.packages).toEqual(fromLayout.packages);
    expect(fromSave.findings).toEqual(fromLayout.findings);
  });

  it('groups the table by the layer that brought each package, naming the instruction', async () => {
    const run = await runCli([...base, '--image', layout], { cwd: scratch.path });
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe(`Image ${layout} linux/amd64 ${JSON.parse((await runCli([...base, '--image', layout, '-f', 'json'], { cwd: scratch.path })).stdout).image.manifest_digest}`);
    expect(lines[1]).toBe('  Debian GNU/Linux 12 (bookworm) (advisories: Debian:12)');
    expect(lines[2]).toMatch(/^ {2}layer 1\/3 ADD rootfs\.tar\.xz \/ \(sha256:[0-9a-f]{12}\): 2 packages$/);
    const layerOne = lines.findIndex((line) => line.startsWith('layer 1/3 ADD rootfs.tar.xz'));
    const layerThree = lines.findIndex((line) => line.startsWith('layer 3/3 RUN rm /srv/requirements.txt'));
    expect(layerOne).toBeGreaterThan(0);
    expect(layerThree).toBeGreaterThan(layerOne);
    expect(lines[layerOne + 1]).toContain('DSA-TEST-1');
    expect(lines[layerThree + 1]).toContain('GHSA-hrw6-wg82-cm62');
  });

  it('writes an image SBOM: the image and its OS as the described component, each component with its layer', async () => {
    const run = await runCli([...base, '--image', layout, '-f', 'cyclonedx'], { cwd: scratch.path });
    const bom = JSON.parse(run.stdout) as {
      metadata: { component: { type: string; name: string; version?: string; components: { type: string; name: string; version: string }[] } };
      components: { name: string; properties: { name: string; value: string }[] }[];
    };
    expect(bom.metadata.component.type).toBe('container');
    expect(bom.metadata.component.name).toBe(layout);
    expect(bom.metadata.component.version).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(bom.metadata.component.components).toEqual([expect.objectContaining({ type: 'operating-system', name: 'debian', version: '12' })]);
    const zlib = bom.components.find((component) => component.name === 'zlib')!;
    expect(zlib.properties).toEqual(
      expect.arrayContaining([
        { name: 'chainwatch:layer', value: '1' },
        { name: 'chainwatch:layer:created-by', value: 'RUN pip install -r /srv/requirements.txt' },
        expect.objectContaining({ name: 'chainwatch:layer:digest', value: expect.stringMatching(/^sha256:/) as unknown }),
      ]),
    );
  });

  it('refuses PATHs together with --image, and --platform without it', async () => {
    const both = await runCli([...base, '--image', layout, '.'], { cwd: scratch.path });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('either PATHs or --image');
    const platform = await runCli([...base, '--platform', 'linux/arm64', '.'], { cwd: scratch.path });
    expect(platform.code).toBe(2);
    expect(platform.stderr).toContain('--platform');
  });

  it('reports an image that cannot be opened as an error naming it, and exits 2', async () => {
    const missing = join(scratch.path, 'no-such-image.tar');
    const run = await runCli([...base, '--image', missing, '-f', 'json'], { cwd: scratch.path });
    expect(run.code).toBe(2);
    const report = JSON.parse(run.stdout) as { errors: { path: string; message: string }[] };
    expect(report.errors.length).toBe(1);
    expect(`${report.errors[0]!.path} ${report.errors[0]!.message}`).toContain(missing);
  });
});
