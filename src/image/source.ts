/**
 * Where an image comes from: an OCI image layout directory (`oci-layout`,
 * `index.json`, `blobs/<algorithm>/<hex>`), or an archive of one (`skopeo
 * copy … oci-archive:`), or a `docker save` / `podman save` tarball
 * (`manifest.json` naming the config and layer files; Docker 25+ writes an
 * OCI layout inside it too). Reads the documents, chooses the platform from
 * an image index, and hands each layer blob over as a stream, once. An
 * archive is read twice, never unpacked: first for its small documents,
 * then for its layers, in the order it holds them.
 */
import { createReadStream, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { Parser, type ReadEntry } from 'tar';
import type { z } from 'zod';
import { ChainwatchError } from '../core/errors.js';
import { DockerSaveManifestSchema, ImageConfigSchema, ImageIndexSchema, ImageManifestSchema, INDEX_MEDIA_TYPES, type Descriptor, type ImageConfig, type ImageIndex } from './schema.js';
import type { ImageLimits } from './types.js';

export interface OpenedImage {
  platform: string | null;
  manifestDigest: string | null;
  config: ImageConfig;
  /** The layers in order: each blob's digest and where the source holds it. */
  layers: { digest: string; locator: string }[];
  /** Streams each distinct layer blob once (in the order the source holds them), waiting for `visit` before the next. */
  forEachLayer(visit: (locator: string, stream: Readable) => Promise<void>): Promise<void>;
}

/** `linux/amd64`, `linux/arm64/v8`: what `--platform` takes. */
export function parsePlatform(text: string): { os: string; architecture: string; variant?: string } {
  const [os, architecture, variant] = text.split('/');
  if (!os || !architecture) throw new ChainwatchError('invalid-argument', `--platform ${JSON.stringify(text)}: expected os/architecture[/variant], e.g. linux/amd64`);
  return variant ? { os, architecture, variant } : { os, architecture };
}

export function parseJson<Schema extends z.ZodType>(schema: Schema, bytes: Buffer, what: string): z.infer<Schema> {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new ChainwatchError('parse-error', `${what} is not JSON: ${error instanceof Error ? error.message : String(error)}`, { location: { path: what } });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ChainwatchError('parse-error', `${what} is not what the image format says it is: ${issue ? `${issue.path.join('.') || 'document'}: ${issue.message}` : 'invalid'}`, { location: { path: what } });
  }
  return parsed.data;
}

/** `blobs/sha256/<hex>` for `sha256:<hex>`; refuses anything that is not a plain algorithm and hex (a digest is a path here). */
function blobPath(digest: string): string {
  const match = /^([a-z0-9]+):([a-f0-9]{32,128})$/.exec(digest);
  if (!match) throw new ChainwatchError('parse-error', `unsupported digest ${JSON.stringify(digest.slice(0, 100))}`);
  return `blobs/${match[1]}/${match[2]}`;
}

/** The index entry for the platform (a manifest, or a nested index); an error listing the platforms there are when none fits. */
export function chooseIndexEntry(index: ImageIndex, wanted: { os: string; architecture: string; variant?: string }): Descriptor {
  const candidates = index.manifests.filter((entry) => entry.platform === undefined || (entry.platform.os === wanted.os && entry.platform.architecture === wanted.architecture && (wanted.variant === undefined || entry.platform.variant === wanted.variant)));
  // Attestation manifests (buildkit's `unknown/unknown`) carry no filesystem.
  const chosen = candidates.find((entry) => entry.platform !== undefined) ?? candidates.find((entry) => entry.platform === undefined && !(entry.annotations as Record<string, string> | undefined)?.['vnd.docker.reference.type']);
  if (!chosen) {
    const offered = index.manifests.map((entry) => (entry.platform ? [entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join('/') : 'no platform')).join(', ');
    throw new ChainwatchError('invalid-argument', `the image has no manifest for ${[wanted.os, wanted.architecture, wanted.variant].filter(Boolean).join('/')} (it has: ${offered || 'none'}); choose one with --platform`);
  }
  return chosen;
}

/** `linux/arm64/v8` of an index entry; null when it names none. */
export function platformOfEntry(entry: Descriptor): string | null {
  return entry.platform ? [entry.platform.os, entry.platform.architecture, entry.platform.variant].filter(Boolean).join('/') : null;
}

/** The manifest for the platform, following image indexes (at most three deep). */
function chooseManifest(index: ImageIndex, wanted: { os: string; architecture: string; variant?: string }, readDocument: (digest: string) => Buffer, depth = 0): { descriptor: Descriptor; platform: string | null } {
  const chosen = chooseIndexEntry(index, wanted);
  if (chosen.mediaType !== undefined && INDEX_MEDIA_TYPES.has(chosen.mediaType)) {
    if (depth >= 3) throw new ChainwatchError('parse-error', 'image indexes nest more than three deep');
    return chooseManifest(parseJson(ImageIndexSchema, readDocument(chosen.digest), `blob ${chosen.digest}`), wanted, readDocument, depth + 1);
  }
  return { descriptor: chosen, platform: platformOfEntry(chosen) };
}

function fromIndex(readDocument: (name: string) => Buffer, platform: string): Omit<OpenedImage, 'forEachLayer'> {
  const index = parseJson(ImageIndexSchema, readDocument('index.json'), 'index.json');
  const { descriptor, platform: chosen } = chooseManifest(index, parsePlatform(platform), (digest) => readDocument(blobPath(digest)));
  const manifest = parseJson(ImageManifestSchema, readDocument(blobPath(descriptor.digest)), `manifest ${descriptor.digest}`);
  const config = parseJson(ImageConfigSchema, readDocument(blobPath(manifest.config.digest)), `config ${manifest.config.digest}`);
  return {
    platform: chosen ?? platformOf(config),
    manifestDigest: descriptor.digest,
    config,
    layers: manifest.layers.map((layer) => ({ digest: layer.digest, locator: blobPath(layer.digest) })),
  };
}

export function platformOf(config: ImageConfig): string | null {
  return config.os && config.architecture ? [config.os, config.architecture, config.variant].filter(Boolean).join('/') : null;
}

/** An entry name of an archive as the documents name files: no leading `./` or `/`. */
function archiveName(name: string): string {
  return name.replace(/^(\.\/|\/)+/, '');
}

/** Reads an archive's entries; `onEntry` decides for each whether to read it (and must consume it). */
function readArchive(file: string, onEntry: (name: string, entry: ReadEntry) => Promise<void> | void): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = new Parser({ strict: false });
    const input = createReadStream(file);
    let queue = Promise.resolve();
    parser.on('entry', (entry: ReadEntry) => {
      // One entry at a time: the parser waits while the entry is not consumed.
      entry.pause();
      queue = queue.then(async () => {
        await onEntry(archiveName(entry.path), entry);
        entry.resume();
      });
    });
    parser.on('end', () => queue.then(resolve, reject));
    parser.on('error', reject);
    input.on('error', reject);
    input.pipe(parser);
  });
}

