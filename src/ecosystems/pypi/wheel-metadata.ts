import zlib from 'node:zlib';
import { unzipSync } from 'fflate';
import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import { parseRequirement, type Pep508Requirement } from './requirement.js';

/**
 * Getting core metadata out of distribution files: the RFC 822-style
 * METADATA / PKG-INFO text, a wheel's zip read piece by piece (so a wheel's
 * METADATA or one labextension file costs two small range requests, not the
 * whole wheel), and an sdist's PKG-INFO from its tar or zip.
 */

// ---------------------------------------------------------------------------
// Core metadata (https://packaging.python.org/specifications/core-metadata/)

export interface ProjectUrl {
  label: string;
  url: string;
}

export interface InvalidRequirement {
  text: string;
  error: ChainwatchError;
}

export interface CoreMetadata {
  metadataVersion: string | null;
  name: string | null;
  version: string | null;
  summary: string | null;
  requiresPython: string | null;
  /** `Requires-Dist`, each parsed once with parseRequirement. */
  requiresDist: Pep508Requirement[];
  /** `Requires-Dist` lines that are not PEP 508, with the parser's error. */
  invalidRequiresDist: InvalidRequirement[];
  providesExtra: string[];
  license: string | null;
  /** PEP 639 SPDX expression (metadata 2.4). */
  licenseExpression: string | null;
  licenseFiles: string[];
  classifiers: string[];
  /** `Project-URL: Label, https://…` in order. */
  projectUrls: ProjectUrl[];
  homePage: string | null;
  downloadUrl: string | null;
  author: string | null;
  authorEmail: string | null;
  maintainer: string | null;
  maintainerEmail: string | null;
  /** PEP 643 `Dynamic` fields, lower-cased (`requires-dist`). */
  dynamic: string[];
  /** Every header as read: lower-cased name → values in order (for fields not listed above). */
  fields: Record<string, string[]>;
  /** Lines that are not headers, located by path and line. */
  errors: ChainwatchError[];
}

/**
 * setuptools wrote `UNKNOWN` for fields it was not given; that is the absence
 * of a value, not a licence or an author called UNKNOWN.
 */
export function metadataValue(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' || trimmed === 'UNKNOWN' ? null : trimmed;
}

/**
 * Reads the header block of METADATA / PKG-INFO (the body, after the first
 * blank line, is the long description and is skipped). Continuation lines
 * (starting with a blank) join their header with a newline, minus the
 * 8-space or `       |` indent setuptools adds. A line that is neither ends
 * the headers, as in Python's email parser, and is reported. Never throws.
 */
export function parseCoreMetadata(text: string, path = 'METADATA'): CoreMetadata {
  const fields: Record<string, string[]> = {};
  const errors: ChainwatchError[] = [];
  const lines = text.replace(/^\ufeff/, '').split(/\r\n|\n|\r/);
  let current: { name: string; index: number } | null = null;
  for (const [index, line] of lines.entries()) {
    if (line === '') break;
    if (/^[ \t]/.test(line)) {
      if (!current) {
        errors.push(new ChainwatchError('parse-error', 'continuation line before any header', { location: { path, line: index + 1 } }));
        continue;
      }
      const values = fields[current.name]!;
      values[current.index] += `\n${line.replace(/^(?: {7}\||[ \t]{1,8})/, '').trimEnd()}`;
      continue;
    }
    const header = /^([\x21-\x39\x3b-\x7e]+):[ \t]*(.*)$/.exec(line);
    if (!header) {
      errors.push(new ChainwatchError('parse-error', `not a metadata header: ${JSON.stringify(line.slice(0, 80))}`, { location: { path, line: index + 1 } }));
      break;
    }
    const name = header[1]!.toLowerCase();
    const values = (fields[name] ??= []);
    values.push(header[2]!.trimEnd());
    current = { name, index: values.length - 1 };
  }

  const first = (name: string): string | null => metadataValue(fields[name]?.[0]);
  const all = (name: string): string[] => (fields[name] ?? []).map((value) => value.trim()).filter((value) => value !== '');

  const requiresDist: Pep508Requirement[] = [];
  const invalidRequiresDist: InvalidRequirement[] = [];
  for (const requirementText of all('requires-dist')) {
    const parsed = parseRequirement(requirementText, { path });
    if (parsed.ok) requiresDist.push(parsed.value);
    else invalidRequiresDist.push({ text: requirementText, error: parsed.error });
  }

  return {
    metadataVersion: first('metadata-version'),
    name: first('name'),
    version: first('version'),
    summary: first('summary'),
    requiresPython: first('requires-python'),
    requiresDist,
    invalidRequiresDist,
    providesExtra: all('provides-extra'),
    license: first('license'),
    licenseExpression: first('license-expression'),
    licenseFiles: all('license-file'),
    classifiers: all('classifier'),
    projectUrls: all('project-url').map((value) => {
      const comma = value.indexOf(',');
      return comma === -1 ? { label: '', url: value } : { label: value.slice(0, comma).trim(), url: value.slice(comma + 1).trim() };
    }),
    homePage: first('home-page'),
    downloadUrl: first('download-url'),
    author: first('author'),
    authorEmail: first('author-email'),
    maintainer: first('maintainer'),
    maintainerEmail: first('maintainer-email'),
    dynamic: all('dynamic').map((field) => field.toLowerCase()),
    fields,
    errors,
  };
}

