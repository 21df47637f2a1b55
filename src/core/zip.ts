import zlib from 'node:zlib';
import { ChainwatchError, fail, ok, type Result } from './errors.js';

/**
 * A zip reader for two callers: wheels read piece by piece over HTTP range
 * requests (readZipDirectory / readZipMember on a ByteSource), and OSV export
 * zips already in memory (readZipDirectorySync / readZipMemberSync), which
 * hold 200k+ entries. Members are inflated with node:zlib (native) and their
 * CRC-32 checked.
 *
 * Why hand-written: fflate (the zip library in use) cannot read an archive's
 * directory without inflating it, trusts the end record's 16-bit entry count
 * (writers without ZIP64 store it modulo 65,536, silently hiding entries), and
 * inflates in JavaScript, several times slower than zlib on large exports.
 */

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

/**
 * What a zip may cost. A member never inflates past its declared size (zlib
 * stops at `maxOutputLength` while inflating, and a shorter result is an
 * error too), so the declared sizes bound the work, and they are checked
 * against these limits before anything is inflated.
 */
export interface ZipLimits {
  /** Bytes one member may inflate to. */
  maxMemberBytes: number;
  /** Bytes all members together may inflate to. */
  maxTotalBytes: number;
  /** Entries the central directory may hold. */
  maxEntries: number;
}

/** The first read from the end: the end record plus, for most wheels, the whole central directory. */
export const ZIP_TAIL_BYTES = 8 * 1024;
const END_RECORD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
/** A member larger than this is not read into memory (labextension manifests and METADATA are kilobytes). */
export const MAX_MEMBER_BYTES = 64 * 1024 * 1024;

/** The limits when the caller states none: members as above, no total beyond what the entries allow. */
export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxMemberBytes: MAX_MEMBER_BYTES, maxTotalBytes: Number.POSITIVE_INFINITY, maxEntries: 1 << 22 };

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

interface EndRecord {
  entryCount: number;
  directorySize: number;
  directoryOffset: number;
}

/** The end record found at `endIndex` of `tail`; `zip64At` when a field overflowed and the ZIP64 record must be read. */
function readEndRecord(tail: Uint8Array, endIndex: number, size: number, label: string): Result<EndRecord | { zip64At: number }> {
  const end = view(tail);
  const record = { entryCount: end.getUint16(endIndex + 10, true), directorySize: end.getUint32(endIndex + 12, true), directoryOffset: end.getUint32(endIndex + 16, true) };
  if (record.entryCount !== 0xffff && record.directorySize !== 0xffffffff && record.directoryOffset !== 0xffffffff) return ok(record);
  const locatorIndex = endIndex - 20;
  if (locatorIndex < 0 || end.getUint32(locatorIndex, true) !== SIGNATURE.zip64Locator) return fail(zipError(label, 'ZIP64 sizes without a ZIP64 locator'));
  const zip64At = uint64(end, locatorIndex + 8);
  if (!(zip64At + 56 <= size)) return fail(zipError(label, 'ZIP64 end record out of range'));
  return ok({ zip64At });
}

function readZip64EndRecord(bytes: Uint8Array, label: string): Result<EndRecord> {
  const record = view(bytes);
  if (record.getUint32(0, true) !== SIGNATURE.zip64EndOfCentralDirectory) return fail(zipError(label, 'bad ZIP64 end record'));
  return ok({ entryCount: uint64(record, 32), directorySize: uint64(record, 40), directoryOffset: uint64(record, 48) });
}

function directoryInRange(record: EndRecord, size: number, label: string): Result<EndRecord> {
  return record.directoryOffset + record.directorySize <= size ? ok(record) : fail(zipError(label, 'central directory out of range'));
}

/**
 * Reads a zip's central directory: the end record from the file's last
 * ZIP_TAIL_BYTES (or up to 64 KiB more when a comment hides it), ZIP64
 * records when the counts overflow, then the directory itself. Host failures
 * from `source.read` propagate; a malformed archive is an error value.
 */