async function openArchive(file: string, platform: string, limits: ImageLimits): Promise<OpenedImage> {
  const small = new Map<string, Buffer>();
  await readArchive(file, (name, entry) => {
    if (entry.type !== 'File' && entry.type !== 'OldFile') return;
    if ((entry.size ?? 0) > limits.maxJsonBytes) return;
    return new Promise<void>((done, fail) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        small.set(name, Buffer.concat(chunks));
        done();
      });
      entry.on('error', fail);
      entry.resume();
    });
  });
  const readDocument = (name: string) => {
    const bytes = small.get(name);
    if (bytes === undefined) throw new ChainwatchError('parse-error', `${path.basename(file)} has no ${name} (or it is larger than ${limits.maxJsonBytes} bytes)`, { location: { path: file } });
    return bytes;
  };
  let opened: Omit<OpenedImage, 'forEachLayer'>;
  if (small.has('manifest.json')) {
    const [manifest] = parseJson(DockerSaveManifestSchema, readDocument('manifest.json'), 'manifest.json');
    const config = parseJson(ImageConfigSchema, readDocument(archiveName(manifest!.Config)), manifest!.Config);
    const diffIds = config.rootfs?.diff_ids ?? [];
    opened = {
      platform: platformOf(config),
      manifestDigest: null,
      config,
      layers: manifest!.Layers.map((layer, position) => {
        const name = archiveName(layer);
        const blob = /^blobs\/([a-z0-9]+)\/([a-f0-9]+)$/.exec(name);
        return { digest: blob ? `${blob[1]}:${blob[2]}` : (diffIds[position] ?? name), locator: name };
      }),
    };
  } else if (small.has('index.json')) opened = fromIndex(readDocument, platform);
  else throw new ChainwatchError('unsupported-format', `${path.basename(file)} is neither a docker save archive (manifest.json) nor an OCI image layout (index.json)`, { location: { path: file } });
  const wanted = new Set(opened.layers.map((layer) => layer.locator));
  return {
    ...opened,
    forEachLayer: (visit) =>
      readArchive(file, async (name, entry) => {
        if (!wanted.has(name)) return;
        wanted.delete(name);
        // Read through the entry's own iterator (which pulls as the layer is inflated); what a stopped read leaves is drained after.
        await visit(name, Readable.from(entry as AsyncIterable<Buffer>));
      }),
  };
}

function openLayout(directory: string, platform: string, limits: ImageLimits): OpenedImage {
  const readDocument = (name: string) => {
    const file = path.join(directory, name);
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      throw new ChainwatchError('parse-error', `the image layout ${directory} has no ${name}`, { location: { path: file } });
    }
    if (size > limits.maxJsonBytes) throw new ChainwatchError('input-too-large', `${name} is larger than ${limits.maxJsonBytes} bytes`, { location: { path: file } });
    return readFileSync(file);
  };
  const opened = fromIndex(readDocument, platform);
  return {
    ...opened,
    async forEachLayer(visit) {
      const seen = new Set<string>();
      for (const layer of opened.layers) {
        if (seen.has(layer.locator)) continue;
        seen.add(layer.locator);
        await visit(layer.locator, createReadStream(path.join(directory, layer.locator)));
      }
    },
  };
}

export async function openImage(target: string, options: { platform: string; limits: ImageLimits }): Promise<OpenedImage> {
  let directory: boolean;
  try {
    directory = statSync(target).isDirectory();
  } catch {
    throw new ChainwatchError('unreadable-file', `${target}: no such image archive or layout directory`, { location: { path: target } });
  }
  return directory ? openLayout(target, options.platform, options.limits) : openArchive(target, options.platform, options.limits);
}