/** `2.2` → [2, 2]; null when the text is not a dotted number. */
export function metadataVersionParts(metadataVersion: string | null): [number, number] | null {
  const match = /^(\d+)\.(\d+)/.exec(metadataVersion?.trim() ?? '');
  return match ? [Number(match[1]), Number(match[2])] : null;
}

// ---------------------------------------------------------------------------
// Zip (wheels): APPNOTE.TXT, read from the end, one range at a time

/** Random access to a file that is not (necessarily) all here: a wheel behind HTTP range requests. */
export interface ByteSource {
  /** The file's total length. */
  readonly size: number;
  /** Bytes `[start, end)`. */
  read(start: number, end: number): Promise<Uint8Array>;
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export interface ZipDirectory {
  entries: ZipEntry[];
  centralDirectoryOffset: number;
}

/** The first read from the end: the end record plus, for most wheels, the whole central directory. */
export const ZIP_TAIL_BYTES = 8 * 1024;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
/** A member larger than this is not read into memory (labextension manifests and METADATA are kilobytes). */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

const SIGNATURE = {
  localHeader: 0x04034b50,
  centralHeader: 0x02014b50,
  endOfCentralDirectory: 0x06054b50,
  zip64EndOfCentralDirectory: 0x06064b50,
  zip64Locator: 0x07064b50,
} as const;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function uint64(data: DataView, offset: number): number {
  const value = data.getBigUint64(offset, true);
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.NaN : Number(value);
}

function zipError(label: string, message: string): ChainwatchError {
  return new ChainwatchError('unreadable-file', `not a readable zip archive: ${message}`, { location: { path: label } });
}

/** Finds the end of central directory record (the last one whose comment fits) in the file's tail. */
function findEndRecord(tail: Uint8Array): number {
  const data = view(tail);
  for (let index = tail.length - END_RECORD_BYTES; index >= 0; index--) {
    if (data.getUint32(index, true) !== SIGNATURE.endOfCentralDirectory) continue;
    if (index + END_RECORD_BYTES + data.getUint16(index + 20, true) <= tail.length) return index;
  }
  return -1;
}

/**
 * Reads a zip's central directory: the end record from the file's last
 * ZIP_TAIL_BYTES (or up to 64 KiB more when a comment hides it), ZIP64
 * records when the counts overflow, then the directory itself. Host failures
 * from `source.read` propagate; a malformed archive is an error value.
 */
export async function readZipDirectory(source: ByteSource, label: string): Promise<Result<ZipDirectory>> {
  const size = source.size;
  if (size < END_RECORD_BYTES) return fail(zipError(label, `${size} bytes is too short`));
  let tailStart = Math.max(0, size - ZIP_TAIL_BYTES);
  let tail = await source.read(tailStart, size);
  let endIndex = findEndRecord(tail);
  const widestStart = Math.max(0, size - END_RECORD_BYTES - MAX_COMMENT_BYTES);
  if (endIndex === -1 && tailStart > widestStart) {
    tailStart = widestStart;
    tail = await source.read(tailStart, size);
    endIndex = findEndRecord(tail);
  }
  if (endIndex === -1) return fail(zipError(label, 'no end of central directory record'));

  const end = view(tail);
  let entryCount = end.getUint16(endIndex + 10, true);
  let directorySize = end.getUint32(endIndex + 12, true);
  let directoryOffset = end.getUint32(endIndex + 16, true);
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    const locatorIndex = endIndex - 20;
    if (locatorIndex < 0 || end.getUint32(locatorIndex, true) !== SIGNATURE.zip64Locator) {
      return fail(zipError(label, 'ZIP64 sizes without a ZIP64 locator'));
    }
    const recordOffset = uint64(end, locatorIndex + 8);
    if (!(recordOffset + 56 <= size)) return fail(zipError(label, 'ZIP64 end record out of range'));
    const record = view(await source.read(recordOffset, recordOffset + 56));
    if (record.getUint32(0, true) !== SIGNATURE.zip64EndOfCentralDirectory) return fail(zipError(label, 'bad ZIP64 end record'));
    entryCount = uint64(record, 32);
    directorySize = uint64(record, 40);
    directoryOffset = uint64(record, 48);
  }
  if (!(directoryOffset + directorySize <= size)) return fail(zipError(label, 'central directory out of range'));

