/**
 * Images for tests, built here byte by byte: tar layers (any entry name,
 * hostile ones included, which tar tools refuse to write), gzipped, put
 * together as an OCI image layout, an OCI archive or a `docker save`
 * tarball, with a config whose history names each layer's instruction.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

export type FixtureEntry =
  | { name: string; type?: 'file'; text: string }
  | { name: string; type: 'directory' }
  | { name: string; type: 'symlink' | 'hardlink'; target: string }
  | { name: string; type: 'file'; size: number };

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(name: string, size: number, type: string, link = ''): Buffer {
  const block = Buffer.alloc(512);
  block.write(name.slice(0, 100), 0, 'utf8');
  block.write(octal(0o644, 8), 100);
  block.write(octal(0, 8), 108);
  block.write(octal(0, 8), 116);
  block.write(octal(size, 12), 124);
  block.write(octal(1_700_000_000, 12), 136);
  block.write('        ', 148);
  block.write(type, 156);
  block.write(link.slice(0, 100), 157, 'utf8');
  block.write('ustar\u000000', 257, 'binary');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
  return block;
}

/** A tar stream of the entries (ustar; names up to 100 bytes). A `size` entry is that many zero bytes (a bomb inflates from them). */
export function tarOf(entries: readonly FixtureEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    if (entry.type === 'directory') blocks.push(header(entry.name, 0, '5'));
    else if (entry.type === 'symlink' || entry.type === 'hardlink') blocks.push(header(entry.name, 0, entry.type === 'symlink' ? '2' : '1', entry.target));
    else {
      const body = 'size' in entry ? Buffer.alloc(entry.size) : Buffer.from((entry as { text: string }).text);
      blocks.push(header(entry.name, body.length, '0'), body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export interface FixtureLayer {
  entries: readonly FixtureEntry[];
  /** The Dockerfile instruction the history names. */
  createdBy: string;
  /** Written uncompressed instead of gzipped. */
  plain?: boolean;
}

interface Blob {
  digest: string;
  bytes: Buffer;
}

function blob(bytes: Buffer): Blob {
  return { digest: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes };
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

export interface FixtureImage {
  layers: Blob[];
  diffIds: string[];
  config: Blob;
  manifest: Blob;
  index: Buffer;
}

/** The blobs of an image: its layers, config (history with an empty-layer ENV between layers), manifest and index. */
export function imageOf(layers: readonly FixtureLayer[], options: { platform?: { os: string; architecture: string } } = {}): FixtureImage {
  const tars = layers.map((layer) => tarOf(layer.entries));
  const blobs = layers.map((layer, index) => blob(layer.plain ? tars[index]! : gzipSync(tars[index]!)));
  const diffIds = tars.map((tar) => blob(tar).digest);
  const platform = options.platform ?? { os: 'linux', architecture: 'amd64' };
  const history = layers.flatMap((layer, index) => [
    { created_by: `/bin/sh -c #(nop)  ${layer.createdBy}` },
    ...(index === 0 ? [{ created_by: '/bin/sh -c #(nop)  ENV LANG=C.UTF-8', empty_layer: true }] : []),
  ]);
  const config = blob(json({ ...platform, rootfs: { type: 'layers', diff_ids: diffIds }, history }));
  const manifest = blob(
    json({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: config.digest, size: config.bytes.length },
      layers: blobs.map((layer, index) => ({ mediaType: layers[index]!.plain ? 'application/vnd.oci.image.layer.v1.tar' : 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layer.digest, size: layer.bytes.length })),
    }),
  );
  const index = json({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: manifest.digest, size: manifest.bytes.length, platform }] });
  return { layers: blobs, diffIds, config, manifest, index };
}

const blobName = (digest: string) => `blobs/${digest.replace(':', '/')}`;

/** An OCI image layout directory. */
export function writeLayout(directory: string, image: FixtureImage, index: Buffer = image.index): string {
  mkdirSync(path.join(directory, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(directory, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(directory, 'index.json'), index);
  for (const item of [...image.layers, image.config, image.manifest]) writeFileSync(path.join(directory, blobName(item.digest)), item.bytes);
  return directory;
}

/** The same layout as one tar file (`oci-archive:`), its layers stored before its documents. */
export function writeOciArchive(file: string, image: FixtureImage): string {
  const tar = Buffer.concat([
    ...[...image.layers, image.config, image.manifest].flatMap((item) => rawFile(blobName(item.digest), item.bytes)),
    ...rawFile('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')),
    ...rawFile('index.json', image.index),
    Buffer.alloc(1024),
  ]);
  writeFileSync(file, tar);
  return file;
}

/** A `docker save` tarball as Docker before 25 wrote it: `<id>/layer.tar` (uncompressed), `<hex>.json`, manifest.json. */
export function writeDockerSave(file: string, image: FixtureImage, layers: readonly FixtureLayer[], tag = 'example/base:1'): string {
  const tars = layers.map((layer) => tarOf(layer.entries));
  const configName = `${image.config.digest.slice('sha256:'.length)}.json`;
  const layerNames = tars.map((_, index) => `${String(index).padStart(64, 'a')}/layer.tar`);
  const manifest = json([{ Config: configName, RepoTags: [tag], Layers: layerNames }]);
  writeFileSync(file, Buffer.concat([...tars.flatMap((tar, index) => rawFile(layerNames[index]!, tar)), ...rawFile(configName, image.config.bytes), ...rawFile('manifest.json', manifest), Buffer.alloc(1024)]));
  return file;
}

function rawFile(name: string, bytes: Buffer): Buffer[] {
  return [header(name, bytes.length, '0'), bytes, Buffer.alloc((512 - (bytes.length % 512)) % 512)];
}
