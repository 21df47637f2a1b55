/**
 * Images for `npm run bench -- image` (bench/image-bench.ts), written as
 * streams so a gigabyte image never sits in memory:
 *
 * - `TarWriter`: tar entries (headers from node-tar's `Header`) written to any
 *   stream with backpressure, counting and hashing what it writes;
 * - `writeDockerSave`: a `docker save` tarball (manifest.json, the config and
 *   gzipped layer blobs under `blobs/sha256/`, as Docker 25 writes them), the
 *   form both chainwatch and OSV-Scanner's `--archive` read;
 * - `dockerSaveFromLayout`: the same from an OCI image layout (the fixture);
 * - `buildSyntheticImage`: the large synthetic image (≥ 1 GB inflated, ≥ 5,000
 *   packages), layer by layer through zlib into bench/.cache.
 *
 * src/image/image.fixture.ts builds images in memory for the tests; at this
 * size that would need gigabytes, hence a streaming writer here.
 */
import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import zlib from 'node:zlib';
import { Header } from 'tar';
import { seededRandom } from './measure.js';

const MTIME = new Date('2026-01-01T00:00:00Z');

/** Writes tar entries to `out`, waiting when it is full; counts and hashes every byte written. */
export class TarWriter {
  bytes = 0;
  entries = 0;
  private readonly hash: Hash = createHash('sha256');
  constructor(private readonly out: Writable) {}

  private async write(chunk: Buffer): Promise<void> {
    this.bytes += chunk.length;
    this.hash.update(chunk);
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }

  private async header(path: string, type: 'File' | 'Directory' | 'SymbolicLink', size: number, mode: number, linkpath?: string): Promise<void> {
    const header = new Header({ path, type, size, mode, uid: 0, gid: 0, uname: 'root', gname: 'root', mtime: MTIME, ...(linkpath ? { linkpath } : {}) });
    header.block = Buffer.alloc(512);
    if (header.encode(header.block, 0)) throw new Error(`bench tar writer: ${path} needs a pax header (keep bench paths ≤ 100 bytes of name, 155 of prefix)`);
    this.entries++;
    await this.write(header.block);
  }

  private async pad(size: number): Promise<void> {
    const rest = size % 512;
    if (rest !== 0) await this.write(Buffer.alloc(512 - rest));
  }

  async directory(path: string): Promise<void> {
    await this.header(path.endsWith('/') ? path : `${path}/`, 'Directory', 0, 0o755);
  }

  async symlink(path: string, target: string): Promise<void> {
    await this.header(path, 'SymbolicLink', 0, 0o777, target);
  }

  async file(path: string, content: Buffer | string, mode = 0o644): Promise<void> {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    await this.header(path, 'File', bytes.length, mode);
    await this.write(bytes);
    await this.pad(bytes.length);
  }

  /** A file of `size` bytes made of `block` repeated (compressible filler). */
  async repeated(path: string, size: number, block: Buffer): Promise<void> {
    await this.header(path, 'File', size, 0o644);
    for (let left = size; left > 0; left -= block.length) await this.write(left >= block.length ? block : block.subarray(0, left));
    await this.pad(size);
  }

  /** A file whose content is read from `source` as it is written. */
  async copy(path: string, source: string): Promise<void> {
    const size = statSync(source).size;
    await this.header(path, 'File', size, 0o644);
    for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) await this.write(chunk as Buffer);
    await this.pad(size);
  }

  /** The two zero blocks that end an archive; the stream is ended and flushed. Returns the sha256 of everything written. */
  async end(): Promise<string> {
    await this.write(Buffer.alloc(1024));
    this.out.end();
    await once(this.out, 'finish');
    return this.hash.digest('hex');
  }
}

export interface BuiltLayer {
  /** The gzipped blob in the cache directory. */
  file: string;
  /** sha256 of the blob. */
  digest: string;
  /** sha256 of the inflated tar (the config's diff_id). */
  diffId: string;
  compressedBytes: number;
  inflatedBytes: number;
  entries: number;
  createdBy: string;
}

/** Writes one gzipped layer into `directory`, its content from `fill`. */
export async function writeLayer(directory: string, name: string, createdBy: string, fill: (tar: TarWriter) => Promise<void>): Promise<BuiltLayer> {
  const file = join(directory, `${name}.tar.gz`);
  const gzip = zlib.createGzip({ level: 1, memLevel: 9 });
  const output = createWriteStream(file);
  const compressedHash = createHash('sha256');
  let compressedBytes = 0;
  gzip.on('data', (chunk: Buffer) => {
    compressedHash.update(chunk);
    compressedBytes += chunk.length;
    if (!output.write(chunk)) {
      gzip.pause();
      output.once('drain', () => gzip.resume());
    }
  });
  const written = new Promise<void>((resolve, reject) => {
    gzip.on('end', () => output.end());
    output.on('finish', resolve);
    output.on('error', reject);
    gzip.on('error', reject);
  });
  const tar = new TarWriter(gzip);
  await fill(tar);
  const diffId = await tar.end();
  await written;
  return { file, digest: compressedHash.digest('hex'), diffId, compressedBytes, inflatedBytes: tar.bytes, entries: tar.entries, createdBy };
}