  const directory = await source.read(directoryOffset, directoryOffset + directorySize);
  const entries = parseCentralDirectory(directory, entryCount, directoryOffset, label);
  return entries.ok ? ok({ entries: entries.value, centralDirectoryOffset: directoryOffset }) : entries;
}

function parseCentralDirectory(directory: Uint8Array, entryCount: number, directoryOffset: number, label: string): Result<ZipEntry[]> {
  const data = view(directory);
  const decoder = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let position = 0;
  for (let index = 0; index < entryCount; index++) {
    if (position + 46 > directory.length || data.getUint32(position, true) !== SIGNATURE.centralHeader) {
      return fail(zipError(label, `central directory entry ${index + 1} of ${entryCount} is missing`));
    }
    const nameLength = data.getUint16(position + 28, true);
    const extraLength = data.getUint16(position + 30, true);
    const commentLength = data.getUint16(position + 32, true);
    const next = position + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) return fail(zipError(label, `central directory entry ${index + 1} is truncated`));
    const entry: ZipEntry = {
      // Wheels are UTF-8 by specification, whatever flag bit 11 says.
      name: decoder.decode(directory.subarray(position + 46, position + 46 + nameLength)),
      flags: data.getUint16(position + 8, true),
      method: data.getUint16(position + 10, true),
      crc32: data.getUint32(position + 16, true),
      compressedSize: data.getUint32(position + 20, true),
      uncompressedSize: data.getUint32(position + 24, true),
      localHeaderOffset: data.getUint32(position + 42, true),
    };
    applyZip64Extra(entry, directory.subarray(position + 46 + nameLength, position + 46 + nameLength + extraLength));
    if (!(entry.localHeaderOffset < directoryOffset)) return fail(zipError(label, `entry ${JSON.stringify(entry.name)} starts outside the archive`));
    entries.push(entry);
    position = next;
  }
  return ok(entries);
}

/** The ZIP64 extra field (id 1) holds, in order, the 64-bit values whose 32-bit fields are all ones. */
function applyZip64Extra(entry: ZipEntry, extra: Uint8Array): void {
  const data = view(extra);
  for (let position = 0; position + 4 <= extra.length; ) {
    const id = data.getUint16(position, true);
    const length = data.getUint16(position + 2, true);
    if (id === 0x0001) {
      let cursor = position + 4;
      const take = (): number => {
        if (cursor + 8 > position + 4 + length) return Number.NaN;
        const value = uint64(data, cursor);
        cursor += 8;
        return value;
      };
      if (entry.uncompressedSize === 0xffffffff) entry.uncompressedSize = take();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = take();
      if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = take();
      return;
    }
    position += 4 + length;
  }
}

