import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { imageOf, writeDockerSave, writeLayout, writeOciArchive, type FixtureLayer } from './image.fixture.js';
import { LayerStack, resolveFile } from './apply.js';
import type { LayerEntry } from './layer-index.js';
import { imagePath, resolveLink } from './paths.js';
import { readImage } from './read-image.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'image-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const DPKG_BASE = 'Package: git\nStatus: install ok installed\nVersion: 1:2.39.5-0+deb12u1\n\nPackage: curl\nStatus: install ok installed\nVersion: 7.88.1-10+deb12u8\n';
const DPKG_LATER = `${DPKG_BASE}\nPackage: python3\nStatus: install ok installed\nVersion: 3.11.2-1+b1\n`;

/** Three layers: a base with dpkg and an os-release symlink, one that installs and deletes, one that replaces a directory wholesale. */
const LAYERS: FixtureLayer[] = [
  {
    createdBy: 'ADD rootfs.tar.xz /',
    entries: [
      { name: 'etc/', type: 'directory' },
      { name: 'etc/os-release', type: 'symlink', target: '../usr/lib/os-release' },
      { name: 'usr/lib/os-release', text: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n' },
      { name: 'var/lib/dpkg/status', text: DPKG_BASE },
      { name: 'opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json', text: '{"name":"zlib","version":"1.3.1"}' },
      { name: 'opt/conda/conda-meta/openssl-3.3.1-h4ab18f5_0.json', text: '{"name":"openssl","version":"3.3.1"}' },
      { name: 'srv/old/requirements.txt', text: 'requests==2.0.0\n' },
      { name: 'usr/bin/git', text: 'ELF' },
    ],
  },
  {
    createdBy: 'RUN apt-get install -y python3 && rm -rf /srv/old',
    entries: [
      { name: 'var/lib/dpkg/status', text: DPKG_LATER },
      { name: 'srv/.wh.old', text: '' },
      { name: 'opt/conda/conda-meta/.wh.openssl-3.3.1-h4ab18f5_0.json', text: '' },
      { name: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', text: 'Name: six\nVersion: 1.16.0\n' },
    ],
  },
  {
    createdBy: 'COPY app /opt/app',
    plain: true,
    entries: [
      { name: 'opt/app/', type: 'directory' },
      { name: 'opt/app/.wh..wh..opq', text: '' },
      { name: 'opt/app/package-lock.json', text: '{"lockfileVersion":3,"packages":{}}' },
      { name: 'srv/old/requirements.txt', text: 'requests==2.32.3\n' },
    ],
  },
];

const keep = (file: string) => /\/(status|os-release|requirements\.txt|package-lock\.json|METADATA)$/.test(file) || file.includes('/conda-meta/');

describe('reading an image', () => {
  const image = imageOf(LAYERS);
  const sources = {
    'an OCI image layout': () => writeLayout(path.join(scratch, 'layout'), image),
    'an OCI archive (layers before documents)': () => writeOciArchive(path.join(scratch, 'image.oci.tar'), image),
    'a docker save tarball': () => writeDockerSave(path.join(scratch, 'image.docker.tar'), image, LAYERS),
  };

  it.each(Object.keys(sources))('lays the layers of %s one over the other: whiteouts, opaque directories, re-added paths', async (kind) => {
    const contents = await readImage(sources[kind as keyof typeof sources](), { keep });
    expect(contents.errors).toEqual([]);
    expect(contents.platform).toBe('linux/amd64');
    expect(contents.layers.map((layer) => layer.createdBy)).toEqual(['ADD rootfs.tar.xz /', 'RUN apt-get install -y python3 && rm -rf /srv/old', 'COPY app /opt/app']);
    expect(contents.files.map((file) => [file.path, file.layer])).toEqual([
      ['/etc/os-release', 0],
      ['/opt/app/package-lock.json', 2],
      ['/opt/conda/conda-meta/zlib-1.3.1-h4ab18f5_1.json', 0],
      ['/srv/old/requirements.txt', 2],
      ['/usr/lib/os-release', 0],
      ['/usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA', 1],
      ['/var/lib/dpkg/status', 1],
    ]);
    expect(contents.files.find((file) => file.path === '/var/lib/dpkg/status')!.text).toBe(DPKG_LATER);
    expect(contents.files.find((file) => file.path === '/srv/old/requirements.txt')!.text).toBe('requests==2.32.3\n');
    expect(contents.os).toEqual({ id: 'debian', versionId: '12', prettyName: 'Debian GNU/Linux 12 (bookworm)', ecosystem: 'Debian:12' });
  });

  it('chooses the platform from an image index, and says which platforms there are when the one asked is missing', async () => {
    const arm = imageOf(LAYERS.slice(0, 1), { platform: { os: 'linux', architecture: 'arm64' } });
    const directory = writeLayout(path.join(scratch, 'multi'), arm);
    const contents = await readImage(directory, { keep, platform: 'linux/arm64' });
    expect(contents.platform).toBe('linux/arm64');
    await expect(readImage(directory, { keep })).rejects.toThrow('the image has no manifest for linux/amd64 (it has: linux/arm64); choose one with --platform');
  });

  it('names what is wrong with a file that is not an image', async () => {
    const empty = writeDockerSave(path.join(scratch, 'not-image.tar'), image, []);
    rmSync(empty);
    await expect(readImage(path.join(scratch, 'missing.tar'), { keep })).rejects.toThrow('no such image archive or layout directory');
    const layout = writeLayout(path.join(scratch, 'broken'), image, Buffer.from('{"manifests": "no"}'));
    await expect(readImage(layout, { keep })).rejects.toThrow('index.json is not what the image format says it is: manifests');
  });
});

describe('hostile layers', () => {
  it('skips entries that leave the root, names them, reads the rest, and writes nothing anywhere', async () => {
    const before = readdirSync(scratch).sort();
    const layers: FixtureLayer[] = [
      {
        createdBy: 'ADD evil.tar /',
        entries: [
          { name: '../../escape.txt', text: 'out' },
          { name: '/etc/passwd-abs', text: 'absolute paths are read as inside the root' },
          { name: 'etc/os-release', type: 'symlink', target: '../../../../etc/os-release' },
          { name: 'var/lib/dpkg/status', type: 'hardlink', target: '../../../etc/shadow' },
          { name: 'opt/app/requirements.txt', text: 'six==1.16.0\n' },
        ],
      },
    ];
    const contents = await readImage(writeLayout(path.join(scratch, 'evil'), imageOf(layers)), { keep: () => true });
    expect(contents.errors.map((error) => error.message)).toEqual([
      'layer 1 of 1 (sha256:' + contents.layers[0]!.digest.slice(7, 19) + '): the entry "../../escape.txt" leaves the image root; it was skipped',
      'layer 1 of 1 (sha256:' + contents.layers[0]!.digest.slice(7, 19) + '): the hard link /var/lib/dpkg/status points out of the image root; it was skipped',
    ]);
    // The symlink climbing out resolves inside the root (as a runtime does for a chroot): /etc/os-release itself, a loop, so no OS.
    expect(contents.os).toBeNull();
    expect(contents.files.map((file) => file.path)).toEqual(['/etc/passwd-abs', '/opt/app/requirements.txt']);
    expect(readdirSync(scratch).sort()).toEqual([...before, 'evil'].sort());
  });

  it('stops a layer that inflates past the limit, with an error naming it, and still reads the other layers', async () => {
    const layers: FixtureLayer[] = [
      { createdBy: 'ADD base.tar /', entries: [{ name: 'var/lib/dpkg/status', text: DPKG_BASE }] },
      { createdBy: 'ADD bomb.tar /', entries: [{ name: 'zeros', type: 'file', size: 8 * 2 ** 20 }, { name: 'more', type: 'file', size: 8 * 2 ** 20 }] },
    ];
    const contents = await readImage(writeLayout(path.join(scratch, 'bomb'), imageOf(layers)), { keep, limits: { maxLayerBytes: 4 * 2 ** 20 } });
    expect(contents.errors).toHaveLength(1);
    expect(contents.errors[0]!.code).toBe('input-too-large');
    expect(contents.errors[0]!.message).toMatch(/^layer 2 of 2 \(sha256:[0-9a-f]{12}\) (inflates to|declares) more than 4194304 bytes/);
    expect(contents.files.map((file) => file.path)).toEqual(['/var/lib/dpkg/status']);
  });

  it('keeps no file over the size limit, and says so', async () => {
    const layers: FixtureLayer[] = [{ createdBy: 'ADD base.tar /', entries: [{ name: 'var/lib/dpkg/status', text: DPKG_LATER }] }];
    const contents = await readImage(writeLayout(path.join(scratch, 'big-file'), imageOf(layers)), { keep, limits: { maxFileBytes: 64 } });
    expect(contents.files).toEqual([]);
    expect(contents.errors[0]!.message).toContain('/var/lib/dpkg/status (');
  });
});

describe('image paths', () => {
  it('resolves a symlink inside the root: `..` stops at the root, a symlinked directory is followed', () => {
    expect(resolveLink('/etc/os-release', '../../../../usr/lib/os-release')).toBe('/usr/lib/os-release');
    expect(resolveLink('/usr/bin/python3', 'python3.11')).toBe('/usr/bin/python3.11');
    const stack = new LayerStack();
    stack.add(0, {
      entries: new Map([
        ['/lib', { kind: 'symlink' as const, size: 0, link: 'usr/lib' }],
        ['/usr/lib/os-release', { kind: 'file' as const, size: 3, text: 'x=1' }],
        ['/loop', { kind: 'symlink' as const, size: 0, link: '/loop' }],
      ]),
      whiteouts: [],
      opaque: [],
      errors: [],
    });
    const tree = stack.tree;
    expect(resolveFile(tree, '/lib/os-release')).toMatchObject({ path: '/usr/lib/os-release', entry: { text: 'x=1' } });
    expect(resolveFile(tree, '/loop')).toBeNull();
  });

  it('folds layers in order even when they arrive out of order, keeps only directories, links and kept files, and lets a file nobody keeps hide what lay under its path', () => {
    const layer = (entries: [string, LayerEntry][], whiteouts: string[] = [], opaque: string[] = []) => ({ entries: new Map(entries), whiteouts, opaque, errors: [] });
    const file = (text?: string): LayerEntry => ({ kind: 'file', size: text?.length ?? 10, ...(text === undefined ? {} : { text }) });
    const dir: LayerEntry = { kind: 'directory', size: 0 };
    const stack = new LayerStack();
    // Layer 2 arrives first: nothing is folded until layers 0 and 1 are there.
    stack.add(2, layer([['/opt/conda', file()], ['/srv/new.txt', file('new')]], ['/srv/a']));
    expect(stack.tree.size).toBe(0);
    stack.add(0, layer([['/opt/conda', dir], ['/opt/conda/conda-meta/x.json', file('{}')], ['/srv', dir], ['/srv/a', dir], ['/srv/a/req.txt', file('a==1')], ['/usr/bin/git', file()]]));
    expect(stack.tree.has('/usr/bin/git')).toBe(false);
    expect(stack.tree.get('/opt/conda/conda-meta/x.json')?.text).toBe('{}');
    stack.add(1, layer([['/srv/b.txt', file('b==1')], ['/lib', { kind: 'symlink', size: 0, link: 'usr/lib' }]], [], ['/srv']));
    // Layer 1's opaque /srv hid layer 0's /srv/a; layer 2 turned /opt/conda into a file (nobody keeps it): what was under it is gone too.
    expect([...stack.tree.keys()].sort()).toEqual(['/lib', '/srv', '/srv/b.txt', '/srv/new.txt']);
    expect(stack.tree.get('/srv/new.txt')?.layer).toBe(2);
  });

  it.each([
    ['./usr//lib/', '/usr/lib'],
    ['/etc/os-release', '/etc/os-release'],
    ['a/./b/../c', '/a/c'],
    ['../etc/passwd', null],
    ['a/../../b', null],
    ['.', '/'],
  ])('%s → %s', (name, expected) => {
    expect(imagePath(name)).toBe(expected);
  });
});