export async function readZipDirectory(source: ByteSource, label: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<Result<ZipDirectory>> {
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
  let found = readEndRecord(tail, endIndex, size, label);
  if (found.ok && 'zip64At' in found.value) found = readZip64EndRecord(await source.read(found.value.zip64At, found.value.zip64At + 56), label);
  const record = found.ok ? directoryInRange(found.value as EndRecord, size, label) : found;
  if (!record.ok) return record;
  const { entryCount, directorySize, directoryOffset } = record.value;
  const entries = parseCentralDirectory(await source.read(directoryOffset, directoryOffset + directorySize), entryCount, directoryOffset, label, limits);
  if (!entries.ok) return entries;
  // Local headers are not at hand here: each member spans at least its fixed header and its data.
  const checked = checkLayout(entries.value, directoryOffset, () => 0, label, limits);
  return checked.ok ? ok({ entries: entries.value, centralDirectoryOffset: directoryOffset }) : checked;
}

/** readZipDirectory for an archive that is all in memory. */
export function readZipDirectorySync(bytes: Uint8Array, label: string, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Result<ZipDirectory> {
  const size = bytes.length;
  if (size < END_RECORD_BYTES) return fail(zipError(label, `${size} bytes is too short`));
  const tail = bytes.subarray(Math.max(0, size - END_RECORD_BYTES - MAX_COMMENT_BYTES));
  const endIndex = findEndRecord(tail);
  if (endIndex === -1) return fail(zipError(label, 'no end of central directory record'));
  let found = readEndRecord(tail, endIndex, size, label);
  if (found.ok && 'zip64At' in found.value) found = readZip64EndRecord(bytes.subarray(found.value.zip64At, found.value.zip64At + 56), label);
  const record = found.ok ? directoryInRange(found.value as EndRecord, size, label) : found;
  if (!record.ok) return record;
  const { entryCount, directorySize, directoryOffset } = record.value;
  const entries = parseCentralDirectory(bytes.subarray(directoryOffset, directoryOffset + directorySize), entryCount, directoryOffset, label, limits);
  if (!entries.ok) return entries;
  const checked = checkLayout(entries.value, directoryOffset, (entry) => localHeaderVariableBytes(bytes, entry.localHeaderOffset), label, limits);
  return checked.ok ? ok({ entries: entries.value, centralDirectoryOffset: directoryOffset }) : checked;
}

/**
 * The name and extra field lengths of the local header at `offset` of
 * `bytes`, or 0 when there is no local header there (the member then fails
 * on its own when read).
 */
export function localHeaderVariableBytes(bytes: Uint8Array, offset: number): number {
  if (!(offset >= 0 && offset + 30 <= bytes.length)) return 0;
  const data = view(bytes);
  return data.getUint32(offset, true) === SIGNATURE.localHeader ? data.getUint16(offset + 26, true) + data.getUint16(offset + 28, true) : 0;
}

/**
 * Every member must occupy its own bytes before the central directory, and
 * the declared sizes must fit the limits. Without this, a 64 KiB archive whose
 * directory points thousands of entries at one highly compressed member
 * inflates gigabytes (each entry is a valid member, CRC and all).
 * `variableHeaderBytes` gives a member's local name and extra field lengths
 * (0 when unknown: the span is then a lower bound, which still catches
 * shared offsets and members inside other members' data).
 */
function checkLayout(
  entries: readonly ZipEntry[],
  directoryOffset: number,
  variableHeaderBytes: (entry: ZipEntry) => number,
  label: string,
  limits: ZipLimits,
): Result<true> {
  let total = 0;
  for (const entry of entries) {
    if (!(entry.uncompressedSize <= limits.maxMemberBytes)) continue; // reported for that member alone when it is read
    total += entry.uncompressedSize;
  }
  const byOffset = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let index = 0; index < byOffset.length; index++) {
    const entry = byOffset[index]!;
    const end = entry.localHeaderOffset + 30 + variableHeaderBytes(entry) + entry.compressedSize;
    const next = byOffset[index + 1];
    if (next !== undefined && next.localHeaderOffset === entry.localHeaderOffset) {
      return fail(zipError(label, `entries ${JSON.stringify(next.name)} and ${JSON.stringify(entry.name)} both start at offset ${entry.localHeaderOffset}`));
    }
    if (next !== undefined && next.localHeaderOffset < end) {
      return fail(zipError(label, `entry ${JSON.stringify(next.name)} starts inside entry ${JSON.stringify(entry.name)} (overlapping members)`));
    }
    if (!(end <= directoryOffset)) return fail(zipError(label, `entry ${JSON.stringify(entry.name)} runs into the central directory`));
  }
  if (total > limits.maxTotalBytes) {
    return fail(zipError(label, `its members would inflate to ${total} bytes, more than the limit of ${limits.maxTotalBytes} bytes for this archive`));
  }
  return ok(true);
}

function parseCentralDirectory(directory: Uint8Array, entryCount: number, directoryOffset: number, label: string, limits: ZipLimits): Result<ZipEntry[]> {
  const data = view(directory);
  const decoder = new TextDecoder('utf-8');
  const entries: ZipEntry[] = [];
  let position = 0;
  // Read every header the directory holds: a writer without ZIP64 support stores
  // the count modulo 65,536, so the count alone would silently drop entries.
  while (position < directory.length) {
    const index = entries.length;
    if (index >= limits.maxEntries) return fail(zipError(label, `it holds more than ${limits.maxEntries} entries, the limit for this archive`));
    if (position + 46 > directory.length || data.getUint32(position, true) !== SIGNATURE.centralHeader) {
      return fail(zipError(label, `central directory entry ${index + 1} of ${entryCount} is missing`));
    }
    const nameLength = data.getUint16(position + 28, true);
    const extraLength = data.getUint16(position + 30, true);
    const commentLength = data.getUint16(position + 32, true);
    const next = position + 46 + nameLength + extraLength + commentLength;
    if (next > directory.length) return fail(zipError(label, `central directory entry ${index + 1} is truncated`));
    const entry: ZipEntry = {
      // Wheels and OSV exports are UTF-8, whatever flag bit 11 says.
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
  if (entries.length !== entryCount && entries.length % 0x10000 !== entryCount % 0x10000) {
    return fail(zipError(label, `the end record lists ${entryCount} entries but the central directory holds ${entries.length}`));
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

function memberError(where: string, message: string): ChainwatchError {
  return new ChainwatchError('unreadable-file', `cannot inflate zip entry: ${message}`, { location: { path: where } });
}

/** Where a member's bytes end: the next local header, or the central directory. */
function memberEnd(directory: ZipDirectory, entry: ZipEntry): number {
  let end = directory.centralDirectoryOffset;
  for (const other of directory.entries) {
    if (other.localHeaderOffset > entry.localHeaderOffset && other.localHeaderOffset < end) end = other.localHeaderOffset;
  }
  return end;
}

/**
 * Inflates a member from the bytes that start at its local header (at least
 * up to the end of its data); zlib stops at the declared size, so a lying
 * member costs no more than an honest one. What readZipMember and
 * readZipMemberSync do once they have the bytes, for callers that read the
 * archive in their own way (an export zip streamed to worker threads).
 */
export function inflateMember(bytes: Uint8Array, entry: ZipEntry, where: string, maxMemberBytes: number): Result<Buffer> {
  if (entry.flags & 0x1) return fail(memberError(where, 'the member is encrypted'));
  if (entry.method !== 0 && entry.method !== 8) return fail(memberError(where, `compression method ${entry.method} is not supported`));
  if (!(entry.uncompressedSize <= maxMemberBytes)) return fail(memberError(where, `the member is larger than ${maxMemberBytes} bytes`));
  const data = view(bytes);
  if (bytes.length < 30 || data.getUint32(0, true) !== SIGNATURE.localHeader) return fail(memberError(where, 'bad local header'));
  const dataStart = 30 + data.getUint16(26, true) + data.getUint16(28, true);
  const compressed = bytes.subarray(dataStart, dataStart + entry.compressedSize);
  if (compressed.length !== entry.compressedSize) return fail(memberError(where, 'the member is truncated'));
  let content: Buffer;
  try {
    content =
      entry.method === 0
        ? Buffer.from(compressed)
        : entry.uncompressedSize === 0
          ? Buffer.alloc(0)
          : zlib.inflateRawSync(compressed, { maxOutputLength: entry.uncompressedSize });
  } catch (error) {
    return fail(new ChainwatchError('unreadable-file', `cannot inflate zip entry: ${(error as Error).message}`, { location: { path: where }, cause: error }));
  }
  if (content.length !== entry.uncompressedSize) return fail(memberError(where, `inflated to ${content.length} bytes, expected ${entry.uncompressedSize}`));
  if (zlib.crc32(content) !== entry.crc32) return fail(memberError(where, 'CRC-32 mismatch'));
  return ok(content);
}

/**
 * Reads and inflates one member: one read from its local header to the next
 * header (or the directory), so a member costs one range request. The CRC-32
 * and length are checked.
 */
export async function readZipMember(
  source: ByteSource,
  directory: ZipDirectory,
  entry: ZipEntry,
  label: string,
  limits: Pick<ZipLimits, 'maxMemberBytes'> = DEFAULT_ZIP_LIMITS,
): Promise<Result<Buffer>> {
  const where = `${label}!/${entry.name}`;
  if (!(entry.uncompressedSize <= limits.maxMemberBytes)) return fail(memberError(where, `the member is larger than ${limits.maxMemberBytes} bytes`));
  return inflateMember(await source.read(entry.localHeaderOffset, memberEnd(directory, entry)), entry, where, limits.maxMemberBytes);
}

/** readZipMember for an archive that is all in memory. */
export function readZipMemberSync(
  bytes: Uint8Array,
  directory: ZipDirectory,
  entry: ZipEntry,
  label: string,
  limits: Pick<ZipLimits, 'maxMemberBytes'> = DEFAULT_ZIP_LIMITS,
): Result<Buffer> {
  // Without the following header's offset, the member's compressed size bounds the read (local headers are at most 30 + 2 × 65,535 bytes).
  const end = Math.min(bytes.length, entry.localHeaderOffset + 30 + 0x1ffff + entry.compressedSize);
  return inflateMember(bytes.subarray(entry.localHeaderOffset, end), entry, `${label}!/${entry.name}`, limits.maxMemberBytes);
}