/**
 * Reads and inflates one member: one read from its local header to the next
 * header (or the directory), so a member costs one range request. The CRC-32
 * and length are checked.
 */
export async function readZipMember(source: ByteSource, directory: ZipDirectory, entry: ZipEntry, label: string): Promise<Result<Buffer>> {
  const where = `${label}!/${entry.name}`;
  if (entry.flags & 0x1) return fail(zipError(where, 'the member is encrypted'));
  if (entry.method !== 0 && entry.method !== 8) return fail(zipError(where, `compression method ${entry.method} is not supported`));
  if (!(entry.uncompressedSize <= MAX_MEMBER_BYTES)) return fail(zipError(where, `the member is larger than ${MAX_MEMBER_BYTES} bytes`));
  let end = directory.centralDirectoryOffset;
  for (const other of directory.entries) {
    if (other.localHeaderOffset > entry.localHeaderOffset && other.localHeaderOffset < end) end = other.localHeaderOffset;
  }
  const bytes = await source.read(entry.localHeaderOffset, end);
  const data = view(bytes);
  if (bytes.length < 30 || data.getUint32(0, true) !== SIGNATURE.localHeader) return fail(zipError(where, 'bad local header'));
  const dataStart = 30 + data.getUint16(26, true) + data.getUint16(28, true);
  const compressed = bytes.subarray(dataStart, dataStart + entry.compressedSize);
  if (compressed.length !== entry.compressedSize) return fail(zipError(where, 'the member is truncated'));
  let content: Buffer;
  try {
    content =
      entry.method === 0
        ? Buffer.from(compressed)
        : entry.uncompressedSize === 0
          ? Buffer.alloc(0)
          : zlib.inflateRawSync(compressed, { maxOutputLength: entry.uncompressedSize });
  } catch (error) {
    return fail(new ChainwatchError('unreadable-file', `not a readable zip archive: ${(error as Error).message}`, { location: { path: where }, cause: error }));
  }
  if (content.length !== entry.uncompressedSize) return fail(zipError(where, `inflated to ${content.length} bytes, expected ${entry.uncompressedSize}`));
  if (zlib.crc32(content) !== entry.crc32) return fail(zipError(where, 'CRC-32 mismatch'));
  return ok(content);
}

/** The wheel's `<name>-<version>.dist-info/METADATA` (top level only; the one named after the wheel when several). */
export function findWheelMetadataEntry(directory: ZipDirectory, wheelFilename: string): ZipEntry | null {
  const candidates = directory.entries.filter((entry) => /^[^/]+\.dist-info\/METADATA$/.test(entry.name));
  const [distribution, version] = wheelFilename.split('-');
  const expected = `${distribution}-${version}.dist-info/METADATA`.toLowerCase();
  return candidates.find((entry) => entry.name.toLowerCase() === expected) ?? candidates[0] ?? null;
}

// ---------------------------------------------------------------------------
// Sdists: PKG-INFO at the top of a .tar.gz, .tar or .zip

/** The most an sdist may inflate to before it is refused (a gzip bomb guard). */
export const MAX_SDIST_INFLATED_BYTES = 512 * 1024 * 1024;

const PKG_INFO_PATH = /^[^/]+\/PKG-INFO$/;

function cString(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const nul = field.indexOf(0);
  return new TextDecoder('utf-8').decode(nul === -1 ? field : field.subarray(0, nul));
}

function tarNumber(bytes: Uint8Array, start: number, length: number): number {
  if (bytes[start]! & 0x80) {
    // GNU base-256 for sizes over 8 GiB.
    let value = 0;
    for (let index = start + 1; index < start + length; index++) value = value * 256 + bytes[index]!;
    return value;
  }
  const text = cString(bytes, start, length).trim();
  return text === '' ? 0 : Number.parseInt(text, 8);
}

