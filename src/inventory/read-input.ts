import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ChainwatchError, fail, ok, type Result } from '../core/errors.js';

/**
 * The one way chainwatch reads a file it was given (a lockfile, an include,
 * an OSV record, a configuration file): only regular files, never more than
 * a stated number of bytes, and text only when it is valid UTF-8.
 *
 * Why not `readFile`: it follows a path to a FIFO or `/dev/stdin` and blocks
 * for ever, reads `/dev/zero` until the process dies, and replaces invalid
 * UTF-8 with U+FFFD so names come out mangled without a word. The file is
 * opened with O_NONBLOCK (so opening a FIFO with no writer returns at once),
 * checked with fstat on the same descriptor (no race between check and
 * read), and read in chunks up to the limit.
 */

const MiB = 1024 * 1024;

/** Size limits per kind of input. Each is far above anything real (jupyterlab's yarn.lock is 1 MB). */
export const INPUT_LIMITS = {
  /** A lockfile, manifest, SBOM or requirements include. */
  lockfile: 256 * MiB,
  /** One OSV record file. */
  advisory: 16 * MiB,
  /** An OSV export zip. */
  advisoryArchive: 4096 * MiB,
  /** chainwatch.yaml, waivers, .npmrc, pip.conf, .condarc, a workflow file. */
  config: 8 * MiB,
} as const;

export interface ReadInputOptions {
  /** Bytes at most; one more is an `input-too-large` error. */
  maxBytes: number;
  /** The path as reports show it (default: the path given). */
  displayPath?: string;
}

const CHUNK = 1024 * 1024;

/**
 * How much to read next: first the size fstat gave plus one byte (a file that
 * did not grow is read in one call), at least 4 KiB (files in /proc report
 * size 0); then as much again as was read, up to 1 MiB. Two fixed 1 MiB
 * buffers per file made a directory of 2,600 small advisories five times
 * slower to read 32 at a time.
 */
function chunkSize(size: number, readSoFar: number): number {
  return Math.min(CHUNK, Math.max(readSoFar === 0 ? size + 1 : readSoFar, 4096));
}
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** fstat's answer on an opened input: its size when it is a regular file of at most `maxBytes`, else a ChainwatchError naming it. */
function checkedSize(info: { isFile(): boolean; size: number }, maxBytes: number, shown: string): number {
  if (!info.isFile()) throw notRegular(shown);
  if (info.size > maxBytes) throw tooLarge(shown, maxBytes);
  return info.size;
}

/**
 * One file's bytes as they are read, for the async reader and its sync twin
 * (they differ only in how they call read), after checkedSize: refused as
 * soon as what is read passes `maxBytes` (the file may grow meanwhile).
 */
function collectFile(size: number, maxBytes: number, shown: string) {
  const chunks: Buffer[] = [];
  let total = 0;
  return {
    /** A buffer for the next read: chunkSize(), but never more than one byte past the limit. */
    nextBuffer(): Buffer {
      return Buffer.allocUnsafe(Math.max(Math.min(chunkSize(size, total), maxBytes + 1 - total), 1));
    },
    /** Keeps what one read put in `buffer`; false at the end of the file. */
    take(buffer: Buffer, bytesRead: number): boolean {
      if (bytesRead === 0) return false;
      total += bytesRead;
      if (total > maxBytes) throw tooLarge(shown, maxBytes);
      chunks.push(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead));
      return true;
    },
    bytes(): Buffer {
      return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
    },
  };
}

/** The bytes of a regular file, at most `maxBytes` of them; anything else is a ChainwatchError naming the file. */
export async function readInputBytes(path: string, options: ReadInputOptions): Promise<Buffer> {
  const shown = options.displayPath ?? path;
  const { handle, size } = await openInputFile(path, options);
  try {
    const collector = collectFile(size, options.maxBytes, shown);
    for (;;) {
      const buffer = collector.nextBuffer();
      if (!collector.take(buffer, (await handle.read(buffer, 0, buffer.length, null)).bytesRead)) return collector.bytes();
    }
  } catch (error) {
    if (error instanceof ChainwatchError) throw error;
    throw unreadable(shown, error);
  } finally {
    await handle.close();
  }
}

/**
 * A regular file of at most `maxBytes`, opened for reading in parts (an
 * export zip read member by member) after the same checks as readInputBytes,
 * with its size at opening. The caller closes the handle.
 */