/** A `docker save` tarball of gzipped layers: what OSV-Scanner's `scan image --archive` and chainwatch's `--image` both read. */
export async function writeDockerSave(file: string, layers: readonly { file: string; digest: string; diffId: string; createdBy: string }[], configBytes?: Buffer): Promise<void> {
  const config =
    configBytes ??
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        created: MTIME.toISOString(),
        config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
        rootfs: { type: 'layers', diff_ids: layers.map((layer) => `sha256:${layer.diffId}`) },
        history: layers.map((layer) => ({ created: MTIME.toISOString(), created_by: layer.createdBy })),
      }),
    );
  const configDigest = createHash('sha256').update(config).digest('hex');
  const manifest = [{ Config: `blobs/sha256/${configDigest}`, RepoTags: ['chainwatch-bench:latest'], Layers: layers.map((layer) => `blobs/sha256/${layer.digest}`) }];
  const output = createWriteStream(`${file}.tmp`);
  const tar = new TarWriter(output);
  await tar.directory('blobs');
  await tar.directory('blobs/sha256');
  await tar.file(`blobs/sha256/${configDigest}`, config);
  const seen = new Set<string>();
  for (const layer of layers) {
    if (seen.has(layer.digest)) continue;
    seen.add(layer.digest);
    await tar.copy(`blobs/sha256/${layer.digest}`, layer.file);
  }
  await tar.file('manifest.json', JSON.stringify(manifest));
  await tar.end();
  renameSync(`${file}.tmp`, file);
}

/** The OCI layout's (single) image as a `docker save` tarball: the same config and layer blobs. */
export async function dockerSaveFromLayout(layout: string, file: string): Promise<void> {
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0]!.digest), 'utf8')) as { config: { digest: string }; layers: { digest: string }[] };
  const config = readFileSync(blob(manifest.config.digest));
  const parsed = JSON.parse(config.toString('utf8')) as { rootfs: { diff_ids: string[] } };
  await writeDockerSave(
    file,
    manifest.layers.map((layer, position) => ({ file: blob(layer.digest), digest: layer.digest.split(':')[1]!, diffId: parsed.rootfs.diff_ids[position]!.split(':')[1]!, createdBy: '' })),
    config,
  );
}

/** What the synthetic image holds, for the bench's lines and the records aimed at it. */
export interface SyntheticImage {
  archive: string;
  layers: Omit<BuiltLayer, 'file'>[];
  dpkg: { name: string; source: string; version: string }[];
  pypi: { name: string; version: string }[];
  npm: { name: string; version: string }[];
  /** Packages the whiteout layer deletes. */
  deleted: { pypi: string[]; npm: string[] };
}

export const SYNTHETIC_SHAPE = { dpkg: 3_200, pypi: 1_600, npm: 1_100, fillerMiB: 1_100, version: 1 };

const SITE = 'usr/local/lib/python3.11/site-packages';
const NODE_APP = 'usr/local/lib/bench-app/node_modules';

function version(random: () => number): string {
  return `${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`;
}

/** Filler text: compresses well at gzip level 1, so the archive stays small while the layer inflates past a gigabyte. */
function fillerBlock(): Buffer {
  const line = 'chainwatch bench filler: compressible content standing in for binaries and data files.\n';
  return Buffer.from(line.repeat(Math.ceil((1 << 20) / line.length))).subarray(0, 1 << 20);
}

/** npm's record of the installed tree (`node_modules/.package-lock.json`), which npm writes beside the packages and OSV-Scanner reads. */
function hiddenLockfile(packages: readonly { name: string; version: string }[]): string {
  const entries = Object.fromEntries(packages.map((pkg) => [`node_modules/${pkg.name}`, { version: pkg.version, resolved: `https://mirror.example/${pkg.name}/-/${pkg.name.split('/').pop()}-${pkg.version}.tgz`, license: 'MIT' }]));
  return `${JSON.stringify({ name: 'bench-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages: entries }, null, 2)}\n`;
}