function tarChecksumMatches(header: Uint8Array): boolean {
  let sum = 0;
  for (let index = 0; index < 512; index++) sum += index >= 148 && index < 156 ? 0x20 : header[index]!;
  return sum === tarNumber(header, 148, 8);
}

/** `key=value` records of a PAX extended header (`<length> <key>=<value>\n`). */
function paxRecords(data: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const text = new TextDecoder('utf-8').decode(data);
  for (const line of text.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match) records.set(match[1]!, match[2]!);
  }
  return records;
}

/**
 * Walks a tar archive (ustar, GNU long names, PAX paths) and returns the
 * first regular file whose name (without a leading `./`) satisfies `wanted`;
 * null when there is none. A header with a bad checksum is an error value.
 */
export function findTarMember(tar: Uint8Array, wanted: (name: string) => boolean, label: string): Result<{ name: string; data: Uint8Array } | null> {
  let position = 0;
  let longName: string | null = null;
  while (position + 512 <= tar.length) {
    const header = tar.subarray(position, position + 512);
    if (header.every((byte) => byte === 0)) break;
    if (!tarChecksumMatches(header)) {
      return fail(new ChainwatchError('unreadable-file', `not a readable tar archive: bad header checksum at byte ${position}`, { location: { path: label } }));
    }
    const size = tarNumber(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const dataStart = position + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    position = dataStart + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = cString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      longName = paxRecords(data).get('path') ?? longName;
      continue;
    }
    if (type === 'g') continue;
    const isUstar = cString(header, 257, 5) === 'ustar';
    const prefix = isUstar ? cString(header, 345, 155) : '';
    const shortName = cString(header, 0, 100);
    const name = (longName ?? (prefix ? `${prefix}/${shortName}` : shortName)).replace(/^\.\//, '');
    longName = null;
    if ((type === '0' || type === '\0' || type === '7') && wanted(name)) {
      if (data.length !== size) {
        return fail(new ChainwatchError('unreadable-file', `not a readable tar archive: ${name} is truncated`, { location: { path: label } }));
      }
      return ok({ name, data });
    }
  }
  return ok(null);
}

export type SdistFormat = 'tar.gz' | 'tar' | 'zip';

/** The archive formats PKG-INFO can be read from with node:zlib and fflate (not .tar.bz2, .tar.xz, .tar.Z). */
export function sdistFormatOf(filename: string): SdistFormat | null {
  const lower = filename.toLowerCase();
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar')) return 'tar';
  if (lower.endsWith('.zip')) return 'zip';
  return null;
}

/** The sdist's top-level `<name>-<version>/PKG-INFO` as text; null when the archive has none. */
export function readSdistPkgInfo(archive: Uint8Array, format: SdistFormat, label: string): Result<string | null> {
  const decode = (data: Uint8Array): string => new TextDecoder('utf-8').decode(data);
  if (format === 'zip') {
    try {
      const members = unzipSync(archive, { filter: (file) => PKG_INFO_PATH.test(file.name) });
      const name = Object.keys(members).sort()[0];
      return ok(name === undefined ? null : decode(members[name]!));
    } catch (error) {
      return fail(new ChainwatchError('unreadable-file', `not a readable zip archive: ${(error as Error).message}`, { location: { path: label }, cause: error }));
    }
  }
  let tar: Uint8Array = archive;
  if (format === 'tar.gz') {
    try {
      tar = zlib.gunzipSync(archive, { maxOutputLength: MAX_SDIST_INFLATED_BYTES });
    } catch (error) {
      return fail(new ChainwatchError('unreadable-file', `not a readable gzip file: ${(error as Error).message}`, { location: { path: label }, cause: error }));
    }
  }
  const member = findTarMember(tar, (name) => PKG_INFO_PATH.test(name), label);
  if (!member.ok) return member;
  return ok(member.value === null ? null : decode(member.value.data));
}