export async function openInputFile(path: string, options: ReadInputOptions): Promise<{ handle: FileHandle; size: number }> {
  const shown = options.displayPath ?? path;
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (cause) {
    throw unreadable(shown, cause);
  }
  try {
    return { handle, size: checkedSize(await handle.stat(), options.maxBytes, shown) };
  } catch (error) {
    await handle.close();
    if (error instanceof ChainwatchError) throw error;
    throw unreadable(shown, error);
  }
}

/** The synchronous twin, for callbacks that cannot wait (an extractor's `readRelated`). */
export function readInputBytesSync(path: string, options: ReadInputOptions): Buffer {
  const shown = options.displayPath ?? path;
  let descriptor: number;
  try {
    descriptor = openSync(path, OPEN_FLAGS);
  } catch (cause) {
    throw unreadable(shown, cause);
  }
  try {
    const collector = collectFile(checkedSize(fstatSync(descriptor), options.maxBytes, shown), options.maxBytes, shown);
    for (;;) {
      const buffer = collector.nextBuffer();
      if (!collector.take(buffer, readSync(descriptor, buffer, 0, buffer.length, null))) return collector.bytes();
    }
  } catch (error) {
    if (error instanceof ChainwatchError) throw error;
    throw unreadable(shown, error);
  } finally {
    closeSync(descriptor);
  }
}

/** A regular file's text: valid UTF-8 (a leading BOM dropped), at most `maxBytes`. */
export async function readInputText(path: string, options: ReadInputOptions): Promise<string> {
  return decodeUtf8(await readInputBytes(path, options), options.displayPath ?? path);
}

export function readInputTextSync(path: string, options: ReadInputOptions): string {
  return decodeUtf8(readInputBytesSync(path, options), options.displayPath ?? path);
}

/**
 * A configuration file's text (at most INPUT_LIMITS.config), or the reason it
 * cannot be read as an error value: `cannot read <what>: <why>`, located at
 * the file. chainwatch.yaml and waiver files are read this way.
 */
export function readConfigText(path: string, what: string): Result<string> {
  try {
    return ok(readInputTextSync(path, { maxBytes: INPUT_LIMITS.config }));
  } catch (error) {
    if (!(error instanceof ChainwatchError)) throw error;
    return fail(new ChainwatchError(error.code, `cannot read ${what}: ${error.message}`, { location: error.location ?? { path }, cause: error }));
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * UTF-8 text, or an `invalid-encoding` error naming the file and the line of
 * the first bad byte. A leading BOM is dropped (TextDecoder's default).
 */
export function decodeUtf8(bytes: Uint8Array, displayPath: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8Offset(bytes);
    let line = 1;
    for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) line += 1;
    return invalidEncoding(displayPath, line, offset);
  }
}

function invalidEncoding(path: string, line: number, offset: number): never {
  throw new ChainwatchError('invalid-encoding', `is not valid UTF-8 (first bad byte at offset ${offset})`, { location: { path, line } });
}

/** The offset of the first byte that does not start or continue a valid UTF-8 sequence. */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (lead >= 0xc2 && lead <= 0xdf) length = 2;
    else if (lead >= 0xe0 && lead <= 0xef) {
      length = 3;
      if (lead === 0xe0) low = 0xa0;
      if (lead === 0xed) high = 0x9f;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
      length = 4;
      if (lead === 0xf0) low = 0x90;
      if (lead === 0xf4) high = 0x8f;
    } else return index;
    for (let k = 1; k < length; k++) {
      const next = bytes[index + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next === undefined || next < min || next > max) return index;
    }
    index += length;
  }
  return bytes.length;
}

function unreadable(path: string, cause: unknown): ChainwatchError {
  const code = (cause as { code?: string } | null)?.code;
  const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'cannot be read: permission denied' : code === 'EISDIR' ? 'is a directory' : 'cannot be read';
  return new ChainwatchError('unreadable-file', why, { location: { path }, cause });
}

function notRegular(path: string): ChainwatchError {
  return new ChainwatchError('unreadable-file', 'is not a regular file (a device, FIFO or socket is never read)', { location: { path } });
}

function tooLarge(path: string, maxBytes: number): ChainwatchError {
  return new ChainwatchError('input-too-large', `is larger than ${formatBytes(maxBytes)}, the limit for this kind of input`, { location: { path } });
}

function formatBytes(bytes: number): string {
  return bytes >= MiB ? `${Math.round(bytes / MiB)} MiB` : `${bytes} bytes`;
}
