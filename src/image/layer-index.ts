/**
 * One layer read as a stream: every entry's path, kind and size (the layer's
 * index), whiteouts and opaque directories, and the content of the files the
 * caller keeps. Nothing is written anywhere; the layer is read once, as it
 * comes (inflated here, so its inflated size is counted and bounded).
 */
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { ChainwatchError } from '../core/errors.js';
import { baseName, imagePath, OPAQUE_MARKER, parentOf, WHITEOUT_PREFIX } from './paths.js';
import type { ImageLimits } from './types.js';

export type LayerEntryKind = 'file' | 'directory' | 'symlink' | 'hardlink' | 'other';

export interface LayerEntry {
  kind: LayerEntryKind;
  size: number;
  /** A symlink's target as written; a hard link's target as an image path. */
  link?: string;
  /** The content, for a kept file that fitted the limits. */
  text?: string;
}

export interface LayerIndex {
  entries: Map<string, LayerEntry>;
  /** Paths this layer deletes from the layers below (`.wh.name`). */
  whiteouts: string[];
  /** Directories whose lower content this layer hides (`.wh..wh..opq`). */
  opaque: string[];
  errors: ChainwatchError[];
}

export interface IndexOptions {
  /** Names the layer in errors: `layer 3 (sha256:ab12…)`. */
  label: string;
  /** Whether a regular file's content is wanted (by its image path). */
  keep: (path: string) => boolean;
  limits: ImageLimits;
  /** Bytes kept so far across the image (shared by every layer). */
  kept: { bytes: number };
}

const KINDS: Record<string, LayerEntryKind> = { File: 'file', OldFile: 'file', ContiguousFile: 'file', Directory: 'directory', SymbolicLink: 'symlink', Link: 'hardlink' };

const GZIP = [0x1f, 0x8b];
/**
 * Bytes zlib hands back per callback. Its default (16 KiB) means one
 * main-thread callback per 16 KiB inflated: 70,000 for a gigabyte layer,
 * most of the reader's own CPU time in profiles; 256 KiB cuts that 16×.
 */
const INFLATE_CHUNK = 256 * 1024;
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];

function startsWith(chunk: Buffer, magic: readonly number[]): boolean {
  return magic.every((byte, index) => chunk[index] === byte);
}

/** Inflates gzip or zstd as the first bytes say (a plain tar passes through), counting what comes out. */
function inflating(label: string, limit: number): Transform {
  let inner: Transform | null | undefined;
  let total = 0;
  const outer: Transform = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (inner === undefined) {
        if (startsWith(chunk, GZIP)) inner = zlib.createGunzip({ chunkSize: INFLATE_CHUNK });
        else if (startsWith(chunk, ZSTD)) {
          const create = (zlib as unknown as { createZstdDecompress?: () => Transform }).createZstdDecompress;
          if (!create) {
            done(new ChainwatchError('unsupported-format', `${label} is compressed with zstd, which this Node.js (${process.version}) cannot inflate: Node.js 22.15 or later can`));
            return;
          }
          inner = create();
        } else inner = null;
        if (inner) {
          inner.on('data', (data: Buffer) => count(data));
          inner.on('error', (error) => outer.destroy(new ChainwatchError('parse-error', `${label} does not inflate: ${error.message}`, { cause: error })));
        }
      }
      if (inner) {
        if (!inner.write(chunk)) inner.once('drain', () => done());
        else done();
      } else {
        count(chunk);
        done();
      }
    },
    flush(done) {
      if (!inner) return done();
      inner.once('end', () => done());
      inner.end();
    },
  });
  function count(data: Buffer): void {
    total += data.length;
    if (total > limit) {
      outer.destroy(new ChainwatchError('input-too-large', `${label} inflates to more than ${limit} bytes: it was not read further (a decompression bomb, or raise the limit)`));
      return;
    }
    outer.push(data);
  }
  return outer;
}