/**
 * Layers: 0 a Debian 12 base (os-release, a dpkg status file of 3,200
 * real-shaped stanzas, each package's doc and library files, and filler);
 * 1 pip distributions (dist-info METADATA, INSTALLER, RECORD and a module
 * each) and filler; 2 npm packages under node_modules (with npm's hidden lockfile) and filler; 3
 * whiteouts deleting 100 distributions, 50 npm packages and a filler folder.
 */
export async function buildSyntheticImage(directory: string): Promise<SyntheticImage> {
  mkdirSync(directory, { recursive: true });
  const random = seededRandom(20261206);
  const block = fillerBlock();
  const perLayerFiller = [Math.round(SYNTHETIC_SHAPE.fillerMiB * 0.6), Math.round(SYNTHETIC_SHAPE.fillerMiB * 0.2), Math.round(SYNTHETIC_SHAPE.fillerMiB * 0.2)];
  const filler = async (tar: TarWriter, root: string, mebibytes: number) => {
    await tar.directory(root);
    for (let index = 0; index < mebibytes; index++) {
      if (index % 100 === 0) await tar.directory(`${root}/part${index / 100}`);
      await tar.repeated(`${root}/part${Math.floor(index / 100)}/blob${index}.bin`, 1 << 20, block);
    }
  };

  const dpkg: SyntheticImage['dpkg'] = [];
  for (let index = 0; index < SYNTHETIC_SHAPE.dpkg; index++) {
    // Sources build several binaries (libfoo1, foo-bin, foo-doc), as in Debian.
    const sourceIndex = Math.floor(index / 3);
    const source = `synsrc${sourceIndex}`;
    const kind = index % 3;
    const name = kind === 0 ? source : kind === 1 ? `libsyn${sourceIndex}-1` : `synsrc${sourceIndex}-data`;
    const upstream = `${version(random)}-${1 + Math.floor(random() * 3)}`;
    // A binNMU: the binary's version differs from its source's.
    const binNmu = kind === 1 && random() < 0.2;
    dpkg.push({ name, source, version: binNmu ? `${upstream}+b1` : upstream });
  }
  const status = dpkg
    .map((pkg, index) => {
      const sourceField = pkg.name === pkg.source ? '' : pkg.version.endsWith('+b1') ? `Source: ${pkg.source} (${pkg.version.slice(0, -3)})\n` : `Source: ${pkg.source}\n`;
      return (
        `Package: ${pkg.name}\nStatus: install ok installed\nPriority: optional\nSection: ${index % 3 === 1 ? 'libs' : 'misc'}\nInstalled-Size: ${100 + (index % 900)}\n` +
        `Maintainer: Synthetic Maintainers <maintainers@example.test>\nArchitecture: ${index % 3 === 2 ? 'all' : 'amd64'}\n${index % 3 === 1 ? 'Multi-Arch: same\n' : ''}` +
        `${sourceField}Version: ${pkg.version}\nDepends: libc6 (>= 2.34), libsyn${Math.floor(index / 3)}-1 (= ${pkg.version})\n` +
        `Description: synthetic package ${index} for the chainwatch image bench\n This stanza has the shape of a real one: a long description,\n .\n and several lines of it.\nHomepage: https://example.test/${pkg.source}\n`
      );
    })
    .join('\n');

  const base = await writeLayer(directory, 'layer0', 'debootstrap bookworm (synthetic)', async (tar) => {
    for (const dir of ['etc', 'usr', 'usr/lib', 'usr/lib/x86_64-linux-gnu', 'usr/share', 'usr/share/doc', 'var', 'var/lib', 'var/lib/dpkg', 'var/lib/dpkg/info']) await tar.directory(dir);
    await tar.file('usr/lib/os-release', 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n');
    await tar.symlink('etc/os-release', '../usr/lib/os-release');
    await tar.file('var/lib/dpkg/status', status);
    for (const pkg of dpkg) {
      await tar.directory(`usr/share/doc/${pkg.name}`);
      await tar.file(`usr/share/doc/${pkg.name}/copyright`, `Format: https://example.test/copyright-format/1.0/\nUpstream-Name: ${pkg.source}\n`);
      await tar.file(`var/lib/dpkg/info/${pkg.name}.list`, `/usr/share/doc/${pkg.name}/copyright\n/usr/lib/x86_64-linux-gnu/${pkg.name}.so.1\n`);
      await tar.file(`usr/lib/x86_64-linux-gnu/${pkg.name}.so.1`, Buffer.alloc(2048, pkg.name));
    }
    await filler(tar, 'usr/share/filler', perLayerFiller[0]!);
  });

  const pypi: SyntheticImage['pypi'] = [];
  for (let index = 0; index < SYNTHETIC_SHAPE.pypi; index++) pypi.push({ name: `synpy-${index}`, version: version(random) });
  const pip = await writeLayer(directory, 'layer1', `RUN pip install ${SYNTHETIC_SHAPE.pypi} distributions`, async (tar) => {
    for (const dir of ['usr/local', 'usr/local/lib', 'usr/local/lib/python3.11', SITE]) await tar.directory(dir);
    for (const pkg of pypi) {
      const module = pkg.name.replace(/-/g, '_');
      const info = `${SITE}/${module}-${pkg.version}.dist-info`;
      await tar.directory(info);
      await tar.file(`${info}/METADATA`, `Metadata-Version: 2.1\nName: ${pkg.name}\nVersion: ${pkg.version}\nSummary: synthetic distribution for the chainwatch image bench\nHome-page: https://example.test/${pkg.name}\nAuthor: Synthetic\nLicense: MIT\nRequires-Python: >=3.8\nRequires-Dist: synpy-${(pypi.indexOf(pkg) + 1) % SYNTHETIC_SHAPE.pypi}\n\nLong description.\n`);
      await tar.file(`${info}/INSTALLER`, 'pip\n');
      await tar.file(`${info}/RECORD`, `${module}/__init__.py,,\n${info.slice(SITE.length + 1)}/METADATA,,\n`);
      await tar.directory(`${SITE}/${module}`);
      await tar.file(`${SITE}/${module}/__init__.py`, `__version__ = "${pkg.version}"\n`);
    }
    await filler(tar, 'usr/local/share/pyfiller', perLayerFiller[1]!);
  });

  const npm: SyntheticImage['npm'] = [];
  for (let index = 0; index < SYNTHETIC_SHAPE.npm; index++) npm.push({ name: index % 4 === 0 ? `@synscope/pkg-${index}` : `synnpm-${index}`, version: version(random) });
  const node = await writeLayer(directory, 'layer2', `RUN npm install ${SYNTHETIC_SHAPE.npm} packages`, async (tar) => {
    for (const dir of ['usr/local/lib/bench-app', NODE_APP, `${NODE_APP}/@synscope`]) await tar.directory(dir);
    await tar.file('usr/local/lib/bench-app/package.json', '{"name":"bench-app","version":"1.0.0","private":true}\n');
    for (const pkg of npm) {
      await tar.directory(`${NODE_APP}/${pkg.name}`);
      await tar.file(`${NODE_APP}/${pkg.name}/package.json`, `${JSON.stringify({ name: pkg.name, version: pkg.version, description: 'synthetic package for the chainwatch image bench', main: 'index.js', license: 'MIT' }, null, 2)}\n`);
      await tar.file(`${NODE_APP}/${pkg.name}/index.js`, `module.exports = ${JSON.stringify(pkg.name)};\n`);
    }
    await tar.file(`${NODE_APP}/.package-lock.json`, hiddenLockfile(npm));
    await filler(tar, 'usr/local/share/npmfiller', perLayerFiller[2]!);
  });

  const deleted = { pypi: pypi.filter((_, index) => index % 16 === 5).map((pkg) => pkg.name), npm: npm.filter((_, index) => index % 22 === 7).map((pkg) => pkg.name) };
  const whiteouts = await writeLayer(directory, 'layer3', 'RUN pip uninstall … && npm uninstall … && rm -rf /usr/share/filler/part0', async (tar) => {
    for (const dir of ['usr', 'usr/local', 'usr/local/lib', 'usr/local/lib/python3.11', SITE, 'usr/local/lib/bench-app', NODE_APP, `${NODE_APP}/@synscope`, 'usr/share', 'usr/share/filler']) await tar.directory(dir);
    for (const name of deleted.pypi) {
      const pkg = pypi.find((entry) => entry.name === name)!;
      const module = name.replace(/-/g, '_');
      await tar.file(`${SITE}/.wh.${module}-${pkg.version}.dist-info`, '');
      await tar.file(`${SITE}/.wh.${module}`, '');
    }
    for (const name of deleted.npm) {
      const slash = name.lastIndexOf('/');
      await tar.file(slash < 0 ? `${NODE_APP}/.wh.${name}` : `${NODE_APP}/${name.slice(0, slash)}/.wh.${name.slice(slash + 1)}`, '');
    }
    // npm uninstall rewrites the hidden lockfile without the removed packages.
    await tar.file(`${NODE_APP}/.package-lock.json`, hiddenLockfile(npm.filter((pkg) => !deleted.npm.includes(pkg.name))));
    await tar.file('usr/share/filler/.wh.part0', '');
  });

  const layers = [base, pip, node, whiteouts];
  const archive = join(directory, 'synthetic.docker.tar');
  await writeDockerSave(archive, layers);
  return { archive, layers: layers.map(({ file: _file, ...rest }) => rest), dpkg, pypi, npm, deleted };
}