export function indexLayer(source: Readable, options: IndexOptions): Promise<LayerIndex> {
  const { label, limits } = options;
  const index: LayerIndex = { entries: new Map(), whiteouts: [], opaque: [], errors: [] };
  let entries = 0;
  let declared = 0;
  return new Promise<LayerIndex>((resolve) => {
    let settled = false;
    const inflate = inflating(label, limits.maxLayerBytes);
    const parser = new Parser({ strict: false });
    const finish = (error?: unknown) => {
      if (settled) return;
      settled = true;
      if (error !== undefined) index.errors.push(error instanceof ChainwatchError ? error : new ChainwatchError('parse-error', `${label} could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
      source.unpipe(inflate);
      inflate.unpipe();
      if (!source.destroyed) source.destroy();
      if (!inflate.destroyed) inflate.destroy();
      resolve(index);
    };
    parser.on('warn', (code: string, message: string) => {
      if (code === 'TAR_ENTRY_INVALID' || code === 'TAR_BAD_ARCHIVE' || code === 'TAR_ENTRY_ERROR') index.errors.push(new ChainwatchError('parse-error', `${label}: ${message}`));
    });
    parser.on('entry', (entry: ReadEntry) => {
      entries++;
      declared += entry.size ?? 0;
      if (entries > limits.maxLayerEntries) {
        entry.resume();
        finish(new ChainwatchError('input-too-large', `${label} has more than ${limits.maxLayerEntries} entries: it was not read further`));
        return;
      }
      if (declared > limits.maxLayerBytes) {
        entry.resume();
        finish(new ChainwatchError('input-too-large', `${label} declares more than ${limits.maxLayerBytes} bytes of files: it was not read further (a decompression bomb, or raise the limit)`));
        return;
      }
      const path = imagePath(entry.path);
      if (path === null) {
        index.errors.push(new ChainwatchError('parse-error', `${label}: the entry ${JSON.stringify(entry.path.slice(0, 200))} leaves the image root; it was skipped`));
        entry.resume();
        return;
      }
      const name = baseName(path);
      if (name === OPAQUE_MARKER) {
        index.opaque.push(parentOf(path));
        entry.resume();
        return;
      }
      if (name.startsWith(WHITEOUT_PREFIX)) {
        index.whiteouts.push(`${parentOf(path) === '/' ? '' : parentOf(path)}/${name.slice(WHITEOUT_PREFIX.length)}`);
        entry.resume();
        return;
      }
      const kind = KINDS[entry.type] ?? 'other';
      const record: LayerEntry = { kind, size: entry.size ?? 0 };
      if (kind === 'symlink') record.link = entry.linkpath ?? '';
      if (kind === 'hardlink') {
        const target = imagePath(entry.linkpath ?? '');
        if (target === null) index.errors.push(new ChainwatchError('parse-error', `${label}: the hard link ${path} points out of the image root; it was skipped`));
        else record.link = target;
      }
      index.entries.set(path, record);
      if (kind !== 'file' || !options.keep(path)) {
        entry.resume();
        return;
      }
      if (record.size > limits.maxFileBytes || options.kept.bytes + record.size > limits.maxKeptBytes) {
        index.errors.push(new ChainwatchError('input-too-large', `${label}: ${path} (${record.size} bytes) is over the limit of what is read of an image; it was skipped`));
        entry.resume();
        return;
      }
      options.kept.bytes += record.size;
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        record.text = Buffer.concat(chunks).toString('utf8');
      });
    });
    parser.on('end', () => finish());
    parser.on('error', (error: unknown) => finish(error));
    inflate.on('error', (error) => finish(error));
    source.on('error', (error) => finish(error));
    source.pipe(inflate);
    inflate.on('data', (chunk: Buffer) => {
      if (!parser.write(chunk)) {
        inflate.pause();
        parser.once('drain', () => inflate.resume());
      }
    });
    inflate.on('end', () => parser.end());
  });
}
